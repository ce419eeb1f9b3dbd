"""The build as one straight line of named stages.

    scan → schema.check → integrity.check → images.check → settings → model.assemble (+ images.describe)
      → pages.plan → routes.check_collisions/check_nav/check_redirects  (any error: stop, write nothing)
      → markup.render_all (cached; a build begins it on the other cores as soon as the model is
        assembled, while this one plans and checks the rest) → render pages on every core + exports + images.render into
        output.Staging → search.index (by parts; a part whose pages did not change is reused) → Staging.commit

Every stage before ``output.Staging`` is a pure function of its inputs. The
cache (``.cache/``) only saves time: a build without it writes the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import io
import os
import pickle
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import jinja2

from . import (
    advice,
    bodies,
    config,
    exports,
    images,
    integrity,
    markup,
    model,
    output,
    pages,
    parallel,
    related,
    render,
    routes,
    schema,
    search,
    sources,
)
from .cache import Cache, code_tag, digest, file_sha256, memo
from .config import DEFAULT_ASSETS, DEFAULT_CACHE, DEFAULT_OUTPUT, DEFAULT_TEMPLATES, settings_from
from .errors import ContentError, InvalidContentError
from .routes import Links
from .search import PART_SIZE


@dataclass(frozen=True)
class Options:
    content_dir: Path
    out_dir: Path = DEFAULT_OUTPUT
    base_url: str | None = None
    search: bool = True
    templates_dir: Path = DEFAULT_TEMPLATES
    assets_dir: Path = DEFAULT_ASSETS
    today: dt.date | None = None
    cache_dir: Path | None = DEFAULT_CACHE  # None: remember nothing between builds
    jobs: int | None = None  # processes to render with; None: every core
    search_part_size: int = PART_SIZE  # profiles one Pagefind run indexes at most


@dataclass(frozen=True)
class Report:
    pages: int
    search_summary: str = ""
    warnings: list[ContentError] = field(default_factory=list)
    written: int = 0  # files written; the others were unchanged and kept


def check(
    content_dir: Path,
    templates_dir: Path = DEFAULT_TEMPLATES,
    today: dt.date | None = None,
    store: Cache | None = None,
    cores: int = 1,
    hashes: dict[str, str] | None = None,
) -> tuple[sources.Sources, dict[str, bodies.Findings]]:
    """Load and check everything; raise :class:`InvalidContentError` with all problems.

    Returns the sources and what each body holds (by document digest), which
    the later checks of links and headings read. The checks of one file alone
    (syntax, unsafe Markdown) are pure functions of its text, so ``store``
    keeps their results between runs; schema checks are cheaper than a cache
    lookup and always run. ``hashes``: of the content files' bytes, when the
    caller has them (see :func:`sources.scan`).
    """
    found = sources.scan(content_dir, store, cores, hashes)
    errors = list(found.errors) + schema.check(found.documents)
    invalid = {e.path for e in errors}
    site_language = _site_language(found)
    languages = [lang for lang in render.languages(templates_dir) if lang != site_language]
    errors += integrity.check(found, invalid, today or config.today(), languages)
    with_bodies = [d for d in found.documents if d.kind in bodies.BODY_KINDS]
    examined = memo(store, "bodies", with_bodies, _key, bodies.examine, cores)
    findings = dict(zip(map(_key, with_bodies), examined, strict=True))
    errors += [error for found_in in findings.values() for error in found_in.unsafe]
    errors += images.check(found, invalid)
    if errors:
        raise InvalidContentError(sorted(set(errors), key=ContentError.position))
    return found, findings


def _key(doc: sources.Document) -> str:
    return doc.digest


def _site_language(found: sources.Sources) -> str:
    sites = found.of_kind("site")
    return str(sites[0].data.get("language", "")) if sites else ""


def catalogue(found: sources.Sources, options: Options) -> model.Catalogue:
    site = found.of_kind("site")[0].data
    settings = settings_from(
        site, base_url=options.base_url, templates_dir=options.templates_dir, assets_dir=options.assets_dir
    )
    return model.assemble(found, settings, images.describer(found.media))


@dataclass(frozen=True)
class Plan:
    """Everything the site will contain, checked, before a byte is rendered."""

    catalogue: model.Catalogue
    pages: list[pages.Planned]
    copies: list[tuple[str, Path]]
    asset_versions: dict[str, str]
    warnings: list[ContentError]
    # The bodies' HTML, begun on other cores once the content was checked (see prepare).
    converting: markup.Converting | None = None


def prepare(
    options: Options, store: Cache | None = None, hashes: dict[str, str] | None = None, convert: bool = False
) -> Plan:
    """Check the content, assemble the model and plan every output; raise on any problem.

    ``store``: the cache, if the caller has it open already; else this opens
    (and closes) the one ``options`` name. ``hashes``: see :func:`check`.
    ``convert``: begin converting the bodies' Markdown on every core as soon as the
    model is assembled, while this process goes on planning and checking the rest
    (a build; the plan's ``converting`` holds it, and whoever builds must collect or
    stop it).
    """
    if store is None:
        opened = Cache(options.cache_dir)
        try:
            return prepare(options, opened, hashes, convert)
        finally:
            opened.close()
    if hashes is None and store.file is not None:  # `check`: by the files' stamps, as a build does
        hashes = _hashed_files(options.content_dir, store, parallel.workers(options.jobs))
    with _few_collections():
        return _prepare(options, store, hashes, convert)


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Make many long-lived objects without Python's cycle collector walking them again and again.

    Loading creates millions of long-lived, acyclic objects (the model; the search
    index's parts read back); every collection would traverse all of them, which
    made ``check`` 2 to 4 times slower and grow faster than the catalogue, and
    reading the parts back five times slower.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """Keep the objects that exist now out of cycle collections while workers run:
    a collection in a forked worker would touch, and so copy, every shared page."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _prepare(options: Options, store: Cache, hashes: dict[str, str] | None, convert: bool) -> Plan:
    cores = parallel.workers(options.jobs)
    found, findings = check(options.content_dir, options.templates_dir, options.today, store, cores, hashes)
    cat = catalogue(found, options)
    converting = markup.start(_bodies(cat), cat.settings.base_path, store, cores) if convert else None
    try:
        return _plan(options, store, found, findings, cat, cores, converting)
    except BaseException:
        markup.stop(converting)
        raise


