"""Every page type of the site, with the served site and address that shows it."""

from __future__ import annotations

from typing import NamedTuple


class PageType(NamedTuple):
    name: str
    site: str  # the fixture serving it: "site" (shipped content) or "minimal_site"
    path: str


PAGE_TYPES = [
    PageType("home", "site", ""),
    PageType("listing", "site", "inovasi/"),
    PageType("profile", "site", "inovasi/cek-dan-sadari/"),
    PageType("profile-every-field", "minimal_site", "inovasi/alpha/"),
    PageType("translation", "minimal_site", "en/inovasi/alpha/"),
    PageType("agency", "site", "instansi/pemkab-banyuwangi/"),
    PageType("agencies", "site", "instansi/"),
    PageType("sector", "site", "sektor/kesehatan/"),
    PageType("province", "site", "provinsi/id-ji/"),
    PageType("provinces", "site", "provinsi/"),
    PageType("award", "site", "penghargaan/un-psa/"),
    PageType("year", "site", "tahun/2016/"),
    PageType("island-group", "site", "pulau/jawa/"),
    PageType("newest", "site", "inovasi/terbaru/"),
    PageType("static", "site", "panduan-replikasi/"),
    PageType("statistics", "site", "statistik/"),
    PageType("search", "site", "cari/?q=kanker"),
    PageType("not-found", "site", "tidak-ada/"),
    PageType("alias-redirect", "minimal_site", "inovasi/alpha-lama/"),
]
IDS = [p.name for p in PAGE_TYPES]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NARROWEST = {"width": 320, "height": 640}
