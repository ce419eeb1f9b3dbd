"""``build.py new``: start a profile from a file that already passes ``check``.

The file it writes has the required fields filled in and every other field of
the contract as a commented-out example. Field names, their Indonesian
titles and descriptions and the examples all come from
``schemas/innovation.schema.json``, so a field added to the schema shows up
here without touching this module. Values are checked the way ``check``
checks them (the schema's own messages, the same did-you-mean), before
anything is written; an existing file is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import schema, sources
from .integrity import RESERVED_PROFILE_SLUGS

# Order of the options when several are missing; each is one required field.
ASKED = ("title", "agency", "sectors", "summary")
OPTION = {"title": "--title", "agency": "--agency", "sectors": "--sector", "summary": "--summary", "slug": "--slug"}
SCHEMA_NAME = "innovation.schema.json"

# The body the contract proposes; each note is an HTML comment, which the
# sanitiser drops, so a note left in place never shows on the site.
SECTIONS = (
    ("Latar Belakang", "Masalah apa yang diatasi, dan siapa yang dirugikan sebelum ada inovasi ini?"),
    ("Inovasi", "Apa yang baru, dan bagaimana layanan berjalan sekarang?"),
    ("Dampak", "Hasil yang terukur, dengan angka dan sumbernya (lihat juga kolom outcomes)."),
    ("Sumber Daya", "Orang, anggaran dan peralatan yang dibutuhkan."),
    ("Keberlanjutan", "Aturan, anggaran dan orang yang menjaga inovasi tetap berjalan."),
    ("Replikasi", "Apa yang dibutuhkan instansi lain untuk menirunya; siapa yang sudah mereplikasi."),
)
OPTIONAL_NOTE = (
    "## Kolom pilihan. Isi hanya yang dinyatakan sumber publik: hapus tanda '# ' di awal\n"
    "## baris contoh, lalu ganti nilainya. Baris '## ...' adalah keterangan; boleh dihapus.\n"
)


class UsageError(Exception):
    """A required option is missing and there is no terminal to ask in."""


class NewProfileError(Exception):
    """Values that would make a file ``check`` refuses; carries every message."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Request:
    """What the command line gave; ``None`` or empty means not given."""

    content: Path
    title: str | None = None
    agency: str | None = None
    sectors: tuple[str, ...] = ()
    summary: str | None = None
    slug: str | None = None


@dataclass(frozen=True)
class Known:
    """What the content folder already holds that a new profile must fit."""

    agencies: dict[str, str]
    sectors: dict[str, str]
    taken: frozenset[str]


def known(content: Path) -> Known:
    """Agency and sector keys (with names) and every slug or alias in use.

    Read with the normal loader; files it cannot parse still count as taken.
    """
    found = sources.scan(content)
    agencies = {d.key: str(d.data.get("name", d.key)) for d in found.of_kind("agency")}
    agencies.update({key: agencies.get(key, key) for key in found.keys("agency")})
    sectors: dict[str, str] = {}
    for doc in found.of_kind("sectors"):
        sectors = {
            key: str(entry.get("name", key)) if isinstance(entry, dict) else key for key, entry in doc.data.items()
        }
    aliases = {
        alias
        for doc in found.of_kind("innovation")
        for alias in doc.data.get("aliases") or []
        if isinstance(alias, str)
    }
    return Known(dict(sorted(agencies.items())), sectors, frozenset(found.keys("innovation") | aliases))


# --- slugs ---------------------------------------------------------------


def max_slug_length() -> int:
    return int(schema.load_schema("common")["$defs"]["slug"]["maxLength"])


def slugify(title: str) -> str:
    """Lowercase ASCII words joined by hyphens, at most the schema's length, cut between words."""
    text = unicodedata.normalize("NFKD", title.replace("&", " dan "))
    ascii_text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_text))
    return _shorten(slug, max_slug_length())


def _shorten(slug: str, limit: int) -> str:
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut and slug[limit] != "-" else cut.rstrip("-")


