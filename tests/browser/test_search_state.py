"""Search: sort orders, the whole state in the address, the way out of no results, the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, Route, expect

from tests.browser.search_page import result_slugs, wait_for_results
from tests.browser.shipped import count_text
from tests.browser.support import Site
from tests.helpers import SHIPPED

pytestmark = pytest.mark.browser


def front_matter(slug: str) -> dict[str, object]:
    text = (SHIPPED / "innovations" / f"{slug}.md").read_text(encoding="utf-8")
    data: dict[str, object] = yaml.safe_load(text.split("---\n", 2)[1])
    return data


def health_profiles() -> list[str]:
    return [p.stem for p in sorted(Path(SHIPPED / "innovations").glob("*.md"))
            if "." not in p.stem and "kesehatan" in front_matter(p.stem)["sectors"]]  # type: ignore[operator]  # fmt: skip


def test_sort_by_title(page: Page, site: Site) -> None:
    page.goto(site.at("cari/?sektor=kesehatan&urut=judul"))
    wait_for_results(page)
    titles = {slug: str(front_matter(slug)["title"]).lower() for slug in health_profiles()}
    assert result_slugs(page) == sorted(titles, key=lambda s: titles[s])


def test_sort_by_newest_start(page: Page, site: Site) -> None:
    page.goto(site.at("cari/?sektor=kesehatan&urut=terbaru"))
    wait_for_results(page)
    years = [int(str(front_matter(slug).get("started", "0"))[:4]) for slug in result_slugs(page)]
    assert years == sorted(years, reverse=True)
    assert set(result_slugs(page)) == set(health_profiles())


def test_changing_the_sort_changes_the_order_and_the_address(page: Page, site: Site) -> None:
    page.goto(site.at("cari/?sektor=kesehatan"))
    wait_for_results(page)
    page.locator("#urut").select_option("judul")
    expect(page).to_have_url(site.at("cari/?sektor=kesehatan&urut=judul"))
    wait_for_results(page)
    titles = [str(front_matter(s)["title"]).lower() for s in result_slugs(page)]
    assert titles == sorted(titles)


def test_reload_restores_words_facets_and_sort(page: Page, site: Site) -> None:
    page.goto(site.at("cari/?q=layanan&sektor=kesehatan&urut=judul"))
    wait_for_results(page)
    before = result_slugs(page)
    page.reload()
    wait_for_results(page)
    expect(page.locator("#q")).to_have_value("layanan")
    expect(page.locator("#f-sektor-kesehatan")).to_be_checked()
    expect(page.locator("#urut")).to_have_value("judul")
    assert result_slugs(page) == before


def test_no_results_offers_the_searches_that_would_give_some(page: Page, site: Site) -> None:
    page.goto(site.at("cari/?q=kanker&sektor=pendidikan"))
    buttons = page.locator("#search-suggestions button")
    expect(buttons).to_have_count(2)
    expect(buttons.nth(0)).to_have_text("Hapus saringan Pendidikan (1 hasil)")
    expect(buttons.nth(1)).to_have_text('Cari tanpa kata "kanker" (1 hasil)')
    buttons.nth(0).click()
    expect(page).to_have_url(site.at("cari/?q=kanker"))
    wait_for_results(page)
    assert result_slugs(page) == ["cek-dan-sadari"]
    expect(page.locator("#search-suggestions")).to_be_hidden()


def test_keyboard_alone_reaches_and_operates_the_controls(page: Page, site: Site) -> None:
    page.goto(site.at("cari/"))
    page.locator("#q").focus()
    page.keyboard.type("kanker")
    page.keyboard.press("Enter")
    wait_for_results(page)
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the sort order
    expect(page.locator("#urut")).to_be_focused()
    page.keyboard.press("Tab")  # the facets' summary
    page.keyboard.press("Tab")  # the first facet value
    expect(page.locator("#f-sektor-administrasi-kependudukan")).to_be_focused()
    page.keyboard.press("Space")
    expect(page).to_have_url(site.at("cari/?q=kanker&sektor=administrasi-kependudukan"))
    expect(page.locator("#search-suggestions button")).to_have_count(2)


class _Gate:
    """Holds the requests it is given until opened, then lets them and all later ones through."""

    def __init__(self) -> None:
        self.held: list[Route] = []
        self.opened = False

    def __call__(self, route: Route) -> None:
        if self.opened:
            route.continue_()
        else:
            self.held.append(route)

    def open(self) -> None:
        self.opened = True
        for route in self.held:
            route.continue_()


def test_the_results_are_marked_busy_until_a_search_has_shown_them(page: Page, site: Site) -> None:
    gate = _Gate()
    page.route("**/*.pf_fragment", gate)  # the cards wait for their fragments
    page.goto(site.at("cari/?q=kanker"))
    results = page.locator("#search-results")
    expect(page.locator("#search-status")).to_have_text(count_text(1))  # counted, not yet shown
    expect(results).to_have_attribute("aria-busy", "true")
    gate.open()
    assert wait_for_results(page) == 1
    expect(results).not_to_have_attribute("aria-busy", "true")
