"""The search index in parts (issue 6): split, indexed by Pagefind part by part, merged.

The oracle is Pagefind itself: the merged bundle must hold what one Pagefind
run over every profile holds (pages, words and their positions, variants,
filters, sort orders, page texts), and the browser must open the chunk that
holds each word.
"""

from __future__ import annotations

import fnmatch
import json
import random
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import cbor2
import pytest

from katalog import bundle, search

from .helpers import MINIMAL, SHIPPED, make_site, replace_in, run, tree
from .pagefind_index import chunk_for, pagefind_at_once, read_index, sort_values


def build(content: Path, out: Path, *extra: str) -> str:
    code, stdout, err = run("build", "--content", str(content), "--out", str(out), *extra)
    assert code == 0, err
    return stdout


# --- which profiles each part holds -------------------------------------------------------------


def random_slugs(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "-".join(rng.choice(["sapa", "sahabat", "si", "layanan", "lapor", "gerai", "ge", "a1"]) for _ in range(3))
        + rng.choice(["", "-2", "-kota"])
        for _ in range(count)
    ]


@pytest.mark.parametrize("size", [1, 7, 40, 1000])
def test_parts_cover_every_slug_once_and_stay_within_their_size(size: int) -> None:
    slugs = sorted(set(random_slugs(1, 400)))
    parts = search.partition(slugs, size)
    assert sorted(slug for _, members in parts for slug in members) == slugs
    for patterns, members in parts:
        assert 1 <= len(members) <= size
        # Pagefind finds a part's pages by its patterns: they must match its slugs and no other.
        assert [slug for slug in slugs if any(fnmatch.fnmatchcase(slug, p) for p in patterns)] == members
    if size >= len(slugs):
        assert parts == [(("*",), slugs)]


def test_a_new_profile_changes_only_the_part_it_joins() -> None:
    slugs = sorted(set(random_slugs(2, 600)))

    def parts(slugs: list[str]) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
        return {(patterns, tuple(members)) for patterns, members in search.partition(slugs, 40)}

    before, after = parts(slugs), parts([*slugs, "lapor-si-sahabat-baru"])
    assert len(after - before) <= 2  # its part (split in two at most); the rest are as they were
    assert len(before - after) == 1


# --- the merged bundle holds what one Pagefind run holds -------------------------------------------


@pytest.mark.parametrize(("base", "size"), [(MINIMAL, 1), (SHIPPED, 4)])
def test_the_merged_index_holds_what_pagefind_indexes_in_one_run(tmp_path: Path, base: Path, size: int) -> None:
    out = tmp_path / "public"
    summary = build(make_site(tmp_path, base=base), out, "--search-part-size", str(size), "--no-cache")
    assert "0 unchanged" in summary and " 1 part:" not in summary  # several parts, all indexed
    assert_same_as_one_run(out, tmp_path / "oracle")


def test_files_whose_hashes_begin_alike_get_longer_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "NAME_LENGTH", 1)  # sixteen names for fourteen pages: most collide
    out = tmp_path / "public"
    build(make_site(tmp_path, base=SHIPPED), out, "--search-part-size", "4", "--no-cache")
    names = [path.stem for path in (out / "pagefind/fragment").iterdir()]
    assert len(names) == len(set(names)) == 14
    assert any(len(name) > len("id_0") for name in names)
    assert_same_as_one_run(out, tmp_path / "oracle")


