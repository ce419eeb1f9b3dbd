"""Pagefind's search bundle: read the bundles of the index's parts and merge them into one.

Pagefind builds its whole index in memory and cannot update one (about 210 KB
a page: 6 GB at 30,000 profiles). So :mod:`katalog.search` has Pagefind index
the profiles in parts of a bounded size, and this module joins the parts into
the one bundle the browser loads, as if Pagefind had indexed every profile at
once: the same pages, words, word positions, filters and sort orders, so a
search finds what one index would find and pages the same way. A part that
did not change is not indexed again.

The format (Pagefind 1.5; :func:`read_part` refuses anything else) is
gzip-compressed CBOR after a signature:

* ``pagefind.<lang>_<hash>.pf_meta``: ``[version, pages, index chunks,
  filters, sorts, meta fields]``; a page is ``[fragment hash, word count]``
  and is named elsewhere by its position in this list.
* ``index/<hash>.pf_index``: ``[[word entry, ...]]``, words in order; an
  entry is ``[word, postings, variants]``, a variant ``[word as written,
  postings]`` (``medellín`` under ``dellin``), and a posting ``[page,
  locations, meta locations]``, where ``page`` counts from the previous
  posting's page.
  The metadata gives each chunk's first and last word, shortened by the rule
  in :func:`_bounds`; the browser loads one chunk per searched word.
* ``filter/<hash>.pf_filter``: ``[filter, [[value, [page, ...]], ...]]``.
* ``fragment/<hash>.pf_fragment``: one page's text and metadata (JSON).

Merging never decodes a posting again: reading a part splits each word's
postings into bytes that only need the first page number recomputed.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import html
import json
import os
import re
import shutil
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import cbor2

SIGNATURE = b"pagefind_dcd"
FORMAT = "1.5"  # the Pagefind versions whose bundles this module reads (1.5.x)
ENTRY = "pagefind-entry.json"
# An index chunk closes after a word whose hash ends in four zero bits once its words take
# CHUNK_BYTES (before compression), or at four times that: boundaries that depend on the
# words near them, not on every word before, so that an edit changes the few chunks it
# touches and the others are reused from the last build as they are.
CHUNK_BYTES = 24_000
# Hex digits of the hash in a file's name: equal names mean equal bytes, so a file the last
# build wrote under the same name is reused. The metadata lists every page by its fragment's
# name, so each digit there costs a reader about half a byte per profile: fragments get ten
# (and a reused one must have the same size too), the few chunks and the metadata sixteen.
NAME_LENGTH = 10
CHUNK_NAME_LENGTH = 16
# Positions in a .pf_meta record.
META_VERSION, META_PAGES, META_CHUNKS, META_FILTERS, META_SORTS, META_FIELDS = range(6)


class BundleError(Exception):
    """A part's bundle is not what this module can merge; the message says what."""


# One word's postings in one part, as bytes ready to be joined to other parts': (the page of
# the first posting, the page of the last, how many there are, the first posting's locations and
# meta locations encoded, every posting after the first encoded with its page relative). And a
# word in one part: (its postings, those of each form it was written in). Plain tuples, not named
# ones: every build reads back 75 parts of thousands of words at 30,000 profiles, and a named tuple
# costs a Python call each to read (1.0 s, against 0.36 s plain).
Postings = tuple[int, int, int, bytes, bytes]
Word = tuple[Postings | None, dict[str, Postings]]


@dataclass
class Language:
    """One language's index in one part, its pages in address order."""

    wasm: str
    pages: list[tuple[str, int]]  # (fragment name: a hash of its bytes, word count)
    sources: list[str]  # each page's fragment file as Pagefind named it
    sizes: list[int]  # each page's fragment file's size (a kept file of the same name must have it)
    words: dict[str, Word]
    filters: dict[str, dict[str, list[int]]]
    sorts: dict[str, list[int]]  # Pagefind's order of the part's pages
    sort_values: list[dict[str, str]]  # each page's sort values, as its page says them
    meta_fields: list[str]


@dataclass
class Part:
    """A part's bundle as read: what merging needs, and where its files are."""

    version: str
    include_characters: list[str]
    languages: dict[str, Language]
    folder: Path = field(default=Path())  # holds the bundles the part was read from
    bundles: tuple[str, ...] = ("bundle",)  # their folders in it, in the order they were read


