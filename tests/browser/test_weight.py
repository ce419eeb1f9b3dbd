"""Page weight on first view with an empty cache, from the browser's own network log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import REPORT
from tests.browser.search_page import wait_until_ready
from tests.browser.support import Site
from tests.checkers import BAD, Weight

pytestmark = pytest.mark.browser

BUDGET = 60 * 1024  # bytes of HTML + CSS + JS + fonts, images excluded


@pytest.fixture
def fresh_page(browser: Browser) -> Iterator[Page]:
    """A new context: an empty cache, as on a first visit."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def weigh(page: Page, url: str) -> Weight:
    weight = Weight()
    page.on("response", weight.add)
    page.goto(url, wait_until="networkidle")
    return weight


@pytest.mark.parametrize("path", ["", "inovasi/cek-dan-sadari/"], ids=["home", "profile"])
def test_page_stays_within_budget_and_on_this_host(fresh_page: Page, site: Site, path: str) -> None:
    weight = weigh(fresh_page, site.at(path))
    REPORT.append(f"/{path}: {weight.describe()}")
    assert weight.hosts == {"127.0.0.1"}
    assert weight.by_kind.get("html", 0) > 5_000
    assert weight.by_kind.get("css", 0) > 1_000
    assert weight.budgeted <= BUDGET, weight.describe()


def test_search_page_weight_before_a_query_is_reported(fresh_page: Page, site: Site) -> None:
    weight = Weight()
    fresh_page.on("response", weight.add)
    fresh_page.goto(site.at("cari/"))
    wait_until_ready(fresh_page)
    fresh_page.wait_for_load_state("networkidle")
    REPORT.append(f"/cari/ before a query: {weight.describe()}")
    assert weight.hosts == {"127.0.0.1"}
    assert weight.by_kind.get("js", 0) > 0


def test_the_budget_catches_a_heavy_page(fresh_page: Page, site: Site) -> None:
    heavy = (BAD / "heavy.html").read_bytes()
    fresh_page.route("**/berat/", lambda route: route.fulfill(body=heavy, content_type="text/html"))
    weight = weigh(fresh_page, site.at("berat/"))
    assert weight.budgeted > BUDGET
