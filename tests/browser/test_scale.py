"""Search and facets on a generated catalogue of 3,000 profiles."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from playwright.sync_api import Page, expect

from katalog import model, pipeline
from tests.browser.search_page import result_slugs, wait_for_results
from tests.browser.support import Site

pytestmark = pytest.mark.browser


@cache
def catalogue(content: str) -> model.Catalogue:
    """The generated catalogue as the build sees it: the oracle for what search must return."""
    from pathlib import Path

    return pipeline.prepare(pipeline.Options(Path(content), today=dt.date(2026, 11, 22))).catalogue


def expected(big_site: Site, sectors: set[str], provinces: set[str]) -> set[str]:
    cat = catalogue(str(big_site.out.parent / "content"))
    in_sectors = {i.slug for key in sectors for i in cat.by_sector.get(key, [])}
    in_provinces = {i.slug for code in provinces for i in cat.by_province.get(code.upper(), [])}
    return in_sectors & in_provinces


def count_beside(page: Page, box_id: str) -> int:
    text = page.locator(f"label[for='{box_id}'] [data-count]").inner_text()
    return int(text.strip("()").replace(".", ""))


def all_result_slugs(page: Page) -> list[str]:
    """Every result across the pages of results (20 a page), by following 'next'."""
    slugs = result_slugs(page)
    while page.locator("#search-next").is_visible() and page.locator("#search-next").is_enabled():
        first = slugs[-1]
        page.locator("#search-next").click()
        page.wait_for_function("s => !document.querySelector(`#search-results a[href$='/${s}/']`)", arg=first)
        slugs += result_slugs(page)
    return slugs


def test_two_facets_give_the_right_profiles_and_counts(page: Page, big_site: Site) -> None:
    page.goto(big_site.at("cari/?sektor=kesehatan&sektor=pendidikan&provinsi=id-ji"))
    n = wait_for_results(page)
    want = expected(big_site, {"kesehatan", "pendidikan"}, {"id-ji"})
    assert n == len(want) > 20
    assert set(all_result_slugs(page)) == want
    # Beside each value, how many results choosing it would give (OR within a facet).
    assert count_beside(page, "f-provinsi-id-jt") == len(expected(big_site, {"kesehatan", "pendidikan"}, {"id-jt"}))
    assert count_beside(page, "f-sektor-sosial") == len(expected(big_site, {"sosial"}, {"id-ji"}))


def test_words_with_two_facets_only_narrow(page: Page, big_site: Site) -> None:
    page.goto(big_site.at("cari/?q=puskesmas"))
    wait_for_results(page)
    with_words = set(all_result_slugs(page))
    page.goto(big_site.at("cari/?q=puskesmas&sektor=kesehatan&provinsi=id-jb"))
    wait_for_results(page)
    narrowed = set(all_result_slugs(page))
    assert narrowed and narrowed == with_words & expected(big_site, {"kesehatan"}, {"id-jb"})


def test_a_page_of_results_lives_in_the_address(page: Page, big_site: Site) -> None:
    page.goto(big_site.at("cari/?sektor=kesehatan&urut=judul"))
    wait_for_results(page)
    first_page = result_slugs(page)
    page.locator("#search-next").click()
    expect(page).to_have_url(big_site.at("cari/?sektor=kesehatan&urut=judul&halaman=2"))
    expect(page.locator("#search-status")).to_be_focused()
    second_page = result_slugs(page)
    assert len(second_page) == 20 and not set(first_page) & set(second_page)
    page.reload()
    wait_for_results(page)
    assert result_slugs(page) == second_page
    page.go_back()
    expect(page).to_have_url(big_site.at("cari/?sektor=kesehatan&urut=judul"))
    # The status line reads the same on both pages: wait for the first page's first card.
    first_card = page.locator("#search-results li.card h3 a").first
    expect(first_card).to_have_attribute("href", f"/inovasi/{first_page[0]}/")
    assert result_slugs(page) == first_page