def read_part(
    folder: Path, site: Path, fields: dict[str, list[str]] | None = None, bundles: tuple[str, ...] = ("bundle",)
) -> Part:
    """Read the bundles Pagefind wrote to the subfolders ``bundles`` of ``folder``, for
    pages of ``site`` (read for their sort values), as one part.

    A later bundle's pages replace the earlier bundles' pages of the same address: a
    part whose pages changed is read from its last bundle and one of just those pages
    (Pagefind indexes each page by itself, so this is what indexing them all would give).
    ``fields``: by language, the meta fields the merged index will list (default:
    the part's own, sorted); a posting names the fields a word is in by their
    position in that list, so the part is read for the list it will be merged under.
    """
    entries = [json.loads((folder / name / ENTRY).read_text("utf-8")) for name in bundles]
    versions = sorted({str(entry["version"]) for entry in entries})
    for version in versions:
        if not version.startswith(FORMAT + "."):
            raise BundleError(f"Pagefind {version} wrote this index; this generator merges only {FORMAT}.x")
    if len(versions) > 1:
        raise BundleError(f"the bundles of a part were written by different Pagefind versions: {versions}")
    languages = {}
    for lang in sorted({lang for entry in entries for lang in entry["languages"]}):
        held = [(name, entry["languages"].get(lang)) for name, entry in zip(bundles, entries, strict=True)]
        found = [(name, str(info["hash"]), str(info["wasm"])) for name, info in held if info is not None]
        languages[lang] = _read_language(folder, site, lang, found, (fields or {}).get(lang))
    include = list(entries[0].get("include_characters", []))
    return Part(versions[0], include, languages, folder, bundles)


class _Bundle(NamedTuple):
    """One bundle of a part, as read for one language."""

    name: str  # its folder in the part's
    meta: list[Any]
    own: list[str]  # its meta fields, in its order
    urls: list[str]  # its pages' addresses, in its order
    fragments: list[bytes]


def _read_language(
    folder: Path, site: Path, lang: str, found: list[tuple[str, str, str]], fields: list[str] | None
) -> Language:
    held = [_bundle(folder, name, meta_hash) for name, meta_hash, _ in found]
    own = {name for held_one in held for name in held_one.own}
    fields = fields if fields is not None else sorted(own)
    if not own <= set(fields):
        raise BundleError(f"meta fields {sorted(own - set(fields))} are missing from the merged list")
    winner = {url: (number, page) for number, one in enumerate(held) for page, url in enumerate(one.urls)}
    urls = sorted(winner)
    position = {url: new for new, url in enumerate(urls)}
    numbers = [_numbers(number, one, winner, position, fields) for number, one in enumerate(held)]
    words: dict[str, tuple[list[_Posting], dict[str, list[_Posting]]]] = {}
    filters: dict[str, dict[str, list[int]]] = {}
    for one, renumbered in zip(held, numbers, strict=True):
        _add_words(folder / one.name, one.meta, renumbered, words)
        for name, chunk_hash in one.meta[META_FILTERS]:
            _, values = read(folder / one.name / "filter" / f"{chunk_hash}.pf_filter")
            for value, listed in values:
                kept = [renumbered.pages[p] for p in listed if renumbered.pages[p] is not None]
                if kept:
                    filters.setdefault(str(name), {}).setdefault(str(value), []).extend(kept)
    sort_values = [_sort_values(site, url) for url in urls]
    pages, sources, sizes = [], [], []
    for url in urls:
        number, page = winner[url]
        one = held[number]
        pages.append((unique_name(lang, one.fragments[page], NAME_LENGTH, set()), int(one.meta[META_PAGES][page][1])))
        sources.append(f"{one.name}/fragment/{one.meta[META_PAGES][page][0]}.pf_fragment")
        sizes.append(len(one.fragments[page]))
    return Language(
        wasm=found[0][2],
        pages=pages,
        sources=sources,
        sizes=sizes,
        words={word: (_encoded(main), _encoded_variants(variants)) for word, (main, variants) in sorted(words.items())},
        filters={name: {value: sorted(listed) for value, listed in values.items()} for name, values in filters.items()},
        sorts=_sorts(held, numbers, sort_values),
        sort_values=sort_values,
        meta_fields=fields,
    )


def _bundle(folder: Path, name: str, meta_hash: str) -> _Bundle:
    meta = read(folder / name / f"pagefind.{meta_hash}.pf_meta")
    fragments = [(folder / name / "fragment" / f"{h}.pf_fragment").read_bytes() for h, _ in meta[META_PAGES]]
    urls = [_url(fragment, h) for fragment, (h, _) in zip(fragments, meta[META_PAGES], strict=True)]
    return _Bundle(name, meta, [str(field) for field in meta[META_FIELDS]], urls, fragments)


def _numbers(
    number: int, one: _Bundle, winner: dict[str, tuple[int, int]], position: dict[str, int], fields: list[str]
) -> _Numbers:
    """How a bundle's page numbers and field markers change in the part (None: a page a
    later bundle replaces)."""
    pages = [position[url] if winner[url] == (number, page) else None for page, url in enumerate(one.urls)]
    return _Numbers(pages, [-(fields.index(name) + 1) for name in one.own])  # a field is named by -(position + 1)


