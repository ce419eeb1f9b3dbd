"""axe-core finds no WCAG 2.2 AA violation, at any impact, on any page type, phone and desktop."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.page_types import DESKTOP, IDS, PAGE_TYPES, PHONE, PageType
from tests.browser.search_page import wait_for_results
from tests.browser.support import Site
from tests.checkers import BAD, axe_violations

pytestmark = pytest.mark.browser


def open_page(page: Page, request: pytest.FixtureRequest, kind: PageType) -> None:
    """Show the page as a reader sees it; a redirect page is shown without following it."""
    site: Site = request.getfixturevalue(kind.site)
    if kind.name == "alias-redirect":
        html = page.request.get(site.at(kind.path)).text()
        page.goto(site.at("404.html"))  # same origin, so its stylesheet and links resolve
        page.set_content(html.replace('http-equiv="refresh"', 'data-refresh="off"'))
        return
    page.goto(site.at(kind.path))
    if kind.name == "search":
        wait_for_results(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("kind", PAGE_TYPES, ids=IDS)
def test_no_accessibility_violation(page: Page, request: pytest.FixtureRequest, kind: PageType,
                                    viewport: dict[str, int]) -> None:  # fmt: skip
    page.set_viewport_size(viewport)
    open_page(page, request, kind)
    assert axe_violations(page) == []


def test_search_with_facets_and_results(page: Page, site: Site) -> None:
    page.goto(site.at("cari/?q=layanan&sektor=kesehatan"))
    wait_for_results(page)
    page.locator("#f-sektor-pendidikan").check()
    wait_for_results(page)
    assert axe_violations(page) == []


def test_the_checker_reports_a_known_bad_page(page: Page) -> None:
    page.set_content((BAD / "a11y.html").read_text())
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label", "color-contrast", "html-has-lang", "link-name"} <= found
