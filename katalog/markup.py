"""Markdown bodies from pull requests to safe HTML.

Python-Markdown renders; a tree step lowers a stray level-1 heading (the page
title is the only ``h1``) and prefixes root-relative links with the site's
base path so sub-path hosting works, and another gives each heading the id
the ``toc`` extension would; nh3 (the Ammonia sanitiser) then keeps only an
allow-list of tags and attributes and only http(s) and mailto links.

Bodies are converted once per build, before pages are rendered
(:func:`render_all`): each text is looked up in the cache under a hash of
itself and of every setting that shapes its HTML, the rest are converted on
every core, and a page reads its body's HTML from the cache only when it is
rendered (:class:`Bodies`).
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import markdown
import nh3
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import render_inner_html, slugify, strip_tags, unique
from markdown.inlinepatterns import LINK_RE, Pattern
from markdown.treeprocessors import Treeprocessor
from markdown.util import Registry

from . import parallel
from .cache import Cache, Reader, code_tag, digest

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "a",
        "em",
        "strong",
        "code",
        "pre",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "br",
        "abbr",
        "sub",
        "sup",
        "del",
        "img",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
MARKDOWN_EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
CACHE_TABLE = "markdown"


class _SiteTree(Treeprocessor):
    def __init__(self, md: markdown.Markdown, base_path: str) -> None:
        super().__init__(md)
        self.base_path = base_path

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value and value.startswith("/") and not value.startswith("//"):
                    element.set(attribute, self.base_path + value[1:])


HEADINGS = frozenset(f"h{level}" for level in range(1, 7))


class _HeadingIds(Treeprocessor):
    """Give each heading the id Python-Markdown's ``toc`` extension would give it (so that
    links to a section work), without ``toc``'s table of contents, which the site does not
    show: building and serialising it took a quarter of a body's conversion."""

    def run(self, root: ET.Element) -> None:
        used = {element.attrib["id"] for element in root.iter() if "id" in element.attrib}
        for element in root.iter():
            if element.tag in HEADINGS and "id" not in element.attrib:
                element.attrib["id"] = unique(_slug(self._name(element)), used)

    def _name(self, heading: ET.Element) -> str:
        """The heading's text as ``toc`` reads it: serialised, placeholders put back, tags
        stripped, entities unescaped; for plain text (no child element, no placeholder,
        nothing serialising escapes: the section headings of nearly every body), that is
        its words, without serialising it."""
        text = heading.text or ""
        if len(heading) == 0 and not _NOT_PLAIN.intersection(text):
            return " ".join(text.split())
        return html.unescape(strip_tags(render_inner_html(heading, self.md)))


_NOT_PLAIN = frozenset("\x02\x03&<>")  # Python-Markdown's placeholders, and what serialising escapes


@functools.lru_cache(maxsize=4096)
def _slug(name: str) -> str:
    """``toc``'s slug of a heading: worked out once for the section headings every body repeats."""
    return slugify(name, "-")


class _SiteExtension(Extension):
    def __init__(self, base_path: str) -> None:
        super().__init__()
        self.base_path = base_path

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        # After inline parsing (priority 20) and before heading ids (5, where 'toc' would run).
        md.treeprocessors.register(_SiteTree(md, self.base_path), "katalog-site", 8)
        md.treeprocessors.register(_HeadingIds(md), "heading-ids", 5)