def _add_words(
    folder: Path, meta: list[Any], numbers: _Numbers, words: dict[str, tuple[list[_Posting], dict[str, list[_Posting]]]]
) -> None:
    """Add a bundle's postings, renumbered, to ``words``; a word only on replaced pages adds nothing."""
    for _, _, chunk_hash in meta[META_CHUNKS]:
        for entry in _entries(read(folder / "index" / f"{chunk_hash}.pf_index")):
            main = _renumbered(entry[0], entry[1], numbers)
            variants = [(str(v), found) for v, raw in entry[2] if (found := _renumbered(v, raw, numbers))]
            if not main and not variants:
                continue
            held_main, held_variants = words.setdefault(entry[0], ([], {}))
            held_main += main
            for variant, found in variants:
                held_variants.setdefault(variant, []).extend(found)


def _sorts(held: list[_Bundle], numbers: list[_Numbers], sort_values: list[dict[str, str]]) -> dict[str, list[int]]:
    """Pagefind's order of the part's pages for each sort, the orders of several bundles
    merged by the pages' values (see :func:`_merged_sorts`)."""
    orders: dict[str, list[list[int]]] = {}
    for one, renumbered in zip(held, numbers, strict=True):
        for name, listed in one.meta[META_SORTS]:
            order = [page for page in (renumbered.pages[p] for p in listed) if page is not None]
            orders.setdefault(str(name), []).append(order)
    merged = {}
    for name, lists in orders.items():
        values = {page: sort_values[page].get(name, "") for order in lists for page in order}
        key = _numeric if all(_is_number(value) for value in values.values()) else str
        merged[name] = list(heapq.merge(*lists, key=_by_value(values, key)))
    return merged


def _by_value(values: dict[int, str], key: Callable[[str], Any]) -> Callable[[int], tuple[Any, int]]:
    """A page's place in a sort: its value, then its number."""
    return lambda page: (key(values[page]), page)


def _entries(chunk: Any) -> list[Any]:
    if not (isinstance(chunk, list) and len(chunk) == 1 and isinstance(chunk[0], list)):
        raise BundleError("an index chunk is not [[word entry, ...]]")
    for entry in chunk[0]:
        if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)):
            raise BundleError(f"an index entry is not [word, postings, variants]: {str(entry)[:80]}")
        if not all(isinstance(variant, list) and len(variant) == 2 for variant in entry[2]):
            raise BundleError(f"a variant of {entry[0]!r} is not [word, postings]: {str(entry[2])[:80]}")
    return list(chunk[0])


class _Numbers(NamedTuple):
    """How a bundle's numbers change in the part: its pages, and its meta fields."""

    pages: list[int | None]  # new page number, by Pagefind's; None: left out
    markers: list[int]  # new field marker, by Pagefind's field position


_Posting = tuple[int, bytes]  # page in the part; locations and meta locations, encoded


def _renumbered(word: str, raw: list[Any], numbers: _Numbers) -> list[_Posting]:
    """A word's postings with their pages and meta fields renumbered, and their locations
    encoded; those of left-out pages dropped. (The common encodings written out here, not
    called: this loop is most of the time a part takes to read, for millions of postings.)"""
    page, pages, markers = 0, numbers.pages, numbers.markers
    postings: list[_Posting] = []
    append, integers = postings.append, _INTEGERS.__getitem__
    for posting in raw:
        try:
            delta, locations, meta = posting
        except (TypeError, ValueError):
            raise BundleError(f"a posting of {word!r} is not [page, locations, meta locations]") from None
        page += delta
        new = pages[page]
        if new is not None:
            try:
                encoded = _ARRAYS[len(locations)] + b"".join(map(integers, locations))
            except (KeyError, TypeError, IndexError):  # a long list, a large number, or not a number
                encoded = cbor2.dumps(locations)
            if meta == []:
                append((new, encoded + _NO_META))
            else:
                append((new, encoded + _array([markers[-n - 1] if n < 0 else n for n in meta] if meta else meta)))
    return postings


def _encoded_variants(variants: dict[str, list[_Posting]]) -> dict[str, Postings]:
    return {variant: found for variant, postings in variants.items() if (found := _encoded(postings))}


def _encoded(postings: list[_Posting]) -> Postings | None:
    """Postings in page order, encoded (see :class:`Postings`)."""
    if not postings:
        return None
    postings.sort(key=itemgetter(0))
    others = [_POSTING + _integer(page - before) + rest for (before, _), (page, rest) in pairwise(postings)]
    first, last = postings[0], postings[-1]
    return (first[0], last[0], len(postings), first[1], b"".join(others))


