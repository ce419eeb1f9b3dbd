"""The build as one straight line of named stages.

    scan → schema.check → integrity.check → (errors: stop, write nothing)
      → settings → model.assemble → pages.plan → routes.check_collisions
      → render + exports → output.stage → search.index → output.commit

Every stage before ``output.stage`` is a pure function of its inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import exports, integrity, model, output, pages, render, routes, schema, search, sources
from .config import DEFAULT_ASSETS, DEFAULT_TEMPLATES, settings_from
from .errors import ContentError, ContentInvalid
from .markup import Markup


@dataclass(frozen=True)
class Options:
    content_dir: Path
    out_dir: Path
    base_url: str | None = None
    search: bool = True
    templates_dir: Path = DEFAULT_TEMPLATES
    assets_dir: Path = DEFAULT_ASSETS
    today: dt.date | None = None


@dataclass
class Report:
    pages: int = 0
    files: int = 0
    search_summary: str = ""
    warnings: list[ContentError] = field(default_factory=list)


def check(content_dir: Path, templates_dir: Path = DEFAULT_TEMPLATES,
          today: dt.date | None = None) -> sources.Sources:
    """Load and check everything; raise :class:`ContentInvalid` with all problems."""
    found = sources.scan(content_dir)
    errors = list(found.errors) + schema.check(found.documents)
    invalid = {e.path for e in errors}
    site_language = _site_language(found)
    languages = [lang for lang in render.languages(templates_dir) if lang != site_language]
    errors += integrity.check(found, invalid, today or dt.date.today(), languages)
    if errors:
        raise ContentInvalid(sorted(set(errors), key=lambda e: (e.path, e.line, e.field, e.message)))
    return found


def _site_language(found: sources.Sources) -> str:
    sites = found.of_kind("site")
    return str(sites[0].data.get("language", "")) if sites else ""


def catalogue(found: sources.Sources, options: Options) -> model.Catalogue:
    site = found.of_kind("site")[0].data
    settings = settings_from(site, base_url=options.base_url, templates_dir=options.templates_dir,
                             assets_dir=options.assets_dir)
    return model.assemble(found, settings, Markup(settings.base_path).render)


def build(options: Options) -> Report:
    """Check, render and write the whole site; nothing is written if any step fails."""
    found = check(options.content_dir, options.templates_dir, options.today)
    cat = catalogue(found, options)
    planned = pages.plan(cat)
    media = [(routes.media(m.slug, m.name), m.path) for m in found.media]
    versions = output.file_hashes(cat.settings.assets_dir)
    asset_files = [(routes.ASSETS + rel, cat.settings.assets_dir / rel) for rel in versions]
    collisions = routes.check_collisions(
        [(p.file, p.source) for p in planned] + [(rel, str(src)) for rel, src in media + asset_files]
    )
    if collisions:
        raise ContentInvalid(collisions)
    renderer = render.Renderer(cat.settings, versions, cat.pages)
    report = Report(pages=len(planned))
    staging = output.stage(options.out_dir, _files(cat, planned, renderer, report), media + asset_files)
    try:
        if options.search:
            report.search_summary = search.index(staging)
        output.commit(staging, options.out_dir)
    except BaseException:
        output.discard(staging)
        raise
    return report


def _files(cat: model.Catalogue, planned: list[pages.Planned], renderer: render.Renderer,
           report: Report) -> Iterator[tuple[str, bytes]]:
    """Rendered pages and data files, produced one at a time (streamed to disk)."""
    for page in planned:
        report.files += 1
        yield page.file, renderer.render(page)
    links = renderer.links
    yield routes.DATA_JSON, exports.to_json(cat, links)
    yield routes.DATA_CSV, exports.to_csv(cat, links)
    report.files += 2
