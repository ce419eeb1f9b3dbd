"""A cache of derived data that survives between builds, keyed by content hash.

Converting Markdown is the costliest step of a build, and a pull request
changes a handful of profiles out of thousands: remembering each conversion
under a hash of its input (and of every setting that shapes the output) means
an unchanged body is never converted twice. The cache lives outside the output
folder (``.cache/`` beside the project by default), in one SQLite file per
version of the generator's code, which only the main process writes. Deleting
it changes nothing but time: a missing or unreadable cache is an empty one.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from . import parallel

Item = TypeVar("Item")
Value = TypeVar("Value")
FILE_PATTERN = "katalog-*.sqlite"
_BATCH = 500  # keys per SQL query: below SQLite's limit on query parameters


PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code_tag() -> str:
    """A hash of the generator's own code and schemas, and of the versions of the
    libraries whose results are cached: any change to them makes every cached
    result stale, version number bumped or not (a developer's edit included)."""
    files = sorted(p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".json") and p.is_file())
    versions = [f"{name}=={_version(name)}" for name in CACHED_LIBRARIES]
    code = [part for p in files for part in (p.relative_to(PACKAGE).as_posix(), p.read_text("utf-8"))]
    return digest(*versions, *code)


# Libraries whose output is kept in the cache: parsing, schema checks, Markdown, sanitising.
CACHED_LIBRARIES = ("pyyaml", "jsonschema", "jsonschema-rs", "markdown", "nh3")


def _version(name: str) -> str:
    from importlib import metadata  # only when code_tag is first needed

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes, in hex."""
    with open(path, "rb") as stream:  # noqa: PTH123 (callers hold os.scandir paths as text)
        return hashlib.sha256(stream.read()).hexdigest()


def digest(*parts: str) -> str:
    """A key for ``parts``: they are joined unambiguously, then hashed."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


class Cache:
    """Named tables of key → text. ``Cache(None)`` remembers nothing (``--no-cache``)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self.file: Path | None = None  # the database; None when there is none
        if folder is not None:
            self.file = self.file_for(folder)
            self._db = _open(self.file)
            if self._db is None:
                self.file = None

    @staticmethod
    def file_for(folder: Path) -> Path:
        """One database per version of the code: every entry of an older one is stale,
        so opening a new version deletes the old files rather than letting them grow."""
        current = folder / FILE_PATTERN.replace("*", code_tag()[:16])
        for old in folder.glob(FILE_PATTERN) if folder.is_dir() else []:
            if old != current:
                with contextlib.suppress(OSError):
                    old.unlink()
        return current

    def get_objects(self, table: str, keys: Iterable[str]) -> dict[str, Any]:
        """Python values stored with :meth:`put_objects` (pickled: the cache is this machine's own)."""
        return {key: pickle.loads(value) for key, value in self.get_many(table, keys).items()}

    def put_objects(self, table: str, items: Mapping[str, Any]) -> None:
        self.put_many(table, {key: pickle.dumps(value, pickle.HIGHEST_PROTOCOL) for key, value in items.items()})

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Any]:
        wanted = list(dict.fromkeys(keys))
        if self._db is None or not wanted:
            return {}
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            query = f"SELECT key, value FROM entries WHERE tab = ? AND key IN ({marks})"  # the marks are '?'
            found.update(self._db.execute(query, [table, *batch]).fetchall())
        return found

    def known(self, table: str, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` the table holds, without reading their values."""
        wanted = list(dict.fromkeys(keys))
        if self._db is None:
            return set()
        found: set[str] = set()
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            query = f"SELECT key FROM entries WHERE tab = ? AND key IN ({','.join('?' * len(batch))})"
            found.update(key for (key,) in self._db.execute(query, [table, *batch]))
        return found

    def put_many(self, table: str, items: Mapping[str, str | bytes]) -> None:
        if self._db is None or not items:
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO entries (tab, key, value) VALUES (?, ?, ?)",
                [(table, key, value) for key, value in items.items()],
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class Reader:
    """One value at a time from a cache database, in whichever process asks: a forked
    worker opens the file for itself (an SQLite connection must not cross a fork)."""

    def __init__(self, file: Path | None) -> None:
        self.file = file.absolute() if file else None  # a URI names a file by its whole path
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def get(self, table: str, key: str) -> Any | None:
        """The value under ``key``; None when it is not there or there is no database."""
        if self.file is None:
            return None
        if self._pid != os.getpid():
            self._db, self._pid = None, os.getpid()
            with contextlib.suppress(sqlite3.Error):
                self._db = sqlite3.connect(f"{self.file.as_uri()}?mode=ro", uri=True)
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM entries WHERE tab = ? AND key = ?", (table, key)).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else row[0]


def _open(path: Path) -> sqlite3.Connection | None:
    """The cache database, created if missing; None (no cache) if it cannot be used."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE IF NOT EXISTS entries (tab TEXT, key TEXT, value TEXT, PRIMARY KEY (tab, key))")
        return db
    except sqlite3.Error:
        with contextlib.suppress(OSError):
            path.unlink()
        return None


def memo(
    store: Cache | None,
    table: str,
    items: Sequence[Item],
    key_of: Callable[[Item], str],
    work: Callable[[Item], Value],
    cores: int = 1,
    settled: Callable[[Value], bool] | None = None,
) -> list[Value]:
    """``[work(item) for item in items]``, remembering each result under ``key_of(item)``.

    ``work`` must be a pure function of what the key covers; an empty key is
    never cached, nor a result ``settled`` says is not (one that found its
    input other than the key says). What is not known yet is worked out on
    ``cores`` processes.
    """
    keys = [key_of(item) for item in items]
    known = store.get_objects(table, [k for k in keys if k]) if store else {}
    missing = [i for i, key in enumerate(keys) if key not in known]
    todo = [items[i] for i in missing]
    if store and cores > 1:  # pickled by the workers, once: for this process and for the cache
        done: dict[int, Value] = {}
        kept: dict[str, bytes] = {}
        position = 0
        for pickled in parallel.map_chunks(functools.partial(_pickled, work), todo, cores):
            for i, data in zip(missing[position : position + len(pickled)], pickled, strict=True):
                done[i] = pickle.loads(data)  # while the workers go on with the next chunks
                if _kept(keys[i], done[i], settled):
                    kept[keys[i]] = data
            position += len(pickled)
        store.put_many(table, kept)
    else:
        done = dict(zip(missing, parallel.map_items(work, todo, cores), strict=True))
        if store:
            store.put_objects(table, {keys[i]: result for i, result in done.items() if _kept(keys[i], result, settled)})
    return [done[i] if i in done else known[key] for i, key in enumerate(keys)]


def _pickled(work: Callable[[Item], Value], item: Item) -> bytes:
    """``work(item)`` pickled as the cache keeps it (in a worker: the results of a first
    check at 30,000 profiles took a second to pickle again in the main process)."""
    return pickle.dumps(work(item), pickle.HIGHEST_PROTOCOL)


def _kept(key: str, result: Value, settled: Callable[[Value], bool] | None) -> bool:
    """Whether ``result`` is kept under ``key``: see :func:`memo`."""
    return bool(key) and (settled is None or settled(result))
