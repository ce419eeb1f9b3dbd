"""Stage 6: write the site to disk without ever leaving a half-written one.

Files go into a staging folder beside the output folder; search indexes that
folder; only then is it swapped in with renames. A failed build removes its
staging folder and leaves the previous site as it was. Files that did not
change are hard links to the previous build's, so they keep their
modification time.

The staging folder is not made from nothing each time: the site the last
build replaced is kept (``.<out>.staging``) and brought up to date in place,
because a site has a folder per page, and creating tens of thousands of
folders and deleting as many cost more than rendering on a slow disk. A
kept file is never written into (it may be a hard link to a live one): a
changed file is written beside it and renamed over it.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import shutil
import stat
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple


class OutputError(Exception):
    """The output folder cannot be used (it is not a site, or a path escapes it)."""


class Staging:
    """The next site, beside the output folder, swapped in by :meth:`commit`.

    A file whose bytes are the same as in the previous build is a hard link to
    that build's file instead of a new copy, so it keeps its modification time:
    rsync and deploy tools that compare times skip it, and disk writes follow
    what changed, not the size of the catalogue. Safe to use from forked
    workers: each writes its own files, and folders are created race-free;
    the files workers wrote are named to :meth:`record` afterwards.
    """

    def __init__(self, out_dir: Path, kept: KeptTree | None = None) -> None:
        """``kept``: what :func:`kept_tree` found, when the caller had it listed meanwhile
        (listing tens of thousands of folders takes seconds); else it is listed now."""
        guard(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.path = staging_path(out_dir)
        self.previous = out_dir if out_dir.is_dir() and is_build(out_dir) else None
        self.written: set[str] = set()  # files of the new site named so far (this process)
        self.sizes: dict[str, int] = {}  # their sizes in bytes
        self._stale = (kept or kept_tree(out_dir)).files  # files the kept tree holds; None: not reusable
        if self._stale is None:
            _reset(self.path)
            self._stale = set()

    def write(self, rel: str, data: bytes) -> bool:
        """Put ``data`` at ``rel``; True if it was written, False if the previous file was kept."""
        target = safe_join(self.path, rel)
        self.written.add(rel)
        self.sizes[rel] = len(data)
        old = self.previous / rel if self.previous else None
        if old is not None and _holds(old, data):
            _reuse(old, target, lambda path: path.write_bytes(data))
            return False
        _place(target, lambda path: path.write_bytes(data))
        return True

    def keep(self, rel: str, size: int | None = None) -> bool:
        """Keep the previous build's file at ``rel`` without making its bytes again (the
        caller knows they would be the same; ``size``: if the file has that many bytes);
        False when there is none to keep.

        Plain strings and os calls: a rebuild keeps nearly every page of the site, and in
        the kept tree most already are the previous build's files (one inode, two names).
        """
        if self.previous is None:
            return False
        normal = _inside(rel)
        old = f"{self.previous}/{normal}"
        try:
            found = os.lstat(old)
        except OSError:
            return False
        if not stat.S_ISREG(found.st_mode) or size not in (None, found.st_size):
            return False
        self.written.add(rel)
        self.sizes[rel] = found.st_size
        target = f"{self.path}/{normal}"
        try:
            there = os.lstat(target)
        except OSError:
            there = None
        if there is None or (there.st_ino, there.st_dev) != (found.st_ino, found.st_dev):
            _reuse(Path(old), Path(target), lambda path: shutil.copyfile(old, path))
        return True

    def copy(self, rel: str, source: Path) -> bool:
        return self.write(rel, source.read_bytes())

    def record(self, sizes: Mapping[str, int]) -> None:
        """Files of the new site written by other processes (forked workers), with their sizes."""
        self.written.update(sizes)
        self.sizes.update(sizes)

    def link(self, rel: str, source: str, size: int | None = None) -> None:
        """Put the file ``source`` (another program's, of ``size`` bytes when the caller
        knows) at ``rel``: a hard link to it where the file system has them.

        Plain strings and os calls, and the link tried first: a cold build links every
        search fragment (30,000 at 30,000 profiles), nearly all new names in a folder that
        exists; four ``stat`` calls and paths as objects each took 3 s of the merge there.
        """
        normal = _inside(rel)
        self.written.add(rel)
        self.sizes[rel] = os.stat(source).st_size if size is None else size  # noqa: PTH116
        target = f"{self.path}/{normal}"
        try:
            os.link(source, target)
        except OSError:  # a file there already, no folder yet, or no hard links here
            _reuse(Path(source), Path(target), lambda path: shutil.copyfile(source, path))

    def prune(self, but: str = "") -> None:
        """Remove the kept tree's files that the new site does not have, except those under
        the folder ``but`` (the search index, whose kept files may serve again when it is
        merged). Before the search indexes the folder: it would index a deleted profile's page."""
        stale = (self._stale or set()) - self.written
        prefix = but.strip("/") + "/" if but else None
        spared = {rel for rel in stale if prefix and rel.startswith(prefix)}
        for rel in sorted(stale - spared, reverse=True):
            _remove(self.path, rel)
        self._stale = spared

    def commit(self) -> tuple[int, int]:
        """Swap the new site in (pruned first); the replaced site is kept as the next
        build's staging folder. Returns how many files the site has and their total
        size, as listing the folder would find them, without listing it again."""
        self.prune()
        commit(self.path, self.out_dir)
        return len(self.written), sum(self.sizes[rel] for rel in self.written)

    def discard(self) -> None:
        discard(self.path)