def _plan(
    options: Options,
    store: Cache,
    found: sources.Sources,
    findings: dict[str, bodies.Findings],
    cat: model.Catalogue,
    cores: int,
    converting: markup.Converting | None,
) -> Plan:
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
    problems += bodies.check_links(
        [(doc, address, findings[doc.digest].links) for doc, address in with_bodies], addresses
    )
    if problems:
        raise InvalidContentError(sorted(problems, key=ContentError.position))
    warnings = advice.review(found.documents, options.today or config.today(), store, cores)
    warnings += [warning for doc, _ in with_bodies for warning in findings[doc.digest].headings]
    return Plan(cat, planned, copies, versions, sorted(warnings, key=ContentError.position), converting)


def build(options: Options) -> Report:
    """Check, render and write the whole site; nothing is written if any step fails.

    When every input (content, templates, assets, the generator's code, the
    options and the date the checks use) is what the last build into the same
    folder saw, and that folder still holds what it wrote, there is nothing to do.
    """
    cores = parallel.workers(options.jobs)
    store = Cache(options.cache_dir)
    try:
        with _few_collections():  # the last build's record: tens of thousands of objects read back
            inputs, content = _inputs(options, store, cores)
            last = _record(store, options.out_dir)
        if last and last.inputs == inputs and last.listing == _listing(options.out_dir):
            return Report(last.pages, UNCHANGED if options.search else "", last.warnings, 0)
        plan, listing, kept = _prepare_and_survey(options, store, content, cores, listed=last is not None)
        last = last if last and last.listing == listing else None
        staging = output.Staging(options.out_dir, kept)
        try:
            tag = _render_tag(plan, options, store)
            written, rendered = _write_site(plan, staging, store, cores, tag, last.rendered if last else {})
            staging.prune(but=routes.SEARCH_BUNDLE)  # a kept page of a deleted profile must not be indexed
            hashes = {file: made.output for file, made in rendered.items()}
            indexed = search.Indexed("", "")
            if options.search:  # else the search folder goes, with the rest the new site has not
                index = output.Subfolder(staging, routes.SEARCH_BUNDLE)
                with _few_collections():  # the parts read back are millions of objects, none in a cycle
                    indexed = _search(plan, staging, index, store, options, cores, hashes, last.indexed if last else "")
                written += index.written
            listing = staging.commit()
        except BaseException:
            markup.stop(plan.converting)
            staging.discard()
            raise
        done = Record(inputs, listing, len(plan.pages), plan.warnings, rendered, indexed.fingerprint)
        store.put_objects(BUILDS, {str(options.out_dir.resolve()): done})
    finally:
        store.close()
    return Report(len(plan.pages), indexed.summary, plan.warnings, written)


