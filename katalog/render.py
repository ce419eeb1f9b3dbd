"""Stage 5: one Jinja environment that turns planned pages into bytes.

Autoescape is on for HTML and XML, undefined names are errors, and every UI
string comes from ``templates/strings/<lang>.yml`` so a language can be added
without touching a template. Filters only format; they never compute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import markupsafe
import yaml
from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup as MarkupSafe

try:  # the function markupsafe.escape wraps, as markupsafe imports it
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover (markupsafe built without its C code)
    from markupsafe._native import _escape_inner

from . import routes
from .config import Settings
from .pages import Planned
from .routes import ASSETS, Links
from .sources import YAML_LOADER


def strings_dir(templates_dir: Path) -> Path:
    return templates_dir / "strings"


def languages(templates_dir: Path) -> list[str]:
    """Languages the templates can speak: one strings file each."""
    return sorted(p.stem for p in strings_dir(templates_dir).glob("*.yml"))


class Strings:
    """UI strings read as ``t.search.label`` in templates.

    A plain dict would not do: Jinja looks up attributes first, so a key such
    as ``clear`` or ``items`` would return the dict's method instead of the text.
    A missing key raises, which StrictUndefined turns into a build error.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        # Nested groups wrapped once, not on every lookup (tens of lookups a page).
        self._data = {key: Strings(value) if isinstance(value, dict) else value for key, value in data.items()}

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __contains__(self, name: str) -> bool:
        return name in self._data


def load_strings(templates_dir: Path, lang: str) -> Strings:
    data: dict[str, Any] = yaml.load((strings_dir(templates_dir) / f"{lang}.yml").read_text("utf-8"), YAML_LOADER)
    return Strings(data)


def escape(value: Any, /) -> MarkupSafe:
    """``markupsafe.escape``, the same result for every value, without its second Python
    call for text, by far the most common value: ``Markup(text)`` runs ``Markup.__new__``,
    which asks the escaped text for ``__html__`` before it makes the string. Every
    ``{{ ... }}`` of a page is escaped (some 180 on a profile's page), and this cut the
    time to render the pages of 3,000 synthetic profiles by a tenth."""
    if type(value) is str:
        return str.__new__(MarkupSafe, _escape_inner(value))
    return markupsafe.escape(value)


class _Template(Template):
    """A compiled template whose output is escaped by :func:`escape`. Jinja's compiled code
    calls the ``escape`` of its module's namespace, which every function of the template
    (its blocks and macros too) shares: the root function's globals."""

    @classmethod
    def from_code(cls, *args: Any, **kwargs: Any) -> Template:
        template = super().from_code(*args, **kwargs)
        template.root_render_func.__globals__["escape"] = escape
        return template


class Renderer:
    """Renders planned pages for one build's settings."""

    def __init__(
        self,
        settings: Settings,
        asset_versions: dict[str, str],
        static_pages: dict[str, Any],
        bodies: Mapping[str, str],
        compiled: BytecodeCache | None = None,
    ) -> None:
        """``bodies`` maps every Markdown body of the catalogue to its HTML (markup.render_all);
        ``compiled`` keeps templates compiled between builds (each costs tens of milliseconds
        to compile, in every worker that renders with it)."""
        self.settings = settings
        self.bodies = bodies
        self.links = Links(settings.base_url, settings.base_path)
        self.asset_versions = asset_versions
        self.strings = {lang: load_strings(settings.templates_dir, lang) for lang in languages(settings.templates_dir)}
        self.env = Environment(
            loader=FileSystemLoader(settings.templates_dir),
            autoescape=select_autoescape(("html", "xml")),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # templates do not change during a build: no file check per page
            bytecode_cache=compiled,
        )
        self.env.template_class = _Template
        self.env.globals.update(
            site=settings,
            href=self.links.href,
            absolute=self.links.absolute,
            asset=self.asset,
            static_pages=static_pages,
            paths=routes,
        )
        self.env.filters.update(date=format_date, number=format_number, label=label, fill=fill, markdown=self.markdown)

    def markdown(self, text: str) -> MarkupSafe:
        """A body's HTML, converted and sanitised before rendering began."""
        return MarkupSafe(self.bodies[text])

    def asset(self, name: str) -> str:
        """Link to a file of ``assets/`` with its content hash, so browsers may cache it forever."""
        return f"{self.links.href(ASSETS + name)}?v={self.asset_versions[name]}"

    def close(self) -> None:
        """Let go of the bodies' HTML, the renderer's one large holding. The environment's
        filters and globals are the renderer's own methods, a reference cycle that only a
        full collection would break (a second at 30,000 profiles, walking the whole model)."""
        self.bodies = {}

    def render(self, page: Planned) -> bytes:
        lang = page.lang or self.settings.language
        template = self.env.get_template(page.template)
        html = template.render(page.full_context(), t=self.strings[lang], lang=lang, page_path=page.path)
        return html.encode("utf-8")


@pass_context
def format_date(context: Context, value: dt.date | str | int) -> str:
    """'2024-11-28' → '28 November 2024'; a bare year stays a year."""
    months = context["t"].months
    if isinstance(value, int) or (isinstance(value, str) and len(value) == 4):
        return str(value)
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return f"{day.day} {months[day.month - 1]} {day.year}"


@pass_context
def format_number(context: Context, value: float) -> str:
    """Thousands and decimal separators of the page's language (Indonesian: 2.928 and 3,5)."""
    sep = context["t"].number
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "\0").replace(".", sep["decimal"]).replace("\0", sep["thousands"])


def fill(text: str, **values: object) -> str:
    """Put values into a UI string: ``"{n} inovasi" | fill(n=5)``."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


@pass_context
def label(context: Context, value: str, group: str) -> str:
    """UI label of an enumerated value, e.g. a status or an agency type."""
    return str(context["t"].labels[group][value])
