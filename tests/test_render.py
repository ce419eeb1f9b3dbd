"""Every UI string lives in templates/strings/<lang>.yml, complete in every language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import markupsafe
import pytest
import yaml
from jinja2 import Environment, FileSystemBytecodeCache, StrictUndefined, UndefinedError
from markupsafe import Markup

from katalog import render, schema
from katalog.config import DEFAULT_TEMPLATES, settings_from


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


class _Html:
    def __html__(self) -> str:
        return "<b>aman</b>"


class _Text(str):
    pass


ESCAPED = ["teks biasa", "<a href='x'>&\"</a>", "", Markup("<i>sudah</i>"), _Text("<u>"), 2928, 16.5, None, _Html()]


@pytest.mark.parametrize("value", ESCAPED)
def test_the_renderer_s_escape_is_markupsafe_s(value: object) -> None:
    ours, theirs = render.escape(value), markupsafe.escape(value)
    assert (type(ours), ours) == (type(theirs), theirs)


def test_an_undefined_name_fails_the_renderer_s_escape_as_markupsafe_s() -> None:
    undefined = StrictUndefined(name="hilang")
    with pytest.raises(UndefinedError):
        markupsafe.escape(undefined)
    with pytest.raises(UndefinedError):
        render.escape(undefined)


def test_every_template_escapes_with_the_renderer_s_escape_compiled_or_read_back(tmp_path: Path) -> None:
    site: dict[str, object] = {
        "title": "Katalog",
        "description": "Uji",
        "base_url": "https://contoh.go.id/",
        "language": "id",
    }
    for _ in range(2):  # the second renderer reads the compiled templates back from the cache
        renderer = render.Renderer(settings_from(site), {}, {}, {}, FileSystemBytecodeCache(str(tmp_path)))
        for name in ("innovation.html", "macros.html", "feed.xml"):
            template = renderer.env.get_template(name)
            assert template.root_render_func.__globals__["escape"] is render.escape, name
        page = renderer.env.from_string("{{ a }}{{ b }}{% macro m(x) %}{{ x }}{% endmacro %}{{ m(a) }}")
        assert page.render(a="<&>", b=Markup("<br>")) == "&lt;&amp;&gt;<br>&lt;&amp;&gt;"
    assert list(tmp_path.iterdir())
