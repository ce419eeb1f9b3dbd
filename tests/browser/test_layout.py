"""Phone layout: nothing scrolls sideways at 320 px; the main navigation is easy to tap."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.page_types import IDS, NARROWEST, PAGE_TYPES, PHONE, PageType
from tests.browser.search_page import wait_for_results
from tests.browser.support import Site
from tests.checkers import BAD, horizontal_overflow, small_targets

pytestmark = pytest.mark.browser

NAV_LINKS = "header.masthead nav a, header.masthead a.brand, a.skip:focus"


@pytest.mark.parametrize("kind", [k for k in PAGE_TYPES if k.name != "alias-redirect"],
                         ids=[i for i in IDS if i != "alias-redirect"])  # fmt: skip
def test_no_horizontal_scrolling_at_320_px(page: Page, request: pytest.FixtureRequest, kind: PageType) -> None:
    site: Site = request.getfixturevalue(kind.site)
    page.set_viewport_size(NARROWEST)
    page.goto(site.at(kind.path))
    if kind.name == "search":
        wait_for_results(page)
        page.locator("details.filters summary").click()  # the facets too, unfolded
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("viewport", [NARROWEST, PHONE], ids=["320", "390"])
def test_main_navigation_targets_are_at_least_24_px(page: Page, site: Site, viewport: dict[str, int]) -> None:
    page.set_viewport_size(viewport)
    page.goto(site.url)
    assert page.locator(NAV_LINKS).count() >= 6
    assert small_targets(page, NAV_LINKS) == []


def test_the_checks_report_a_known_bad_page(page: Page) -> None:
    page.set_viewport_size(NARROWEST)
    page.set_content((BAD / "wide.html").read_text())
    assert horizontal_overflow(page) > 200
    assert len(small_targets(page, ".nav a")) == 2