def _url(fragment: bytes, name: str) -> str:
    """A fragment's page address. Pagefind writes ``url`` first, so only the fragment's
    first bytes are inflated (a tenth of reading it whole, for every page of a part); the
    whole fragment is read where they do not hold it."""
    head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(fragment, _URL_HEAD)  # 16: gzip's header
    if found := _URL_FIRST.match(head):
        return str(json.loads(found[1]))
    return str(json.loads(_unpacked(fragment, name))["url"])


_URL_HEAD = 1024
_URL_FIRST = re.compile(re.escape(SIGNATURE) + rb'\{"url":("(?:[^"\\]|\\.)*")')
SORT_ATTRIBUTE = re.compile(rb'data-pagefind-sort="([^":]+):([^"]*)"')


def _sort_values(site: Path, url: str) -> dict[str, str]:
    """The sort values a page declares (``data-pagefind-sort="name:value"``), found in its
    bytes (no byte of a UTF-8 character other than ``"`` and ``:`` is one of them)."""
    try:
        text = (site / url.strip("/") / "index.html").read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return {}
    return {_unescaped(name): _unescaped(value) for name, value in SORT_ATTRIBUTE.findall(text)}


def _unescaped(value: bytes) -> str:
    return html.unescape(value.decode("utf-8"))


# --- merging -----------------------------------------------------------------------------------


def fields_of(parts: list[Part]) -> dict[str, list[str]]:
    """By language, the meta fields of the merged index: every part's, sorted."""
    found: dict[str, set[str]] = {}
    for part in parts:
        for lang, language in part.languages.items():
            found.setdefault(lang, set()).update(language.meta_fields)
    return {lang: sorted(names) for lang, names in found.items()}


def aligned(part: Part, fields: dict[str, list[str]]) -> bool:
    """Whether ``part`` was read for the merged index's meta fields (see :func:`read_part`)."""
    return all(language.meta_fields == fields[lang] for lang, language in part.languages.items())


class Chunk(NamedTuple):
    """An index chunk a merge wrote: its file's name, its words, and the size of each one's entry."""

    name: str
    words: tuple[str, ...]
    sizes: tuple[int, ...]


@dataclass
class Merged:
    """What a merge wrote, noted for the next merge to reuse (see :func:`merge`)."""

    made_by: str  # the code and Pagefind that made it: chunks of another version are not reused
    parts: tuple[str, ...]  # the parts merged, in order, each by the name of its folder
    fields: dict[str, list[str]]  # by language, the meta fields they were read for
    pages: dict[str, tuple[int, ...]]  # by language, each part's page count
    chunks: dict[str, list[Chunk]]  # by language, the index chunks it wrote


Earlier = Callable[[str], "Part | None"]  # a part of the last merge, by its folder's name (None: gone)


def merge(
    parts: list[Part], out: Sink, made_by: str = "", last: Merged | None = None, earlier: Earlier | None = None
) -> tuple[dict[str, int], Merged]:
    """Write to ``out`` one bundle holding every part; returns its pages by language, and
    what the next merge may reuse.

    A file the earlier bundle (see :class:`Sink`) has under the same name is kept,
    not made again: every file is named by its bytes. ``last``: the last merge, made
    by the same ``made_by``; its chunks are found in the earlier bundle by name (a hash of
    their bytes, so whichever build wrote a file of that name wrote those bytes). A word's
    entry joins its postings in every part (0.9 s for the 31,500 words of 30,000
    profiles), so when the parts hold as many pages as they did, only the words whose
    postings changed in the parts that changed are joined again (``earlier`` gives those
    parts as they were); a chunk of none of them is the earlier bundle's file, and the
    other entries of a chunk made anew are read from the earlier bundle's chunks.
    """
    if not parts:
        raise BundleError("no part to merge")
    fields = fields_of(parts)
    if not all(aligned(part, fields) for part in parts):
        raise BundleError("the parts were read for different meta fields: read them again with fields_of(parts)")
    versions = {part.version for part in parts}
    if len(versions) != 1:
        raise BundleError(f"the parts were indexed by different Pagefind versions: {sorted(versions)}")
    _copy_scripts(parts, out)
    names = tuple(part.folder.name for part in parts)
    merged = Merged(made_by, names, fields, {}, {})
    same = last is not None and (last.made_by, last.fields, len(last.parts)) == (made_by, fields, len(parts))
    entry_languages: dict[str, dict[str, str | int]] = {}
    for lang in sorted({lang for part in parts for lang in part.languages}):
        holding = [(part.folder, part.languages[lang]) for part in parts if lang in part.languages]
        merged.pages[lang] = tuple(len(part.languages[lang].pages) if lang in part.languages else 0 for part in parts)
        reuse = _reusable(lang, parts, merged.pages[lang], last, earlier) if same and last and earlier else None
        meta_hash, pages, merged.chunks[lang] = _merge_language(lang, holding, out, parts[0].version, reuse)
        entry_languages[lang] = {"hash": meta_hash, "wasm": holding[0][1].wasm, "page_count": pages}
    entry = {"version": parts[0].version, "languages": entry_languages,
             "include_characters": parts[0].include_characters}  # fmt: skip
    out.write(ENTRY, json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode())
    return {lang: int(info["page_count"]) for lang, info in entry_languages.items()}, merged


