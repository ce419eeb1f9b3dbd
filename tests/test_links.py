"""No internal link, image, stylesheet, script or fragment of the built site leads nowhere."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .checkers import BAD, crawl, file_for
from .conftest import Built
from .helpers import SHIPPED

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_shipped_site_has_no_broken_reference(built_shipped: Built) -> None:
    report = crawl(built_shipped.out, built_shipped.origin, built_shipped.base_path)
    assert report.pages > 90
    assert report.broken == []


def test_sub_path_site_has_no_broken_reference(built_shipped_subpath: Built) -> None:
    site = built_shipped_subpath
    report = crawl(site.out, site.origin, site.base_path)
    assert report.pages > 90
    assert report.broken == []


def test_minimal_site_with_every_field_has_no_broken_reference(built_minimal: Built) -> None:
    report = crawl(built_minimal.out, built_minimal.origin)
    assert report.broken == []


def test_sitemap_lists_every_profile_and_nothing_that_404s(built_shipped: Built) -> None:
    site = built_shipped
    root = ET.parse(site.out / "sitemap.xml").getroot()
    locs = [u.findtext(f"{SITEMAP}loc") or "" for u in root.findall(f"{SITEMAP}url")]
    for loc in locs:
        assert loc.startswith(site.origin + site.base_path), loc
        path = file_for(site.out, site.base_path, loc.removeprefix(site.origin))
        assert path is not None and path.is_file(), loc
    profiles = {p.stem for p in (SHIPPED / "innovations").glob("*.md") if "." not in p.stem}
    listed = {loc.rstrip("/").rsplit("/", 1)[-1] for loc in locs if "/inovasi/" in loc and "/en/" not in loc}
    assert profiles <= listed


def test_the_crawler_finds_what_is_broken() -> None:
    report = crawl(BAD / "links", "https://example.org")
    assert sorted(report.broken) == [
        "index.html: #atas (no element with id 'atas')",
        "index.html: /assets/hilang.css (no such file)",
        "index.html: /inovasi/ada/#tidak-ada (no element with id 'tidak-ada')",
        "index.html: /inovasi/tidak-ada/ (no such file)",
        "index.html: /media/hilang-480.jpg (no such file)",
        "index.html: /media/hilang-480.webp (no such file)",
        "index.html: /media/hilang-960.webp (no such file)",
        "index.html: /media/hilang-kecil.jpg (no such file)",
        "index.html: /media/hilang.png (no such file)",
    ]
