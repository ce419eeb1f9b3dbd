"""Compare two built sites: what a change adds, changes, redirects and removes.

A pull request is reviewed on what readers will get, not on the content files
alone: ``build.py diff OLD NEW`` lists every address whose output differs.
Published addresses are forever, so an address that disappears without a
redirect page is an error; only pages of a listing (``.../halaman/N/``), which
come and go as listings shrink, and media files, which a folder redirect cannot
replace, may vanish. Pure functions: reading the two folders is the only effect.
"""

from __future__ import annotations

import filecmp
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import routes
from .output import is_build

# Folders of generated files that are not addresses of their own; only counted.
NOT_LISTED = (routes.ASSETS, routes.SEARCH_BUNDLE)
_PAGINATION = re.compile(rf"(^|/){re.escape(routes.PAGE)}[0-9]+/$")
# redirect.html's refresh instruction; no other page of the site has one.
_REFRESH = re.compile(rb'<meta\s+http-equiv="refresh"\s+content="[0-9]+;\s*url=([^"]*)"', re.IGNORECASE)
_INDEX = routes.output_file("")


class NotABuildError(Exception):
    """A folder given to ``diff`` is missing or is not a site this program built."""


@dataclass(frozen=True)
class Counts:
    """How the files under one not-listed folder changed."""

    added: int = 0
    changed: int = 0
    removed: int = 0

    def __str__(self) -> str:
        parts = [(self.added, "added"), (self.changed, "changed"), (self.removed, "removed")]
        return ", ".join(f"{n} {word}" for n, word in parts if n) or "unchanged"


