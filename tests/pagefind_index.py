"""A Pagefind bundle read into plain data named by page address, so that two bundles can be
compared whatever order their pages and chunks are in: what the browser can find in them."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pagefind_bin import get_executable

from katalog import bundle
from katalog.search import GLOB_ALL

Posting = tuple[str, tuple[int, ...], tuple[int, ...]]  # page address, locations, meta locations


@dataclass(frozen=True)
class Index:
    pages: dict[str, int]  # address → word count
    fragments: dict[str, bytes]  # address → the fragment the browser shows
    words: dict[str, tuple[list[Posting], list[tuple[str, list[Posting]]]]]  # postings, variants
    filters: dict[str, dict[str, list[str]]]
    sorts: dict[str, list[str]]  # sort → addresses in order
    fields: list[str]
    chunks: list[tuple[str, str, list[str]]]  # each chunk's bounds and its words


def read_index(folder: Path) -> dict[str, Index]:
    """Every language's index in the bundle ``folder``."""
    entry = json.loads((folder / bundle.ENTRY).read_text("utf-8"))
    return {lang: _language(folder, info["hash"]) for lang, info in entry["languages"].items()}


def _language(folder: Path, meta_hash: str) -> Index:
    meta = bundle.read(folder / f"pagefind.{meta_hash}.pf_meta")
    fragments = [bundle.read_raw(folder / "fragment" / f"{h}.pf_fragment") for h, _ in meta[bundle.META_PAGES]]
    urls = [json.loads(fragment)["url"] for fragment in fragments]

    def postings(raw: list[Any]) -> list[Posting]:
        page, found = 0, []
        for delta, locations, meta_locations in raw:
            page += delta
            found.append((urls[page], tuple(locations), tuple(meta_locations)))
        return sorted(found)

    words = {}
    chunks = []
    for start, end, chunk in meta[bundle.META_CHUNKS]:
        entries = bundle.read(folder / "index" / f"{chunk}.pf_index")[0]
        chunks.append((start, end, [word for word, _, _ in entries]))
        for word, raw, variants in entries:
            words[word] = (postings(raw), sorted((variant, postings(more)) for variant, more in variants))
    filters = {}
    for name, chunk in meta[bundle.META_FILTERS]:
        _, values = bundle.read(folder / "filter" / f"{chunk}.pf_filter")
        filters[name] = {value: sorted(urls[p] for p in pages) for value, pages in values}
    return Index(
        pages=dict(sorted(zip(urls, (count for _, count in meta[bundle.META_PAGES]), strict=True))),
        fragments=dict(sorted(zip(urls, fragments, strict=True))),
        words=words,
        filters=filters,
        sorts={name: [urls[p] for p in order] for name, order in meta[bundle.META_SORTS]},
        fields=list(meta[bundle.META_FIELDS]),
        chunks=chunks,
    )


def pagefind_at_once(site: Path, out: Path) -> Path:
    """The bundle Pagefind itself makes of every profile of ``site`` in one run: the oracle."""
    command = [str(get_executable()), "--site", str(site), "--glob", GLOB_ALL, "--output-path", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    return out


def sort_values(site: Path, addresses: list[str], name: str) -> list[str]:
    """The value each page declares for sort ``name``, in the order given."""
    pattern = re.compile(rf'data-pagefind-sort="{re.escape(name)}:([^"]*)"')
    found = []
    for address in addresses:
        match = pattern.search((site / address.strip("/") / "index.html").read_text("utf-8"))
        assert match, f"{address} declares no {name}"
        found.append(match.group(1))
    return found


def chunk_for(chunks: list[tuple[str, str, list[str]]], term: str) -> int | None:
    """The chunk the browser loads for ``term`` (pagefind_web's request_indexes): the first
    whose bounds hold it, else the first whose bounds hold it when both are cut to the
    shorter length."""
    for number, (start, end, _) in enumerate(chunks):
        if start <= term <= end:
            return number
    for number, (start, end, _) in enumerate(chunks):
        low, high = min(len(term), len(start)), min(len(term), len(end))
        if term[:low] >= start[:low] and term[:high] <= end[:high]:
            return number
    return None
