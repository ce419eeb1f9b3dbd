"""Checks of Markdown bodies (katalog.bodies): links, images, unsafe HTML, heading levels."""

from __future__ import annotations

import pytest

from katalog import bodies
from katalog.sources import Document

PAGES = {"", "inovasi/", "inovasi/alpha/", "inovasi/beta/", "tentang/", "media/alpha/cover.png", "data/inovasi.json"}


def doc(body: str, kind: str = "innovation", key: str = "beta") -> Document:
    """A document whose body starts on line 10 of its file."""
    return Document(kind, key, f"content/innovations/{key}.md", {}, b"", 1, body, 10)


def link_errors(body: str, page: str = "inovasi/beta/") -> list[str]:
    found = doc(body)
    return [str(e) for e in bodies.check_links([(found, page, bodies.links_in(found))], PAGES)]


def test_links_to_pages_and_files_of_the_site_pass() -> None:
    body = (
        "[a](/inovasi/alpha/) [b](/inovasi/alpha) [c](/tentang/#tim) [d](/) [e](../alpha/)\n"
        "![f](/media/alpha/cover.png) [g](/data/inovasi.json?x=1) [h](#bagian)\n"
        '[i](https://example.org/x) [j](mailto:humas@example.go.id) <a href="/inovasi/">k</a>\n'
        "[ref]: /inovasi/alpha/\n"
    )
    assert link_errors(body) == []


def test_a_link_to_no_page_names_line_column_and_a_near_address() -> None:
    found = doc("Teks.\n\nLihat [Alpha](/inovasi/alfa/).\n")
    errors = bodies.check_links([(found, "inovasi/beta/", bodies.links_in(found))], PAGES)
    assert [(e.line, e.column) for e in errors] == [(12, 15)]
    assert str(errors[0]) == (
        "content/innovations/beta.md:12: body: link /inovasi/alfa/ goes to no page of this site; "
        "did you mean /inovasi/alpha/?"
    )


def test_relative_links_resolve_against_the_page_folder_like_a_browser() -> None:
    assert link_errors("[x](../alpha/)") == []
    assert link_errors("[x](alpha/)") == [
        "content/innovations/beta.md:10: body: link alpha/ goes to no page of this site; "
        "link to the address of a page of this site, e.g. /inovasi/"
    ]
    assert link_errors("[x](../../../up/)")[0].endswith("leaves the site; link to a page of this site, e.g. /inovasi/")


def test_missing_images_and_reference_and_html_links_are_found() -> None:
    body = '![foto](/media/beta/foto.jpg)\n\n[ref]: /tidak-ada/\n\n<img src="/media/beta/lain.png" alt="">\n'
    errors = link_errors(body)
    assert [e.split(": body: ")[1].split(" ")[:2] for e in errors] == [
        ["image", "/media/beta/foto.jpg"],
        ["link", "/tidak-ada/"],
        ["image", "/media/beta/lain.png"],
    ]


def test_links_inside_code_are_not_links() -> None:
    body = "Tulis `[x](/tidak-ada/)` begini.\n\n```\n[y](/juga-tidak/)\n<script>x</script>\n```\n"
    assert link_errors(body) == []
    assert bodies.unsafe_in(doc(body)) == []


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_inside_any_fence_nothing_is_a_link_or_a_heading_and_lines_after_it_are(fence: str) -> None:
    body = f"## Cara kerja\n\n{fence}\n[y](/tidak-ada/)\n#### kode\n{fence}\n\n[z](/juga-tidak/)\n"
    assert [(link.target, link.line) for link in bodies.links_in(doc(body))] == [("/juga-tidak/", 17)]
    assert bodies.headings_in(doc(body)) == []
    assert [number for number, _ in bodies.lines(doc(body))] == [10, 11, 16, 17, 18]


def test_without_a_fence_every_line_is_read_with_its_number() -> None:
    body = "Satu `kode`\n\n## Dua\n[a](/x/) dan ``[b](/y/)``\n"
    assert list(bodies.lines(doc(body))) == [
        (10, "Satu `kode`"),
        (11, ""),
        (12, "## Dua"),
        (13, "[a](/x/) dan ``[b](/y/)``"),
        (14, ""),
    ]
    assert [link.target for link in bodies.links_in(doc(body))] == ["/x/"]


def test_scripts_handlers_and_other_schemes_are_refused_with_their_place() -> None:
    body = '<script>x</script>\n<p onclick="x()">a</p>\n[b](javascript:alert(1)) [c](data:text/html,hi) [d](ftp://x/)\n'
    found = [(e.line, e.column, e.message.split(";")[0]) for e in bodies.unsafe_in(doc(body))]
    assert found == [
        (10, 1, "raw HTML <script> is not allowed in a body"),
        (11, 4, "event handler attribute onclick= is not allowed"),
        (12, 5, "link javascript:alert(1) is not allowed"),
        (12, 30, "link data:text/html,hi is not allowed"),
        (12, 53, "link ftp://x/ is not allowed"),
    ]


def test_headings_that_skip_a_level_are_warnings() -> None:
    body = "## Latar Belakang\n\n#### Terlalu dalam\n\n## Inovasi\n\n### Cara kerja\n\n# Judul besar\n\n#### Lagi\n"
    warnings = bodies.headings_in(doc(body))
    assert [(w.line, w.severity) for w in warnings] == [(12, "warning"), (20, "warning")]
    assert warnings[0].message.startswith("heading level jumps from ## to ####; use ###")


def test_a_body_starting_below_level_two_is_a_skip_too() -> None:
    (warning,) = bodies.headings_in(doc("### Mulai di tiga\n"))
    assert warning.message.startswith("heading level jumps from # to ###; use ##")
