"""Stage 7: index the written site with Pagefind's command line (pagefind-bin), in parts.

Only profile pages carry ``data-pagefind-body``, so Pagefind indexes exactly
the profiles and ignores listings, redirects and static pages. The language
comes from ``<html lang>``, which selects Pagefind's Indonesian stemmer.
Pagefind is told to take that element as each page's root (:data:`ROOT_SELECTOR`),
so every ``data-pagefind-*`` attribute of a profile page must be inside it.

Pagefind holds the whole index in memory while it works (about 210 KB a
page) and cannot update an index. So the profiles are split into parts of at
most ``part_size`` by the start of their slug (:func:`partition`), each part
indexed by its own Pagefind run (as many at once as there are cores, each
given a folder of just its pages: see :class:`_Pagefind`), and
:mod:`katalog.bundle` merges the parts into the one bundle the browser loads.
Memory is bounded by the part size, not the catalogue; a part whose pages
did not change is taken from the cache instead of being indexed again, and
one where a few pages changed is read from its last whole bundle and a
bundle of just those pages (:data:`AGAIN_SHARE`); and the merged bundle is
deterministic (Pagefind writes some of its files in hash-map order: upstream
issue Pagefind/pagefind#638).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import posixpath
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from pagefind_bin import get_executable

from . import bundle, parallel
from .cache import Cache, code_tag, digest, file_sha256
from .routes import innovation, output_file

PART_SIZE = 500  # profiles a Pagefind run indexes at most: about 100 MB of its memory
PARTS = "pagefind-parts"  # folder of the cache that keeps each part's bundle, under its fingerprint
READ = "part.pickle"  # in a kept part: the part as bundle.read_part read it
MADE = "made.json"  # in a kept part: its patterns, Pagefind's version and what its whole bundle indexed
WHOLE, AGAIN = "bundle", "again"  # a kept part's bundles: of all its pages; of those changed since
MERGED = "merged.pickle"  # in the parts folder: what the last merge kept for the next (bundle.Merged)
# A changed part is indexed whole again once this share of its pages changed since it last was;
# until then Pagefind indexes only the changed pages, and the part is read from both bundles.
AGAIN_SHARE = 0.25
REUSED = "the profiles are as the last build indexed them: its index was reused"


class SearchIndexError(Exception):
    """Pagefind failed, or its parts could not be merged; the message says how."""


@dataclass(frozen=True)
class PartPlan:
    """One part of the index: the slugs it covers, and a hash of its pages (and of the
    generator's code and Pagefind's version) under which the cache keeps its bundle."""

    patterns: tuple[str, ...]  # "ab*": every slug starting with "ab"; "ab": the slug "ab"
    fingerprint: str
    pages: tuple[tuple[str, str], ...]  # each page file, and the sha256 of its bytes

    @property
    def glob(self) -> str:
        return glob(self.patterns)


def glob(patterns: tuple[str, ...]) -> str:
    """Pagefind's --glob for exactly the profiles ``patterns`` match and their translations."""
    files = [output_file(innovation(pattern)) for pattern in patterns]
    return "{" + ",".join(files + [f"*/{file}" for file in files]) + "}"


GLOB_ALL = glob(("*",))  # every profile

# Pagefind's root of each page: the element it indexes. It then does less with the rest of
# the page (head, menus, related profiles, footer): 6 % fewer instructions a profile page,
# and the same index, as long as no filter, meta or sort field is outside the element
# (outside it Pagefind would not see them; the tests compare the index with one Pagefind
# run given the whole pages, and look for such fields).
ROOT_SELECTOR = "[data-pagefind-body]"


def pagefind_command(site: Path, files: str, output: Path) -> list[str]:
    """Pagefind's command line to index the pages of ``site`` its glob ``files`` names."""
    command = [str(get_executable()), "--site", str(site), "--glob", files, "--root-selector", ROOT_SELECTOR]
    return [*command, "--output-path", str(output)]


class _Job(NamedTuple):
    """A part to index: whole, or from a kept part's whole bundle and the pages changed since."""

    plan: PartPlan
    base: Path | None  # the kept part whose whole bundle is reused; None: index the part whole
    again: tuple[str, ...]  # with a base: the pages Pagefind indexes again
    indexed: dict[str, str]  # with a base: each page its whole bundle indexed, and its sha256


def _whole(plan: PartPlan) -> _Job:
    return _Job(plan, None, (), {})


class Previous(NamedTuple):
    """The live site's index, and what it was made from (its :attr:`Indexed.fingerprint`;
    "" when not known)."""

    folder: Path | None
    fingerprint: str = ""


