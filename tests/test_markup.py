"""Markdown from pull requests is untrusted: only safe HTML comes out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
from markdown.util import Registry

from katalog import markup as markup_module
from katalog.markup import BLOCK_MARKERS, INLINE_MARKERS, MARKDOWN_EXTENSIONS, PROCESSOR_MARKERS, Markup, sanitise


@pytest.fixture(scope="module")
def markup() -> Markup:
    return Markup("/katalog/")


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "alert"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ("[x](javascript:alert(1))", "javascript:"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ('<iframe src="https://example.org"></iframe>', "iframe"),
        ("<style>body{display:none}</style>", "display"),
        ('<p style="position:fixed">x</p>', "style"),
        ('<form action="https://evil.example"><input></form>', "form"),
        ("<!-- komentar -->", "komentar"),
    ],
)
def test_dangerous_markup_is_removed(markup: Markup, source: str, forbidden: str) -> None:
    assert forbidden not in markup.render(f"Teks {source} selesai.")


def test_safe_links_survive(markup: Markup) -> None:
    html = markup.render("[a](https://example.org/x) [b](http://example.org) [c](mailto:humas@example.org)")
    assert 'href="https://example.org/x"' in html
    assert 'href="http://example.org"' in html
    assert 'href="mailto:humas@example.org"' in html


def test_root_relative_links_get_the_base_path(markup: Markup) -> None:
    html = markup.render("[profil](/inovasi/x/) [luar](//example.org/) [bagian](#dampak)")
    assert 'href="/katalog/inovasi/x/"' in html
    assert 'href="//example.org/"' in html
    assert 'href="#dampak"' in html


def test_a_level_one_heading_becomes_level_two(markup: Markup) -> None:
    html = markup.render("# Judul\n\n## Latar Belakang\n")
    assert "<h1" not in html
    assert '<h2 id="judul">Judul</h2>' in html
    assert '<h2 id="latar-belakang">Latar Belakang</h2>' in html


def test_headings_get_the_ids_the_toc_extension_would_give(markup: Markup) -> None:
    text = (
        "## Latar Belakang\n\nTeks.\n\n## Latar *Belakang*\n\n### A &amp; B `kode` [tautan](https://example.org)\n\n"
        "## Latar Belakang\n\n## Latar Belakang_1\n\n#### Dampak: 90% <b>warga</b>\n\n## ***\n\n## Ekonomi & Sosial\n"
        "\n##   Spasi   ganda  ##\n\n## Ibu\u2013Anak, Pelayanan Één\n\n## Latar Belakang\n"
    )
    toc = markdown.Markdown(extensions=[*MARKDOWN_EXTENSIONS, "toc"], output_format="html")
    assert markup.render(text) == sanitise(toc.convert(text))
    assert 'id="latar-belakang_2"' in markup.render(text)


def test_tables_render(markup: Markup) -> None:
    html = markup.render("| a | b |\n| - | - |\n| 1 | 2 |\n")
    assert "<table>" in html
    assert "<td>1</td>" in html


def test_converter_is_reset_between_documents(markup: Markup) -> None:
    first = markup.render("## Sama\n")
    second = markup.render("## Sama\n")
    assert first == second


# Every marker an inline pattern needs, alone and together, in bodies like editors write.
SAMPLES = [
    "Baris satu  \nbaris dua",
    "Dinas & warga: &amp; &#169; &copy;",
    "<b>tebal</b>, <https://contoh.go.id>, <humas@contoh.go.id>, <!-- catatan -->",
    "<div>blok</div>\n\n<DIV class=x>besar</DIV>\n\n<hr/>\n\n<span>sebaris</span> dan <P>paragraf</P>",
    "`kode *bukan miring*` dan \\*bintang\\* dan \\_garis\\_",
    "![Foto](/media/a/foto.jpg) dan [acuan][1] dan [singkat]\n\n[1]: /inovasi/\n[singkat]: https://contoh.go.id",
    "_miring_ **tebal** ***keduanya*** __garis__ nama_berkas_ini 5 * 3",
    "[tautan](https://contoh.go.id 'judul') ![gambar tanpa tutup",
    "* daftar\n* butir\n\n1. satu\n2. dua",
    "| a | b |\n|---|:-:|\n| 1 | **2** |",
    "```\n<script>x</script> [bukan](tautan)\n```",
    "~~~~\nkode *bukan miring*\n~~~~\n\n``bukan pagar``",
    "# Judul\n## Bagian *miring*\n### Lagi `kode`",
    "Hanya _miring_ dan __tebal__ di sini",
    "Teks polos tanpa tanda apa pun.",
    # Block markers: quotes, underlined headings, rules, reference definitions, tables.
    "> kutipan\n> lanjut\n\nbukan > kutipan, 3 > 2",
    "Judul\n=====\n\nSub\n---\n\nteks - dengan - tanda = sama",
    "satu\n\n- - -\n\n***\n\n___\n\n-- dua tanda --",
    "[a]: /x\n[b]: https://contoh.go.id 'judul'\n\n[a] dan [b] dan [c]: bukan definisi",
    "Lihat [teks][x], [y] dan [z][] tanpa definisi.",
    "a | b\n--- | ---\n1 | 2\n\nbaris | tanpa tabel",
    # A bracket after '!' opens an image, any other a link.
    "wow![gambar](/a.png) wow! [tautan](/b) !![dua](/c) \\![lolos](/d) [![dalam](/e)](/f)",
]


def test_the_tuned_converter_never_changes_a_bodys_html(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Inline patterns and whole-text processors are left out where their marker is
    absent, block processors are not asked about a block without theirs, links are
    found from their bracket, block-level tags told from a set, and registries read from
    a list: the HTML must be what Python-Markdown untuned gives, over these samples and
    every body of the shipped content and of a synthetic catalogue."""
    from katalog import sources

    from .helpers import SHIPPED
    from .synthetic_loader import synthetic

    synthetic().generate(tmp_path, 40, seed=3)
    texts = SAMPLES + [doc.body for root in (SHIPPED, tmp_path) for doc in sources.scan(root).documents if doc.body]
    fast = [Markup("/sub/").render(text) for text in texts]
    monkeypatch.setattr(markup_module, "INLINE_MARKERS", {})
    monkeypatch.setattr(markup_module, "BLOCK_MARKERS", {})
    monkeypatch.setattr(markup_module, "PROCESSOR_MARKERS", {})
    monkeypatch.setattr(markup_module, "LINK_PATTERNS", ())
    monkeypatch.setattr(markup_module, "_block_level_from_a_set", lambda md: None)
    monkeypatch.setattr(markup_module, "_settle", lambda registry: None)
    full = [Markup("/sub/").render(text) for text in texts]
    assert fast == full