class Subfolder:
    """A folder of the staged site as a :class:`katalog.bundle.Sink`, for the search index
    merged into it: a file the previous build has under the same name (every file of the
    index is named by its bytes) is kept, like any unchanged file of the site, instead of
    the folder being emptied and filled again (30,000 links at 30,000 profiles)."""

    def __init__(self, staging: Staging, folder: str) -> None:
        self.staging, self.prefix = staging, folder.strip("/") + "/"
        self.fresh: list[str] = []  # the files made anew (appended to from threads)

    @property
    def written(self) -> int:
        return len(self.fresh)

    def keep(self, rel: str, size: int | None = None) -> bool:
        return self.staging.keep(self.prefix + rel, size)

    def link(self, rel: str, source: str, size: int | None = None) -> None:
        self.staging.link(self.prefix + rel, source, size)
        self.fresh.append(rel)

    def write(self, rel: str, data: bytes) -> None:
        if self.staging.write(self.prefix + rel, data):
            self.fresh.append(rel)

    def earlier(self, rel: str) -> Path | None:
        previous = self.staging.previous
        path = previous / self.prefix / _inside(rel) if previous else None
        return path if path and path.is_file() else None


def staging_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.staging"


class KeptTree(NamedTuple):
    """The staging folder a previous build left: every file in it, or None when it cannot be
    reused (see :func:`_reusable_files`)."""

    files: set[str] | None


def kept_tree(out_dir: Path) -> KeptTree:
    """What the staging folder beside ``out_dir`` holds; listed before the build writes there."""
    return KeptTree(_reusable_files(staging_path(out_dir)))


def make_kept_tree(out_dir: Path, stop: threading.Event) -> bool:
    """Make the staging folder beside ``out_dir`` from the live site, a hard link of each of
    its files, when there is none (after a build into an empty folder); True if one was made.

    The next build would make it first: a folder and a link for every page (7 to 10 s of
    that rebuild at 30,000 profiles here). The preview makes it while it waits for an edit.
    When ``stop`` is set it ends after the file at hand and leaves the tree as it is: a kept
    tree that lacks files is one the build completes. Never while a build runs."""
    staging = staging_path(out_dir)
    if staging.exists() or not is_build(out_dir):
        return False
    making = out_dir.parent / f".{out_dir.name}.kept"
    try:
        _reset(making)
        for rel, entry in walk(out_dir):
            if stop.is_set():
                break
            if not _link(Path(entry.path), making / rel):  # no hard links: a copy would cost what it saves
                raise OSError("no hard links")
        making.replace(staging)
    except OSError:  # the next build makes the staging folder itself, as it would have
        shutil.rmtree(making, ignore_errors=True)
        return False
    return True


def _reusable_files(folder: Path) -> set[str] | None:
    """Every file (relative path) of a kept staging folder, or None when there is none to
    reuse or it holds anything a build never makes (a symbolic link): it is then rebuilt."""
    if not folder.is_dir() or folder.is_symlink():
        return None
    entries = walk(folder)
    return None if any(entry.is_symlink() for _, entry in entries) else {rel for rel, _ in entries}


