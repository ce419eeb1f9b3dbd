"""Open data: every profile with its agency, province and taxonomy names resolved.

The JSON record follows the fields of ``innovation.schema.json`` (a test holds
the two together); the CSV flattens the same record, lists joined with "; ".
Both are sorted by slug, with sorted keys and a final newline, so identical
content gives identical bytes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .model import Catalogue, Innovation
from .routes import Links, innovation

LIST_SEPARATOR = "; "


def record(cat: Catalogue, item: Innovation, links: Links) -> dict[str, Any]:
    """One profile as plain data, references resolved to names."""
    agency = item.agency
    return {
        "slug": item.slug,
        "url": links.absolute(innovation(item.slug)),
        "title": item.title,
        "summary": item.summary,
        "agency": {"key": agency.key, "name": agency.name, "short_name": agency.short_name, "type": agency.type},
        "unit": item.unit,
        "location": {
            "province": item.province.code if item.province else "",
            "province_name": item.province.name if item.province else "",
            "island_group": item.province.island_group if item.province else "",
            "regency": item.regency,
        },
        "sectors": [{"key": s.key, "name": s.name} for s in item.sectors],
        "category": {"key": item.category.key, "name": item.category.name} if item.category else None,
        "started": item.started,
        "status": item.status,
        "awards": [
            {
                "award": w.programme.key,
                "name": w.programme.name,
                "organiser": w.programme.organiser,
                "year": w.year,
                "note": w.note,
            }
            for w in item.awards
        ],
        "replicated_from": item.replicated_from,
        "replicated_by": [
            {
                "slug": r.innovation.slug if r.innovation else "",
                "agency": r.agency.key if r.agency else "",
                "name": r.agency.name if r.agency else r.name,
                "year": r.year,
            }
            for r in cat.replications.get(item.slug, ())
        ],
        "innovator": item.innovator,
        "outcomes": [
            {
                "metric": o.metric,
                "before": o.before,
                "after": o.after,
                "unit": o.unit,
                "year": o.year,
                "source": o.source,
            }
            for o in item.outcomes
        ],
        "legal_basis": list(item.legal_basis),
        "video": item.video,
        "sdgs": list(item.sdgs),
        "tags": list(item.tags),
        "image": {
            "src": links.absolute(f"media/{item.slug}/{item.image.src}"),
            "alt": item.image.alt,
            "credit": item.image.credit,
        }
        if item.image
        else None,
        "links": [{"title": link.title, "url": link.url} for link in item.links],
        "contact": {"name": item.contact.name, "email": item.contact.email, "phone": item.contact.phone}
        if item.contact
        else None,
        "aliases": list(item.aliases),
        "updated": item.updated.isoformat(),
    }


def encoded(rec: dict[str, Any]) -> tuple[str, str]:
    """One record as the data files hold it: its JSON text and its CSV line. A build keeps
    them between builds (a profile's record changes with the profile alone), so the files
    are joined from them instead of being encoded whole."""
    row = csv_row(rec)
    return _json(rec), _csv_line([row[column] for column in CSV_COLUMNS])


def _csv_line(values: list[str] | tuple[str, ...]) -> str:
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(values)
    return line.getvalue()


def _json(value: Any) -> str:
    # Compact: Python's C encoder serves only unindented JSON, and indenting made this one
    # file cost a second per 3,000 profiles; tools and browsers lay it out for readers.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def to_json(cat: Catalogue, links: Links, records: list[str]) -> bytes:
    """The JSON file of every profile's encoded record (see :func:`encoded`), in order: the
    object ``json.dumps`` would write for ``{"count", "innovations", "title", "url"}``."""
    head = f'{{"count":{len(records)},"innovations":[{",".join(records)}],'
    tail = f'"title":{_json(cat.settings.title)},"url":{_json(links.absolute(""))}}}\n'
    return (head + tail).encode("utf-8")


CSV_COLUMNS = (
    "slug",
    "url",
    "title",
    "summary",
    "agency",
    "agency_name",
    "agency_type",
    "unit",
    "province",
    "province_name",
    "island_group",
    "regency",
    "sectors",
    "sector_names",
    "category",
    "category_name",
    "started",
    "status",
    "awards",
    "replicated_from",
    "replicated_by",
    "innovator",
    "outcomes",
    "legal_basis",
    "video",
    "sdgs",
    "tags",
    "image",
    "links",
    "contact_name",
    "contact_email",
    "contact_phone",
    "aliases",
    "updated",
)


def csv_row(rec: dict[str, Any]) -> dict[str, str]:
    """Flatten one JSON record; lists become "; "-joined text."""

    def join(values: list[Any]) -> str:
        return LIST_SEPARATOR.join(str(v) for v in values)

    contact = rec["contact"] or {}
    category = rec["category"] or {}
    return {
        "slug": rec["slug"],
        "url": rec["url"],
        "title": rec["title"],
        "summary": rec["summary"],
        "agency": rec["agency"]["key"],
        "agency_name": rec["agency"]["name"],
        "agency_type": rec["agency"]["type"],
        "unit": rec["unit"],
        "province": rec["location"]["province"],
        "province_name": rec["location"]["province_name"],
        "island_group": rec["location"]["island_group"],
        "regency": rec["location"]["regency"],
        "sectors": join([s["key"] for s in rec["sectors"]]),
        "sector_names": join([s["name"] for s in rec["sectors"]]),
        "category": category.get("key", ""),
        "category_name": category.get("name", ""),
        "started": rec["started"],
        "status": rec["status"],
        "awards": join([f"{a['name']} {a['year']}" for a in rec["awards"]]),
        "replicated_from": rec["replicated_from"],
        "replicated_by": join([r["name"] for r in rec["replicated_by"]]),
        "innovator": rec["innovator"],
        "outcomes": join(
            [
                f"{o['metric']}: {o['before'] if o['before'] is not None else ''} -> {o['after']} {o['unit']}".strip()
                for o in rec["outcomes"]
            ]
        ),
        "legal_basis": join(rec["legal_basis"]),
        "video": rec["video"],
        "sdgs": join(rec["sdgs"]),
        "tags": join(rec["tags"]),
        "image": rec["image"]["src"] if rec["image"] else "",
        "links": join([link["url"] for link in rec["links"]]),
        "contact_name": contact.get("name", ""),
        "contact_email": contact.get("email", ""),
        "contact_phone": contact.get("phone", ""),
        "aliases": join(rec["aliases"]),
        "updated": rec["updated"],
    }


def to_csv(lines: list[str]) -> bytes:
    """The CSV file of every profile's encoded line (see :func:`encoded`), in order."""
    return (_csv_line(CSV_COLUMNS) + "".join(lines)).encode("utf-8")
