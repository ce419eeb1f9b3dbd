"""Every UI string lives in templates/strings/<lang>.yml, complete in every language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from jinja2 import Environment

from katalog import render, schema
from katalog.config import DEFAULT_TEMPLATES


def keys(data: dict[str, Any], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, value in data.items():
        out.add(prefix + key)
        if isinstance(value, dict):
            out |= keys(value, f"{prefix}{key}.")
    return out


def raw(lang: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEFAULT_TEMPLATES / "strings" / f"{lang}.yml").read_text("utf-8"))
    return data


def test_indonesian_comes_first_and_every_language_has_every_key() -> None:
    languages = render.languages(DEFAULT_TEMPLATES)
    assert "id" in languages
    reference = keys(raw("id"))
    for lang in languages:
        assert keys(raw(lang)) == reference, lang


def test_every_enumerated_value_has_a_label() -> None:
    for lang in render.languages(DEFAULT_TEMPLATES):
        labels = raw(lang)["labels"]
        assert set(labels["status"]) == set(schema.enum_values("innovation", "status"))
        assert set(labels["agency_type"]) == set(schema.enum_values("agency", "type"))


def test_strings_never_collide_with_dict_methods() -> None:
    strings = render.load_strings(DEFAULT_TEMPLATES, "id")
    env = Environment(autoescape=True)
    assert env.from_string("{{ t.search.clear }}").render(t=strings) == "Hapus semua saringan"


def test_formatting_filters_follow_the_language() -> None:
    id_strings = render.load_strings(DEFAULT_TEMPLATES, "id")
    en_strings = render.load_strings(DEFAULT_TEMPLATES, "en")
    env = Environment(autoescape=True)
    env.filters.update(date=render.format_date, number=render.format_number)
    template = env.from_string("{{ d | date }} · {{ n | number }} · {{ f | number }} · {{ y | date }}")
    values = {"d": dt.date(2024, 11, 28), "n": 2928, "f": 16.5, "y": 2016}
    assert template.render(t=id_strings, **values) == "28 November 2024 · 2.928 · 16,5 · 2016"
    assert template.render(t=en_strings, **values) == "28 November 2024 · 2,928 · 16.5 · 2016"
    assert env.from_string("{{ d | date }}").render(t=id_strings, d="2016-05-01") == "1 Mei 2016"