def walk(folder: Path) -> list[tuple[str, os.DirEntry[str]]]:
    """Everything under ``folder`` that is not a folder, with its relative POSIX path,
    sorted by path; a linked folder is listed, not entered.

    os.scandir, not pathlib: a site of 30,000 profiles has 80,000 files, and a
    rebuild that finds nothing to do spends its time listing them.
    """
    found: list[tuple[str, os.DirEntry[str]]] = []
    todo = [("", str(folder))] if folder.is_dir() else []
    while todo:
        prefix, path = todo.pop()
        with os.scandir(path) as listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    todo.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    found.append((prefix + entry.name, entry))
    return sorted(found, key=lambda item: item[0])


def _holds(path: Path, data: bytes) -> bool:
    """Whether the regular file ``path`` holds exactly ``data``."""
    try:
        found = path.lstat()
        return stat.S_ISREG(found.st_mode) and found.st_size == len(data) and path.read_bytes() == data
    except OSError:  # no such file
        return False


def _reset(folder: Path) -> None:
    """``folder`` as a new, empty folder, whatever was there."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()


def _reuse(old: Path, target: Path, make: Callable[[Path], object]) -> None:
    """``target`` as the previous build's file ``old``: a hard link to it, or ``make``
    where the file system has none."""
    if not _same_file(old, target) and not _link(old, target):
        _place(target, make)


def _link(source: Path, target: Path) -> bool:
    """Make ``target`` a hard link to ``source``; False where the file system has none
    (the caller then writes the bytes)."""
    try:
        _place(target, lambda path: os.link(source, path))
    except OSError:
        return False
    return True


def _place(target: Path, make: Callable[[Path], object]) -> None:
    """Create ``target`` with ``make(path)``; an existing file is replaced by renaming a new
    one over it (never written into: it may be a hard link to a live file). Missing
    folders are made, and a folder or file in the way of the new path is removed."""
    try:
        existing = target.lstat()
    except FileNotFoundError:
        existing = None
    except NotADirectoryError:  # a file where a folder of the path should be
        _clear_way(target)
        existing = None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        shutil.rmtree(target)
        existing = None
    if existing is None:
        try:
            make(target)
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            make(target)
        return
    partial = target.with_name(f".{target.name}.{os.getpid()}.new")
    make(partial)
    partial.replace(target)


def _clear_way(target: Path) -> None:
    """Remove the file that sits where one of ``target``'s folders must be."""
    for parent in reversed(target.parents):
        if parent.is_file() or parent.is_symlink():
            parent.unlink()
            return


def _remove(root: Path, rel: str) -> None:
    """Remove a file the new site no longer has, and its folders under ``root`` once empty."""
    path = root / rel
    try:
        path.unlink(missing_ok=True)
    except (IsADirectoryError, NotADirectoryError):
        return  # the new site has a folder there, or a file where a folder of it was
    for parent in path.parents:
        if parent == root:
            return
        try:
            parent.rmdir()
        except OSError:  # not empty
            return


def commit(staging: Path, out_dir: Path) -> None:
    """Swap the staged site in place of the old one; the old one becomes the staging folder."""
    old = out_dir.parent / f".{out_dir.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        out_dir.replace(old)
    staging.replace(out_dir)
    if old.exists():
        old.replace(staging)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def safe_join(root: Path, rel: str) -> Path:
    """``root / rel``, refusing any path that would land outside ``root``.

    Judged on the path's text: ``root`` is a staging folder this program made,
    which holds no symbolic links (it creates none), so only an absolute path
    or a ``..`` can leave it; resolving every path on disk cost a tenth of a
    build's writing time.
    """
    return root / _inside(rel)


def _inside(rel: str) -> str:
    """``rel`` normalised; an error if it would lead out of the folder it is relative to."""
    normal = posixpath.normpath(rel)
    if posixpath.isabs(normal) or normal in (".", "..") or normal.startswith("../") or "\\" in rel or "\0" in rel:
        raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    return normal


def guard(out_dir: Path) -> None:
    """Refuse to replace a folder that is not a previous build (a typo in --out
    must not delete someone's work)."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir} exists and is not a folder")
    entries = list(out_dir.iterdir())
    if entries and not is_build(out_dir):
        raise OutputError(f"{out_dir} is not empty and does not look like a built site; choose another --out folder")


def is_build(folder: Path) -> bool:
    """Whether ``folder`` holds a site this program built: every build writes a
    home page and a sitemap, so both together mark one (used by the guard and by ``diff``)."""
    return (folder / "index.html").is_file() and (folder / "sitemap.xml").is_file()


def file_hashes(folder: Path) -> dict[str, str]:
    """Short content hash of every file under ``folder`` (relative POSIX path → hash)."""
    hashes: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hashes[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return hashes