class Indexed(NamedTuple):
    summary: str
    fingerprint: str  # of every part's pages, the code and Pagefind: equal fingerprints, equal index


NO_INDEX = Previous(None)


def index(
    site: Path,
    profiles: dict[str, list[str]],
    store: Cache,
    out: bundle.Sink,
    part_size: int = PART_SIZE,
    cores: int = 1,
    previous: Previous = NO_INDEX,
    made_from: dict[str, str] | None = None,
) -> Indexed:
    """Index the profiles of ``site`` (slug → its pages) into ``out``, the site's search folder.

    ``previous``: the last build's index. When every part is what it was made from, it
    is reused as it is; else its files are reused where the new index has the same (so
    the site keeps them as they were, modification time too): ``out`` keeps them.
    ``made_from``: the sha256 of each page's bytes, known from rendering it (or from the
    last build, when it was kept): no page need be read again to know whether its part
    changed; a page not in it is read and hashed.
    """
    if not profiles:
        raise SearchIndexError("there is no profile to index: build with --no-search until there is one")
    plans = _plans(site, profiles, part_size, made_from or {})
    fingerprint = digest(*(plan.fingerprint for plan in plans))
    if store.folder:
        shutil.rmtree(store.folder / "pagefind", ignore_errors=True)  # where earlier versions kept an index
    if _kept_whole(previous, fingerprint, out):
        return Indexed(REUSED, fingerprint)
    with _parts_folder(store) as folder:
        loaded = {plan.fingerprint: _load(folder / plan.fingerprint) for plan in plans}
        jobs = _run(site, folder, _jobs(folder, [plan for plan in plans if loaded[plan.fingerprint] is None]), cores)
        loaded.update((job.plan.fingerprint, _load(folder / job.plan.fingerprint)) for job in jobs)
        parts = [part for part in loaded.values() if part is not None]
        if len(parts) != len(plans):
            raise SearchIndexError("a part of the search index could not be read back from the cache")
        parts = _aligned(parts, site)
        try:
            languages, merged = bundle.merge(parts, out, _tag(), _last_merge(folder), lambda name: _load(folder / name))
        except bundle.BundleError as error:
            raise SearchIndexError(f"the search index's parts could not be merged: {error}") from error
        _keep_merge(folder, merged)
        _forget_others(folder, {plan.fingerprint for plan in plans} | {MERGED})
    pages, in_languages = _count(sum(languages.values()), "page"), _count(len(languages), "language")
    whole = sum(1 for job in jobs if job.base is None)
    done = f"{_count(len(plans), 'part')}: {whole} indexed by Pagefind, {len(plans) - len(jobs)} unchanged"
    if len(jobs) > whole:
        again = _count(sum(len(job.again) for job in jobs), "page")
        done += f", {len(jobs) - whole} updated: Pagefind indexed {again} again"
    return Indexed(f"Indexed {pages} in {in_languages}, in {done}", fingerprint)


def _kept_whole(previous: Previous, fingerprint: str, out: bundle.Sink) -> bool:
    """Whether the live site's index is the one to make, and ``out`` kept every file of it."""
    folder = previous.folder
    if folder is None or previous.fingerprint != fingerprint or not (folder / bundle.ENTRY).is_file():
        return False
    files = [path.relative_to(folder).as_posix() for path in sorted(folder.rglob("*")) if path.is_file()]
    return all(out.keep(rel) for rel in files)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


Group = tuple[tuple[str, ...], list[str]]  # patterns, and the slugs they match


def partition(slugs: Sequence[str], size: int) -> list[Group]:
    """Split the slugs into parts of at most ``size`` by how they start; each part is
    its patterns ("ab*": the slugs that start with "ab"; "ab": that slug alone) and
    the slugs they match.

    A part is a subtree of the slugs' prefix tree, and small sibling subtrees
    share a part: adding or removing a profile changes only the parts near
    its slug, so the others keep their cached index.
    """
    return _split("", sorted(set(slugs)), max(1, size))


def _split(prefix: str, slugs: list[str], size: int) -> list[Group]:
    if len(slugs) <= size:
        return [((prefix + "*",), slugs)] if slugs else []
    units: list[Group] = [((prefix,), [prefix])] if prefix in slugs else []
    children: dict[str, list[str]] = {}
    for slug in slugs:
        if slug != prefix:
            children.setdefault(slug[len(prefix)], []).append(slug)
    parts: list[Group] = []
    for char, members in sorted(children.items()):
        below = _split(prefix + char, members, size)
        if len(members) <= size:
            units += below
        else:
            parts += below
    return _pack(units, size) + parts


