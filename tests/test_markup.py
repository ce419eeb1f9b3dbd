"""Markdown from pull requests is untrusted: only safe HTML comes out."""

from __future__ import annotations

import pytest

from katalog.markup import Markup


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


def test_tables_render(markup: Markup) -> None:
    html = markup.render("| a | b |\n| - | - |\n| 1 | 2 |\n")
    assert "<table>" in html
    assert "<td>1</td>" in html


def test_converter_is_reset_between_documents(markup: Markup) -> None:
    first = markup.render("## Sama\n")
    second = markup.render("## Sama\n")
    assert first == second