class Record(NamedTuple):
    """What the last build into an output folder was made from, and what it left there."""

    inputs: str  # see _inputs
    listing: tuple[int, int]  # see _listing: the output folder as the build left it
    pages: int
    warnings: list[ContentError]
    rendered: dict[str, Made]  # each page's inputs and bytes, by file (see _render_pages)
    indexed: str  # what the site's search index was made from (search.Indexed); "" for none

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled with each page's :class:`Made` as a plain tuple: pickling a named tuple
        costs a Python call each (0.26 s for the 40,882 pages of 30,000 profiles, against
        0.05 s as plain tuples)."""
        rendered = {file: tuple(made) for file, made in self.rendered.items()}
        return _read_record, (*self[:4], rendered, self.indexed)


def _read_record(
    inputs: str,
    listing: tuple[int, int],
    pages: int,
    warnings: list[ContentError],
    rendered: dict[str, tuple[str | None, str, int]],
    indexed: str,
) -> Record:
    made = {file: Made(*values) for file, values in rendered.items()}
    return Record(inputs, listing, pages, warnings, made, indexed)


def _record(store: Cache, out_dir: Path) -> Record | None:
    """The record of the last build into ``out_dir`` (whose :attr:`Record.listing` says
    whether the folder is still as that build left it)."""
    key = str(out_dir.resolve())
    last = store.get_objects(BUILDS, [key]).get(key)
    return last if isinstance(last, Record) else None


def _prepare_and_survey(
    options: Options, store: Cache, content: dict[str, str], cores: int, listed: bool
) -> tuple[Plan, tuple[int, int] | None, output.KeptTree]:
    """:func:`prepare` on this core while another lists the output folder (when ``listed``:
    a build recorded what it left there) and the kept staging folder (see :func:`_survey`)."""
    with parallel.executor(1 if cores > 1 else 0) as other_core:
        survey = other_core.submit(_survey, options.out_dir, listed)
        plan = prepare(options, store, content, convert=True)
        try:
            return (plan, *survey.result())
        except BaseException:
            markup.stop(plan.converting)
            raise


def _survey(out_dir: Path, listed: bool) -> tuple[tuple[int, int] | None, output.KeptTree]:
    """The output folder's listing, and what the kept staging folder holds: two walks of
    every folder of the site (seconds at 30,000 profiles), done on another core. A folder
    no build recorded is not listed (a mistyped --out could name a home folder)."""
    return _listing(out_dir) if listed else None, output.kept_tree(out_dir)


def _search(
    plan: Plan,
    staging: output.Staging,
    index: output.Subfolder,
    store: Cache,
    options: Options,
    cores: int,
    hashes: dict[str, str],
    indexed: str,
) -> search.Indexed:
    """Index the staged site into its search folder ``index``; ``indexed``: what the live
    site's index was made from (it is reused as it is when the new one would be the same)."""
    previous = staging.previous / routes.SEARCH_BUNDLE if staging.previous else None
    profiles = _indexed(plan.catalogue)
    part_size = options.search_part_size
    live = search.Previous(previous, indexed)
    return search.index(staging.path, profiles, store, index, part_size, cores, live, hashes)


BUILDS = "builds"  # cache table: output folder → what its last build was made from
TEMPLATES = "templates"  # folder of the cache: compiled templates
EXPORTS = "exports"  # cache table: a profile's record in the data files, by what it is made from
EXPORT_SUMS = "export-sums"  # cache table: the hash of that record's bytes, by the same key
UNCHANGED = "nothing changed since the last build"


def _inputs(options: Options, store: Cache, cores: int = 1) -> tuple[str, dict[str, str]]:
    """A digest of everything a build reads, and of how it was asked to build; and the
    sha256 of each content file, so that loading need not read an unchanged file again."""
    parts = [
        code_tag(),
        (options.today or config.today()).isoformat(),
        repr((options.base_url, options.search, options.search_part_size)),
    ]
    content = _hashed_files(options.content_dir, store, cores)
    for hashes in (content, _hashed_files(options.templates_dir, store), _hashed_files(options.assets_dir, store)):
        parts += [*_paired(hashes), "/"]
    return digest(*parts), content


HASHES = "file-hashes"  # cache table: a folder → each file's stamp and sha256 (see _hashed_files)
SETTLED_NS = 2_000_000_000  # a file untouched this long is not changed again within one clock tick