def _pack(units: list[Group], size: int) -> list[Group]:
    """Join neighbouring small groups of slugs into parts of at most ``size``."""
    packed: list[Group] = []
    for patterns, members in units:
        if packed and len(packed[-1][1]) + len(members) <= size:
            packed[-1] = (packed[-1][0] + patterns, packed[-1][1] + members)
        else:
            packed.append((patterns, members))
    return packed


def _tag() -> str:
    """The code and Pagefind that make the index: kept parts are pickles of the code's classes."""
    return digest(metadata.version("pagefind-bin"), code_tag())


def _plans(site: Path, profiles: dict[str, list[str]], part_size: int, made_from: dict[str, str]) -> list[PartPlan]:
    plans = []
    tag = _tag()
    for patterns, slugs in partition(list(profiles), part_size):
        files = sorted(file for slug in slugs for file in profiles[slug])
        pages = tuple((rel, made_from.get(rel) or file_sha256(site / rel)) for rel in files)
        plans.append(PartPlan(patterns, digest(tag, *patterns, *(value for page in pages for value in page)), pages))
    return plans


def _jobs(folder: Path, missing: list[PartPlan]) -> list[_Job]:
    """How to index each missing part: from the kept part of the same patterns, when its
    whole bundle still holds most of the part's pages (and no page it lacks now), else whole."""
    bases = _kept_parts(folder)
    jobs = []
    for plan in missing:
        base, indexed = bases.get(plan.patterns, (None, {}))
        pages = dict(plan.pages)
        again = tuple(rel for rel, sha in plan.pages if indexed.get(rel) != sha)
        fits = base is not None and indexed.keys() <= pages.keys() and len(again) <= AGAIN_SHARE * len(pages)
        jobs.append(_Job(plan, base, again, indexed) if fits else _whole(plan))
    return jobs


