"""Indonesian search quality: stemming, acronyms and synonyms."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.search_page import result_slugs, wait_for_results
from tests.browser.support import Site

pytestmark = pytest.mark.browser


def search(page: Page, site: Site, query: str) -> set[str]:
    page.goto(site.at(f"cari/?q={query}"))
    wait_for_results(page)
    return set(result_slugs(page))


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("MPP", "mal-pelayanan-publik-banyuwangi"),
        ("Pusat Kesehatan Masyarakat", "cek-dan-sadari"),  # the profile only says "Puskesmas"
        ("Inspeksi Visual Asam Asetat", "cek-dan-sadari"),  # it says "IVA"
        ("Persetujuan Bangunan Gedung", "pbg-10-jam-kota-tangerang"),
    ],
)
def test_either_form_of_a_term_finds_the_profile(page: Page, site: Site, query: str, slug: str) -> None:
    assert slug in search(page, site, query)


def test_stemming_finds_the_same_profiles_for_forms_of_one_word(page: Page, site: Site) -> None:
    layanan = search(page, site, "layanan")
    assert layanan == search(page, site, "pelayanan") == search(page, site, "melayani")
    assert "cek-dan-sadari" in layanan  # it says "melayani", not "layanan"
