"""Stage 1: read every file under ``content/`` into documents with positions.

Nothing here knows what a field means; this stage only turns bytes into Python
values while remembering the line of every key and value, so later stages can
point an editor at the exact line. Problems with the files themselves (wrong
place, not UTF-8, broken YAML, duplicate keys, links out of the tree) become
:class:`ContentError` values, never exceptions.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .cache import Cache, code_tag, digest, memo
from .errors import ContentError, Severity, field_path

# PyYAML's C parser is several times faster; the pure-Python one is the fallback (also for
# the UI strings, read by every build).
YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TRANSLATION_RE = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[a-z]{2})$")
MAX_FILE_BYTES = 1024 * 1024
TAXONOMIES = ("sectors", "categories", "awards", "provinces")
REQUIRED_FILES = ("site.yml", *(f"taxonomies/{name}.yml" for name in TAXONOMIES))
CACHE_TABLE = "sources"
SLUG_HINT = "use lowercase letters a-z, digits and single hyphens, e.g. 'cek-dan-sadari'"

Path_ = tuple[str | int, ...]
Position = tuple[int, int]
_UNPACKED = "_positions_unpacked"  # where a document keeps its positions once unpacked


@dataclass(frozen=True)
class Document:
    """One parsed content file.

    ``kind`` is one of: site, innovation, translation, agency, page, or a
    taxonomy name. ``key`` is the slug, agency key or taxonomy name.
    ``values_at`` and ``keys_at`` map a field path to the 1-based (line,
    column) where its value or its key starts; they are kept packed
    (``positions``) until a problem asks for a line: a document is read
    back from the cache on every build, and its positions were most of
    the objects that reading made.
    """

    kind: str
    key: str
    display: str
    data: dict[str, Any]
    positions: bytes = b""  # see pack_positions
    first_line: int = 1
    body: str = ""
    body_line: int = 0
    lang: str = ""
    digest: str = ""  # of the file's bytes and the code that read it: the key of later stages' caches

    @property
    def values_at(self) -> dict[Path_, Position]:
        return self._unpacked()[0]

    @property
    def keys_at(self) -> dict[Path_, Position]:
        return self._unpacked()[1]

    def _unpacked(self) -> tuple[dict[Path_, Position], dict[Path_, Position]]:
        found: tuple[dict[Path_, Position], dict[Path_, Position]] | None = self.__dict__.get(_UNPACKED)
        if found is None:
            found = pickle.loads(self.positions) if self.positions else ({}, {})
            object.__setattr__(self, _UNPACKED, found)
        return found

    def __getstate__(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if name != _UNPACKED}

    def position_of(self, path: Path_, *, key: bool = False) -> Position:
        """(line, column) of the value at ``path`` (or of its key), else of its nearest parent."""
        while path:
            table = self.keys_at if key else self.values_at
            if path in table:
                return table[path]
            if path in self.keys_at:
                return self.keys_at[path]
            path = path[:-1]
        return (self.first_line, 0)

    def line_of(self, path: Path_, *, key: bool = False) -> int:
        return self.position_of(path, key=key)[0]

    def error(
        self, path: Path_, message: str, *, key: bool = False, field: str | None = None, severity: Severity = "error"
    ) -> ContentError:
        """A problem with the value at ``path`` (or its key), pointing at where it starts."""
        line, column = self.position_of(path, key=key)
        name = field_path(path) if field is None else field
        return ContentError(self.display, line, name, message, column, severity)


@dataclass(frozen=True)
class MediaFile:
    """A file under ``content/media/<slug>/``; read lazily by later stages."""

    slug: str
    name: str
    path: Path
    display: str
    size: int


@dataclass
class Sources:
    """Everything read from one content folder, plus the problems found."""

    root: Path
    documents: list[Document] = field(default_factory=list)
    media: list[MediaFile] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    present: set[tuple[str, str]] = field(default_factory=set)
    """(kind, key) of every file found, parsed or not, so that one broken file
    does not make every reference to it an error too."""
    _by_kind: dict[str, list[Document]] = field(default_factory=dict, repr=False, compare=False)
    _counted: list[Document] = field(default_factory=list, repr=False, compare=False)

    def of_kind(self, kind: str) -> list[Document]:
        """The documents of one kind, in file order (grouped once: later stages ask often)."""
        if self._counted != self.documents:  # a C loop of identity checks while unchanged
            self._by_kind.clear()
            for doc in self.documents:
                self._by_kind.setdefault(doc.kind, []).append(doc)
            self._counted = list(self.documents)
        return list(self._by_kind.get(kind, []))

    def keys(self, kind: str) -> frozenset[str]:
        """Keys of every file of ``kind`` that exists, even if it could not be read."""
        return frozenset(key for k, key in self.present if k == kind)


class _Constructor(yaml.constructor.SafeConstructor):
    """Safe constructor that keeps dates as text: JSON Schema checks them as
    strings, and the model parses them once, in one place."""


def _timestamp_as_text(constructor: yaml.constructor.SafeConstructor, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)
    return constructor.construct_scalar(node)


_AS_TEXT = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"})  # see _Walker._scalar
_Constructor.yaml_constructors = {
    **yaml.constructor.SafeConstructor.yaml_constructors,
    "tag:yaml.org,2002:timestamp": _timestamp_as_text,
}


def scan(root: Path, store: Cache | None = None, cores: int = 1, hashes: Mapping[str, str] | None = None) -> Sources:
    """Read the content folder ``root``; the result lists files in sorted order.

    A file whose bytes were parsed by a previous run of the same code is taken
    from ``store`` as it was parsed then (document and problems alike).
    ``hashes``: the sha256 of files' bytes (by relative POSIX path), when the
    caller has just read them: such a file is not read again unless the cache
    does not know it.
    """
    sources = Sources(root=root)
    if not root.is_dir():
        sources.errors.append(ContentError(str(root), 1, "", "content folder not found; pass --content DIR"))
        return sources
    files = [f for rel in _walk(root, sources) if (f := _file(root, rel, sources, hashes or {})) is not None]
    for doc, errors in memo(store, CACHE_TABLE, files, _key, _parse, cores, _settled):
        sources.errors += errors
        if doc is not None:
            sources.documents.append(doc)
    for required in REQUIRED_FILES:
        if not (root / required).is_file():
            sources.errors.append(ContentError(_display(root, root / required), 1, "", f"missing file: {required}"))
    return sources


def _display(root: Path, path: Path) -> str:
    return f"{root.name}/{path.relative_to(root).as_posix()}"


def _walk(root: Path, sources: Sources) -> list[tuple[str, ...]]:
    """Every regular file under ``root`` as its path's parts, in sorted order; links out
    of the tree are errors. (os.scandir and plain strings: pathlib objects for every
    file of a 30,000-profile catalogue cost seconds.)"""
    found: list[tuple[str, ...]] = []
    real_root = root.resolve()
    todo: list[tuple[str, ...]] = [()]
    while todo:
        folder = todo.pop()
        with os.scandir(os.path.join(root, *folder)) as listing:  # noqa: PTH118 (strings, see above)
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
        subfolders = []
        for entry in entries:
            rel = (*folder, entry.name)
            if entry.is_symlink():
                inside = _check_link(root, real_root, root.joinpath(*rel), sources)
                if inside and not entry.is_dir():  # a linked folder is not walked into
                    found.append(rel)
            elif entry.is_dir(follow_symlinks=False):
                subfolders.append(rel)
            else:
                found.append(rel)
        todo += reversed(subfolders)  # each folder's files, then its folders', in sorted order
    return found


def _check_link(root: Path, real_root: Path, path: Path, sources: Sources) -> bool:
    target = path.resolve()
    if target == real_root or real_root in target.parents:
        return True
    sources.errors.append(
        ContentError(
            _display(root, path),
            1,
            "",
            "symbolic link points outside the content folder; copy the file into content/ instead",
        )
    )
    return False


@dataclass(frozen=True)
class _File:
    """A content file found, before it is parsed: its bytes when they were read to hash
    them, else (the caller hashed them) its path, read only if the cache misses."""

    kind: str
    key: str
    lang: str
    display: str
    path: str
    is_markdown: bool
    sha256: str  # of the file's bytes
    cache_key: str  # of the bytes and the code that reads them: the key of every per-file result
    raw: bytes | None = None


def _file(root: Path, rel: tuple[str, ...], sources: Sources, hashes: Mapping[str, str]) -> _File | None:
    display = f"{root.name}/{'/'.join(rel)}"
    place = _classify(rel)
    if place is None:
        sources.errors.append(ContentError(display, 1, "", _misplaced_hint(rel)))
        return None
    kind, key, lang = place
    path = os.path.join(root, *rel)  # noqa: PTH118 (strings: see _walk)
    if kind == "media":
        sources.media.append(MediaFile(rel[1], rel[2], Path(path), display, os.stat(path).st_size))  # noqa: PTH116
        return None
    if (kind in ("innovation", "translation", "agency", "page")) and not SLUG_RE.match(key):
        sources.errors.append(ContentError(display, 1, "", f"file name '{rel[-1]}' is not a valid slug; {SLUG_HINT}"))
        return None
    sources.present.add((kind, key))
    raw, sha = None, hashes.get("/".join(rel))
    if sha is None:
        raw = _read_bytes(path)
        sha = hashlib.sha256(raw).hexdigest()
    file_key = digest(code_tag(), display, kind, key, lang, sha)
    return _File(kind, key, lang, display, path, rel[-1].endswith(".md"), sha, file_key, raw)


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as stream:  # noqa: PTH123 (strings: see _walk)
        return stream.read()


def _classify(rel: tuple[str, ...]) -> tuple[str, str, str] | None:
    """Where a file sits decides what it is: (kind, key, language) or None."""
    if rel == ("site.yml",):
        return ("site", "site", "")
    if rel == ("synonyms.yml",):
        return ("synonyms", "synonyms", "")
    if rel == ("redirects.yml",):
        return ("redirects", "redirects", "")
    if len(rel) == 2:
        folder, name = rel
        stem, _, ext = name.rpartition(".")
        if folder == "innovations" and ext == "md":
            match = TRANSLATION_RE.match(stem)
            if match:
                return ("translation", match["slug"], match["lang"])
            return ("innovation", stem, "")
        if folder == "agencies" and ext == "yml":
            return ("agency", stem, "")
        if folder == "pages" and ext == "md":
            return ("page", stem, "")
        if folder == "taxonomies" and ext == "yml" and stem in TAXONOMIES:
            return (stem, stem, "")
    if len(rel) == 3 and rel[0] == "media":
        return ("media", rel[1], "")
    return None


def _misplaced_hint(rel: tuple[str, ...]) -> str:
    name = "/".join(rel)
    if rel[-1].endswith(".yaml"):
        return f"unexpected file '{name}'; YAML files here end in '.yml'"
    if rel[-1].endswith(".markdown"):
        return f"unexpected file '{name}'; Markdown files here end in '.md'"
    return (
        f"unexpected file '{name}'; content/ holds site.yml, synonyms.yml, redirects.yml, innovations/<slug>.md, "
        "agencies/<key>.yml, taxonomies/{sectors,categories,awards,provinces}.yml, "
        "pages/<slug>.md and media/<slug>/<file>"
    )


def _text(f: _File) -> tuple[str | None, list[ContentError]]:
    """The file's text, or why it cannot be read as a content file."""
    raw = _read_bytes(f.path) if f.raw is None else f.raw
    if f.raw is None and hashlib.sha256(raw).hexdigest() != f.sha256:
        return None, [ContentError(f.display, 1, "", CHANGED)]
    if len(raw) > MAX_FILE_BYTES:
        mb = len(raw) / (1024 * 1024)
        return None, [ContentError(f.display, 1, "", f"file is {mb:.1f} MB; a content file may be at most 1 MB")]
    if raw.startswith(b"\xef\xbb\xbf"):
        message = "file starts with a byte order mark (BOM); save it as UTF-8 without BOM"
        return None, [ContentError(f.display, 1, "", message)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        return None, [ContentError(f.display, line, "", message)]
    if not text.strip():
        return None, [ContentError(f.display, 1, "", "file is empty")]
    return text.replace("\r\n", "\n"), []


def pack_positions(values: dict[Path_, Position], keys: dict[Path_, Position]) -> bytes:
    """A document's positions of values and of keys, packed (see :class:`Document`)."""
    return pickle.dumps((values, keys), pickle.HIGHEST_PROTOCOL)


CHANGED = "file changed while the build was reading it; build again"


def _key(f: _File) -> str:
    return f.cache_key


def _settled(parsed: tuple[Document | None, list[ContentError]]) -> bool:
    """Whether a result holds for the bytes its key names: not when they changed meanwhile."""
    return not any(error.message == CHANGED for error in parsed[1])


def _parse(t: _File) -> tuple[Document | None, list[ContentError]]:
    """The document in file ``t`` and the problems of its bytes and syntax (a pure function
    of its bytes, which its cache key covers)."""
    text, errors = _text(t)
    if text is None:
        return None, errors
    offset, body, body_line = 0, "", 0
    if t.is_markdown:
        split = split_front_matter(text)
        if split is None:
            message = (
                "missing front matter: the file must start with a line '---', "
                "then the YAML fields, then another line '---'"
            )
            return None, [ContentError(t.display, 1, "", message)]
        yaml_text, body, body_line = split
        offset = 1
    else:
        yaml_text = text
    parsed = _load_yaml(yaml_text, offset, t.display, errors)
    if parsed is None:
        return None, errors
    data, values, keys = parsed
    positions = pack_positions(values, keys)
    doc = Document(t.kind, t.key, t.display, data, positions, offset + 1, body, body_line, t.lang, t.cache_key)
    return doc, errors


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split ``---\\nYAML\\n---\\nbody``; returns (yaml, body, first body line)."""
    if not text.startswith("---\n"):
        return None
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            yaml_text = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return yaml_text, body, index + 2
    return None


def _load_yaml(
    text: str, offset: int, display: str, errors: list[ContentError]
) -> tuple[dict[str, Any], dict[Path_, Position], dict[Path_, Position]] | None:
    try:
        node = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1 + offset, mark.column + 1) if mark else (offset + 1, 0)
        errors.append(ContentError(display, line, "", _explain_yaml(exc, text), column))
        return None
    except yaml.YAMLError as exc:
        errors.append(ContentError(display, offset + 1, "", f"YAML error: {exc}"))
        return None
    if node is None:
        errors.append(ContentError(display, offset + 1, "", "no fields: the YAML part is empty"))
        return None
    if not isinstance(node, yaml.MappingNode):
        line = node.start_mark.line + 1 + offset
        errors.append(
            ContentError(display, line, "", "expected 'field: value' lines (a YAML mapping) at the top level")
        )
        return None
    walker = _Walker(offset, display)
    data = walker.convert(node, ())
    errors.extend(walker.errors)
    if walker.errors:
        return None
    return data, walker.values, walker.keys


def _explain_yaml(exc: yaml.MarkedYAMLError, text: str) -> str:
    """Turn a parser message into one an editor can act on."""
    problem = exc.problem or "invalid YAML"
    mark = exc.problem_mark
    line_text = text.split("\n")[mark.line] if mark and mark.line < text.count("\n") + 1 else ""
    if "\\t" in problem or "\t" in line_text[: (mark.column + 1) if mark else 0]:
        return "YAML syntax error: a tab character is used for indentation; indent with spaces"
    if "found unexpected end of stream" in problem or "found unexpected end" in problem:
        return "YAML syntax error: a quote is opened and never closed; close it with the same quote mark"
    if "could not find expected ':'" in problem:
        return "YAML syntax error: a line has no ':' between field and value; write 'field: value'"
    if "mapping values are not allowed" in problem:
        return "YAML syntax error: a value contains ': ' ; put the whole value in double quotes"
    return f"YAML syntax error: {problem}"


class _Walker:
    """Converts a composed YAML node tree to Python values, recording lines."""

    def __init__(self, offset: int, display: str) -> None:
        self.offset = offset
        self.display = display
        self.values: dict[Path_, Position] = {}
        self.keys: dict[Path_, Position] = {}
        self.errors: list[ContentError] = []
        self.constructor = _Constructor()

    def line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + 1 + self.offset

    def position(self, node: yaml.Node) -> Position:
        return (self.line(node), int(node.start_mark.column) + 1)

    def convert(self, node: yaml.Node, path: Path_) -> Any:
        self.values[path] = self.position(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        """A scalar's value; text (most of them) is the node's own, as the constructor would
        give it, without its bookkeeping (a file's keys and texts are most of its nodes)."""
        if type(node) is yaml.ScalarNode and node.tag in _AS_TEXT:
            return node.value
        return self.constructor.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(self._scalar(key_node))
            child = (*path, key)
            if key in out:
                first = self.keys[child][0]
                self.errors.append(
                    ContentError(
                        self.display,
                        self.line(key_node),
                        field_path(child),
                        f"field is given twice (first on line {first}); keep one",
                        self.position(key_node)[1],
                    )
                )
                continue
            self.keys[child] = self.position(key_node)
            out[key] = self.convert(value_node, child)
        return out