def _kept_parts(folder: Path) -> dict[tuple[str, ...], tuple[Path, dict[str, str]]]:
    """The kept parts this Pagefind made, by patterns: where each is, and the sha256 of each
    page its whole bundle indexed."""
    found = {}
    for kept in sorted(folder.iterdir()):
        try:
            made = json.loads((kept / MADE).read_text("utf-8"))
            patterns, indexed = tuple(map(str, made["patterns"])), {str(k): str(v) for k, v in made["indexed"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):  # not a kept part, or a damaged one
            continue
        if made.get("pagefind") == metadata.version("pagefind-bin") and (kept / WHOLE / bundle.ENTRY).is_file():
            found[patterns] = (kept, indexed)
    return found


@contextmanager
def _parts_folder(store: Cache) -> Iterator[Path]:
    """Where parts are kept: the cache's, or a temporary folder when there is no cache."""
    if store.folder:
        (store.folder / PARTS).mkdir(parents=True, exist_ok=True)
        yield store.folder / PARTS
        return
    with tempfile.TemporaryDirectory(prefix="katalog-search-") as temporary:
        yield Path(temporary)


_Running = list[tuple[_Job, "_Pagefind | None", Path]]  # each job's Pagefind run and its folder


def _run(site: Path, folder: Path, jobs: list[_Job], cores: int) -> list[_Job]:
    """Index ``jobs`` with Pagefind, ``cores`` runs at a time; each part is read by a worker
    as its run finishes, while the next runs. Returns the jobs as done: a part whose kept
    bundle turned out damaged is indexed whole (a damaged cache is an empty one)."""
    waiting, done = list(jobs), []
    running: _Running = []
    reading: list[tuple[_Job, Future[None]]] = []
    with parallel.executor(min(cores, len(jobs)) if cores > 1 and len(jobs) > 1 else 0) as readers:
        try:
            while waiting or running or reading:
                _start_waiting(site, folder, waiting, running, cores)
                if running:  # Pagefind's runs first: the reads go on meanwhile
                    job, process, partial = running.pop(0)
                    if _ran(job, process, waiting):
                        reading.append((job, readers.submit(_read, site, job, partial, folder / job.plan.fingerprint)))
                    continue
                job, future = reading.pop(0)
                if _was_read(job, future, waiting):
                    done.append(job)
        finally:
            for _, process, _ in running:
                if process is not None:
                    process.stop()
    return done


def _start_waiting(site: Path, folder: Path, waiting: list[_Job], running: _Running, cores: int) -> None:
    """Start waiting jobs until ``cores`` Pagefind runs are going."""
    while waiting and len(running) < max(1, cores):
        job = waiting.pop(0)
        partial = folder / f"{job.plan.fingerprint}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        try:
            running.append((job, _start(site, job, partial), partial))
        except OSError as error:  # with a kept bundle: it is gone or damaged
            if job.base is None:
                raise SearchIndexError(f"Pagefind could not be started: {error}") from error
            waiting.insert(0, _whole(job.plan))


def _ran(job: _Job, process: _Pagefind | None, waiting: list[_Job]) -> bool:
    """Whether the job's Pagefind run succeeded (see :func:`_index_whole` for when not)."""
    try:
        if process is not None:
            process.wait()
    except SearchIndexError as error:
        _index_whole(job, waiting, error)
        return False
    return True


def _was_read(job: _Job, reading: Future[None], waiting: list[_Job]) -> bool:
    """Whether the job's part was read (see :func:`_index_whole` for when not)."""
    try:
        reading.result()
    except Exception as error:  # its output cannot be read or merged
        _index_whole(job, waiting, error)
        return False
    return True


def _index_whole(job: _Job, waiting: list[_Job], error: Exception) -> None:
    """A job that failed: a part indexed whole fails the build; one read from a kept bundle
    is indexed whole instead (an error then is the build's)."""
    if job.base is None:
        raise error
    waiting.insert(0, _whole(job.plan))


def _start(site: Path, job: _Job, partial: Path) -> _Pagefind | None:
    """Start Pagefind on the part's pages, or on its changed pages beside a link to the
    kept whole bundle (None: none changed, and nothing runs)."""
    if job.base is None:
        pages, files, output = [rel for rel, _ in job.plan.pages], job.plan.glob, WHOLE
    else:
        shutil.copytree(job.base / WHOLE, partial / WHOLE, copy_function=bundle.link_or_copy)
        if not job.again:
            return None
        pages, output = list(job.again), AGAIN
        files = pages[0] if len(pages) == 1 else "{" + ",".join(pages) + "}"
    return _Pagefind(site, pages, files, partial / output)


class _Pagefind:
    """One run of Pagefind's command line on some pages of the site, in a folder of their own.

    Pagefind lists every folder under ``--site`` whatever its ``--glob``: 41,000 of them
    at 30,000 profiles, half a second of system time in each of 75 runs. So the folders
    of the pages a run indexes are moved (one rename each, on the same disk) into a new
    folder inside the site, given to Pagefind as its site, and moved back when the run
    ends. The pages keep their paths under it, so Pagefind indexes them at the same
    addresses. When they cannot be moved, Pagefind is given the whole site, as before.
    """

    def __init__(self, site: Path, pages: list[str], files: str, output: Path) -> None:
        """Run Pagefind on ``pages`` (relative to ``site``), which its glob ``files`` names."""
        self.view = _View.open(site, pages)
        root = self.view.folder if self.view else site
        command = pagefind_command(root, files, output)
        try:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        except OSError:
            self._restore()
            raise

    def wait(self) -> None:
        """Wait for the run to end, and move the pages back; a failed run raises."""
        try:
            printed, _ = self.process.communicate()
        finally:
            self._restore()
        if self.process.returncode != 0:
            raise SearchIndexError(f"pagefind failed ({self.process.returncode}):\n{printed}")

    def stop(self) -> None:
        """End the run: the build failed (its error is the one to tell, and its staging
        folder goes, pages moved or not)."""
        self.process.kill()
        self.process.wait()
        with contextlib.suppress(SearchIndexError):
            self._restore()

    def _restore(self) -> None:
        if self.view:
            self.view.close()
            self.view = None


class _View:
    """Page folders of the site moved into a folder of their own inside it (see :class:`_Pagefind`)."""

    def __init__(self, site: Path, folder: Path) -> None:
        self.site, self.folder = site, folder
        self.moved: list[str] = []  # page folders, relative to the site and to the view alike

    @classmethod
    def open(cls, site: Path, pages: list[str]) -> _View | None:
        """The view of ``pages`` (their folders moved into it), or None, with nothing moved,
        when one cannot be made (a page is missing, or its folder holds another's)."""
        folders = sorted({posixpath.dirname(rel) for rel in pages})
        chosen = set(folders)
        if not all(folders) or any(str(up) in chosen for rel in folders for up in PurePosixPath(rel).parents):
            return None
        view = cls(site, Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site)))
        try:
            for rel in folders:
                target = view.folder / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                (site / rel).rename(target)
                view.moved.append(rel)
        except OSError:
            view.close()
            return None
        return view

    def close(self) -> None:
        """Move every folder back, then remove the view's own, now empty, folders (never
        a page: a folder that cannot be moved back fails the build, which is discarded)."""
        failed = []
        for rel in self.moved:
            try:
                (self.folder / rel).rename(self.site / rel)
            except OSError as error:
                failed.append(f"{rel}: {error}")
        if failed:
            raise SearchIndexError("pages could not be moved back after Pagefind indexed them: " + "; ".join(failed))
        try:
            for folder, _, _ in os.walk(self.folder, topdown=False):
                Path(folder).rmdir()
        except OSError as error:
            raise SearchIndexError(f"the folder Pagefind indexed pages in could not be removed: {error}") from error