class _Reuse(NamedTuple):
    """The last merge's chunks of a language, and the words whose entries are made again."""

    chunks: list[Chunk]
    changed: set[str]


def _reusable(lang: str, parts: list[Part], pages: tuple[int, ...], last: Merged, earlier: Earlier) -> _Reuse | None:
    """What of ``last`` this merge of ``lang`` reuses; None: nothing (a part holds another
    number of pages, so every later page number moves, or a changed part's earlier reading
    is gone or was read for other meta fields)."""
    if last.pages.get(lang) != pages or lang not in last.chunks:
        return None
    changed: set[str] = set()
    for part, name in zip(parts, last.parts, strict=True):
        if part.folder.name == name:
            continue
        before = earlier(name)
        if before is None or not aligned(before, last.fields):  # read otherwise than for the last merge
            return None
        now = part.languages[lang].words if lang in part.languages else {}
        was = before.languages[lang].words if lang in before.languages else {}
        changed.update(word for word in now.keys() | was.keys() if now.get(word) != was.get(word))
    return _Reuse(last.chunks[lang], changed)


def _copy_scripts(parts: list[Part], out: Sink) -> None:
    """Pagefind's scripts and WebAssembly files, the same in every part (a language's in the parts that have it)."""
    copied = set()
    for part in parts:
        for path in sorted(path for name in part.bundles for path in (part.folder / name).iterdir()):
            if path.is_file() and path.name != ENTRY and path.suffix != ".pf_meta" and path.name not in copied:
                out.write(path.name, path.read_bytes())
                copied.add(path.name)


class Sink(Protocol):
    """Where a merged bundle is written, by paths relative to its folder, beside the
    earlier bundle (the live site's), whose files of the same name it may keep."""

    def keep(self, rel: str, size: int | None = None) -> bool:
        """Keep the earlier bundle's file at ``rel`` (only if it has ``size`` bytes, when
        given); False when it has none."""

    def link(self, rel: str, source: str, size: int | None = None) -> None:
        """The file ``source`` (of ``size`` bytes, when known) at ``rel`` (a hard link where
        the file system has them)."""

    def write(self, rel: str, data: bytes) -> None:
        """``data`` at ``rel``."""

    def earlier(self, rel: str) -> Path | None:
        """The earlier bundle's file at ``rel``; None when it has none."""


def _link(out: Sink, rel: str, source: str, size: int) -> None:
    """The file ``source`` (of ``size`` bytes) at ``rel``, or the earlier bundle's file of that name and size."""
    if not out.keep(rel, size):
        out.link(rel, source, size)


def _put(out: Sink, files: dict[str, bytes], level: int = 9) -> None:
    """Each file's ``data`` (compressed) at ``rel``, or the earlier bundle's file of that name;
    compressed on every core: zlib lets go of the interpreter while it works, and an edit
    changes most of the index's chunks."""
    fresh = {rel: data for rel, data in files.items() if not out.keep(rel)}
    if len(fresh) < 2:
        for rel, data in fresh.items():
            out.write(rel, packed(data, level))
        return
    with ThreadPoolExecutor() as pool:
        list(pool.map(lambda item: out.write(item[0], packed(item[1], level)), fresh.items()))


def _merge_language(
    lang: str, holding: list[tuple[Path, Language]], out: Sink, version: str, reuse: _Reuse | None
) -> tuple[str, int, list[Chunk]]:
    offsets, pages, total = [], [], 0
    names: set[str] = set()
    for folder, language in holding:
        offsets.append(total)
        total += len(language.pages)
        for (named, words), source, size in zip(language.pages, language.sources, language.sizes, strict=True):
            path = f"{folder}/{source}"
            # Two fragments whose hashes begin alike: the second gets a longer one, still by its bytes.
            name = named if named not in names else unique_name(lang, Path(path).read_bytes(), NAME_LENGTH + 1, names)
            names.add(name)
            _link(out, f"fragment/{name}.pf_fragment", path, size)
            pages.append([name, words])
    made = _rechunked(holding, offsets, reuse, out) if reuse else None
    grouped = _named(lang, made) if made else None
    if grouped is None:
        grouped = _named(lang, _grouped(_merged_words(holding, offsets)))
    assert grouped is not None  # every chunk is made anew, so each is named by its bytes
    chunks, kept = _write_chunks(grouped, out)
    filters = _write_filters(lang, holding, offsets, out)
    sorts = [[name, order] for name, order in sorted(_merged_sorts(holding, offsets).items())]
    meta = [version, pages, chunks, filters, sorts, holding[0][1].meta_fields]
    data = payload(meta)
    meta_hash = unique_name(lang, data, CHUNK_NAME_LENGTH, set())
    _put(out, {f"pagefind.{meta_hash}.pf_meta": data})
    return meta_hash, total, kept


