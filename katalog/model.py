"""Stage 3: the catalogue as one in-memory model with reverse indexes.

Assembled only from content that passed every check, so nothing here has to
guard against missing keys. Everything a template shows that must be computed
(replications in both directions, a profile's province, counts per facet,
newest and award-winning profiles) is computed here, once.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings
from .related import compute as related_profiles
from .sources import Document, Sources
from .terms import Synonyms, search_terms


@dataclass(frozen=True)
class Term:
    """An entry of a controlled vocabulary."""

    key: str
    name: str
    description: str = ""


class Sector(Term):
    """A service sector; has its own page at /sektor/<key>/."""


class Category(Term):
    """A KIPP competition category; shown on profiles."""


@dataclass(frozen=True)
class AwardProgramme:
    key: str
    name: str
    organiser: str
    description: str = ""
    url: str = ""


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    island_group: str

    @property
    def key(self) -> str:
        """Lowercase ISO code, as used in the province's address."""
        return self.code.lower()

    @property
    def island_key(self) -> str:
        """The island group as an address part: 'Bali dan Nusa Tenggara' → 'bali-dan-nusa-tenggara'."""
        return "-".join(self.island_group.lower().split())


@dataclass(frozen=True)
class Agency:
    key: str
    name: str
    type: str
    short_name: str = ""
    province: Province | None = None
    regency: str = ""
    website: str = ""
    parent_key: str = ""
    source: str = ""


@dataclass(frozen=True)
class AwardWin:
    programme: AwardProgramme
    year: int
    note: str = ""


@dataclass(frozen=True)
class Replication:
    """One replication of a profile: another profile, or an agency without one."""

    year: int | None
    innovation: Innovation | None = None
    agency: Agency | None = None
    name: str = ""


@dataclass(frozen=True)
class Outcome:
    metric: str
    after: float
    before: float | None = None
    unit: str = ""
    year: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class ImageVariant:
    """One published width of a profile image: a WebP file and the same pixels
    in the fallback format, for browsers without WebP and for social previews."""

    width: int
    height: int
    webp: str
    fallback: str


SOCIAL_IMAGE_WIDTH = 1200  # what link previews (Open Graph) display best


@dataclass(frozen=True)
class Image:
    """A profile's picture as editors give it (``src``, ``alt``, ``credit``) and
    as the site publishes it; the published part is read from the file's header
    by ``images.describe`` while the model is assembled (no pixels, no bytes)."""

    src: str
    alt: str
    credit: str = ""
    file: Path | None = None
    original: str = ""
    fallback_type: str = ""
    variants: tuple[ImageVariant, ...] = ()

    @property
    def width(self) -> int:
        """Intrinsic width of the largest variant: with ``height``, the shape the page reserves."""
        return self.variants[-1].width

    @property
    def height(self) -> int:
        return self.variants[-1].height

    @property
    def smallest(self) -> ImageVariant:
        return self.variants[0]

    @property
    def social(self) -> ImageVariant:
        """The narrowest variant at least as wide as link previews show, else the widest."""
        wide = [v for v in self.variants if v.width >= SOCIAL_IMAGE_WIDTH]
        return wide[0] if wide else self.variants[-1]


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Translation:
    lang: str
    title: str
    summary: str
    updated: dt.date
    body: str  # Markdown; converted once per build, before rendering (markup.render_all)


@dataclass(frozen=True)
class Innovation:
    slug: str
    title: str
    summary: str
    agency: Agency
    sectors: tuple[Sector, ...]
    status: str
    updated: dt.date
    body: str  # Markdown, as written
    source: str
    province: Province | None = None
    regency: str = ""
    unit: str = ""
    category: Category | None = None
    started: str = ""
    awards: tuple[AwardWin, ...] = ()
    replicated_from: str = ""
    replicated_by: tuple[Replication, ...] = ()
    innovator: str = ""
    outcomes: tuple[Outcome, ...] = ()
    legal_basis: tuple[str, ...] = ()
    video: str = ""
    sdgs: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    image: Image | None = None
    links: tuple[Link, ...] = ()
    contact: Contact | None = None
    aliases: tuple[str, ...] = ()
    translations: tuple[Translation, ...] = ()

    @property
    def started_year(self) -> int | None:
        return int(self.started[:4]) if self.started else None


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    updated: dt.date
    body: str  # Markdown, as written
    source: str = ""


@dataclass(frozen=True)
class Redirect:
    """An entry of ``content/redirects.yml``: the old ``path`` keeps serving readers by sending them to ``target``.

    Both are site paths without the leading slash, like every path in ``routes``.
    """

    path: str
    target: str
    source: str


