"""The shipped content: checks clean and holds what the catalogue promises."""

from __future__ import annotations

from katalog import sources

from .helpers import SHIPPED, run


def test_shipped_content_passes_check() -> None:
    code, out, err = run("check", "--content", str(SHIPPED))
    assert (code, err) == (0, "")
    assert out.startswith("ok: ")


def test_all_38_provinces_with_island_groups() -> None:
    (provinces,) = sources.scan(SHIPPED).of_kind("provinces")
    assert len(provinces.data) == 38
    assert {"ID-JK", "ID-JI", "ID-BA", "ID-PD", "ID-PE", "ID-PS", "ID-PT"} <= set(provinces.data)


def test_the_innovations_the_seed_articles_name() -> None:
    found = sources.scan(SHIPPED)
    titles = {d.key: d.data["title"] for d in found.of_kind("innovation")}
    for slug in (
        "cek-dan-sadari",
        "garda-ampuh",
        "laskar-penjaja-sayur",
        "mal-pelayanan-publik-banyuwangi",
        "samsat-drive-thru-buleleng",
    ):
        assert slug in titles
    assert titles["cek-dan-sadari"] == "Cek dan Sadari"


def test_every_profile_cites_a_source() -> None:
    for doc in sources.scan(SHIPPED).of_kind("innovation"):
        links = doc.data.get("links", [])
        assert links, doc.display
        assert all(link["url"].startswith("https://") or link["url"].startswith("http://") for link in links)


def test_the_static_pages() -> None:
    pages = {d.key for d in sources.scan(SHIPPED).of_kind("page")}
    assert {"tentang", "cara-berkontribusi", "data-terbuka", "panduan-replikasi"} <= pages