def _hashed_files(folder: Path, store: Cache, cores: int = 1) -> dict[str, str]:
    """The sha256 of the bytes of every file under ``folder``, by relative path, in order.

    A file is read again only when its stamp changed (size, modification and change
    times in nanoseconds, inode), as git decides; ``chmod``, ``touch -d`` or copying
    another file over it all change the change time, which no program can set. A file
    touched in the last two seconds is not remembered (it could change again within
    the same clock tick); reading 30,000 profiles costs a second, their stamps a tenth.
    The files to read are read on ``cores`` processes: with nothing else to do yet, a
    first build would leave all cores but one idle meanwhile.
    """
    key = str(folder.resolve())
    known: dict[str, tuple[tuple[int, int, int, int], str]] = store.get_objects(HASHES, [key]).get(key) or {}
    settled_before = time.time_ns() - SETTLED_NS
    files = [(rel, entry, entry.stat(follow_symlinks=False)) for rel, entry in _files(folder)]
    stamps = {rel: (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino) for rel, _, stat in files}
    unknown = [(rel, entry.path) for rel, entry, _ in files if known.get(rel, (None, ""))[0] != stamps[rel]]
    shas = parallel.map_items(file_sha256, [path for _, path in unknown], cores)
    read = {rel: sha for (rel, _), sha in zip(unknown, shas, strict=True)}
    hashes, settled = {}, {}
    for rel, entry, stat in files:
        hashes[rel] = read[rel] if rel in read else known[rel][1]
        # A link's stamp is its own, not its target's: one is hashed on every run.
        if max(stat.st_mtime_ns, stat.st_ctime_ns) < settled_before and not entry.is_symlink():
            settled[rel] = (stamps[rel], hashes[rel])
    if settled != known:
        store.put_objects(HASHES, {key: settled})
    return hashes


def _paired(hashes: dict[str, str]) -> list[str]:
    """Each file's relative path, then its hash: parts of a digest."""
    return [part for rel, sha in hashes.items() for part in (rel, sha)]


def _listing(folder: Path) -> tuple[int, int]:
    """How many files ``folder`` holds and their total size: enough to see that it was not
    touched (a build knows its own from what it staged: :meth:`output.Staging.commit`)."""
    sizes = [entry.stat(follow_symlinks=False).st_size for _, entry in _files(folder)]
    return len(sizes), sum(sizes)


def _files(folder: Path) -> list[tuple[str, os.DirEntry[str]]]:
    """Every file under ``folder`` (relative POSIX path, its entry), sorted by path."""
    return [(rel, entry) for rel, entry in output.walk(folder) if entry.is_file()]


def _write_site(
    plan: Plan, staging: output.Staging, store: Cache, cores: int, tag: str, rendered: dict[str, Made]
) -> tuple[int, dict[str, Made]]:
    """Every page, data file, image and copied file of the site; how many files were written,
    and what each page was rendered from (see :func:`_page_inputs`)."""
    cat = plan.catalogue
    with _few_collections():  # computed here, once, before the workers fork; not once in each
        cat.related = related.compute(cat.innovations, cat.replications, cat.by_sector, store=store)
        _ = cat.search_terms
    with _frozen():
        html_of = markup.render_all(_bodies(cat), cat.settings.base_path, store, cores, plan.converting)
    renderer = render.Renderer(cat.settings, plan.asset_versions, cat.pages, html_of, _compiled(store))
    with _frozen():
        known = _known_hashes(cat, cores)
        shared = (renderer, plan.pages, staging, (tag, known), rendered)
        rendering = parallel.start(_render_pages, shared, len(plan.pages), cores)
        try:  # this process writes the rest while the workers render: it would only wait for them
            data_written, data = _write_data(cat, renderer.links, staging, (tag, known), store, rendered)
            rest_written = _write_rest(cat, plan.copies, staging)
            results = rendering.results()
        finally:
            rendering.stop()
    now = {file: page for _, made in results for file, page in made.items()}
    staging.record({file: made.size for file, made in now.items()})  # written by the workers
    now.update(data)
    renderer.close()  # the bodies' HTML goes before Pagefind starts: its memory peaks while it runs
    return sum(count for count, _ in results) + data_written + rest_written, now


