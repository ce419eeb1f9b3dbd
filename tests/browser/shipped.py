"""What the shipped content says, read from its files (so the tests hard-code no counts)."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.helpers import PROJECT, SHIPPED


def _profile_files() -> list[Path]:
    files = [p for p in sorted((SHIPPED / "innovations").glob("*.md")) if "." not in p.stem]
    assert files, "no shipped profiles found"
    return files


def profiles_by(field: str) -> dict[str, set[str]]:
    """Slugs of the shipped profiles for each value of ``field`` (a key or a list of keys)."""
    found: dict[str, set[str]] = {}
    for path in _profile_files():
        text = path.read_text(encoding="utf-8")
        _, front, _ = text.split("---\n", 2)
        value = yaml.safe_load(front)[field]
        for key in value if isinstance(value, list) else [value]:
            found.setdefault(key, set()).add(path.stem)
    return found


def profiles_by_sector() -> dict[str, set[str]]:
    return profiles_by("sectors")


def all_profiles() -> set[str]:
    return {p.stem for p in _profile_files()}


STRINGS = yaml.safe_load((PROJECT / "templates" / "strings" / "id.yml").read_text(encoding="utf-8"))


def count_text(n: int) -> str:
    """The status line the search page shows for ``n`` results."""
    search = STRINGS["search"]
    if n == 0:
        return f"{search['count_none']} {search['none_hint']}"
    if n == 1:
        return search["count_one"]
    return search["count_many"].replace("{n}", f"{n:,}".replace(",", "."))