@dataclass(frozen=True)
class Diff:
    """Every address (``/inovasi/foo/``, ``/feed.xml``) by what happened to it, each list sorted."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    redirected: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    not_listed: dict[str, Counts] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        """Removed addresses that readers may have bookmarked or linked to."""
        return [a for a in self.removed if not may_disappear(a)]


def compare(old: Path, new: Path) -> Diff:
    """Compare the built sites ``old`` and ``new``; raise :class:`NotABuildError` for other folders."""
    before, after = _listed(_built(old)), _listed(_built(new))
    added: list[str] = []
    changed: list[str] = []
    removed: list[str] = []
    redirected: list[tuple[str, str]] = []
    unchanged = 0
    for rel in before.keys() | after.keys():
        address = address_of(rel)
        if rel not in after:
            removed.append(address)
        elif rel not in before:
            added.append(address)
        elif (target := redirect_target(after[rel])) and not redirect_target(before[rel]):
            redirected.append((address, target))
        elif not same(before[rel], after[rel]):
            changed.append(address)
        else:
            unchanged += 1
    counts = {f: _count(old / f, new / f) for f in NOT_LISTED if (old / f).is_dir() or (new / f).is_dir()}
    return Diff(sorted(added), sorted(changed), sorted(redirected), sorted(removed), unchanged, counts)


def _built(folder: Path) -> Path:
    """``folder`` if it holds a build; comparing anything else would report nonsense."""
    if not folder.is_dir():
        raise NotABuildError(f"{folder} is not a folder; build the site into it first")
    if not is_build(folder):
        raise NotABuildError(f"{folder} does not look like a built site (no index.html and sitemap.xml)")
    return folder


def _files(root: Path) -> dict[str, Path]:
    """Every file under ``root`` by relative POSIX path (none if there is no such folder)."""
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def _listed(site: Path) -> dict[str, Path]:
    return {rel: p for rel, p in _files(site).items() if not rel.startswith(NOT_LISTED)}


def _count(old: Path, new: Path) -> Counts:
    before, after = _files(old), _files(new)
    changed = sum(1 for rel in before.keys() & after.keys() if not same(before[rel], after[rel]))
    return Counts(len(after.keys() - before.keys()), changed, len(before.keys() - after.keys()))


def same(a: Path, b: Path) -> bool:
    """Byte for byte (sizes first, so most changed pages are not even read)."""
    return filecmp.cmp(a, b, shallow=False)


def address_of(rel: str) -> str:
    """The public address a file serves: ``inovasi/foo/index.html`` → ``/inovasi/foo/``."""
    if rel == _INDEX or rel.endswith("/" + _INDEX):
        return "/" + rel.removesuffix(_INDEX)
    return "/" + rel


def redirect_target(page: Path) -> str:
    """Where a redirect page sends readers, or "" for any other file."""
    if page.suffix != ".html":
        return ""
    with page.open("rb") as stream:
        head = stream.read(4096)
    match = _REFRESH.search(head)
    return html.unescape(match[1].decode("utf-8", "replace")) if match else ""


def may_disappear(address: str) -> bool:
    """Pages of a listing and media files may go without a redirect."""
    path = address.removeprefix("/")
    return bool(_PAGINATION.search(path)) or path.startswith(routes.MEDIA)


def fix_for(address: str) -> str:
    """What an editor does so that ``address`` keeps working."""
    path = address.removeprefix("/")
    slug = path.removeprefix(routes.INNOVATIONS).removesuffix("/")
    if path.startswith(routes.INNOVATIONS) and slug and routes.innovation(slug) == path and "/" not in slug:
        return (
            f"put its slug in `aliases` of the profile that replaces it (aliases: [{slug}]), "
            "or if none does, add it to content/redirects.yml"
        )
    return f"add it to content/redirects.yml ({address}: /new/address/)"


def error_lines(diff: Diff) -> list[str]:
    return [f"error: {a} was removed without a redirect; {fix_for(a)}" for a in diff.errors]


def summary(diff: Diff) -> str:
    """One line: ``3 added, 1 changed, 0 removed, ...`` and the not-listed folders."""
    counts = [
        f"{len(diff.added)} added",
        f"{len(diff.changed)} changed",
        f"{len(diff.removed)} removed",
        f"{len(diff.redirected)} redirected",
        f"{diff.unchanged} unchanged",
    ]
    folders = "; ".join(f"{folder} {counts}" for folder, counts in diff.not_listed.items())
    return ", ".join(counts) + (f" (not listed: {folders})" if folders else "")


def to_text(diff: Diff) -> str:
    """One line per address, grouped by what happened to it, then the summary line."""
    lines = [f"added: {a}" for a in diff.added]
    lines += [f"changed: {a}" for a in diff.changed]
    lines += [f"redirected: {a} -> {target}" for a, target in diff.redirected]
    lines += [f"removed: {a}" for a in diff.removed]
    return "\n".join([*lines, summary(diff)]) + "\n"


def to_markdown(diff: Diff) -> str:
    """A GitHub job summary: a heading, a table of counts, the errors, then each list folded."""
    rows = [
        ("added", len(diff.added)),
        ("changed", len(diff.changed)),
        ("redirected", len(diff.redirected)),
        ("removed", len(diff.removed)),
        ("unchanged", diff.unchanged),
    ]
    out = ["### Changes to the built site", "", "| addresses | count |", "| --- | ---: |"]
    out += [f"| {name} | {n} |" for name, n in rows]
    if diff.not_listed:
        out += ["", "Not listed: " + "; ".join(f"`{f}` {c}" for f, c in diff.not_listed.items()) + "."]
    if diff.errors:
        noun = "address was" if len(diff.errors) == 1 else "addresses were"
        out += ["", f"**Error: {len(diff.errors)} published {noun} removed without a redirect.**", ""]
        out += [f"- `{a}`: {fix_for(a)}" for a in diff.errors]
    out += _details("Added", [f"`{a}`" for a in diff.added])
    out += _details("Changed", [f"`{a}`" for a in diff.changed])
    out += _details("Redirected", [f"`{a}` → `{target}`" for a, target in diff.redirected])
    out += _details("Removed", [f"`{a}`" for a in diff.removed])
    return "\n".join(out) + "\n"


def _details(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return ["", f"<details><summary>{title} ({len(items)})</summary>", "", *(f"- {i}" for i in items), "", "</details>"]