def _compiled(store: Cache) -> jinja2.BytecodeCache | None:
    """Where compiled templates are kept: a folder of the cache, its files named for this
    version of the code (Jinja keys them by each template's source alone, and the code sets
    how they compile); those of other versions are removed."""
    if store.folder is None:
        return None
    folder, tag = store.folder / TEMPLATES, code_tag()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if not old.name.startswith(tag):
                old.unlink()
    except OSError:  # a cache that cannot be used is no cache
        return None
    return jinja2.FileSystemBytecodeCache(str(folder), f"{tag}-%s.cache")


def _render_tag(plan: Plan, options: Options, store: Cache) -> str:
    """What every page's HTML depends on besides its own data: the generator's code, the
    templates and UI strings, the assets' versions, the settings and the static pages
    (in the menu of every page). A change to any of them renders every page again."""
    settings = plan.catalogue.settings
    parts = [code_tag(), repr(sorted(plan.asset_versions.items())), repr(options.search)]
    parts += _paired(_hashed_files(settings.templates_dir, store))
    data = pickle.dumps((settings, plan.catalogue.pages), protocol=pickle.HIGHEST_PROTOCOL)
    return digest(*parts, hashlib.sha256(data).hexdigest())


def _page_inputs(tag: str, page: pages.Planned, known: dict[int, str]) -> str | None:
    """A hash of everything ``page`` is rendered from: ``tag`` and the page's own data,
    pickled (the model is frozen dataclasses of plain values), each profile and agency in
    it by the hash of its own pickle (``known``: by object). Equal hashes, equal HTML; None
    when the data cannot be pickled (the page is then always rendered)."""
    try:
        data = _pickled((page.template, page.path, page.lang, page.full_context()), known)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.sha256(tag.encode() + data).hexdigest()


def _known_hashes(cat: model.Catalogue, cores: int = 1) -> dict[int, str]:
    """Each agency's and profile's hash, by object, for :func:`_pickled`: a listing names
    thirty profiles and a province page every agency of the province, each pickled once
    here instead of on every page that names it (the profiles on every core: pickling
    30,000 of them takes seconds; plainly, as a pickler that names objects is slower)."""
    known = {id(agency): _hash_of(agency) for agency in cat.agencies.values()}
    hashes = parallel.map_items(_hash_of, cat.innovations, cores)
    known.update((id(item), found) for item, found in zip(cat.innovations, hashes, strict=True))
    return known


def _hash_of(item: object) -> str:
    return hashlib.sha256(pickle.dumps(item, pickle.HIGHEST_PROTOCOL)).hexdigest()


def _pickled(data: object, known: dict[int, str]) -> bytes:
    """``data`` pickled, each profile and agency in it by its hash in ``known``."""
    stream = io.BytesIO()
    _Pickler(stream, known).dump(data)
    return stream.getvalue()


class _Pickler(pickle.Pickler):
    """Pickles a profile or agency the build knows as its hash (see :func:`_known_hashes`)."""

    def __init__(self, stream: io.BytesIO, known: dict[int, str]) -> None:
        super().__init__(stream, pickle.HIGHEST_PROTOCOL)
        self.known = known

    def persistent_id(self, obj: object) -> str | None:
        return self.known.get(id(obj)) if type(obj) in _KNOWN_TYPES else None


_KNOWN_TYPES = (model.Innovation, model.Agency)


def _bodies(cat: model.Catalogue) -> list[str]:
    """Every Markdown text the site shows."""
    texts = [item.body for item in cat.innovations]
    texts += [t.body for item in cat.innovations for t in item.translations]
    return texts + [page.body for page in cat.pages.values()]


class Made(NamedTuple):
    """What a page was rendered from, and what it became."""

    inputs: str | None  # see _page_inputs; None: not known, always render the page
    output: str  # sha256 of the page's bytes
    size: int  # of the page's bytes


def _render_pages(
    shared: tuple[render.Renderer, list[pages.Planned], output.Staging, tuple[str, dict[int, str]], dict[str, Made]],
    part: range,
) -> tuple[int, dict[str, Made]]:
    """Render and write the pages numbered ``part`` (in a worker process): how many were
    written, and what each page was made from and became. A page whose inputs are those
    the last build rendered it from is not rendered again: that build's file is kept."""
    renderer, planned, staging, (tag, known), before = shared
    written, made = 0, {}
    for i in part:
        page = planned[i]
        inputs = _page_inputs(tag, page, known)
        last = before.get(page.file)
        if inputs is not None and isinstance(last, Made) and last.inputs == inputs and staging.keep(page.file):
            made[page.file] = last
            continue
        data = renderer.render(page)
        written += staging.write(page.file, data)
        made[page.file] = Made(inputs, hashlib.sha256(data).hexdigest(), len(data))
    return written, made