def _merged_words(holding: list[tuple[Path, Language]], offsets: list[int]) -> dict[str, bytes]:
    """Every word of every part in order, with its postings joined, as an encoded index entry.

    Each word's data is gathered from the parts once, part by part (asking every part
    for every word was 2.4 million lookups at 30,000 profiles); on one core: forking
    workers and sending the entries back cost more than joining them here."""
    segments: dict[str, list[tuple[int, Word]]] = {}  # each word's data in the parts that have it, in order
    for number, (_, language) in enumerate(holding):
        for word, data in language.words.items():
            segments.setdefault(word, []).append((number, data))
    return {word: _entry(word, segments[word], offsets) for word in sorted(segments)}


_Made = tuple[tuple[str, ...], tuple[int, ...], "bytes | str"]  # words, entry sizes, the chunk or a kept one's name


def _rechunked(
    holding: list[tuple[Path, Language]], offsets: list[int], reuse: _Reuse, out: Sink
) -> list[_Made] | None:
    """The chunks, from the last merge's: the changed words' entries made again (a word no
    part holds now is left out), a chunk of none of them kept by name; None when an entry
    of an earlier chunk is needed and cannot be read (its file is gone or not as written)."""
    fresh = {}
    for word in reuse.changed:
        segments = [(n, language.words[word]) for n, (_, language) in enumerate(holding) if word in language.words]
        if segments:
            fresh[word] = _entry(word, segments, offsets)
    kept = [(word, size) for chunk in reuse.chunks for word, size in zip(chunk.words, chunk.sizes, strict=True)]
    words = sorted([item for item in kept if item[0] not in reuse.changed] + [(w, len(e)) for w, e in fresh.items()])
    before = {chunk.words: chunk for chunk in reuse.chunks}
    entries = _EarlierEntries(reuse.chunks, out)
    made: list[_Made] = []
    for positions in _ranges([size for _, size in words], [word for word, _ in words]):
        names, sizes = tuple(words[i][0] for i in positions), tuple(words[i][1] for i in positions)
        same = before.get(names)
        if same is not None and reuse.changed.isdisjoint(names) and out.earlier(_index_file(same.name)):
            made.append((names, sizes, same.name))
            continue
        found = [fresh[word] if word in fresh else entries.get(word) for word in names]
        if any(entry is None for entry in found):
            return None
        made.append((names, sizes, _chunk([entry for entry in found if entry is not None])))
    return made


class _EarlierEntries:
    """Entries of the earlier bundle's chunks, each chunk read when one of its entries is asked for."""

    def __init__(self, chunks: list[Chunk], out: Sink) -> None:
        self.out = out
        self.place: dict[str, tuple[Chunk, int, int]] = {}  # word → its chunk, and where its entry is in it
        self.read: dict[str, bytes | None] = {}  # a chunk's entries, by its name
        for chunk in chunks:
            start = 0
            for word, size in zip(chunk.words, chunk.sizes, strict=True):
                self.place[word] = (chunk, start, size)
                start += size

    def get(self, word: str) -> bytes | None:
        chunk, start, size = self.place[word]
        if chunk.name not in self.read:
            self.read[chunk.name] = self._entries(chunk)
        data = self.read[chunk.name]
        return None if data is None else data[start : start + size]

    def _entries(self, chunk: Chunk) -> bytes | None:
        path = self.out.earlier(_index_file(chunk.name))
        try:
            data = read_raw(path) if path else None
        except (OSError, EOFError, zlib.error, BundleError):  # gzip's errors: OSError, EOFError, zlib.error
            return None
        heads = head(4, 1) + head(4, len(chunk.words))
        if data is None or not data.startswith(heads) or len(data) != len(heads) + sum(chunk.sizes):
            return None
        return data[len(heads) :]


def _entry(word: str, segments: list[tuple[int, Word]], offsets: list[int]) -> bytes:
    main = [(number, postings) for number, (postings, _) in segments if postings]
    variants = sorted({variant for _, (_, forms) in segments for variant in forms})
    encoded = [head(4, 3), cbor2.dumps(word), *_joined(main, offsets), head(4, len(variants))]
    for variant in variants:
        joined = [(number, forms[variant]) for number, (_, forms) in segments if variant in forms]
        encoded += [head(4, 2), cbor2.dumps(variant), *_joined(joined, offsets)]
    return b"".join(encoded)


