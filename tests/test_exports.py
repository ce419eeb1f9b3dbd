"""Open data, feed and sitemap: complete, parseable, resolved names."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from katalog import exports, pipeline, schema
from katalog.routes import Links

from .helpers import make_site, run

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exports")
    out = root / "public"
    code, _, err = run("build", "--content", str(make_site(root)), "--out", str(out), "--no-search")
    assert code == 0, err
    return out


def test_json_record_has_every_schema_field_with_names_resolved(site: Path) -> None:
    data = json.loads((site / "data/inovasi.json").read_text())
    assert data["count"] == 2
    alpha = next(r for r in data["innovations"] if r["slug"] == "alpha")
    for field in schema.field_names("innovation"):
        assert field in alpha or field == "location", field
    assert alpha["agency"] == {"key": "puskesmas-alpha", "name": "Puskesmas Alpha", "short_name": "PKM Alpha",
                               "type": "lainnya"}  # fmt: skip
    assert alpha["location"]["province_name"] == "DKI Jakarta"
    assert alpha["location"]["island_group"] == "Jawa"
    assert alpha["sectors"] == [{"key": "kesehatan", "name": "Kesehatan"}]
    assert alpha["awards"][0]["name"] == "Top 99 KIPP"
    assert [r["slug"] or r["name"] for r in alpha["replicated_by"]] == ["beta", "Pemerintah Kabupaten Beta",
                                                                       "Puskesmas Gamma"]  # fmt: skip
    assert alpha["url"] == "https://example.org/inovasi/alpha/"
    assert alpha["image"]["src"] == "https://example.org/media/alpha/cover.png"


def test_csv_has_one_row_per_profile(site: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((site / "data/inovasi.csv").read_text())))
    assert [r["slug"] for r in rows] == ["alpha", "beta"]
    assert tuple(rows[0]) == exports.CSV_COLUMNS
    beta = rows[1]
    assert beta["sector_names"] == "Pendidikan; Kesehatan"
    assert beta["province_name"] == "Jawa Timur"
    assert beta["replicated_from"] == "alpha"


def test_atom_feed_lists_newest_profiles(site: Path) -> None:
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}updated") == "2024-11-28T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Alpha Sehat", "Beta Belajar"]
    assert entries[0].findtext(f"{ATOM}id") == "https://example.org/inovasi/alpha/"


def test_sitemap_lists_pages_but_not_redirects_or_404(site: Path) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    assert "https://example.org/inovasi/alpha/" in locs
    assert "https://example.org/inovasi/beta/" in locs
    assert "https://example.org/en/inovasi/alpha/" in locs
    assert "https://example.org/inovasi/alpha-lama/" not in locs
    assert "https://example.org/cari/" in locs
    assert not [loc for loc in locs if loc and "404" in loc]
    assert len(locs) == len(set(locs))


def test_robots_points_at_the_sitemap(site: Path) -> None:
    assert (site / "robots.txt").read_text() == "User-agent: *\nAllow: /\nSitemap: https://example.org/sitemap.xml\n"


def test_alias_redirect_page(site: Path) -> None:
    html = (site / "inovasi/alpha-lama/index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/inovasi/alpha/">' in html
    assert '<link rel="canonical" href="https://example.org/inovasi/alpha/">' in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_json_joined_from_encoded_records_is_what_json_dumps_writes(tmp_path: Path) -> None:
    cat = pipeline.prepare(pipeline.Options(make_site(tmp_path), cache_dir=None)).catalogue
    links = Links("https://example.org/katalog/", "/katalog/")
    records = [exports.record(cat, item, links) for item in cat.innovations]
    whole = {"title": cat.settings.title, "url": links.absolute(""), "count": len(records), "innovations": records}
    expected = json.dumps(whole, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    encoded = [exports.encoded(rec) for rec in records]
    assert exports.to_json(cat, links, [text for text, _ in encoded]).decode() == expected
    rows = list(csv.reader(io.StringIO(exports.to_csv([line for _, line in encoded]).decode())))
    assert rows == [list(exports.CSV_COLUMNS)] + [
        [exports.csv_row(rec)[c] for c in exports.CSV_COLUMNS] for rec in records
    ]
