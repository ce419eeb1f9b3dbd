"""The search page: words, facets, the address as state, result links and Back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.search_page import (
    RESULT_LINKS,
    expect_results,
    result_slugs,
    sectors_listed_on,
    status,
    wait_for_results,
    wait_until_ready,
)
from tests.browser.shipped import STRINGS, all_profiles, count_text, profiles_by, profiles_by_sector
from tests.browser.support import Site

pytestmark = pytest.mark.browser

TARGET = "cek-dan-sadari"  # the profile about cervical cancer ("kanker serviks")


def test_typing_a_word_shows_matching_profiles_and_puts_it_in_the_address(page: Page, site: Site) -> None:
    page.goto(site.at("cari/"))
    wait_until_ready(page)
    expect(page.locator(RESULT_LINKS)).to_have_count(0)

    page.locator("#q").press_sequentially("kanker")

    n = wait_for_results(page)
    assert TARGET in result_slugs(page)
    assert 0 < n < len(all_profiles()), "a specific word should not match every profile"
    expect(page.locator(RESULT_LINKS, has_text="Cek dan Sadari")).to_have_count(1)
    expect(page).to_have_url(site.at("cari/?q=kanker"))


def test_opening_an_address_with_a_word_runs_that_search(page: Page, site: Site) -> None:
    page.goto(site.at("cari/?q=kanker"))

    n = wait_for_results(page)
    expect(page.locator("#q")).to_have_value("kanker")
    assert TARGET in result_slugs(page)
    expect(status(page)).to_have_text(count_text(n))
    expect(status(page)).to_have_attribute("aria-live", "polite")


def test_home_search_box_leads_to_results(page: Page, site: Site) -> None:
    page.goto(site.url)
    box = page.get_by_role("main").get_by_role("search")
    box.get_by_role("searchbox").fill("kanker")
    box.get_by_role("button").click()

    page.wait_for_url(site.at("cari/?q=kanker"))
    wait_for_results(page)
    assert TARGET in result_slugs(page)


def test_sector_filter_then_a_word_narrows_the_results(page: Page, site: Site) -> None:
    health = profiles_by_sector()["kesehatan"]
    assert TARGET in health
    page.goto(site.at("cari/"))
    wait_until_ready(page)

    page.locator("#f-sektor-kesehatan").check()

    expect_results(page, health)
    expect(page).to_have_url(site.at("cari/?sektor=kesehatan"))
    expect(page.locator("#q")).to_have_value("")
    # Every result is a profile whose own page lists Kesehatan among its sectors.
    hrefs = page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.href)")
    listed = sectors_listed_on(page, hrefs)
    assert {href: "Kesehatan" in names for href, names in listed.items()} == dict.fromkeys(hrefs, True), listed

    # A word on top of the filter: fewer results, all within the sector, still the expected profile.
    page.locator("#q").fill("kanker")
    page.locator("#q").press("Enter")

    expect(page).to_have_url(site.at("cari/?q=kanker&sektor=kesehatan"))
    n = wait_for_results(page, unlike=count_text(len(health)))
    narrowed = set(result_slugs(page))
    assert 0 < n < len(health)
    assert TARGET in narrowed
    assert narrowed < health
    expect(page.locator("#f-sektor-kesehatan")).to_be_checked()


def test_two_sectors_give_profiles_in_either_sector(page: Page, site: Site) -> None:
    sectors = profiles_by_sector()
    health, environment = sectors["kesehatan"], sectors["lingkungan-hidup"]
    either = health | environment
    assert len(either) > max(len(health), len(environment)), "pick two sectors with different profiles"

    page.goto(site.at("cari/?sektor=kesehatan"))
    expect(page.locator("#f-sektor-kesehatan")).to_be_checked()
    expect_results(page, health)

    page.locator("#f-sektor-lingkungan-hidup").check()

    expect(page).to_have_url(site.at("cari/?sektor=kesehatan&sektor=lingkungan-hidup"))
    expect_results(page, either)


def test_a_result_link_opens_the_profile_and_back_restores_the_search(page: Page, site: Site) -> None:
    page.goto(site.at("cari/"))
    wait_until_ready(page)
    page.locator("#q").press_sequentially("kanker")
    n = wait_for_results(page)
    expect(page).to_have_url(site.at("cari/?q=kanker"))
    before = result_slugs(page)

    page.locator(RESULT_LINKS, has_text="Cek dan Sadari").click()

    page.wait_for_url(site.at(f"inovasi/{TARGET}/"))
    expect(page.locator("h1")).to_have_text("Cek dan Sadari")
    expect(page.locator("main")).to_contain_text("kanker serviks")

    page.go_back()

    expect(page).to_have_url(site.at("cari/?q=kanker"))
    assert wait_for_results(page) == n
    assert result_slugs(page) == before
    expect(page.locator("#q")).to_have_value("kanker")


def test_back_and_forward_between_filter_states(page: Page, site: Site) -> None:
    page.goto(site.at("cari/?q=kanker"))
    n = wait_for_results(page)
    words_only = result_slugs(page)
    health = profiles_by_sector()["kesehatan"]
    # No environment profile is about cancer: ticking that sector must change the results.
    page.locator("#f-sektor-lingkungan-hidup").check()
    expect(page).to_have_url(site.at("cari/?q=kanker&sektor=lingkungan-hidup"))
    filtered = wait_for_results(page, unlike=count_text(n))
    assert filtered < n
    assert not set(result_slugs(page)) & health

    page.go_back()

    expect(page).to_have_url(site.at("cari/?q=kanker"))
    assert wait_for_results(page, unlike=count_text(filtered)) == n
    assert result_slugs(page) == words_only
    expect(page.locator("#f-sektor-lingkungan-hidup")).not_to_be_checked()
    expect(page.locator("#q")).to_have_value("kanker")

    page.go_forward()

    expect(page).to_have_url(site.at("cari/?q=kanker&sektor=lingkungan-hidup"))
    assert wait_for_results(page, unlike=count_text(n)) == filtered
    expect(page.locator("#f-sektor-lingkungan-hidup")).to_be_checked()


def test_without_an_index_the_page_says_search_failed(page: Page, minimal_site: Site) -> None:
    # The minimal site is built with --no-search: the script cannot load Pagefind.
    assert not (minimal_site.out / "pagefind").exists()
    page.goto(minimal_site.at("cari/"))

    fallback = page.locator("#search-fallback")
    expect(fallback).to_be_visible()
    expect(fallback).to_contain_text(STRINGS["search"]["failed"])
    expect(status(page)).to_have_text("")
    fallback.get_by_role("link", name=STRINGS["search"]["browse_all"]).click()
    page.wait_for_url(minimal_site.at("inovasi/"))


# Regression tests for two bugs found when these tests were written.


def test_input_made_while_the_index_loads_is_searched(page: Page, site: Site) -> None:
    # Hold the search library back so that the words are typed while it loads.
    held: list[Route] = []
    page.route("**/pagefind/pagefind.js", lambda route: held.append(route))  # noqa: PLW0108 (Playwright cannot wrap a builtin method)
    with page.expect_request("**/pagefind/pagefind.js"):
        page.goto(site.at("cari/"), wait_until="domcontentloaded")
    expect(status(page)).to_have_text(STRINGS["search"]["loading"])
    page.locator("#q").fill("kanker")
    page.wait_for_url(site.at("cari/?q=kanker"))  # the script took the words in
    assert len(held) == 1

    held[0].continue_()

    page.wait_for_function(
        "texts => !texts.includes(document.getElementById('search-status').textContent)",
        arg=["", STRINGS["search"]["loading"]],
        polling=50,
    )
    assert status(page).inner_text() != STRINGS["search"]["start"], "the words typed while loading were not searched"
    wait_for_results(page)
    assert TARGET in result_slugs(page)


def test_counts_of_other_options_in_a_ticked_facet_are_not_zero(page: Page, site: Site) -> None:
    sectors = profiles_by_sector()
    page.goto(site.at("cari/?sektor=kesehatan"))
    expect_results(page, sectors["kesehatan"])

    label = page.locator("label[for='f-sektor-lingkungan-hidup'] [data-count]")
    # Ticking it would add its profiles to the results, so it must not announce none.
    assert label.inner_text() == f"({len(sectors['lingkungan-hidup'])})"


def test_an_agency_page_leads_to_a_search_for_its_profiles(page: Page, site: Site) -> None:
    agency, slugs = max(profiles_by("agency").items(), key=lambda kv: len(kv[1]))
    page.goto(site.at(f"instansi/{agency}/"))
    name = page.locator("h1").inner_text()
    page.get_by_role("link", name=f"{STRINGS['search']['title']}: ").click()

    page.wait_for_url(site.at(f"cari/?instansi={agency}"))
    expect_results(page, slugs)
    # The agency is no list in the page; the script adds a ticked box named after it.
    box = page.get_by_role("checkbox", name=name)
    expect(box).to_be_checked()
    expect(page.locator(f"label[for='f-instansi-{agency}'] [data-count]")).to_have_text(f"({len(slugs)})")

    box.uncheck()
    page.wait_for_url(site.at("cari/"))
    expect(status(page)).to_have_text(STRINGS["search"]["start"])
