"""Every public address of the site, in one place.

Addresses are forever (see CONTENT-MODEL.md): this module is the only one that
spells them. A *path* here is site-relative without a leading slash
(``inovasi/cek-dan-sadari/``); :func:`href` adds the base path for links and
:func:`absolute` the whole base URL for feeds, sitemaps and canonical links.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

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
DATA_FILES = (DATA_JSON, DATA_CSV)
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
ASSETS = "assets/"
MEDIA = "media/"
SCHEMAS = "skema/"


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


def of_document(doc: Document) -> str | None:
    """The address of the page a content file becomes, if it becomes one page."""
    if doc.kind == "innovation":
        return innovation(doc.key)
    if doc.kind == "translation":
        return innovation(doc.key, doc.lang)
    if doc.kind == "page":
        return page(doc.key)
    return None


def media(slug: str, name: str) -> str:
    return f"{MEDIA}{slug}/{name}"


def media_variant(slug: str, name: str, width: int, extension: str) -> str:
    """A resized copy of media file ``name``: ``cover.jpg`` at 480 px as WebP is ``cover-480.webp``.

    Only one file per profile folder is published (``images.check`` refuses
    the rest), so these names meet nothing but their own original, whose name
    has no width; ``check_collisions`` guards them all the same.
    """
    stem = name.rpartition(".")[0]
    return media(slug, f"{stem}-{width}.{extension}")


def schema_file(name: str) -> str:
    """A published JSON Schema keeps its file name, so the relative ``$ref``s between schemas resolve."""
    return f"{SCHEMAS}{name}"


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
        site.error(("nav", i, "path"), f"no page at {target}; use the address of a page of this site, e.g. /inovasi/")
        for i, target in enumerate(nav)
        if target.removeprefix("/") not in paths
    ]


# Folders the build fills with files of its own; no redirect page may be written there.
BUILD_FOLDERS = (ASSETS, MEDIA, SEARCH_BUNDLE, SCHEMAS)


def check_redirects(docs: Iterable[Document], pages: set[str], moved: dict[str, tuple[str, str]]) -> list[ContentError]:
    """Each entry of ``content/redirects.yml`` leaves a free address for a page the build makes.

    ``pages`` are the addresses of real pages, ``moved`` every redirect page
    (address → target, source). Known only once pages are planned, like the menu.
    """
    errors: list[ContentError] = []
    for doc in docs:
        for old, new in doc.data.items():
            path, target = old.removeprefix("/"), new.removeprefix("/")
            problem = _old_address(path, doc.display, pages, moved) or _target(path, target, pages, moved)
            if problem:
                errors.append(doc.error((old,), problem, key=True, field=old))
    return errors


def _old_address(path: str, source: str, pages: set[str], moved: dict[str, tuple[str, str]]) -> str:
    if path.startswith(BUILD_FOLDERS):
        folders = ", ".join(f"/{f}" for f in BUILD_FOLDERS)
        return f"the build writes its own files under {folders}; redirect an address outside them"
    if path in pages:
        return "this address is a page; remove the redirect"
    if path in moved and moved[path][1] != source:
        target, owner = moved[path]
        return f"this address already redirects to /{target} (aliases in {owner}); remove this entry"
    return ""


def _target(path: str, target: str, pages: set[str], moved: dict[str, tuple[str, str]]) -> str:
    if target == path:
        return "redirects to itself; give the address of the page that replaces it"
    if target in moved:
        final = moved[target][0]
        return f"/{target} is itself redirected to /{final}; point at /{final} directly"
    if target not in pages:
        # Stricter than schema.did_you_mean: addresses share long prefixes (instansi/...),
        # so a looser match would suggest an unrelated page of the same kind.
        close = difflib.get_close_matches(target, sorted(pages), n=1, cutoff=0.8)
        hint = f"did you mean /{close[0]}?" if close else "use the address of a page this site makes, e.g. /inovasi/"
        return f"no page at /{target}; {hint}"
    return ""


def check_collisions(outputs: Iterable[tuple[str, str]]) -> list[ContentError]:
    """Two outputs never share a file; ``outputs`` are (output file, where it came from).

    Integrity already keeps slugs and aliases apart; this is the last guard
    for everything else (static pages, generated pages), naming both sources.
    """
    seen: dict[str, str] = {}
    errors: list[ContentError] = []
    for path, source in outputs:
        if path.startswith("/") or ".." in path.split("/"):  # plain strings: one per output, 40,000 at 30,000 profiles
            errors.append(ContentError(source, 1, "", f"output path {path!r} leaves the site folder"))
        elif path in seen:
            errors.append(ContentError(source, 1, "", f"address /{path} is also produced by {seen[path]}"))
        else:
            seen[path] = source
    return errors
