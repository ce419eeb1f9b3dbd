"""Stage 4: plan every page of the site from the model.

``plan`` lists what to render (address, template, data) and nothing else: no
Jinja, no disk. Each page type is one small function, so the list of page
types reads like the contract's address table.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from . import routes
from .model import Catalogue, Innovation
from .schema import load_schema

HOME_LIST_SIZE = 6
PAGE_SIZE = 30
TAXONOMY_SOURCE = "content/taxonomies/{}.yml"
FEED_SIZE = 20
# A word every profile page is indexed with. Pagefind answers a search with no
# words by downloading its whole word index (megabytes at a few thousand
# profiles); the search page searches for this word instead, which costs one
# index chunk. Letters only, and no word anyone would type.
EVERY_PROFILE = "semuaprofilkatalog"
REDIRECT = "redirect.html"


@dataclass(frozen=True)
class Planned:
    """One page to render: ``path`` is its address, ``source`` where it came from.

    ``derived`` adds to ``context`` what only rendering needs and the whole
    catalogue computes (related profiles, the search page's facets, the
    statistics): ``check`` plans every page but never pays for it.
    """

    path: str
    template: str
    source: str
    context: dict[str, Any] = field(default_factory=dict)
    lang: str = ""
    in_sitemap: bool = True
    lastmod: dt.date | None = None
    derived: Callable[[], dict[str, Any]] | None = None

    @property
    def file(self) -> str:
        return routes.output_file(self.path)

    def full_context(self) -> dict[str, Any]:
        return {**self.context, **self.derived()} if self.derived else self.context


def plan(cat: Catalogue) -> list[Planned]:
    """Every HTML and XML page of the site, in a stable order."""
    pages = [
        home(cat),
        *listings(cat),
        search(cat),
        statistics(cat),
        not_found(),
        *profile_pages(cat),
        *agency_pages(cat),
        *sector_pages(cat),
        *province_pages(cat),
        *award_pages(cat),
        *year_pages(cat),
        *island_pages(cat),
        *(Planned(routes.page(p.slug), "page.html", p.source, {"page": p}, lastmod=p.updated)
          for p in cat.pages.values()),
    ]  # fmt: skip
    pages += moved_pages(cat, {p.path for p in pages})
    return pages + feeds(cat, pages)


def paginate(
    path: str, template: str, source: str, items: Sequence[Any], context: dict[str, Any], key: str = "items"
) -> list[Planned]:
    """One page per PAGE_SIZE items at ``path``, ``path/halaman/2/``, ...; each knows its neighbours.

    Listings stay small at any catalogue size: 3,000 profiles make 100 pages of
    30 cards, each a few tens of kilobytes.
    """
    count = max(1, -(-len(items) // PAGE_SIZE))
    pages = []
    for number in range(1, count + 1):
        chunk = items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        page_context = {**context, key: chunk, "paging": pager(path, number, count), "total": len(items)}
        pages.append(Planned(routes.page_of(path, number), template, source, page_context))
    return pages


def pager(path: str, number: int, count: int) -> dict[str, Any]:
    """Where a page of a listing sits: neighbours, and the numbers to show (None for a gap)."""
    shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
    numbers: list[tuple[int, str] | None] = []
    for previous, current in zip([0, *shown], shown, strict=False):
        if current - previous > 1:
            numbers.append(None)
        numbers.append((current, routes.page_of(path, current)))
    return {
        "number": number,
        "count": count,
        "previous": routes.page_of(path, number - 1) if number > 1 else None,
        "next": routes.page_of(path, number + 1) if number < count else None,
        "numbers": numbers,
    }


def profile_pages(cat: Catalogue) -> list[Planned]:
    """Each profile, its translations and a redirect for each former slug."""
    pages: list[Planned] = []
    for item in cat.innovations:
        pages.append(profile(cat, item))
        pages.extend(translation(cat, item, t.lang) for t in item.translations)
        pages.extend(redirect(item, alias) for alias in item.aliases)
    return pages


def agency_pages(cat: Catalogue) -> list[Planned]:
    agencies = sorted(cat.agencies.values(), key=lambda a: a.name.lower())
    pages = [
        index_page(
            routes.AGENCIES, "agencies.html", agencies=[(a, len(cat.by_agency.get(a.key, []))) for a in agencies]
        )
    ]
    for a in cat.agencies.values():
        context = {"agency": a, "parent": cat.agencies.get(a.parent_key), "children": cat.children.get(a.key, [])}
        pages += paginate(routes.agency(a.key), "agency.html", a.source, cat.by_agency.get(a.key, []), context)
    return pages


def sector_pages(cat: Catalogue) -> list[Planned]:
    counts = [(s, len(cat.by_sector.get(s.key, []))) for s in cat.sectors.values()]
    pages = [index_page(routes.SECTORS, "sectors.html", sectors=counts)]
    source = TAXONOMY_SOURCE.format("sectors")
    for s in cat.sectors.values():
        pages += paginate(routes.sector(s.key), "sector.html", source, cat.by_sector.get(s.key, []), {"sector": s})
    return pages


def province_pages(cat: Catalogue) -> list[Planned]:
    pages = [index_page(routes.PROVINCES, "provinces.html", groups=island_groups(cat))]
    source = TAXONOMY_SOURCE.format("provinces")
    for p in cat.provinces.values():
        context = {"province": p, "agencies": cat.agencies_in.get(p.code, [])}
        pages += paginate(routes.province(p.code), "province.html", source, cat.by_province.get(p.code, []), context)
    return pages


def award_pages(cat: Catalogue) -> list[Planned]:
    counts = [(a, len(cat.by_award.get(a.key, []))) for a in cat.awards.values()]
    pages = [index_page(routes.AWARDS, "awards.html", awards=counts)]
    source = TAXONOMY_SOURCE.format("awards")
    for a in cat.awards.values():
        pages += paginate(routes.award(a.key), "award.html", source, award_wins(cat, a.key), {"award": a}, key="wins")
    return pages


def year_pages(cat: Catalogue) -> list[Planned]:
    """A page per year in which profiles started, newest year first, and their index."""
    counts = [(number, len(items)) for number, items in cat.by_year.items()]
    pages = [index_page(routes.YEARS, "years.html", years=counts)]
    for number, items in cat.by_year.items():
        pages += paginate(routes.year(number), "year.html", "started", items, {"year": number})
    return pages


def island_pages(cat: Catalogue) -> list[Planned]:
    """A page per island group that has profiles, with its provinces."""
    source = TAXONOMY_SOURCE.format("provinces")
    pages: list[Planned] = []
    for name, provinces in island_groups(cat):
        key = provinces[0][0].island_key
        context = {"name": name, "provinces": provinces}
        pages += paginate(routes.island(key), "island.html", source, cat.by_island.get(key, []), context)
    return pages


def feeds(cat: Catalogue, pages: list[Planned]) -> list[Planned]:
    """Sitemap (every listed page), Atom feed (newest profiles) and robots.txt."""
    newest = cat.newest(FEED_SIZE)
    updated = max((i.updated for i in newest), default=None)
    entries = [(p.path, p.lastmod) for p in pages if p.in_sitemap]
    return [
        Planned(routes.SITEMAP, "sitemap.xml", "sitemap", {"entries": entries}, in_sitemap=False),
        Planned(routes.FEED, "feed.xml", "feed", {"items": newest, "updated": updated}, in_sitemap=False),
        Planned(routes.ROBOTS, "robots.txt", "robots", in_sitemap=False),
    ]


def home(cat: Catalogue) -> Planned:
    counts = {
        "innovations": len(cat.innovations),
        "agencies": len(cat.by_agency),
        "provinces": len(cat.by_province),
        "sectors": len(cat.by_sector),
    }
    return Planned(
        routes.HOME,
        "home.html",
        "home",
        {
            "counts": counts,
            "newest": cat.newest(HOME_LIST_SIZE),
            "winners": cat.award_winners(HOME_LIST_SIZE),
            "sectors": [(s, len(cat.by_sector.get(s.key, []))) for s in cat.sectors.values()],
        },
    )


def listings(cat: Catalogue) -> list[Planned]:
    """All profiles, paginated, in each server-side sort order (no JavaScript needed)."""
    by_title = sorted(cat.innovations, key=lambda i: (i.title.lower(), i.slug))
    newest = sorted(by_title, key=lambda i: -(i.started_year or 0))
    pages = paginate(routes.INNOVATIONS, "innovations.html", "listing", by_title, {"sort": "title"})
    pages += paginate(routes.NEWEST, "innovations.html", "listing", newest, {"sort": "newest"})
    return pages


def search(cat: Catalogue) -> Planned:
    """The search page with its facets pre-rendered as form controls and counts.

    Facet names and values are exactly the Pagefind filters that
    ``innovation.html`` puts on each profile. The counts are worked out when the
    page is rendered: ``check`` never needs them.
    """
    context = {"every_profile": EVERY_PROFILE}
    return Planned(routes.SEARCH, "search.html", "search", context, derived=cache(partial(_facets, cat)))


def _facets(cat: Catalogue) -> dict[str, Any]:
    items = cat.innovations
    island_of = {p.key: p.island_group for p in cat.provinces.values()}
    island_order = {name: n for n, (name, _) in enumerate(island_groups(cat))}
    facets = [
        facet("sektor", Counter((s.key, s.name) for i in items for s in i.sectors)),
        facet(
            "provinsi",
            Counter((i.province.key, i.province.name) for i in items if i.province),
            group=lambda key: island_of[key],
            group_order=island_order,
        ),
        facet("jenis", Counter((i.agency.type, i.agency.type) for i in items), labels="agency_type"),
        facet("penghargaan", Counter({(k, cat.awards[k].name): len(v) for k, v in cat.by_award.items()})),
        facet("status", Counter((i.status, i.status) for i in items), labels="status"),
        facet("tahun", Counter((str(y), str(y)) for y, v in cat.by_year.items() for _ in v), newest_first=True),
    ]
    return {"facets": facets}


def facet(name: str, counter: Counter[Any], labels: str = "", newest_first: bool = False,
          group: Any = None, group_order: dict[str, int] | None = None) -> dict[str, Any]:  # fmt: skip
    """One facet: its options (value, text, count), in groups when ``group`` names one per value."""
    options = [(value, text, n) for (value, text), n in counter.items()]
    options.sort(key=lambda o: (-int(o[0]) if newest_first else 0, str(o[1]).lower()))
    groups: dict[str, list[tuple[Any, Any, int]]] = {}
    for option in options:
        groups.setdefault(group(option[0]) if group else "", []).append(option)
    ordered = sorted(groups.items(), key=lambda kv: (group_order or {}).get(kv[0], 0))
    return {"name": name, "labels": labels, "groups": ordered}


def not_found() -> Planned:
    return Planned(routes.NOT_FOUND, "404.html", "404", in_sitemap=False)


def index_page(path: str, template: str, **context: Any) -> Planned:
    return Planned(path, template, path, context)


def profile(cat: Catalogue, item: Innovation) -> Planned:
    return Planned(
        routes.innovation(item.slug),
        "innovation.html",
        item.source,
        _profile_context(cat, item),
        lastmod=item.updated,
        derived=partial(_derived_context, cat, item),
    )


def translation(cat: Catalogue, item: Innovation, lang: str) -> Planned:
    text = next(t for t in item.translations if t.lang == lang)
    source = item.source.removesuffix(".md") + f".{lang}.md"
    context = {**_profile_context(cat, item), "text": text}
    return Planned(
        routes.innovation(item.slug, lang),
        "innovation.html",
        source,
        context,
        lang=lang,
        lastmod=text.updated,
        derived=partial(_derived_context, cat, item),
    )


def _profile_context(cat: Catalogue, item: Innovation) -> dict[str, Any]:
    return {
        "item": item,
        "origin": cat.by_slug.get(item.replicated_from),
        "replications": cat.replications.get(item.slug, ()),
        "every_profile": EVERY_PROFILE,
    }


def _derived_context(cat: Catalogue, item: Innovation) -> dict[str, Any]:
    return {"related": cat.related.get(item.slug, ()), "search_terms": cat.search_terms.get(item.slug, "")}


def redirect(item: Innovation, alias: str) -> Planned:
    """The former address of a profile (an alias) sends readers to the profile."""
    context = {"target": routes.innovation(item.slug), "title": item.title, "lead": "lead"}
    return Planned(routes.innovation(alias), REDIRECT, item.source, context, in_sitemap=False)


def moved_pages(cat: Catalogue, taken: set[str]) -> list[Planned]:
    """A redirect page for each entry of ``content/redirects.yml``.

    An entry whose old address is still a page (or an alias) gets none: the page
    wins, and ``routes.check_redirects`` reports the entry with its line.
    """
    return [
        Planned(r.path, REDIRECT, r.source, {"target": r.target, "title": "", "lead": "lead_page"}, in_sitemap=False)
        for r in cat.redirects
        if r.path not in taken
    ]


def redirect_targets(planned: list[Planned]) -> dict[str, tuple[str, str]]:
    """Every redirect page: its address → (target address, where it came from)."""
    return {p.path: (p.context["target"], p.source) for p in planned if p.template == REDIRECT}


def island_groups(cat: Catalogue) -> list[tuple[str, list[tuple[Any, int]]]]:
    """Provinces grouped by island group, in the order the schema lists the groups."""
    order = load_schema("provinces")["additionalProperties"]["properties"]["island_group"]["enum"]
    groups: list[tuple[str, list[tuple[Any, int]]]] = []
    for name in order:
        members = sorted((p for p in cat.provinces.values() if p.island_group == name), key=lambda p: p.name)
        if members:
            groups.append((name, [(p, len(cat.by_province.get(p.code, []))) for p in members]))
    return groups


def award_wins(cat: Catalogue, key: str) -> list[tuple[int, Innovation]]:
    """(year, profile) for every win of one programme, newest first."""
    wins = [(w.year, item) for item in cat.by_award.get(key, []) for w in item.awards if w.programme.key == key]
    return sorted(wins, key=lambda pair: (-pair[0], pair[1].title.lower()))


def statistics(cat: Catalogue) -> Planned:
    """Counts per facet, each a list of (label, link target or None, count), largest first;
    worked out when the page is rendered (``check`` never needs them)."""
    return Planned(routes.STATISTICS, "statistics.html", "statistics", derived=cache(partial(_counts, cat)))


def _counts(cat: Catalogue) -> dict[str, Any]:
    def ranked(counter: Counter[Any]) -> list[tuple[Any, int]]:
        return sorted(counter.items(), key=lambda kv: (-kv[1], str(getattr(kv[0], "name", kv[0]))))

    items = cat.innovations
    return {
        "total": len(items),
        "sectors": ranked(Counter(s for i in items for s in i.sectors)),
        "provinces": ranked(Counter(i.province for i in items if i.province)),
        "island_groups": ranked(Counter(i.province.island_group for i in items if i.province)),
        "statuses": ranked(Counter(i.status for i in items)),
        "agency_types": ranked(Counter(i.agency.type for i in items)),
        "years": sorted(Counter(i.started_year for i in items if i.started_year).items()),
        "awards": ranked(Counter(w.programme for i in items for w in i.awards)),
    }
