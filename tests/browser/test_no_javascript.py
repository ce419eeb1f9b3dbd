"""Every page but search works with JavaScript turned off; search says so and points to the listing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.shipped import STRINGS, all_profiles, profiles_by_sector
from tests.browser.support import Site
from tests.checkers import BAD

pytestmark = pytest.mark.browser


def card_hrefs(page: Page) -> set[str]:
    return set(page.locator("main .card-title a").evaluate_all("links => links.map(a => a.getAttribute('href'))"))


def test_content_pages_show_their_heading_and_content(nojs_page: Page, site: Site) -> None:
    page = nojs_page
    every = {f"/inovasi/{slug}/" for slug in all_profiles()}
    health = {f"/inovasi/{slug}/" for slug in profiles_by_sector()["kesehatan"]}

    page.goto(site.url)
    expect(page.locator("main h1"), "home").to_have_text(STRINGS["home_page"]["title"])
    stats = page.locator("main .stats")
    expect(stats.get_by_role("link", name=f"{len(every)} inovasi"), "home").to_be_visible()
    assert card_hrefs(page), "home shows no profile cards"
    assert card_hrefs(page) <= every

    page.goto(site.at("inovasi/"))
    expect(page.locator("main h1"), "listing").to_have_text("Semua inovasi")
    assert card_hrefs(page) == every, "listing"

    page.goto(site.at("inovasi/cek-dan-sadari/"))
    expect(page.locator("main h1"), "profile").to_have_text("Cek dan Sadari")
    expect(page.locator("main .prose"), "profile").to_contain_text("kanker serviks")
    expect(page.locator("main .facts"), "profile").to_contain_text("Kesehatan")
    expect(page.locator("main .facts"), "profile").to_contain_text("DKI Jakarta")

    page.goto(site.at("sektor/kesehatan/"))
    expect(page.locator("main h1"), "sector").to_have_text("Kesehatan")
    assert card_hrefs(page) == health, "sector"

    page.goto(site.at("provinsi/id-jk/"))
    expect(page.locator("main h1"), "province").to_have_text("DKI Jakarta")
    assert "/inovasi/cek-dan-sadari/" in card_hrefs(page), "province"


def test_main_navigation_works(nojs_page: Page, site: Site) -> None:
    nojs_page.goto(site.at("inovasi/cek-dan-sadari/"))
    nav = nojs_page.locator("header.masthead nav")

    nav.get_by_role("link", name="Inovasi", exact=True).click()
    nojs_page.wait_for_url(site.at("inovasi/"))
    expect(nojs_page.locator("main h1")).to_have_text("Semua inovasi")
    expect(nav.get_by_role("link", name="Inovasi", exact=True)).to_have_attribute("aria-current", "page")

    nav.get_by_role("link", name="Sektor", exact=True).click()
    nojs_page.wait_for_url(site.at("sektor/"))
    nojs_page.locator("main").get_by_role("link", name="Kesehatan").first.click()
    nojs_page.wait_for_url(site.at("sektor/kesehatan/"))

    nojs_page.locator("header.masthead a.brand").click()
    nojs_page.wait_for_url(site.url)


def test_search_page_explains_and_links_to_the_listing(nojs_page: Page, site: Site) -> None:
    nojs_page.goto(site.at("cari/"))
    expect(nojs_page.locator("main h1")).to_have_text(STRINGS["search"]["title"])
    # Scripts are really off: the search script would have written its loading or idle text.
    expect(nojs_page.locator("#search-status")).to_have_text("")
    expect(nojs_page.locator("#search-fallback")).to_be_hidden()
    notice = nojs_page.locator("main .notice").filter(has_text=STRINGS["search"]["no_js"])
    expect(notice).to_be_visible()
    link = notice.get_by_role("link", name=STRINGS["search"]["browse_all"])

    link.click()

    nojs_page.wait_for_url(site.at("inovasi/"))
    expect(nojs_page.locator("main h1")).to_have_text("Semua inovasi")


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("instansi/pemkab-banyuwangi/", "Pemerintah Kabupaten Banyuwangi"),
        ("penghargaan/un-psa/", None),
        ("provinsi/", "Provinsi"),
        ("panduan-replikasi/", None),
        ("statistik/", "Statistik"),
    ],
)
def test_taxonomy_and_static_pages_show_content(nojs_page: Page, site: Site, path: str, heading: str | None) -> None:
    nojs_page.goto(site.at(path))
    h1 = nojs_page.locator("main h1")
    expect(h1).to_have_count(1)
    if heading:
        expect(h1).to_have_text(heading)
    assert len(nojs_page.locator("main").inner_text()) > 200
    assert nojs_page.locator("main a[href]").count() > 2


def test_the_check_fails_on_a_page_that_needs_javascript(nojs_page: Page, site: Site) -> None:
    html = (BAD / "js-only.html").read_text()
    nojs_page.route("**/hanya-js/", lambda route: route.fulfill(body=html, content_type="text/html"))
    nojs_page.goto(site.at("hanya-js/"))
    expect(nojs_page.locator("main h1")).to_have_count(0)
    assert nojs_page.locator("main").inner_text() == ""
