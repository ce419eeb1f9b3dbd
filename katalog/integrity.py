"""Stage 2b: rules that need the whole catalogue: references, uniqueness,
replication cycles, dates. Images are ``images.py``'s.

These run on the schema-checked documents rather than on the model because
the model is only assembled once the content is clean, and the documents still
know the line of every value. A document that failed its schema is skipped
here (its problems are already reported), but its key still counts as
existing, so one broken file does not cause a cascade of "unknown agency"
errors in every profile that names it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import ContentError
from .sources import Document, Sources

# Top-level addresses the site itself uses; a static page may not take them.
# Addresses under /inovasi/ that the listings use; no profile (or former slug) may take them.
RESERVED_PROFILE_SLUGS = frozenset({"halaman", "terbaru"})
RESERVED_PAGE_SLUGS = frozenset(
    {
        "inovasi",
        "instansi",
        "sektor",
        "provinsi",
        "penghargaan",
        "kategori",
        "cari",
        "statistik",
        "data",
        "en",
        "assets",
        "media",
        "pagefind",
        "skema",
        "404",
    }
)


@dataclass(frozen=True)
class _Keys:
    agencies: frozenset[str]
    innovations: frozenset[str]
    sectors: frozenset[str] | None
    categories: frozenset[str] | None
    awards: frozenset[str] | None
    provinces: frozenset[str] | None


def check(sources: Sources, invalid: set[str], today: dt.date, languages: Iterable[str]) -> list[ContentError]:
    """Every cross-file problem; ``invalid`` names documents that failed their schema."""
    keys = _keys(sources, invalid)
    valid = [d for d in sources.documents if d.display not in invalid]
    errors: list[ContentError] = []
    for doc in valid:
        if doc.kind == "innovation":
            errors += _innovation_refs(doc, keys) + _dates(doc, today) + _reserved_slug(doc)
        elif doc.kind == "agency":
            errors += _agency_refs(doc, keys)
        elif doc.kind == "translation":
            errors += _translation(doc, keys, set(languages), today)
        elif doc.kind == "page":
            errors += _page(doc)
        elif doc.kind == "synonyms":
            errors += _synonyms(doc)
    innovations = [d for d in valid if d.kind == "innovation"]
    agencies = [d for d in valid if d.kind == "agency"]
    errors += _aliases(innovations, keys)
    errors += _cycles(innovations, "replicated_from", "replications", "one profile must be the original")
    errors += _cycles(agencies, "parent", "parent agencies", "remove one 'parent'")
    return errors


def _keys(sources: Sources, invalid: set[str]) -> _Keys:
    def taxonomy(name: str) -> frozenset[str] | None:
        docs = [d for d in sources.of_kind(name) if d.display not in invalid]
        return frozenset(docs[0].data) if docs else None

    return _Keys(
        agencies=sources.keys("agency"),
        innovations=sources.keys("innovation"),
        sectors=taxonomy("sectors"),
        categories=taxonomy("categories"),
        awards=taxonomy("awards"),
        provinces=taxonomy("provinces"),
    )


def _ref(
    doc: Document, path: tuple[str | int, ...], value: str, known: frozenset[str] | None, what: str, where: str
) -> list[ContentError]:
    """One reference to a key of another file; did-you-mean for a near miss."""
    if known is None or value in known:
        return []
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"add it to {where} or use an existing key"
    return [doc.error(path, f"unknown {what} '{value}'; {hint}")]


def _innovation_refs(doc: Document, keys: _Keys) -> list[ContentError]:
    d = doc.data
    errors = _ref(doc, ("agency",), d["agency"], keys.agencies, "agency", "content/agencies/<key>.yml")
    for i, sector in enumerate(d["sectors"]):
        errors += _ref(doc, ("sectors", i), sector, keys.sectors, "sector", "taxonomies/sectors.yml")
    if "category" in d:
        errors += _ref(doc, ("category",), d["category"], keys.categories, "category", "taxonomies/categories.yml")
    for i, award in enumerate(d.get("awards", [])):
        errors += _ref(doc, ("awards", i, "award"), award["award"], keys.awards, "award", "taxonomies/awards.yml")
    for i, rep in enumerate(d.get("replicated_by", [])):
        if "agency" in rep:
            errors += _ref(
                doc,
                ("replicated_by", i, "agency"),
                rep["agency"],
                keys.agencies,
                "agency",
                "content/agencies/<key>.yml",
            )
    if "location" in d:
        errors += _ref(
            doc,
            ("location", "province"),
            d["location"]["province"],
            keys.provinces,
            "province code",
            "taxonomies/provinces.yml",
        )
    origin = d.get("replicated_from")
    if origin == doc.key:
        errors.append(_at(doc, ("replicated_from",), "a profile cannot replicate itself; name the profile it copies"))
    elif origin:
        errors += _ref(doc, ("replicated_from",), origin, keys.innovations, "profile", "content/innovations/")
    return errors


def _at(doc: Document, path: tuple[str | int, ...], message: str) -> ContentError:
    return doc.error(path, message)


def _agency_refs(doc: Document, keys: _Keys) -> list[ContentError]:
    d = doc.data
    errors: list[ContentError] = []
    if "province" in d:
        errors += _ref(doc, ("province",), d["province"], keys.provinces, "province code", "taxonomies/provinces.yml")
    parent = d.get("parent")
    if parent == doc.key:
        errors.append(_at(doc, ("parent",), "an agency cannot be its own parent"))
    elif parent:
        errors += _ref(doc, ("parent",), parent, keys.agencies, "agency", "content/agencies/<key>.yml")
    return errors


def _dates(doc: Document, today: dt.date) -> list[ContentError]:
    d = doc.data
    updated = dt.date.fromisoformat(d["updated"])
    errors: list[ContentError] = []
    if updated > today:
        errors.append(_at(doc, ("updated",), f"{updated} is in the future; use the date the profile was last reviewed"))
    started = d.get("started")
    if started is not None:
        start = dt.date(started, 1, 1) if isinstance(started, int) else dt.date.fromisoformat(started)
        if start > updated:
            errors.append(_at(doc, ("started",), f"{started} is after 'updated' ({updated}); check both dates"))
    for i, award in enumerate(d.get("awards", [])):
        if award["year"] > updated.year:
            errors.append(
                _at(doc, ("awards", i, "year"), f"{award['year']} is after 'updated' ({updated}); check the year")
            )
    return errors


def _translation(doc: Document, keys: _Keys, languages: set[str], today: dt.date) -> list[ContentError]:
    errors: list[ContentError] = []
    if doc.key not in keys.innovations:
        errors.append(
            ContentError(doc.display, 1, "", f"translation of a profile that does not exist: innovations/{doc.key}.md")
        )
    if doc.lang not in languages:
        allowed = ", ".join(sorted(languages))
        hint = f"use one of: {allowed}" if allowed else "add its interface strings first"
        message = f"language '{doc.lang}' has no templates/strings/{doc.lang}.yml; {hint}"
        errors.append(ContentError(doc.display, 1, "", message))
    if dt.date.fromisoformat(doc.data["updated"]) > today:
        errors.append(_at(doc, ("updated",), "date is in the future; use the date the translation was last reviewed"))
    return errors


def _synonyms(doc: Document) -> list[ContentError]:
    """A form belongs to one group only, or a search for it could not say what it means."""
    first: dict[str, str] = {}
    errors: list[ContentError] = []
    for key, forms in doc.data.items():
        for i, form in enumerate([key, *forms]):
            folded = form.casefold()
            path: tuple[str | int, ...] = (key,) if i == 0 else (key, i - 1)
            if folded in first and first[folded] != key:
                errors.append(_at(doc, path, f"'{form}' is already a form of '{first[folded]}'; keep it in one group"))
            first.setdefault(folded, key)
    return errors


def _reserved_slug(doc: Document) -> list[ContentError]:
    if doc.key in RESERVED_PROFILE_SLUGS:
        message = f"the address /inovasi/{doc.key}/ is used by the list of innovations; rename the file"
        return [ContentError(doc.display, 1, "", message)]
    return []


def _page(doc: Document) -> list[ContentError]:
    if doc.key in RESERVED_PAGE_SLUGS:
        return [
            ContentError(
                doc.display, 1, "", f"the address /{doc.key}/ is used by the site itself; rename the page file"
            )
        ]
    return []


def _aliases(innovations: list[Document], keys: _Keys) -> list[ContentError]:
    """Aliases never collide with a slug or with another profile's alias."""
    errors: list[ContentError] = []
    owner: dict[str, str] = {}
    for doc in innovations:
        for i, alias in enumerate(doc.data.get("aliases", [])):
            path = ("aliases", i)
            if alias in RESERVED_PROFILE_SLUGS:
                errors.append(_at(doc, path, f"'{alias}' is an address the list of innovations uses; remove it"))
            elif alias == doc.key:
                errors.append(_at(doc, path, f"'{alias}' is this profile's own slug; remove it from aliases"))
            elif alias in keys.innovations:
                errors.append(
                    _at(doc, path, f"'{alias}' is the slug of content/innovations/{alias}.md; an alias must be free")
                )
            elif alias in owner:
                errors.append(
                    _at(doc, path, f"'{alias}' is already an alias of {owner[alias]}; keep it in one profile")
                )
            else:
                owner[alias] = doc.display
    return errors


def _cycles(docs: list[Document], name: str, what: str, hint: str) -> list[ContentError]:
    """Chains of ``name`` (each document points at most at one other) must end, never loop."""
    target = {d.key: d.data.get(name, "") for d in docs}
    errors: list[ContentError] = []
    for doc in docs:
        seen = [doc.key]
        current = target.get(doc.key, "")
        while current and current not in seen and current in target:
            seen.append(current)
            current = target[current]
        if current == doc.key and len(seen) > 1:
            loop = " -> ".join([*seen, doc.key])
            errors.append(_at(doc, (name,), f"{what} form a cycle: {loop}; {hint}"))
    return errors