def _read(site: Path, job: _Job, partial: Path, done: Path) -> None:
    """Read a part's bundles once (in a worker process), keep what was read beside them, and
    file it under its fingerprint."""
    bundles = (WHOLE, AGAIN) if job.again else (WHOLE,)
    if job.again and (count := _page_count(partial / AGAIN)) != len(job.again):
        raise SearchIndexError(f"Pagefind indexed {count} of the {len(job.again)} changed pages it was given")
    try:
        part = bundle.read_part(partial, site, bundles=bundles)
    except bundle.BundleError as error:
        raise SearchIndexError(f"Pagefind wrote an index this generator cannot merge: {error}") from error
    (partial / READ).write_bytes(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
    indexed = job.indexed if job.base is not None else dict(job.plan.pages)
    made = {"patterns": list(job.plan.patterns), "pagefind": metadata.version("pagefind-bin"), "indexed": indexed}
    (partial / MADE).write_text(json.dumps(made, sort_keys=True), "utf-8")
    shutil.rmtree(done, ignore_errors=True)
    partial.rename(done)


def _page_count(folder: Path) -> int:
    """How many pages the bundle in ``folder`` holds, as its entry file says."""
    entry = json.loads((folder / bundle.ENTRY).read_text("utf-8"))
    return sum(int(info["page_count"]) for info in entry["languages"].values())


def _aligned(parts: list[bundle.Part], site: Path) -> list[bundle.Part]:
    """The parts, those without every meta field of the others read again for the full list.

    Parts of a few hundred profiles nearly always hold every field (an image,
    an award); a part that lacks one is read again once, and kept so read.
    """
    fields = bundle.fields_of(parts)
    return [part if bundle.aligned(part, fields) else _reread(part, fields, site) for part in parts]


def _reread(part: bundle.Part, fields: dict[str, list[str]], site: Path) -> bundle.Part:
    kept = part.folder
    name = f"part-{digest(repr(sorted(fields.items())))[:16]}.pickle"
    again = _load(kept, name)
    if again is not None:
        return again
    try:
        again = bundle.read_part(part.folder, site, fields, part.bundles)
    except bundle.BundleError as error:
        raise SearchIndexError(f"Pagefind wrote an index this generator cannot merge: {error}") from error
    (kept / name).write_bytes(pickle.dumps(again, protocol=pickle.HIGHEST_PROTOCOL))
    again.folder = part.folder
    return again


def _load(kept: Path, name: str = READ) -> bundle.Part | None:
    """A kept part; None when there is none, or it cannot be read: a damaged cache is an empty one."""
    try:
        part = pickle.loads((kept / name).read_bytes())
    except Exception:  # a missing file, or whatever unpickling a damaged one raises
        return None
    if not isinstance(part, bundle.Part) or not all((kept / name / bundle.ENTRY).is_file() for name in part.bundles):
        return None
    part.folder = kept
    return part


def _last_merge(folder: Path) -> bundle.Merged | None:
    """What the last merge kept for this one (None when nothing, or it cannot be read)."""
    try:
        merged = pickle.loads((folder / MERGED).read_bytes())
    except Exception:  # a missing file, or whatever unpickling a damaged one raises
        return None
    return merged if isinstance(merged, bundle.Merged) else None


def _keep_merge(folder: Path, merged: bundle.Merged) -> None:
    """Keep what the next merge may reuse (written whole, then renamed: never half)."""
    partial = folder / f"{MERGED}.partial"
    partial.write_bytes(pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(folder / MERGED)


def _forget_others(folder: Path, wanted: set[str]) -> None:
    """Remove the parts this build did not use: the cache holds one index, not a history."""
    for path in folder.iterdir():
        if path.name not in wanted:
            shutil.rmtree(path, ignore_errors=True)
