"""The build as one straight line of named stages.

    scan → schema.check → integrity.check → images.check → settings → model.assemble (+ images.describe)
      → pages.plan → routes.check_collisions/check_nav/check_redirects  (any error: stop, write nothing)
      → render + exports + images.render → output.stage → search.index → output.commit

Every stage before ``output.stage`` is a pure function of its inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import (
    advice,
    bodies,
    config,
    exports,
    images,
    integrity,
    model,
    output,
    pages,
    render,
    routes,
    schema,
    search,
    sources,
)
from .config import DEFAULT_ASSETS, DEFAULT_OUTPUT, DEFAULT_TEMPLATES, settings_from
from .errors import ContentError, InvalidContentError
from .markup import Markup


@dataclass(frozen=True)
class Options:
    content_dir: Path
    out_dir: Path = DEFAULT_OUTPUT
    base_url: str | None = None
    search: bool = True
    templates_dir: Path = DEFAULT_TEMPLATES
    assets_dir: Path = DEFAULT_ASSETS
    today: dt.date | None = None


@dataclass(frozen=True)
class Report:
    pages: int
    search_summary: str = ""
    warnings: list[ContentError] = field(default_factory=list)


def check(content_dir: Path, templates_dir: Path = DEFAULT_TEMPLATES, today: dt.date | None = None) -> sources.Sources:
    """Load and check everything; raise :class:`InvalidContentError` with all problems."""
    found = sources.scan(content_dir)
    errors = list(found.errors) + schema.check(found.documents)
    invalid = {e.path for e in errors}
    site_language = _site_language(found)
    languages = [lang for lang in render.languages(templates_dir) if lang != site_language]
    errors += integrity.check(found, invalid, today or config.today(), languages)
    errors += bodies.check_unsafe(d for d in found.documents if d.kind in bodies.BODY_KINDS)
    errors += images.check(found, invalid)
    if errors:
        raise InvalidContentError(sorted(set(errors), key=ContentError.position))
    return found


def _site_language(found: sources.Sources) -> str:
    sites = found.of_kind("site")
    return str(sites[0].data.get("language", "")) if sites else ""


def catalogue(found: sources.Sources, options: Options) -> model.Catalogue:
    site = found.of_kind("site")[0].data
    settings = settings_from(
        site, base_url=options.base_url, templates_dir=options.templates_dir, assets_dir=options.assets_dir
    )
    return model.assemble(found, settings, Markup(settings.base_path).render, images.describer(found.media))


@dataclass(frozen=True)
class Plan:
    """Everything the site will contain, checked, before a byte is rendered."""

    catalogue: model.Catalogue
    pages: list[pages.Planned]
    copies: list[tuple[str, Path]]
    asset_versions: dict[str, str]
    warnings: list[ContentError]


def prepare(options: Options) -> Plan:
    """Check the content, assemble the model and plan every output; raise on any problem."""
    found = check(options.content_dir, options.templates_dir, options.today)
    cat = catalogue(found, options)
    planned = pages.plan(cat)
    versions = output.file_hashes(cat.settings.assets_dir)
    copies = [(routes.ASSETS + rel, cat.settings.assets_dir / rel) for rel in versions]
    copies += [(routes.schema_file(path.name), path) for path in sorted(schema.SCHEMA_DIR.glob("*.json"))]
    media = [(path, item.source) for item in cat.innovations if item.image for path in images.outputs(item.image)]
    problems = routes.check_collisions([(p.file, p.source) for p in planned] + media + [(r, str(s)) for r, s in copies])
    nav = [item.path for item in cat.settings.nav]
    problems += routes.check_nav(found.of_kind("site")[0], nav, {p.path for p in planned})
    moved = pages.redirect_targets(planned)
    problems += routes.check_redirects(found.of_kind("redirects"), {p.path for p in planned} - moved.keys(), moved)
    addresses = {p.path for p in planned} | {r for r, _ in copies + media} | set(routes.DATA_FILES)
    with_bodies = [(doc, address) for doc in found.documents if (address := routes.of_document(doc)) is not None]
    problems += bodies.check_links(with_bodies, addresses)
    if problems:
        raise InvalidContentError(sorted(problems, key=ContentError.position))
    warnings = advice.review(found.documents, options.today or config.today())
    warnings += bodies.heading_warnings(doc for doc, _ in with_bodies)
    return Plan(cat, planned, copies, versions, sorted(warnings, key=ContentError.position))


def build(options: Options) -> Report:
    """Check, render and write the whole site; nothing is written if any step fails."""
    plan = prepare(options)
    renderer = render.Renderer(plan.catalogue.settings, plan.asset_versions, plan.catalogue.pages)
    staging = output.stage(options.out_dir, _files(plan.catalogue, plan.pages, renderer), plan.copies)
    try:
        summary = search.index(staging) if options.search else ""
        output.commit(staging, options.out_dir)
    except BaseException:
        output.discard(staging)
        raise
    return Report(pages=len(plan.pages), search_summary=summary, warnings=plan.warnings)


def _files(
    cat: model.Catalogue, planned: list[pages.Planned], renderer: render.Renderer
) -> Iterator[tuple[str, bytes]]:
    """Rendered pages, data files and profile images, produced one at a time (streamed to disk)."""
    for page in planned:
        yield page.file, renderer.render(page)
    for item in cat.innovations:
        if item.image:
            yield from images.render(item.image)
    yield routes.DATA_JSON, exports.to_json(cat, renderer.links)
    yield routes.DATA_CSV, exports.to_csv(cat, renderer.links)