def _joined(segments: list[tuple[int, Postings]], offsets: list[int]) -> list[bytes]:
    """Postings of several parts as one encoded array: each part's first page made relative
    to the page before it, in the part before."""
    encoded = [head(4, sum(number for _, (_, _, number, _, _) in segments))]
    before = 0
    for part, (first, last, _, first_rest, others) in segments:
        encoded += [head(4, 3), head(0, offsets[part] + first - before), first_rest, others]
        before = offsets[part] + last
    return encoded


def _grouped(entries: dict[str, bytes]) -> list[_Made]:
    """The entries, in word order, grouped into chunks (see CHUNK_BYTES)."""
    words, data = list(entries), list(entries.values())
    made: list[_Made] = []
    for positions in _ranges([len(entry) for entry in data], words):
        part = slice(positions.start, positions.stop)
        made.append((tuple(words[part]), tuple(len(entry) for entry in data[part]), _chunk(data[part])))
    return made


def _ranges(sizes: list[int], words: list[str]) -> list[range]:
    """Where each chunk of ``words`` (whose entries have ``sizes``) begins and ends."""
    ranges, start, size = [], 0, 0
    for position, word in enumerate(words):
        last = words[position - 1]
        if position > start and _ends_chunk(last, size) and not word.startswith(last):
            # A chunk never ends on a word that begins the next one ("layan", "layanan"): the
            # browser, looking for a word by the shortened bounds, would open the wrong chunk.
            ranges.append(range(start, position))
            start, size = position, 0
        size += sizes[position]
    return [*ranges, range(start, len(words))] if words else ranges


_Named = tuple[tuple[str, ...], tuple[int, ...], str, "bytes | None"]  # words, sizes, name, bytes (None: kept)


def _named(lang: str, made: list[_Made]) -> list[_Named] | None:
    """Each chunk's name, by its bytes, longer where the name is taken (as the full merge
    names them: None when a kept chunk's name would not be the one it gets now)."""
    names: set[str] = set()
    named: list[_Named] = []
    for words, sizes, chunk in made:
        if isinstance(chunk, bytes):
            name, data = unique_name(lang, chunk, CHUNK_NAME_LENGTH, names), chunk
        elif chunk in names or len(chunk) != len(lang) + 1 + CHUNK_NAME_LENGTH:
            return None
        else:
            name, data = chunk, None
        names.add(name)
        named.append((words, sizes, name, data))
    return named


def _write_chunks(named: list[_Named], out: Sink) -> tuple[list[list[str]], list[Chunk]]:
    """Write the chunks made anew, keep the others; returns the metadata's chunk list, and the chunks."""
    listed: list[list[str]] = []
    written: dict[str, bytes] = {}
    for number, (words, _, name, data) in enumerate(named):
        if data is None:
            if not out.keep(_index_file(name)):  # there when _rechunked looked
                raise BundleError(f"the live index's chunk {name} went away while the index was merged")
        else:
            written[_index_file(name)] = data
        following = named[number + 1][0][0] if number + 1 < len(named) else None
        listed.append([*_bounds(words[0], words[-1], listed[-1][1] if listed else None, following), name])
    _put(out, written, 6)  # most of the bytes: 9 takes 3 times as long for 1 %
    return listed, [Chunk(name, words, sizes) for words, sizes, name, _ in named]


def _index_file(name: str) -> str:
    return f"index/{name}.pf_index"


def _ends_chunk(word: str, size: int) -> bool:
    return size >= 4 * CHUNK_BYTES or (size >= CHUNK_BYTES and zlib.crc32(word.encode()) % 16 == 0)


def _chunk(entries: list[bytes]) -> bytes:
    return SIGNATURE + head(4, 1) + head(4, len(entries)) + b"".join(entries)


def _bounds(first: str, last: str, previous_to: str | None, next_first: str | None) -> tuple[str, str]:
    """A chunk's bounds as Pagefind writes them: the shortest prefix of its first word that
    sorts after the previous chunk's bound, and the shortest prefix of its last word that is
    not a prefix of the next chunk's first word (the whole word when that would sort before
    the chunk's own first bound). Checked against every chunk of a 3,000-profile index."""
    start = first if previous_to is None else _shortest(first, lambda p: p > previous_to)
    if next_first is None:
        return start, last
    end = _shortest(last, lambda p: not next_first.startswith(p))
    return start, end if end >= start else last


def _shortest(word: str, good: Any) -> str:
    return next((word[:n] for n in range(1, len(word) + 1) if good(word[:n])), word)