def free_slug(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... : the first that no profile, alias or listing uses."""
    used = set(taken) | RESERVED_PROFILE_SLUGS
    number = 1
    candidate = base
    while candidate in used:
        number += 1
        suffix = f"-{number}"
        candidate = _shorten(base, max_slug_length() - len(suffix)) + suffix
    return candidate


def slug_problem(slug: str, taken: Iterable[str]) -> str | None:
    """Why an explicitly given slug cannot be used, or None."""
    if not sources.SLUG_RE.match(slug) or len(slug) > max_slug_length():
        return f"'{slug}' is not a valid slug; {sources.SLUG_HINT}, at most {max_slug_length()} characters"
    if slug in RESERVED_PROFILE_SLUGS:
        return f"'{slug}' is an address the list of innovations uses (/inovasi/{slug}/); choose another"
    if slug in set(taken):
        return f"'{slug}' is already the slug or a former slug (alias) of a profile; choose another"
    return None


# --- checking values -----------------------------------------------------


def field_problems(name: str, value: Any, known_: Known) -> list[str]:
    """Messages for one required field, worded as ``check`` words them."""
    messages = [
        e.message for e in schema.check_values("innovation", {name: value}) if re.match(rf"{name}(\[|\.|$)", e.field)
    ]
    if messages:
        return messages
    if name == "agency":
        return _references([value], known_.agencies, "agency", "content/agencies/<key>.yml")
    if name == "sectors":
        return _references(value, known_.sectors, "sector", "taxonomies/sectors.yml")
    return []


def _references(values: Iterable[str], keys: dict[str, str], what: str, where: str) -> list[str]:
    if not keys:
        return [f"no {what} found in {where}; add one first (run build.py check to see why)"]
    out = []
    for value in values:
        if value in keys:
            continue
        close = schema.did_you_mean(value, keys)
        hint = f"did you mean '{close}'?" if close else f"add it to {where} or use an existing key"
        if not close and len(keys) <= 20:
            hint += ": " + ", ".join(keys)
        out.append(f"unknown {what} '{value}'; {hint}")
    return out


def problems(values: dict[str, Any], known_: Known) -> list[str]:
    """Every problem of the given values, as ``--option: message`` lines."""
    out: list[str] = []
    for name in ASKED:
        if name in values:
            out += [f"{OPTION[name]}: {m}" for m in field_problems(name, values[name], known_)]
    return out


# --- the file ------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists, as the contract writes them; lists of plain values inline."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    inline = all(not isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=inline)


_Dumper.add_representer(list, _represent_list)


def _yaml(name: str, value: Any) -> str:
    text: str = yaml.dump({name: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88)
    return text


def _note(spec: dict[str, Any]) -> str:
    """The field's Indonesian title and description as one comment line."""
    title, description = spec.get("title", ""), spec.get("description", "")
    return f"## {title}: {description}\n" if description else f"## {title}\n"


def render(values: dict[str, Any], schema_ref: str) -> str:
    """The whole file: front matter (required values, then commented examples of every other field) and body."""
    properties: dict[str, Any] = schema.load_schema("innovation")["properties"]
    required = [name for name in properties if name in values]
    lines = ["---\n", f"# yaml-language-server: $schema={schema_ref}\n"]
    for name in required:
        lines += [_note(properties[name]), _yaml(name, values[name])]
    lines += ["\n", OPTIONAL_NOTE]
    for name, spec in properties.items():
        if name in values:
            continue
        example = "".join(f"# {line}\n" for line in _yaml(name, spec["examples"][0]).splitlines())
        lines += ["\n", _note(spec), example]
    lines.append("---\n")
    for heading, note in SECTIONS:
        lines.append(f"## {heading}\n\n<!-- {note} -->\n\n")
    return "".join(lines).rstrip("\n") + "\n"


def front_matter(title: str, summary: str, agency: str, sectors: Iterable[str], today: dt.date) -> dict[str, Any]:
    """The required fields; the status is the schema's first (``active``)."""
    values: dict[str, Any] = {
        "title": title,
        "summary": summary,
        "agency": agency,
        "sectors": list(sectors),
        "status": schema.enum_values("innovation", "status")[0],
        "updated": today,
    }
    required = set(schema.load_schema("innovation")["required"])
    assert required == set(values), f"required fields changed in the schema: {sorted(required ^ set(values))}"
    return values


def schema_ref(target: Path) -> str:
    """The schema as a path relative to the new file: works offline, in any clone, in editors that read it."""
    try:
        return Path(os.path.relpath(schema.SCHEMA_DIR / SCHEMA_NAME, target.resolve().parent)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return str(schema.load_schema("innovation")["$id"])


# --- the command ---------------------------------------------------------


@dataclass(frozen=True)
class Terminal:
    """Asks for what the command line left out; ``ask`` returns one typed line."""

    ask: Callable[[str], str]
    say: Callable[[str], None]


def create(request: Request, today: dt.date, terminal: Terminal | None) -> Path:
    """Check everything, then write ``innovations/<slug>.md``; return its path.

    Raises :class:`UsageError` when a required value is missing and there is no
    terminal, :class:`NewProfileError` for values ``check`` would refuse.
    """
    if not request.content.is_dir():
        raise NewProfileError([f"--content: folder {request.content} not found; pass --content DIR"])
    known_ = known(request.content)
    given = _given(request)
    missing = [name for name in ASKED if name not in given]
    if missing and terminal is None:
        options = ", ".join(OPTION[name] for name in missing)
        raise UsageError(f"missing {options}; give them as options (or run in a terminal to be asked)")
    errors = problems(given, known_)
    slug = request.slug
    if slug is not None and (problem := slug_problem(slug, known_.taken)):
        errors.append(f"--slug: {problem}")
    if errors:
        raise NewProfileError(errors)
    if terminal is not None:
        for name in missing:
            given[name] = _ask(name, known_, terminal)
    if slug is None:
        slug = _slug_from_title(str(given["title"]), known_, terminal)
    target = request.content / "innovations" / f"{slug}.md"
    values = front_matter(given["title"], given["summary"], given["agency"], given["sectors"], today)
    text = render(values, schema_ref(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise NewProfileError([f"--slug: {target} already exists; choose another slug"]) from None
    return target


def _given(request: Request) -> dict[str, Any]:
    given: dict[str, Any] = {}
    if request.title is not None:
        given["title"] = request.title.strip()
    if request.agency is not None:
        given["agency"] = request.agency.strip()
    if request.sectors:
        given["sectors"] = [s.strip() for s in request.sectors]
    if request.summary is not None:
        given["summary"] = " ".join(request.summary.split())
    return given


def _slug_from_title(title: str, known_: Known, terminal: Terminal | None) -> str:
    base = slugify(title)
    if base:
        return free_slug(base, known_.taken)
    if terminal is None:
        raise NewProfileError([f"--title: no letters a-z or digits in {title!r} to make an address from; give --slug"])
    while True:
        slug = terminal.ask("Slug (alamat /inovasi/<slug>/; huruf kecil a-z, angka, tanda hubung): ").strip()
        problem = slug_problem(slug, known_.taken)
        if problem is None:
            return slug
        terminal.say(f"  {problem}")


def _ask(name: str, known_: Known, terminal: Terminal) -> Any:
    """Ask for one field until its value is valid, showing the choices where there are keys to pick."""
    spec = schema.load_schema("innovation")["properties"][name]
    terminal.say(f"{spec['title']}: {spec.get('description', '')}")
    if name == "sectors":
        terminal.say("  Pilihan: " + ", ".join(known_.sectors))
    while True:
        typed = terminal.ask(f"{spec['title']}: ").strip()
        value: Any = typed
        if name == "sectors":
            value = [part.strip() for part in typed.split(",") if part.strip()]
        elif name == "summary":
            value = " ".join(typed.split())
        if name == "agency" and typed and typed not in known_.agencies:
            matches = [f"{key} ({label})" for key, label in known_.agencies.items() if _matches(typed, key, label)]
            if matches:
                terminal.say("  Instansi yang cocok: " + "; ".join(matches[:15]))
                continue
        found = field_problems(name, value, known_)
        if not found:
            return value
        for message in found:
            terminal.say(f"  {message}")


def _matches(typed: str, key: str, label: str) -> bool:
    words = typed.casefold().split()
    return all(word in key or word in label.casefold() for word in words)
