"""Hosting: under a sub-path, with no request leaving the machine, the 404 page and old addresses."""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.browser.search_page import RESULT_LINKS, result_slugs, wait_for_results, wait_until_ready
from tests.browser.shipped import STRINGS
from tests.browser.support import Site, Traffic

pytestmark = pytest.mark.browser


def internal_addresses(page: Page, site: Site) -> list[tuple[str, str]]:
    """(raw attribute, absolute URL) of every a[href], link[href] and script[src] that stays on the site's host."""
    raw = page.evaluate(
        """() => [
            ...[...document.querySelectorAll('a[href], link[href]')].map(e => e.getAttribute('href')),
            ...[...document.querySelectorAll('script[src]')].map(e => e.getAttribute('src')),
        ]"""
    )
    host = urlparse(site.origin).netloc
    found = []
    for value in raw:
        if value.startswith("#"):
            continue  # a place on the same page
        absolute = urljoin(page.url, value)
        if urlparse(absolute).netloc == host:
            found.append((value, absolute))
    return found


def test_sub_path_links_stay_under_the_sub_path(page: Page, subpath_site: Site) -> None:
    for path in ["", "inovasi/cek-dan-sadari/", "cari/?q=kanker"]:
        response = page.goto(subpath_site.at(path))
        assert response is not None
        assert response.status == 200, path
        if path.startswith("cari/"):
            wait_for_results(page)  # result links are part of the page too
            assert result_slugs(page, prefix="/katalog/")
        addresses = internal_addresses(page, subpath_site)
        assert len(addresses) > 10, path
        wrong = [raw for raw, absolute in addresses if not urlparse(absolute).path.startswith("/katalog/")]
        assert wrong == [], f"links outside /katalog/ on /katalog/{path}"
        relative = [raw for raw, _ in addresses if not raw.startswith(("/katalog/", subpath_site.url))]
        assert relative == [], f"internal links on /katalog/{path} should start with /katalog/"


def test_sub_path_click_through(page: Page, subpath_site: Site, traffic: Traffic) -> None:
    page.goto(subpath_site.url)
    expect(page.locator("main h1")).to_have_text(STRINGS["home_page"]["title"])

    page.locator("header.masthead nav").get_by_role("link", name="Inovasi", exact=True).click()
    page.wait_for_url(subpath_site.at("inovasi/"))
    expect(page.locator("main h1")).to_have_text("Semua inovasi")

    page.locator("main .card-title a", has_text="Cek dan Sadari").click()
    page.wait_for_url(subpath_site.at("inovasi/cek-dan-sadari/"))
    expect(page.locator("main h1")).to_have_text("Cek dan Sadari")
    # The stylesheet loaded: the page is styled, not bare HTML.
    assert page.evaluate("() => document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0")
    failed = [(r.status, r.url) for r in traffic.responses if r.status >= 400]
    assert failed == []


def test_sub_path_search(page: Page, subpath_site: Site, traffic: Traffic) -> None:
    page.goto(subpath_site.at("cari/"))
    wait_until_ready(page)
    page.locator("#q").press_sequentially("kanker")

    wait_for_results(page)
    expect(page).to_have_url(subpath_site.at("cari/?q=kanker"))
    assert "cek-dan-sadari" in result_slugs(page, prefix="/katalog/")
    link = page.locator(RESULT_LINKS, has_text="Cek dan Sadari")
    expect(link).to_have_attribute("href", "/katalog/inovasi/cek-dan-sadari/")
    outside = [r.url for r in traffic.requests if not urlparse(r.url).path.startswith("/katalog/")]
    assert outside == []

    link.click()
    page.wait_for_url(subpath_site.at("inovasi/cek-dan-sadari/"))
    expect(page.locator("main h1")).to_have_text("Cek dan Sadari")


def test_no_request_leaves_the_machine(page: Page, site: Site, traffic: Traffic) -> None:
    page.goto(site.url)
    expect(page.locator("main h1")).to_have_text(STRINGS["home_page"]["title"])
    page.goto(site.at("inovasi/cek-dan-sadari/"))
    expect(page.locator("main h1")).to_have_text("Cek dan Sadari")
    page.goto(site.at("cari/"))
    wait_until_ready(page)
    page.locator("#q").press_sequentially("kanker")
    wait_for_results(page)
    assert "cek-dan-sadari" in result_slugs(page)

    urls = [r.url for r in traffic.requests]
    paths = {urlparse(u).path for u in urls}
    # The recording saw the pages, their assets and the search index.
    assert {"/", "/inovasi/cek-dan-sadari/", "/cari/"} <= paths
    assert any(p.startswith("/pagefind/") for p in paths)
    outside = [u for u in urls if urlparse(u).hostname != "127.0.0.1"]
    assert outside == []


def test_missing_page_is_the_site_404(page: Page, site: Site) -> None:
    response = page.goto(site.at("tidak-ada/"))

    assert response is not None
    assert response.status == 404
    expect(page.locator("main h1")).to_have_text("Halaman tidak ditemukan")
    expect(page).to_have_title(f"Halaman tidak ditemukan · {STRINGS['home_page']['title']}")
    # Served at a nested address, its links and stylesheet must still work.
    assert page.evaluate("() => document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0")
    page.locator("main").get_by_role("link", name=STRINGS["search"]["browse_all"]).click()
    page.wait_for_url(site.at("inovasi/"))


def test_old_address_redirects_to_the_profile(page: Page, minimal_site: Site) -> None:
    assert (minimal_site.out / "inovasi" / "alpha-lama" / "index.html").is_file()

    page.goto(minimal_site.at("inovasi/alpha-lama/"))

    page.wait_for_url(minimal_site.at("inovasi/alpha/"))
    expect(page.locator("main h1")).to_have_text("Alpha Sehat")