def _write_data(
    cat: model.Catalogue,
    links: Links,
    staging: output.Staging,
    hashes: tuple[str, dict[int, str]],
    store: Cache,
    before: dict[str, Made],
) -> tuple[int, dict[str, Made]]:
    """The data files: how many were written, and what each was made from and became.

    They are made from every profile's record and what the render tag covers (the code,
    the site's title and address). Each record is kept in the cache with the hash of its
    bytes (see :func:`_records`); when those hashes and the tag are what the last build
    made the files from, its files are kept without a record being read: a body edit
    encodes one record, finds it unchanged, and leaves the data files as they were."""
    tag, known = hashes
    records = _records(cat, links, known, store)
    inputs = digest(tag, *records.sums)
    last = {file: before.get(file) for file in routes.DATA_FILES}
    if all(isinstance(made, Made) and made.inputs == inputs and staging.keep(file) for file, made in last.items()):
        return 0, {file: made for file, made in last.items() if made is not None}
    encoded = records.all(cat, links)
    files = {
        routes.DATA_JSON: exports.to_json(cat, links, [j for j, _ in encoded]),
        routes.DATA_CSV: exports.to_csv([line for _, line in encoded]),
    }
    written = sum(staging.write(file, data) for file, data in files.items())
    return written, {file: Made(inputs, hashlib.sha256(data).hexdigest(), len(data)) for file, data in files.items()}


def _write_rest(cat: model.Catalogue, copies: list[tuple[str, Path]], staging: output.Staging) -> int:
    """Profile images and copied files (assets, schemas)."""
    written = 0
    for item in cat.innovations:
        if item.image:
            written += sum(staging.write(rel, data) for rel, data in images.render(item.image))
    return written + sum(staging.copy(rel, source) for rel, source in copies)


@dataclass
class _Records:
    """Every profile's record in the data files: the hash of each (in profile order), the
    ones encoded by this build, and the cache that holds the others."""

    keys: list[str]
    sums: list[str]
    made: dict[str, tuple[str, str]]
    store: Cache

    def all(self, cat: model.Catalogue, links: Links) -> list[tuple[str, str]]:
        """Each record, encoded (see :func:`exports.encoded`), in profile order."""
        found = self.store.get_objects(EXPORTS, [key for key in self.keys if key not in self.made])
        found.update(self.made)
        return [
            found[key] if key in found else exports.encoded(exports.record(cat, item, links))  # a damaged cache
            for item, key in zip(cat.innovations, self.keys, strict=True)
        ]


def _records(cat: model.Catalogue, links: Links, known: dict[int, str], store: Cache) -> _Records:
    """Every profile's record, by what it is made from (the profile, by its hash in
    ``known``, its replications and the site's address): a record not in the cache is
    encoded and kept there, with the hash of its bytes; the others are read only when
    asked for, and their hashes alone are read here."""
    base = links.absolute("")
    no_replications = _replications_hash((), known)  # most profiles': worked out once
    replications = [cat.replications.get(item.slug) for item in cat.innovations]
    keys = [
        digest(known[id(item)], _replications_hash(found, known) if found else no_replications, base)
        for item, found in zip(cat.innovations, replications, strict=True)
    ]
    sums = store.get_many(EXPORT_SUMS, keys)
    made = {
        key: exports.encoded(exports.record(cat, item, links))
        for item, key in zip(cat.innovations, keys, strict=True)
        if key not in sums
    }
    fresh = {key: digest(*record) for key, record in made.items()}
    store.put_objects(EXPORTS, made)
    store.put_many(EXPORT_SUMS, fresh)
    return _Records(keys, [str(sums[key]) if key in sums else fresh[key] for key in keys], made, store)


def _replications_hash(replications: tuple[model.Replication, ...], known: dict[int, str]) -> str:
    """A profile's replications, each profile and agency in them by its hash in ``known``."""
    return hashlib.sha256(_pickled(replications, known)).hexdigest()


def _indexed(cat: model.Catalogue) -> dict[str, list[str]]:
    """Files Pagefind indexes, by profile: the profile's page and its translations'."""
    return {
        item.slug: [routes.output_file(routes.innovation(item.slug))]
        + [routes.output_file(routes.innovation(item.slug, t.lang)) for t in item.translations]
        for item in cat.innovations
    }