# Python-Markdown tries every inline pattern on every run of text, which is half
# of a body's conversion time. A pattern whose marker the body does not contain
# at all can never match, so it is left out for that body: the HTML is the same,
# sooner. (Patterns not named here always run.) A reference link matches only a
# definition the body gives, which needs ``]:``.
INLINE_MARKERS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("]:",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("]:",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
}


# The same for processors of the whole text or tree that can change nothing without their
# marker: the fenced code preprocessor (it searches the text for a fence); the raw HTML one
# (it parses the text for tags and entities, and gives back the same lines when there are
# none); and the tree processor that puts back backslash-escaped characters (only the
# escape pattern, which needs a backslash, leaves them out).
PROCESSOR_MARKERS = {"fenced_code_block": ("```", "~~~"), "html_block": ("<", "&"), "unescape": ("\\",)}


# Python-Markdown finds a link, a reference or a short reference by ``(?<!\!)\[``: a
# pattern that begins with a look-behind, which Python's regular expressions try at every
# character of every run of text (for the three patterns, 15 % of a synthetic body's
# conversion, counted in instructions). ``\[(?<!!\[)`` matches the same bracket, not after
# ``!``, but begins with a literal character, which they find at once. The match is the
# same (the bracket alone), so is the HTML.
LINK_PATTERNS = ("reference", "link", "short_reference")
LINK_FROM_THE_BRACKET = r"\[(?<!!\[)"


def _search_from_the_bracket(pattern: Pattern) -> None:
    if pattern.pattern != LINK_RE:  # another version's pattern: left as it is
        return
    pattern.pattern = LINK_FROM_THE_BRACKET
    pattern.compiled_re = re.compile(LINK_FROM_THE_BRACKET, re.DOTALL | re.UNICODE)


# Python-Markdown asks each block processor, in turn, whether a block is its kind, and
# these ask a regular expression that no block lacking their marker can match (most
# blocks are paragraphs of plain text); a reference definition's processor asks none
# and searches in its ``run``, which gives up the same way. So a block without the
# marker is not asked about: the same answer, without the search (a quarter of what
# was left of a synthetic body's conversion, counted in instructions).
BLOCK_MARKERS = {
    "table": ("|",),
    "hashheader": ("#",),
    "setextheader": ("\n=", "\n-"),
    "hr": ("-", "_", "*"),
    "quote": (">",),
    "reference": ("]:",),
}


def _ask_only_with(processor: BlockProcessor, markers: tuple[str, ...]) -> None:
    """Have ``processor`` answer no, without asking its own test, for a block holding none
    of ``markers``."""
    test = processor.test
    holds = re.compile("|".join(map(re.escape, markers))).search  # one search in C, not a loop per marker

    def guarded(parent: ET.Element, block: str) -> bool:
        return holds(block) is not None and test(parent, block)

    processor.test = guarded  # type: ignore[method-assign]


def _block_level_from_a_set(md: markdown.Markdown) -> None:
    """Have ``md`` tell block-level tags from a set. Python-Markdown looks a tag up in a list
    of 59 names (``Markdown.is_block_level``) for every element it lays out or serialises;
    the list is complete once the extensions are registered, and nothing adds to it after."""
    names = frozenset(md.block_level_elements)

    def is_block_level(tag: object) -> bool:
        return isinstance(tag, str) and tag.lower().rstrip("/") in names

    md.is_block_level = is_block_level  # type: ignore[method-assign]


class _Settled(Registry[Any]):
    """A registry read from a list of its items in order, made again when it changes.

    Python-Markdown asks its block processors' registry for its items for every block,
    and its inline patterns' for each pattern by position for every run of text; each
    time the registry checks its order and lists its items anew."""

    _items: list[Any]

    def settle(self) -> None:
        self._items = list(super().__iter__())  # in order, as Python-Markdown lists them

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __getitem__(self, key: Any) -> Any:
        return self._items[key] if isinstance(key, int) else super().__getitem__(key)

    def register(self, item: Any, name: str, priority: float) -> None:
        super().register(item, name, priority)
        self.settle()

    def deregister(self, name: str, strict: bool = True) -> None:
        super().deregister(name, strict)
        self.settle()


def _settle(registry: Registry[Any]) -> None:
    """Make ``registry`` one read from a list (see :class:`_Settled`), its items unchanged.
    Its class is changed in place: processors hold the registry itself (the inline
    processor keeps the converter's ``inlinePatterns``), so a new one would go unseen."""
    registry.__class__ = _Settled
    registry.settle()  # type: ignore[attr-defined]


class Markup:
    """Configured Markdown converters, reused for every body of a build (one for
    each set of inline patterns a body can use; a handful in practice)."""

    def __init__(self, base_path: str = "/") -> None:
        self.base_path = base_path
        self._converters: dict[frozenset[str], markdown.Markdown] = {}

    def render(self, text: str) -> str:
        """Markdown ``text`` as sanitised HTML."""
        html = self._converter(text).reset().convert(text)
        return sanitise(html)

    def _converter(self, text: str) -> markdown.Markdown:
        unused = frozenset(
            name
            for name, markers in (INLINE_MARKERS | PROCESSOR_MARKERS).items()
            if not any(m in text for m in markers)
        )
        md = self._converters.get(unused)
        if md is None:
            extensions: list[str | Extension] = [*MARKDOWN_EXTENSIONS, _SiteExtension(self.base_path)]
            md = markdown.Markdown(extensions=extensions, output_format="html")
            for name in unused:  # no name is in two of these registries
                md.inlinePatterns.deregister(name, strict=False)
                md.preprocessors.deregister(name, strict=False)
                md.treeprocessors.deregister(name, strict=False)
            for name in LINK_PATTERNS:
                if name in md.inlinePatterns:
                    _search_from_the_bracket(md.inlinePatterns[name])
            for name, markers in BLOCK_MARKERS.items():
                if name in md.parser.blockprocessors:
                    _ask_only_with(md.parser.blockprocessors[name], markers)
            _block_level_from_a_set(md)
            for registry in (md.preprocessors, md.parser.blockprocessors, md.inlinePatterns, md.treeprocessors):
                _settle(registry)
            self._converters[unused] = md
        return md


def sanitise(html: str) -> str:
    """Keep only allowed tags, attributes and URL schemes; drop scripts with their content."""
    return _CLEANER.clean(html)


# Built once: ``nh3.clean`` builds its sanitiser from these sets again on every call (2 % of
# a synthetic body's conversion, counted in instructions).
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=None,
    strip_comments=True,
)