def test_each_part_left_out_or_guarded_is_one_python_markdown_has() -> None:
    """A misspelt name would leave nothing out; a name in two registries would leave out both."""
    md = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)
    registries = (md.inlinePatterns, md.preprocessors, md.treeprocessors)
    for name in INLINE_MARKERS:
        assert [name in registry for registry in registries] == [True, False, False], name
    for name in PROCESSOR_MARKERS:
        assert sum(name in registry for registry in registries) == 1, name
        assert name not in md.inlinePatterns, name
    assert all(name in md.parser.blockprocessors for name in BLOCK_MARKERS)


def test_a_body_without_markers_runs_no_pattern_that_needs_them() -> None:
    markup = Markup("/")
    plain = markup._converter("Teks polos.").inlinePatterns
    rich = markup._converter("[a](/b) *c* `d` <e> &f;  \n![g](/h)").inlinePatterns
    names = ("link", "em_strong", "html", "backtick", "entity", "linebreak", "image_link")
    assert [name for name in names if name in plain] == []
    assert [name for name in names if name in rich] == list(names)


def test_block_level_tags_are_told_as_python_markdown_tells_them() -> None:
    tuned = Markup("/")._converter("Teks polos.")
    plain = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)
    assert getattr(tuned.is_block_level, "__self__", None) is None  # the set's function, not the method
    names = [*plain.block_level_elements, "span", "a", "P", "DIV/", "hr/", "", "x-blok"]
    for tag in [*names, None, 1, ET.Comment]:
        assert tuned.is_block_level(tag) == plain.is_block_level(tag), tag


def test_a_settled_registry_lists_and_finds_its_items_as_python_markdown_does() -> None:
    def made() -> Registry[str]:
        registry: Registry[str] = Registry()
        for name, priority in [("b", 10), ("a", 30), ("c", 20), ("d", 20)]:
            registry.register(name.upper(), name, priority)
        return registry

    plain, settled = made(), made()
    markup_module._settle(settled)
    for change in [lambda r: None, lambda r: r.register("E", "e", 25), lambda r: r.deregister("a"),
                   lambda r: r.register("C", "c", 5), lambda r: r.deregister("x", strict=False)]:  # fmt: skip
        change(plain)
        change(settled)
        assert list(settled) == list(plain)
        assert [settled[i] for i in range(len(settled))] == [plain[i] for i in range(len(plain))]
        assert settled["b"] == plain["b"] == "B"
        assert list(settled[1:3]) == list(plain[1:3])
    assert list(plain) == ["E", "D", "B", "C"]
