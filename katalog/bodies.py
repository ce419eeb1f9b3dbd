"""Checks of Markdown bodies that only the whole site plan can answer.

A link inside a body to ``/inovasi/old-name/`` or an image at
``/media/x/photo.jpg`` is just text to Markdown; whether a page or file is
there is known once every page is planned. Errors point at the line and
column of the link in the file. Headings that skip a level are a warning:
screen-reader users move through a page by its headings.

The Markdown is scanned as source text (not rendered), so every finding keeps
its line. Code blocks and code spans are skipped: a link shown as code is not
a link.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import ContentError
from .markup import URL_SCHEMES
from .sources import Document

BODY_KINDS = ("innovation", "translation", "page")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")
# A link destination may hold balanced parentheses: [x](javascript:alert(1)).
_INLINE = re.compile(r"(!?)\[[^\]]*\]\(\s*<?((?:[^\s()<>]|\([^\s()]*\))+)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)")
_HTML = re.compile(r"\b(href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Raw HTML that would run code, load something, or take input; the sanitiser
# removes it, but the editor should know the page will not show it.
_ACTIVE_TAG = re.compile(
    r"<\s*(script|style|iframe|frame|frameset|object|embed|applet|form|input|textarea|button|select|"
    r"link|meta|base|svg|math|template|noscript)\b",
    re.IGNORECASE,
)
NO_CODE = "the site never runs code from content"
_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-zA-Z]+)\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """A link or image in a body: its target as written, where it is, and whether it is an image."""

    target: str
    line: int
    column: int
    image: bool


def lines(doc: Document) -> Iterator[tuple[int, str]]:
    """(line number in the file, text) of the body's lines outside fenced code blocks.

    A body without three backticks or tildes in a row (most bodies) has no fence to look
    for on each line: the checks walk the lines of every body of the site two or three times."""
    numbered = enumerate(doc.body.split("\n"), start=doc.body_line)
    if "```" not in doc.body and "~~~" not in doc.body:
        yield from numbered
        return
    fence = ""
    for number, text in numbered:
        opening = _FENCE.match(text)
        if fence:
            if opening and opening[1][0] == fence[0] and len(opening[1]) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening[1]
            continue
        yield number, text


def code_free_lines(doc: Document) -> Iterator[tuple[int, str]]:
    """The body's lines with code blocks left out and code spans blanked (columns kept)."""
    for number, source in lines(doc):
        yield number, (_CODE_SPAN.sub(_blank, source) if "`" in source else source)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match[0])


def links_in(doc: Document) -> list[Link]:
    """Every link and image of a body, where it is written.

    Each pattern runs only on lines holding the characters it needs: most
    lines of a body are prose, and this scan runs over every body of the site.
    """
    found: list[Link] = []
    for number, text in code_free_lines(doc):
        if "](" in text:
            found += [Link(m[2], number, m.start(2) + 1, bool(m[1])) for m in _INLINE.finditer(text)]
        if "]:" in text:
            found += [Link(m[1], number, m.start(1) + 1, False) for m in _REFERENCE.finditer(text)]
        if "=" in text:
            found += [Link(m[2], number, m.start(2) + 1, m[1].lower() == "src") for m in _HTML.finditer(text)]
    return found


@dataclass(frozen=True)
class Findings:
    """What the checks read from one body: unsafe markup, its links, heading jumps."""

    unsafe: list[ContentError]
    links: list[Link]
    headings: list[ContentError]


def examine(doc: Document) -> Findings:
    """Everything the checks need from one body, found at once: one cache entry per
    body, where reading three would cost more than scanning it again."""
    found = links_in(doc)
    return Findings(unsafe_in(doc, found), found, headings_in(doc))


def unsafe_in(doc: Document, links: list[Link] | None = None) -> list[ContentError]:
    """Scripts, event handlers and links other than http(s) and mailto in a body.

    The sanitiser (katalog.markup) removes them whatever happens; this tells
    the editor, with the line, instead of letting the page silently differ.
    ``links``: the body's links, when already found.
    """
    errors: list[ContentError] = []
    for number, text in code_free_lines(doc) if "<" in doc.body else ():
        if "<" not in text:
            continue
        for m in _ACTIVE_TAG.finditer(text):
            message = f"raw HTML <{m[1].lower()}> is not allowed in a body; remove it ({NO_CODE})"
            errors.append(ContentError(doc.display, number, "body", message, m.start() + 1))
        for m in _HANDLER.finditer(text):
            message = f"event handler attribute {m[1]}= is not allowed; remove it ({NO_CODE})"
            errors.append(ContentError(doc.display, number, "body", message, m.start(1) + 1))
    for link in links_in(doc) if links is None else links:
        scheme = _SCHEME.match(link.target)
        if scheme and scheme[0][:-1].lower() not in URL_SCHEMES:
            message = f"link {link.target[:60]} is not allowed; links in a body start with https://, http:// or mailto:"
            errors.append(ContentError(doc.display, link.line, "body", message, link.column))
    return errors


def site_path(target: str, page: str) -> str | None:
    """The site path a link goes to, or None for links off the site (other hosts, mail, anchors)."""
    if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
        return None
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return None
    # A relative link resolves against the page's folder, as a browser does.
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
    normal = posixpath.normpath(joined) if joined else "."
    if normal == ".":
        return ""
    if normal.startswith("../") or normal == "..":
        return "../"
    return normal + ("/" if path.endswith("/") else "")


def check_links(documents: Iterable[tuple[Document, str, list[Link]]], addresses: set[str]) -> list[ContentError]:
    """Every link and image in a body reaches a page or file the build makes.

    ``documents`` are (document, its page's address, its links); ``addresses``
    holds every page address and file path of the site.
    """
    errors: list[ContentError] = []
    for doc, page, found in documents:
        for link in found:
            path = site_path(link.target, page)
            if path is None or path in addresses or path + "/" in addresses:
                continue
            errors.append(ContentError(doc.display, link.line, "body", _missing(link, path, addresses), link.column))
    return errors


def _missing(link: Link, path: str, addresses: set[str]) -> str:
    if path == "../":
        return f"link {link.target} leaves the site; link to a page of this site, e.g. /inovasi/"
    if link.image:
        return f"image {link.target} does not exist; put it in content/media/<slug>/ and use /media/<slug>/<file>"
    near = difflib.get_close_matches(path, addresses, n=1, cutoff=0.85)
    hint = f"did you mean /{near[0]}?" if near else "link to the address of a page of this site, e.g. /inovasi/"
    return f"link {link.target} goes to no page of this site; {hint}"


def headings_in(doc: Document) -> list[ContentError]:
    """Headings that go more than one level deeper than the one before.

    The page title is the only level-1 heading and a level-1 heading in a body
    becomes level 2 (katalog.markup), so a body starts below level 1.
    """
    warnings: list[ContentError] = []
    previous = 1
    for number, text in lines(doc):
        m = _HEADING.match(text) if "#" in text else None
        if not m:
            continue
        level = max(2, len(m[1]))
        if level > previous + 1:
            message = (
                f"heading level jumps from {'#' * previous} to {'#' * level}; use {'#' * (previous + 1)} "
                "(readers of screen readers move through a page by its headings)"
            )
            warnings.append(ContentError(doc.display, number, "body", message, m.start(1) + 1, "warning"))
        previous = level
    return warnings