def settings_tag(base_path: str) -> str:
    """Everything besides the text that shapes a body's HTML: a cached conversion is
    reused only while all of it is unchanged (any change to the generator's code,
    a new Python-Markdown or nh3 (both in ``code_tag``), or another base path makes
    every entry stale)."""
    return digest(
        code_tag(),
        repr(MARKDOWN_EXTENSIONS),
        repr(sorted(ALLOWED_TAGS)),
        repr(sorted((tag, sorted(attrs)) for tag, attrs in ALLOWED_ATTRIBUTES.items())),
        repr(sorted(URL_SCHEMES)),
        base_path,
    )


class Bodies(Mapping[str, str]):
    """Each Markdown text's HTML: those this build converted, and the others read from the
    cache when a page asks for one (an edit renders a few dozen pages of tens of thousands;
    reading every body's HTML back took most of a second at 30,000 profiles). A text the
    cache lost meanwhile is converted again: the same HTML."""

    def __init__(self, keys: dict[str, str], fresh: dict[str, str], reader: Reader, base_path: str) -> None:
        self._keys, self._fresh, self._reader, self._base_path = keys, fresh, reader, base_path

    def __getitem__(self, text: str) -> str:
        html = self._fresh.get(text)
        if html is None:
            key = self._keys[text]  # a KeyError for a text the build did not convert
            html = self._reader.get(CACHE_TABLE, key)
            if not isinstance(html, str):
                html = Markup(self._base_path).render(text)
        return html

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class Converting(NamedTuple):
    """Texts whose HTML is being made on other cores while the build goes on (:func:`start`)."""

    base_path: str
    keys: dict[str, str]  # each text's key in the cache
    missing: list[str]  # the texts the cache did not hold: those being converted
    work: parallel.Started[list[str]]

    def collect(self, cache: Cache) -> dict[str, str]:
        """The converted texts' HTML (text → HTML), kept in the cache; waits for the rest."""
        converted = [html for chunk in self.work.results() for html in chunk]
        cache.put_many(CACHE_TABLE, {self.keys[text]: html for text, html in zip(self.missing, converted, strict=True)})
        return dict(zip(self.missing, converted, strict=True))


def start(texts: Iterable[str], base_path: str, cache: Cache, cores: int) -> Converting:
    """Begin converting the texts the cache does not hold, on every core, and go on: a build
    starts this once the content is loaded and checked, so that its Markdown, most of a
    cold build's work before rendering, fills the core that checking and planning the rest
    (one core's work) leave idle. :func:`render_all` collects it."""
    keys = _keys(texts, base_path)
    known = cache.known(CACHE_TABLE, keys.values())
    missing = [text for text in keys if keys[text] not in known]
    return Converting(base_path, keys, missing, parallel.start(_convert, (base_path, missing), len(missing), cores))


def stop(started: Converting | None) -> None:
    """Give up a conversion :func:`start` began (the build failed meanwhile)."""
    if started is not None:
        started.work.stop()


def render_all(
    texts: Iterable[str], base_path: str, cache: Cache, cores: int, started: Converting | None = None
) -> Bodies:
    """HTML of every Markdown text (text → HTML): texts the cache does not hold are converted
    on every core and kept; the others are read from it when asked for (see :class:`Bodies`).
    ``started``: a conversion :func:`start` began for these texts; what it converted is
    kept, and when it covered them all, nothing is looked up or converted again."""
    unique = sorted(set(texts))
    fresh = started.collect(cache) if started is not None and started.base_path == base_path else {}
    stop(started)
    if started is None or started.base_path != base_path or not started.keys.keys() >= set(unique):
        started = start(unique, base_path, cache, cores)  # finds what was just collected in the cache
        fresh |= started.collect(cache)
    keys = {text: started.keys[text] for text in unique}
    return Bodies(keys, {text: html for text, html in fresh.items() if text in keys}, Reader(cache.file), base_path)


def _keys(texts: Iterable[str], base_path: str) -> dict[str, str]:
    """Each text's key in the cache, in text order."""
    tag = settings_tag(base_path)
    return {text: digest(tag, text) for text in sorted(set(texts))}


def _convert(shared: tuple[str, list[str]], part: range) -> list[str]:
    """HTML of the texts numbered ``part`` (in a worker process)."""
    base_path, texts = shared
    markup = Markup(base_path)
    return [markup.render(texts[i]) for i in part]
