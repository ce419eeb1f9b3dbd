"""Stage 7: index the written site with Pagefind's command line (pagefind-bin).

Only profile pages carry ``data-pagefind-body``, so Pagefind indexes exactly
the profiles and ignores listings, redirects and static pages. The language
comes from ``<html lang>``, which selects Pagefind's Indonesian stemmer.

Pagefind 1.5 writes its filter chunks and its metadata in hash-map order, so
two runs on the same pages differ (upstream issue Pagefind/pagefind#638).
:func:`normalise` sorts those few files and renames them by their new content,
which makes the whole site byte-identical from build to build. The sort
orders and meta field names in the metadata get the same treatment.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import cbor2
from pagefind_bin import get_executable

from .cache import Cache, digest
from .routes import SEARCH_BUNDLE, innovation, output_file

BUNDLE_DIR = SEARCH_BUNDLE.rstrip("/")


class SearchIndexError(Exception):
    """Pagefind failed; the message carries what it printed."""


# Profiles and their translations (``en/inovasi/<slug>/``): the only pages with
# data-pagefind-body, so Pagefind need not even read the others.
PROFILE_FILE = output_file(innovation("*"))
GLOB = f"{{{PROFILE_FILE},*/{PROFILE_FILE}}}"
KEPT = "pagefind"  # folder of the cache that keeps the last index, under its fingerprint


def index(site: Path, indexed: list[str], store: Cache) -> str:
    """Index the profiles of ``site`` (the files ``indexed``); returns Pagefind's summary.

    When every indexed page is byte for byte what the last build indexed (same
    Pagefind too), that build's index, kept in the cache, is reused as it is.
    """
    fingerprint = _fingerprint(site, indexed)
    kept = store.folder / KEPT / fingerprint if store.folder else None
    bundle = site / BUNDLE_DIR
    if kept and (kept / "pagefind-entry.json").is_file():
        _link_tree(kept, bundle)
        return REUSED
    command = [str(get_executable()), "--site", str(site), "--glob", GLOB, "--output-subdir", BUNDLE_DIR]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    normalise(bundle)
    if kept:
        _keep(bundle, kept)
    return result.stdout


REUSED = "the profiles are as an earlier build indexed them: its index was reused"


def _fingerprint(site: Path, indexed: list[str]) -> str:
    """What the index depends on: Pagefind's version and every indexed page's bytes."""
    parts = [metadata.version("pagefind-bin")]
    for rel in sorted(indexed):
        parts += [rel, hashlib.sha256((site / rel).read_bytes()).hexdigest()]
    return digest(*parts)


def _keep(bundle: Path, kept: Path) -> None:
    """Keep a copy of ``bundle`` as the cache's only index (written aside, then renamed)."""
    for old in kept.parent.glob("*") if kept.parent.is_dir() else []:
        shutil.rmtree(old, ignore_errors=True)
    partial = kept.with_name(kept.name + ".partial")
    _link_tree(bundle, partial)
    partial.rename(kept)


def _link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` made of hard links (a real copy where links fail)."""
    shutil.copytree(source, target, copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


SIGNATURE = b"pagefind_dcd"
# Positions in a .pf_meta record: [version, fragments, index chunks, filters, sorts, meta fields].
META_FILTERS, META_SORTS, META_FIELDS = 3, 4, 5


def normalise(bundle: Path) -> None:
    """Sort Pagefind's filter chunks and filter list, and name them by content."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    entry["languages"] = dict(sorted(entry["languages"].items()))
    for lang, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = []
        for name, chunk_hash in meta[META_FILTERS]:
            chunk_path = bundle / "filter" / f"{chunk_hash}.pf_filter"
            chunk = _read(chunk_path)
            chunk[1].sort(key=lambda value: value[0])
            new_hash = _hash(lang, chunk, 7)
            chunk_path.unlink()
            _write(bundle / "filter" / f"{new_hash}.pf_filter", chunk)
            filters.append([name, new_hash])
        meta[META_FILTERS] = sorted(filters)
        meta[META_SORTS] = sorted(meta[META_SORTS], key=lambda sort: sort[0])
        meta[META_FIELDS] = sorted(meta[META_FIELDS])
        info["hash"] = _hash(lang, meta, 10)
        meta_path.unlink()
        _write(bundle / f"pagefind.{info['hash']}.pf_meta", meta)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise SearchIndexError(f"unexpected Pagefind file format: {path.name}")
    return cbor2.loads(data[len(SIGNATURE) :])


def _payload(record: Any) -> bytes:
    return SIGNATURE + cbor2.dumps(record)


def _hash(lang: str, record: Any, length: int) -> str:
    return f"{lang}_{hashlib.sha256(_payload(record)).hexdigest()[:length]}"


def _write(path: Path, record: Any) -> None:
    path.write_bytes(gzip.compress(_payload(record), mtime=0))
