"""Every public address of the site, in one place.

Addresses are forever (see CONTENT-MODEL.md): this module is the only one that
spells them. A *path* here is site-relative without a leading slash
(``inovasi/cek-dan-sadari/``); :func:`href` adds the base path for links and
:func:`absolute` the whole base URL for feeds, sitemaps and canonical links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from .errors import ContentError
from .model import Agency, AwardProgramme, Innovation, Page, Province, Sector
from .sources import Document

HOME = ""
INNOVATIONS = "inovasi/"
NEWEST = "inovasi/terbaru/"
PAGE = "halaman/"
AGENCIES = "instansi/"
SECTORS = "sektor/"
PROVINCES = "provinsi/"
AWARDS = "penghargaan/"
YEARS = "tahun/"
ISLANDS = "pulau/"
SEARCH = "cari/"
SEARCH_BUNDLE = "pagefind/"
STATISTICS = "statistik/"
DATA_JSON = "data/inovasi.json"
DATA_CSV = "data/inovasi.csv"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
ASSETS = "assets/"
MEDIA = "media/"


def page_of(path: str, number: int) -> str:
    """Page ``number`` of the listing at ``path``: the listing itself, then ``halaman/2/``..."""
    return path if number == 1 else f"{path}{PAGE}{number}/"


def innovation(slug: str, lang: str = "") -> str:
    prefix = f"{lang}/" if lang else ""
    return f"{prefix}{INNOVATIONS}{slug}/"


def agency(key: str) -> str:
    return f"{AGENCIES}{key}/"


def sector(key: str) -> str:
    return f"{SECTORS}{key}/"


def province(code: str) -> str:
    return f"{PROVINCES}{code.lower()}/"


def award(key: str) -> str:
    return f"{AWARDS}{key}/"


def year(number: int) -> str:
    return f"{YEARS}{number}/"


def island(key: str) -> str:
    return f"{ISLANDS}{key}/"


def page(slug: str) -> str:
    return f"{slug}/"


def media(slug: str, name: str) -> str:
    return f"{MEDIA}{slug}/{name}"


def path_of(item: object) -> str:
    """The address of a model object; templates call this through ``href``."""
    if isinstance(item, Innovation):
        return innovation(item.slug)
    if isinstance(item, Agency):
        return agency(item.key)
    if isinstance(item, Sector):
        return sector(item.key)
    if isinstance(item, Province):
        return province(item.code)
    if isinstance(item, AwardProgramme):
        return award(item.key)
    if isinstance(item, Page):
        return page(item.slug)
    raise TypeError(f"no address for {type(item).__name__}")


def output_file(path: str) -> str:
    """The file that serves ``path``: folders get an ``index.html``."""
    return f"{path}index.html" if path == "" or path.endswith("/") else path


@dataclass(frozen=True)
class Links:
    """Turns paths into links for one base URL (root of a domain or a sub-path)."""

    base_url: str
    base_path: str

    def href(self, target: object) -> str:
        path = target if isinstance(target, str) else path_of(target)
        return self.base_path + path

    def absolute(self, target: object) -> str:
        path = target if isinstance(target, str) else path_of(target)
        return self.base_url + path


def check_nav(site: Document, nav: Iterable[str], paths: set[str]) -> list[ContentError]:
    """Every menu entry of ``site.yml`` points at a page the build makes."""
    return [
        ContentError(
            site.display,
            site.line_of(("nav", i, "path")),
            f"nav[{i}].path",
            f"no page at {target}; use the address of a page of this site, e.g. /inovasi/",
        )
        for i, target in enumerate(nav)
        if target.removeprefix("/") not in paths
    ]


def check_collisions(outputs: Iterable[tuple[str, str]]) -> list[ContentError]:
    """Two outputs never share a file; ``outputs`` are (output file, where it came from).

    Integrity already keeps slugs and aliases apart; this is the last guard
    for everything else (static pages, generated pages), naming both sources.
    """
    seen: dict[str, str] = {}
    errors: list[ContentError] = []
    for path, source in outputs:
        clean = PurePosixPath(path)
        if clean.is_absolute() or ".." in clean.parts:
            errors.append(ContentError(source, 1, "", f"output path {path!r} leaves the site folder"))
        elif path in seen:
            errors.append(ContentError(source, 1, "", f"address /{path} is also produced by {seen[path]}"))
        else:
            seen[path] = source
    return errors