def _write_filters(lang: str, holding: list[tuple[Path, Language]], offsets: list[int], out: Sink) -> list[list[str]]:
    merged: dict[str, dict[str, list[int]]] = {}
    for number, (_, language) in enumerate(holding):
        for name, values in language.filters.items():
            for value, pages in values.items():
                merged.setdefault(name, {}).setdefault(value, []).extend(offsets[number] + p for p in pages)
    listed = []
    names: set[str] = set()
    for name, values in sorted(merged.items()):
        record = [name, [[value, pages] for value, pages in sorted(values.items())]]
        data = payload(record)
        chunk_name = unique_name(lang, data, CHUNK_NAME_LENGTH, names)
        names.add(chunk_name)
        _put(out, {f"filter/{chunk_name}.pf_filter": data})
        listed.append([name, chunk_name])
    return listed


def _merged_sorts(holding: list[tuple[Path, Language]], offsets: list[int]) -> dict[str, list[int]]:
    """Each sort order over every part, by the pages' own sort values.

    Pagefind compares values as numbers when every value of that sort is one,
    else as text; each part's own order must agree, which is checked. Pages of equal
    value come in address order (their page number): Pagefind's order for them
    depends on which other pages its run held, and a part may come from two runs.
    """
    merged = {}
    for name in sorted({name for _, language in holding for name in language.sorts}):
        ranked = []
        for number, (_, language) in enumerate(holding):
            for page in language.sorts.get(name, []):
                value = language.sort_values[page].get(name)
                if value is None:
                    raise BundleError(f"page {language.pages[page][0]} is sorted by {name!r} but declares no value")
                ranked.append((value, number, offsets[number] + page))
        key = _numeric if all(_is_number(value) for value, *_ in ranked) else str
        by_part: dict[int, list[Any]] = {}
        for value, number, _ in ranked:
            by_part.setdefault(number, []).append(key(value))
        if any(keys != sorted(keys) for keys in by_part.values()):
            raise BundleError(f"Pagefind sorted {name!r} differently from this merge: cannot merge its parts")
        merged[name] = [page for *_, page in sorted(ranked, key=lambda item: (key(item[0]), item[2]))]
    return merged


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _numeric(value: str) -> float:
    return float(value)


# --- the file format ------------------------------------------------------------------------------


def head(major: int, number: int) -> bytes:
    """A CBOR item head (major type and length or value), in its shortest form."""
    if major in _HEADS and 0 <= number < _HEADS_BELOW:
        return _HEADS[major][number]
    return _head(major, number)


def _head(major: int, number: int) -> bytes:
    if number < 24:
        return bytes([major << 5 | number])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if number < 1 << (8 * size):
            return bytes([major << 5 | extra]) + number.to_bytes(size, "big")
    raise BundleError(f"number too large for CBOR: {number}")


# Merging writes a head for every part's postings of every word: half a million at 30,000
# profiles. Those of small numbers, by far the most, are made once.
_HEADS_BELOW = 1 << 13
_HEADS = {major: [_head(major, number) for number in range(_HEADS_BELOW)] for major in (0, 4)}  # numbers, arrays

# Reading a part encodes millions of small arrays of small integers again (each posting's
# locations); cbor2 takes microseconds for each array, these tables a fraction of that. The
# bytes are CBOR's shortest forms, those cbor2 writes (anything else is left to cbor2).
_INTEGERS = {number: _HEADS[0][number] for number in range(_HEADS_BELOW)} | {-n: head(1, n - 1) for n in range(1, 257)}
_ARRAYS = _HEADS[4][:256]
_POSTING = head(4, 3)
_NO_META = _ARRAYS[0]


def _integer(number: int) -> bytes:
    return _INTEGERS.get(number) or cbor2.dumps(number)


def _array(values: list[Any]) -> bytes:
    """``cbor2.dumps(values)``, sooner for the short lists of small integers a posting holds."""
    try:
        return _ARRAYS[len(values)] + b"".join(map(_INTEGERS.__getitem__, values))
    except (KeyError, TypeError, IndexError):  # a long list, a large number, or not a number
        return cbor2.dumps(values)


def read_raw(path: Path) -> bytes:
    return _unpacked(path.read_bytes(), path.name)


def _unpacked(data: bytes, name: str) -> bytes:
    data = gzip.decompress(data)
    if not data.startswith(SIGNATURE):
        raise BundleError(f"unexpected Pagefind file format: {name}")
    return data[len(SIGNATURE) :]


def read(path: Path) -> Any:
    return cbor2.loads(read_raw(path))


def payload(record: Any) -> bytes:
    return SIGNATURE + cbor2.dumps(record)


def packed(data: bytes, level: int = 9) -> bytes:
    """A file's bytes as Pagefind writes them: gzip-compressed."""
    return gzip.compress(data, compresslevel=level, mtime=0)


def unique_name(lang: str, data: bytes, length: int, taken: set[str]) -> str:
    """``<lang>_<hash of data>``, ``length`` hex digits, more where the name is taken."""
    digest = hashlib.sha256(data).hexdigest()
    while f"{lang}_{digest[:length]}" in taken:
        length += 1
    return f"{lang}_{digest[:length]}"


def link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