class _OutsideRoot(HTMLParser):
    """The ``data-pagefind-*`` attributes of a page outside its ``data-pagefind-body`` element."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside the element, how deep (0: outside it)
        self.outside: list[str] = []
        self.indexed = False  # whether the page has the element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag not in VOID_ELEMENTS
        elif any(name == "data-pagefind-body" for name, _ in attrs):
            self.depth, self.indexed = 1, True
        else:
            self.handle_startendtag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """An element that opens nothing (``<tag/>``), or one outside the indexed element."""
        if not self.depth:
            self.outside += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("data-pagefind-")]

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1 if self.depth else 0


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.mark.parametrize("site", ["built_shipped", "built_minimal"])
def test_a_profile_page_keeps_every_search_field_inside_the_element_pagefind_reads(
    site: str, request: pytest.FixtureRequest
) -> None:
    """Pagefind takes that element as the page's root (``search.ROOT_SELECTOR``): a filter,
    meta or sort field outside it would be missing from the index."""
    out = request.getfixturevalue(site).out
    pages = [*out.glob("inovasi/*/index.html"), *out.glob("*/inovasi/*/index.html")]
    outside, indexed = {}, 0
    for page in pages:
        parser = _OutsideRoot()
        parser.feed(page.read_text("utf-8"))
        indexed += parser.indexed
        if parser.outside:
            outside[str(page.relative_to(out))] = parser.outside
    assert indexed >= 2
    assert not outside, f"outside the element Pagefind reads ({search.ROOT_SELECTOR}): {outside}"


def assert_same_as_one_run(out: Path, oracle: Path) -> None:
    merged = read_index(out / "pagefind")
    whole = read_index(pagefind_at_once(out, oracle))
    assert merged.keys() == whole.keys()
    for lang, want in whole.items():
        got = merged[lang]
        assert got.pages == want.pages
        assert got.fragments == want.fragments
        assert got.words == want.words
        assert got.filters == want.filters
        assert got.fields == want.fields
        assert got.sorts.keys() == want.sorts.keys()
        for name, order in want.sorts.items():
            # Pages with equal values may come in either order, as in Pagefind's own.
            assert sorted(got.sorts[name]) == sorted(order)
            assert sort_values(out, got.sorts[name], name) == sort_values(out, order, name)


def test_a_variant_of_a_word_survives_the_merge(tmp_path: Path) -> None:
    """Pagefind files 'Medellín' under 'dellin' as a variant with its own postings."""
    out = tmp_path / "public"
    build(make_site(tmp_path, base=SHIPPED), out, "--search-part-size", "3", "--no-cache")
    variants = read_index(out / "pagefind")["id"].words["dellin"][1]
    assert [variant for variant, _ in variants] == ["medellín"]
    assert variants[0][1]  # with the page it is on


def test_the_browser_opens_the_chunk_that_holds_each_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "CHUNK_BYTES", 300)  # many small chunks: many bounds to get right
    out = tmp_path / "public"
    build(make_site(tmp_path, base=SHIPPED), out, "--search-part-size", "5", "--no-cache")
    chunks = read_index(out / "pagefind")["id"].chunks
    assert len(chunks) > 50
    for number, (_, _, words) in enumerate(chunks):
        for word in words:
            assert chunk_for(chunks, word) == number, word


@pytest.mark.parametrize(
    ("first", "last", "previous_to", "next_first", "bounds"),
    [  # bounds Pagefind 1.5.2 wrote for a 3,000-profile catalogue
        ("001", "1444", None, "144452018", ("001", "1444")),
        ("144452018", "1999", "1444", "1999933", ("14445", "1999")),
        ("agung", "ambulans", "ad", "anak", ("ag", "am")),
        ("anak", "anggulang", "am", "angkat", ("an", "angg")),
        ("angkat", "angkat", "angg", "antar", ("angk", "angkat")),
        ("cepat", "cepat", "catat", "daerah", ("ce", "cepat")),
        ("dalam", "dalam", "daf", "dama", ("dal", "dal")),
        ("baik", "bala", "bag", "bali", ("bai", "bala")),
        ("yogyakarta", "yogyakarta", "ya", None, ("yo", "yogyakarta")),  # the last chunk ends on its last word
    ],
)
def test_chunk_bounds_are_shortened_as_pagefind_shortens_them(
    first: str, last: str, previous_to: str | None, next_first: str | None, bounds: tuple[str, str]
) -> None:
    assert bundle._bounds(first, last, previous_to, next_first) == bounds


@pytest.mark.parametrize(
    "values",
    [
        [],
        [0, 23, 24, 255, 256, 8191],
        [8191, 8192, 65535, 65536, 2**32, 2**64 - 1],  # past the tables: left to cbor2
        [-1, -24, -25, -256],
        [-257, -(2**20)],
        list(range(255)),
        list(range(256)),  # an array head past the table
        ["a", [1]],
    ],
)
def test_postings_and_heads_are_encoded_as_cbor2_encodes_them(values: list[object]) -> None:
    assert bundle._array(values) == cbor2.dumps(values)
    assert bundle.head(4, len(values)) + b"".join(cbor2.dumps(value) for value in values) == cbor2.dumps(values)
    for value in values:
        if isinstance(value, int):
            assert bundle._integer(value) == cbor2.dumps(value)
            assert value < 0 or bundle.head(0, value) == cbor2.dumps(value)


def test_a_parts_postings_are_renumbered_and_encoded_as_cbor2_encodes_them() -> None:
    """Pagefind's page 1 is left out (a later bundle replaced it); its pages 0, 2 and 3 become
    the part's 5, 0 and 1; its meta fields 0 and 1 (markers -1 and -2) become the part's 2 and 0."""
    numbers = bundle._Numbers([5, None, 0, 1], [-3, -1])
    locations = [[0, 23, 8191], [8192, 2**32], list(range(256)), ["a", [1]], [], [7]]
    metas = [[], [-1, -2, 4], [], [3], [-2], None]
    deltas = [0, 1, 1, 1, 0, 0]  # pages 0, 1 (left out), 2, 3, 3, 3
    raw = [[delta, where, meta] for delta, where, meta in zip(deltas, locations, metas, strict=True)]
    expected = [
        (5, cbor2.dumps(locations[0]) + cbor2.dumps([])),
        (0, cbor2.dumps(locations[2]) + cbor2.dumps([])),
        (1, cbor2.dumps(locations[3]) + cbor2.dumps([3])),
        (1, cbor2.dumps(locations[4]) + cbor2.dumps([-1])),
        (1, cbor2.dumps(locations[5]) + cbor2.dumps(None)),
    ]
    assert bundle._renumbered("kata", raw, numbers) == expected
    with pytest.raises(bundle.BundleError, match=r"a posting of 'kata' is not \[page, locations, meta locations\]"):
        bundle._renumbered("kata", [[0, [1]]], numbers)


def test_sorts_compare_numbers_as_numbers_and_refuse_a_part_sorted_otherwise() -> None:
    def part(values: list[str], order: list[int]) -> tuple[Path, bundle.Language]:
        pages = [(f"id_{n}", 1) for n in range(len(values))]
        sources = [name for name, _ in pages]
        sizes, sort_values = [1] * len(pages), [{"n": v} for v in values]
        language = bundle.Language("id", pages, sources, sizes, {}, {}, {"n": order}, sort_values, [])
        return Path(), language

    merged = bundle._merged_sorts([part(["9", "100"], [0, 1]), part(["10"], [0])], [0, 2])
    assert merged == {"n": [0, 2, 1]}  # 9 < 10 < 100
    text = bundle._merged_sorts([part(["b", "d"], [0, 1]), part(["c", "a"], [1, 0])], [0, 2])
    assert text == {"n": [3, 0, 2, 1]}
    with pytest.raises(bundle.BundleError, match="sorted 'n' differently"):
        bundle._merged_sorts([part(["b", "a"], [0, 1])], [0])


@pytest.mark.parametrize(
    ("record", "url"),
    [
        ('{"url":"/inovasi/a/","content":"Teks."}', "/inovasi/a/"),
        ('{"url":"/inovasi/caf\\u00e9-\\"x\\"/","content":"Teks."}', '/inovasi/café-"x"/'),
        ('{"url":"/' + "a" * 2000 + '/","content":"Teks."}', "/" + "a" * 2000 + "/"),  # beyond the head
        ('{"content":"Teks.","url":"/inovasi/b/"}', "/inovasi/b/"),  # not first: the fragment read whole
    ],
)
def test_a_fragment_gives_its_page_address_from_its_first_bytes_or_else_whole(record: str, url: str) -> None:
    fragment = bundle.packed(bundle.SIGNATURE + record.encode())
    assert bundle._url(fragment, "id_1.pf_fragment") == url == json.loads(record)["url"]
    with pytest.raises(bundle.BundleError, match=r"unexpected Pagefind file format: id_1\.pf_fragment"):
        bundle._url(bundle.packed(record.encode()), "id_1.pf_fragment")


def test_sort_values_are_read_from_the_page_and_a_missing_page_has_none(tmp_path: Path) -> None:
    page = tmp_path / "inovasi" / "kopi" / "index.html"
    page.parent.mkdir(parents=True)
    sorts = '<span data-pagefind-sort="judul:kopi &amp; teh ü"></span><span data-pagefind-sort="mulai:2012"></span>'
    page.write_text(f"<html><body>{sorts}</body></html>", "utf-8")
    assert bundle._sort_values(tmp_path, "/inovasi/kopi/") == {"judul": "kopi & teh ü", "mulai": "2012"}
    (tmp_path / "inovasi" / "folder" / "index.html").mkdir(parents=True)
    for missing in ("/inovasi/teh/", "/inovasi/kopi/index.html/", "/inovasi/folder/"):
        assert bundle._sort_values(tmp_path, missing) == {}


def test_a_bundle_from_another_pagefind_version_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / bundle.ENTRY).write_text(json.dumps({"version": "2.0.0", "languages": {}}))
    with pytest.raises(bundle.BundleError, match=r"Pagefind 2\.0\.0 wrote this index"):
        bundle.read_part(tmp_path, tmp_path)


# --- a change re-indexes only its part ----------------------------------------------------------


def kept_parts(cache: Path) -> list[Path]:
    """The folders of the parts the cache keeps (beside them: what the last merge kept)."""
    return sorted(path for path in (cache / search.PARTS).iterdir() if path.is_dir())


def append(profile: Path, text: str) -> None:
    profile.write_text(profile.read_text("utf-8") + f"\n{text}\n", "utf-8")


def test_an_edited_profile_is_indexed_again_alone_until_much_of_its_part_changed(tmp_path: Path) -> None:
    """Parts of four: "c*", "g*", "k*" hold cek-dan-sadari, gancang-aron, garda-ampuh and one more."""
    content, out, cache = make_site(tmp_path, base=SHIPPED), tmp_path / "public", tmp_path / "cache"
    part = ("--search-part-size", "4", "--cache", str(cache))
    assert "in 4 parts: 4 indexed by Pagefind, 0 unchanged" in build(content, out, *part)

    def edit(slug: str, word: str, expected: str) -> None:
        append(content / f"innovations/{slug}.md", f"Kalimat baru tentang {word}.")
        assert expected in build(content, out, *part)
        assert word in read_index(out / "pagefind")["id"].words
        fresh = tmp_path / f"fresh-{word}"
        build(content, fresh, "--search-part-size", "4", "--no-cache")
        assert tree(out) == tree(fresh)  # the same bytes as indexing every part whole
        assert len(kept_parts(cache)) == 4  # the replaced part's index was dropped

    alone = "in 4 parts: 0 indexed by Pagefind, 3 unchanged, 1 updated: Pagefind indexed 1 page again"
    edit("cek-dan-sadari", "zorbanasi", alone)
    edit("cek-dan-sadari", "qualtermo", alone)  # still one page changed since the part was indexed whole
    edit("gancang-aron", "vistrelin", "in 4 parts: 1 indexed by Pagefind, 3 unchanged")  # two of four


def test_a_merge_joins_again_only_the_words_whose_postings_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The others' entries are the last merge's, until a part holds another number of pages;
    a chunk without a changed word is the live index's file, and one with a changed word takes
    the other entries from the live index's chunks (chunks made small: there are many)."""
    monkeypatch.setattr(bundle, "CHUNK_BYTES", 400)
    content, out, cache = make_site(tmp_path, base=SHIPPED), tmp_path / "public", tmp_path / "cache"
    part = ("--search-part-size", "4", "--cache", str(cache))
    build(content, out, *part)
    joined: list[str] = []
    real = bundle._entry
    monkeypatch.setattr(bundle, "_entry", lambda word, *rest: joined.append(word) or real(word, *rest))
    opened: list[str] = []
    entries = bundle._EarlierEntries._entries
    monkeypatch.setattr(
        bundle._EarlierEntries, "_entries", lambda self, chunk: opened.append(chunk.name) or entries(self, chunk)
    )

    def joined_by(change: Callable[[], None]) -> list[str]:
        joined.clear()
        opened.clear()
        change()
        build(content, out, *part)
        words = sorted(joined)
        fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
        build(content, fresh, "--search-part-size", "4", "--no-cache")
        assert tree(out) == tree(fresh)
        return words

    def words() -> int:
        return len(read_index(out / "pagefind")["id"].words)

    chunks = len(list((out / "pagefind/index").iterdir()))
    edited = joined_by(lambda: append(content / "innovations/cek-dan-sadari.md", "Kalimat zorbanasi."))
    assert "zorbanasi" in edited
    assert 0 < len(edited) < words() / 10  # the page's words after the new sentence moved
    renamed = joined_by(lambda: replace_in(content / "innovations/cek-dan-sadari.md", "zorbanasi", "qualtermo"))
    assert renamed == ["qualtermo"]  # zorbanasi is gone, and no other word moved
    assert 1 <= len(opened) <= 2 and chunks > 40  # the chunks that held zorbanasi and will hold qualtermo
    removed = joined_by(lambda: replace_in(content / "innovations/cek-dan-sadari.md", "Kalimat qualtermo.", ""))
    assert 0 < len(removed) < words() / 10 and "zorbanasi" not in read_index(out / "pagefind")["id"].words
    for chunk in (out / "pagefind/index").iterdir():  # the live index's chunks are gone: every word joined
        chunk.unlink()
    lost = joined_by(lambda: append(content / "innovations/cek-dan-sadari.md", "Kalimat vistrelin."))
    every = sum(len(index.words) for index in read_index(out / "pagefind").values())  # both languages
    assert every < len(lost) < every + words() / 10  # the changed words first, before a chunk was found gone
    new = (content / "innovations/toss-klungkung.md").read_text("utf-8").replace("TOSS", "Tugas Zorbanasi", 1)
    added = joined_by(lambda: (content / "innovations/tugas-zorbanasi.md").write_text(new, "utf-8"))
    assert len(added) == words()  # every later page moved: all joined
    monkeypatch.setattr(search, "_tag", lambda: "another version of the generator")
    again = joined_by(lambda: append(content / "innovations/cek-dan-sadari.md", "Kalimat lain."))
    assert len(again) == words()  # its entries may be made otherwise