@dataclass
class Catalogue:
    """The whole site's data with the indexes every page needs."""

    settings: Settings
    innovations: list[Innovation]
    agencies: dict[str, Agency]
    sectors: dict[str, Sector]
    categories: dict[str, Category]
    awards: dict[str, AwardProgramme]
    provinces: dict[str, Province]
    pages: dict[str, Page]
    synonyms: Synonyms = field(default_factory=lambda: Synonyms([]))
    redirects: list[Redirect] = field(default_factory=list)
    by_slug: dict[str, Innovation] = field(default_factory=dict)
    replications: dict[str, tuple[Replication, ...]] = field(default_factory=dict)
    by_agency: dict[str, list[Innovation]] = field(default_factory=dict)
    by_sector: dict[str, list[Innovation]] = field(default_factory=dict)
    by_category: dict[str, list[Innovation]] = field(default_factory=dict)
    by_province: dict[str, list[Innovation]] = field(default_factory=dict)
    by_award: dict[str, list[Innovation]] = field(default_factory=dict)
    children: dict[str, list[Agency]] = field(default_factory=dict)
    agencies_in: dict[str, list[Agency]] = field(default_factory=dict)
    by_year: dict[int, list[Innovation]] = field(default_factory=dict)
    by_island: dict[str, list[Innovation]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Build every reverse index in one pass, in the profiles' sorted order."""
        self.by_slug = {i.slug: i for i in self.innovations}
        self.replications = _replications(self.innovations)
        indexes: dict[str, dict[str, list[Innovation]]] = {
            name: defaultdict(list) for name in ("agency", "sector", "category", "province", "award")
        }
        for item in self.innovations:
            indexes["agency"][item.agency.key].append(item)
            for sector in item.sectors:
                indexes["sector"][sector.key].append(item)
            if item.category:
                indexes["category"][item.category.key].append(item)
            if item.province:
                indexes["province"][item.province.code].append(item)
            for key in dict.fromkeys(w.programme.key for w in item.awards):
                indexes["award"][key].append(item)
        self.by_agency = dict(indexes["agency"])
        self.by_sector = dict(indexes["sector"])
        self.by_category = dict(indexes["category"])
        self.by_province = dict(indexes["province"])
        self.by_award = dict(indexes["award"])
        children: dict[str, list[Agency]] = defaultdict(list)
        agencies_in: dict[str, list[Agency]] = defaultdict(list)
        for agency in self.agencies.values():
            if agency.parent_key:
                children[agency.parent_key].append(agency)
            if agency.province:
                agencies_in[agency.province.code].append(agency)
        self.children = dict(children)
        self.agencies_in = dict(agencies_in)
        by_year: dict[int, list[Innovation]] = defaultdict(list)
        by_island: dict[str, list[Innovation]] = defaultdict(list)
        for item in self.innovations:
            if item.started_year:
                by_year[item.started_year].append(item)
            if item.province:
                by_island[item.province.island_key].append(item)
        self.by_year = dict(sorted(by_year.items(), reverse=True))
        self.by_island = dict(by_island)

    # Derived for profile pages only, so computed when a build first renders one
    # (before its workers fork), never by ``check``.
    @functools.cached_property
    def related(self) -> dict[str, tuple[Innovation, ...]]:
        return related_profiles(self.innovations, self.replications, self.by_sector)

    @functools.cached_property
    def search_terms(self) -> dict[str, str]:
        return {item.slug: search_terms(item, self.synonyms) for item in self.innovations}

    def newest(self, count: int) -> list[Innovation]:
        """Most recently reviewed first; ties by title so the order is stable. (The first
        ``count`` of the sorted list, without sorting 30,000 profiles to show six.)"""
        return heapq.nsmallest(count, self.innovations, key=lambda i: (-i.updated.toordinal(), i.title.lower(), i.slug))

    def award_winners(self, count: int) -> list[Innovation]:
        """Profiles with an award, the most recent award first."""
        winners = [i for i in self.innovations if i.awards]
        return heapq.nsmallest(count, winners, key=lambda i: (-max(w.year for w in i.awards), i.title.lower(), i.slug))


def _replications(innovations: list[Innovation]) -> dict[str, tuple[Replication, ...]]:
    """Every replication of each profile: profiles naming it in
    ``replicated_from``, then its own ``replicated_by`` entries."""
    found: dict[str, list[Replication]] = defaultdict(list)
    for item in innovations:
        if item.replicated_from:
            year = item.started_year
            found[item.replicated_from].append(Replication(year=year, innovation=item, agency=item.agency))
    for item in innovations:
        found[item.slug].extend(item.replicated_by)
    return {slug: tuple(reps) for slug, reps in found.items() if reps}


def assemble(
    sources: Sources,
    settings: Settings,
    describe_image: Callable[[str, Image], Image],
) -> Catalogue:
    """Turn checked documents into the model; ``describe_image`` adds to a profile's image
    (by slug) the sizes it is published in. Bodies stay Markdown: ``check`` never needs
    their HTML, and a build converts them all at once, cached and on every core."""
    provinces = {code: Province(code, v["name"], v["island_group"]) for code, v in _taxonomy(sources, "provinces")}
    sectors = {k: Sector(k, v["name"], v.get("description", "")) for k, v in _taxonomy(sources, "sectors")}
    categories = {k: Category(k, v["name"], v.get("description", "")) for k, v in _taxonomy(sources, "categories")}
    awards = {
        k: AwardProgramme(k, v["name"], v["organiser"], v.get("description", ""), v.get("url", ""))
        for k, v in _taxonomy(sources, "awards")
    }
    agencies = {d.key: _agency(d, provinces) for d in sorted(sources.of_kind("agency"), key=lambda d: d.key)}
    translations: dict[str, list[Translation]] = defaultdict(list)
    for doc in sorted(sources.of_kind("translation"), key=lambda d: (d.key, d.lang)):
        translations[doc.key].append(
            Translation(doc.lang, doc.data["title"], doc.data["summary"], _date(doc.data["updated"]), doc.body)
        )
    context = _Refs(agencies, sectors, categories, awards, provinces)
    innovations = [
        _innovation(doc, context, doc.body, tuple(translations.get(doc.key, ())), describe_image)
        for doc in sorted(sources.of_kind("innovation"), key=lambda d: d.key)
    ]
    pages = {
        d.key: Page(d.key, d.data["title"], d.data["summary"], _date(d.data["updated"]), d.body, d.display)
        for d in sorted(sources.of_kind("page"), key=lambda d: d.key)
    }
    synonyms = Synonyms([key, *forms] for key, forms in _taxonomy(sources, "synonyms"))
    redirects = [
        Redirect(old.removeprefix("/"), new.removeprefix("/"), doc.display)
        for doc in sources.of_kind("redirects")
        for old, new in sorted(doc.data.items())
    ]
    return Catalogue(
        settings, innovations, agencies, sectors, categories, awards, provinces, pages, synonyms, redirects
    )


@dataclass(frozen=True)
class _Refs:
    agencies: dict[str, Agency]
    sectors: dict[str, Sector]
    categories: dict[str, Category]
    awards: dict[str, AwardProgramme]
    provinces: dict[str, Province]


def _taxonomy(sources: Sources, name: str) -> list[tuple[str, Any]]:
    docs = sources.of_kind(name)
    return sorted(docs[0].data.items()) if docs else []


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _agency(doc: Document, provinces: dict[str, Province]) -> Agency:
    d = doc.data
    return Agency(
        key=doc.key,
        name=d["name"],
        type=d["type"],
        short_name=d.get("short_name", ""),
        province=provinces.get(d.get("province", "")),
        regency=d.get("regency", ""),
        website=d.get("website", ""),
        parent_key=d.get("parent", ""),
        source=doc.display,
    )


def _innovation(
    doc: Document,
    refs: _Refs,
    body: str,
    translations: tuple[Translation, ...],
    describe_image: Callable[[str, Image], Image],
) -> Innovation:
    d = doc.data
    agency = refs.agencies[d["agency"]]
    location = d.get("location") or {}
    province = refs.provinces.get(location["province"]) if location else agency.province
    regency = location.get("regency", "") if location else agency.regency
    image = d.get("image")
    contact = d.get("contact")
    return Innovation(
        slug=doc.key,
        title=d["title"],
        summary=d["summary"],
        agency=agency,
        sectors=tuple(refs.sectors[k] for k in d["sectors"]),
        status=d["status"],
        updated=_date(d["updated"]),
        body=body,
        source=doc.display,
        province=province,
        regency=regency,
        unit=d.get("unit", ""),
        category=refs.categories[d["category"]] if "category" in d else None,
        started=str(d.get("started", "")),
        awards=tuple(
            sorted(
                (AwardWin(refs.awards[a["award"]], a["year"], a.get("note", "")) for a in d.get("awards", [])),
                key=lambda w: (-w.year, w.programme.name),
            )
        ),
        replicated_from=d.get("replicated_from", ""),
        replicated_by=tuple(
            Replication(r.get("year"), agency=refs.agencies.get(r.get("agency", "")), name=r.get("name", ""))
            for r in d.get("replicated_by", [])
        ),
        innovator=d.get("innovator", ""),
        outcomes=tuple(Outcome(**o) for o in d.get("outcomes", [])),
        legal_basis=tuple(d.get("legal_basis", [])),
        video=d.get("video", ""),
        sdgs=tuple(sorted(d.get("sdgs", []))),
        tags=tuple(d.get("tags", [])),
        image=describe_image(doc.key, Image(**image)) if image else None,
        links=tuple(Link(**link) for link in d.get("links", [])),
        contact=Contact(**contact) if contact else None,
        aliases=tuple(d.get("aliases", [])),
        translations=translations,
    )