def test_a_new_profile_is_indexed_alone_into_its_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "AGAIN_SHARE", 0.5)  # the part "t*", "u*" holds two profiles, then three
    content, out, cache = make_site(tmp_path, base=SHIPPED), tmp_path / "public", tmp_path / "cache"
    part = ("--search-part-size", "4", "--cache", str(cache))
    build(content, out, *part)
    new = (content / "innovations/toss-klungkung.md").read_text("utf-8").replace("TOSS", "Tugas Zorbanasi", 1)
    (content / "innovations/tugas-zorbanasi.md").write_text(new, "utf-8")
    # Its part holds one new page; the pages that now list it as related are elsewhere.
    assert ", 1 updated: Pagefind indexed" in build(content, out, *part)
    assert "zorbanasi" in read_index(out / "pagefind")["id"].words
    build(content, tmp_path / "fresh", "--search-part-size", "4", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh")
    # Deleted: its part's whole bundle holds a page gone now, so that part is indexed whole; the
    # pages that listed it are again as their part's whole bundle holds them: it alone is read.
    (content / "innovations/tugas-zorbanasi.md").unlink()
    summary = build(content, out, *part)
    assert "in 4 parts: 1 indexed by Pagefind, 2 unchanged, 1 updated: Pagefind indexed 0 pages again" in summary
    build(content, tmp_path / "fresh-again", "--search-part-size", "4", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh-again")


def test_a_translation_edited_alone_is_indexed_alone_in_its_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alpha's part holds its Indonesian and English pages; the English one changes: the
    bundle of changed pages holds one language, the part's whole bundle two."""
    monkeypatch.setattr(search, "AGAIN_SHARE", 0.5)
    content, out, cache = make_site(tmp_path), tmp_path / "public", tmp_path / "cache"
    part = ("--search-part-size", "1", "--cache", str(cache))
    build(content, out, *part)
    append(content / "innovations/alpha.en.md", "A new sentence about quorvantic care.")
    summary = build(content, out, *part)
    assert "in 2 parts: 0 indexed by Pagefind, 1 unchanged, 1 updated: Pagefind indexed 1 page again" in summary
    assert "quorvant" in "".join(read_index(out / "pagefind")["en"].words)
    build(content, tmp_path / "fresh", "--search-part-size", "1", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh")


def test_a_part_whose_kept_reading_is_damaged_is_read_again_from_its_bundle(tmp_path: Path) -> None:
    content, out, cache = make_site(tmp_path), tmp_path / "public", tmp_path / "cache"
    build(content, out, "--cache", str(cache), "--search-part-size", "1")
    shutil.rmtree(out)  # so that the build does not find "nothing changed"
    (kept_parts(cache)[0] / search.READ).write_bytes(b"not a part")
    summary = build(content, out, "--cache", str(cache), "--search-part-size", "1")
    assert "0 indexed by Pagefind, 1 unchanged, 1 updated: Pagefind indexed 0 pages again" in summary
    build(content, tmp_path / "fresh", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh")


@pytest.mark.parametrize("damage", ["chunk", "missing", "made"])
def test_a_part_whose_kept_bundle_is_damaged_is_indexed_whole(tmp_path: Path, damage: str) -> None:
    content, out, cache = make_site(tmp_path), tmp_path / "public", tmp_path / "cache"
    build(content, out, "--cache", str(cache), "--search-part-size", "1")
    shutil.rmtree(out)  # so that the build does not find "nothing changed"
    kept = kept_parts(cache)[0]
    (kept / search.READ).write_bytes(b"not a part")  # so that the part is read again from its bundle
    chunk = next((kept / search.WHOLE / "index").iterdir())
    if damage == "chunk":
        chunk.write_bytes(b"not gzip")
    elif damage == "missing":
        chunk.unlink()
    else:
        (kept / search.MADE).write_text('{"patterns": 1}')
    summary = build(content, out, "--cache", str(cache), "--search-part-size", "1")
    assert "in 2 parts: 1 indexed by Pagefind, 1 unchanged" in summary, summary
    build(content, tmp_path / "fresh", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh")


def test_parts_read_at_once_whose_kept_bundles_are_damaged_are_indexed_whole(tmp_path: Path) -> None:
    content, out, cache = make_site(tmp_path), tmp_path / "public", tmp_path / "cache"
    build(content, out, "--cache", str(cache), "--search-part-size", "1")
    shutil.rmtree(out)
    for kept in kept_parts(cache):  # each part is read again, by a worker of two
        (kept / search.READ).write_bytes(b"not a part")
        next((kept / search.WHOLE / "index").iterdir()).write_bytes(b"not gzip")
    summary = build(content, out, "--cache", str(cache), "--search-part-size", "1", "--jobs", "2")
    assert "in 2 parts: 2 indexed by Pagefind, 0 unchanged" in summary, summary
    build(content, tmp_path / "fresh", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh")


def test_an_index_that_cannot_be_merged_fails_the_build_and_keeps_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out, "--no-cache")
    before = tree(out)
    monkeypatch.setattr(bundle, "FORMAT", "0.9")  # as if Pagefind had been upgraded under the generator
    (content / "innovations/beta.md").write_text((content / "innovations/beta.md").read_text() + "\nBaru.\n")
    code, _, err = run("build", "--content", str(content), "--out", str(out), "--no-cache")
    assert code == 3
    assert "this generator merges only 0.9.x" in err
    assert tree(out) == before


# --- each Pagefind run sees only its own pages ---------------------------------------------------


def recording_pagefind(tmp_path: Path, exit_code: int | None = None) -> Path:
    """A stand-in for Pagefind's executable that writes down every file under the ``--site``
    it is given (a list for each run: two run at once), then runs the real one (or exits
    with ``exit_code``)."""
    script, lists = tmp_path / "pagefind", tmp_path / "seen"
    lists.mkdir()
    script.write_text(
        "#!/bin/sh\n"
        '[ "$1" = "--site" ] || exit 9\n'
        f'(cd "$2" && find . -type f | sort) > {lists}/$$.txt\n'
        + (f"exit {exit_code}\n" if exit_code is not None else f'exec {search.get_executable()} "$@"\n')
    )
    script.chmod(0o755)
    return script


def seen(tmp_path: Path) -> list[list[str]]:
    """What each run was given, in no particular order."""
    runs = [path.read_text().splitlines() for path in (tmp_path / "seen").iterdir()]
    return sorted([line.removeprefix("./") for line in run] for run in runs)


def test_each_pagefind_run_is_given_only_its_parts_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind lists every folder of the site it is given: so it is given one holding just
    the part's pages, which are back in place afterwards (the site equals one indexed whole)."""
    script = recording_pagefind(tmp_path)
    monkeypatch.setattr(search, "get_executable", lambda: script)
    content, out = make_site(tmp_path, base=SHIPPED), tmp_path / "public"
    build(content, out, "--search-part-size", "4", "--no-cache")
    parts = seen(tmp_path)
    assert len(parts) == 4
    profiles = sorted(path.stem for path in (content / "innovations").glob("*.md"))
    assert sorted(page for part in parts for page in part) == [f"inovasi/{slug}/index.html" for slug in profiles]
    assert all(1 <= len(part) <= 4 for part in parts)
    assert not list(out.rglob(".pagefind-*"))
    monkeypatch.undo()
    build(content, tmp_path / "fresh", "--search-part-size", "4", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh")


def test_a_failed_pagefind_run_puts_its_pages_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = recording_pagefind(tmp_path, exit_code=1)
    monkeypatch.setattr(search, "get_executable", lambda: script)
    site = tmp_path / "site"
    pages = ["inovasi/a/index.html", "inovasi/b/index.html", "en/inovasi/a/index.html"]
    for rel in [*pages, "inovasi/c/index.html", "inovasi/a/kode-qr.svg"]:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(rel)
    before = tree(site)
    run = search._Pagefind(site, pages, "**/index.html", tmp_path / "bundle")
    with pytest.raises(search.SearchIndexError, match="pagefind failed"):
        run.wait()
    moved = ["en/inovasi/a/index.html", "inovasi/a/index.html", "inovasi/a/kode-qr.svg", "inovasi/b/index.html"]
    assert seen(tmp_path) == [moved]  # the pages' folders, whatever else they hold
    assert tree(site) == before
    assert sorted(path.name for path in site.iterdir()) == ["en", "inovasi"]


@pytest.mark.parametrize(
    "pages",
    [
        ["inovasi/a/index.html", "inovasi/gone/index.html"],  # a page missing: the ones moved go back
        ["inovasi/a/index.html", "inovasi/a/cetak/index.html"],  # one page's folder holds another's
        ["index.html"],  # a page at the top: its folder is the site's
    ],
)
def test_pages_that_cannot_be_given_apart_are_indexed_in_the_whole_site(tmp_path: Path, pages: list[str]) -> None:
    site = tmp_path / "site"
    for rel in ["index.html", "inovasi/a/index.html", "inovasi/a/cetak/index.html", "inovasi/b/index.html"]:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(rel)
    before = tree(site)
    assert search._View.open(site, pages) is None
    assert tree(site) == before
    assert sorted(path.name for path in site.iterdir()) == ["index.html", "inovasi"]


def test_a_catalogue_without_profiles_says_to_build_without_search(tmp_path: Path) -> None:
    names = ("alpha.md", "alpha.en.md", "beta.md")
    content = make_site(tmp_path, {f"innovations/{name}": None for name in names})
    shutil.rmtree(content / "media")
    code, _, err = run("build", "--content", str(content), "--out", str(tmp_path / "public"), "--no-cache")
    assert code == 3
    assert "there is no profile to index: build with --no-search until there is one" in err
    code, _, err = run("build", "--content", str(content), "--out", str(tmp_path / "public"), "--no-search")
    assert code == 0, err
