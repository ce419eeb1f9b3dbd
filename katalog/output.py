"""Stage 6: write the site to disk without ever leaving a half-written one.

Files go into a fresh staging folder beside the output folder; search indexes
that folder; only then is it swapped in with two renames. A failed build
removes its staging folder and leaves the previous site as it was. Files that
did not change are hard links to the previous build's, so they keep their
modification time.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import shutil
import stat
from pathlib import Path


class OutputError(Exception):
    """The output folder cannot be used (it is not a site, or a path escapes it)."""


class Staging:
    """A new site folder beside the output folder, swapped in by :meth:`commit`.

    A file whose bytes are the same as in the previous build is a hard link to
    that build's file instead of a new copy, so it keeps its modification time:
    rsync and deploy tools that compare times skip it, and disk writes follow
    what changed, not the size of the catalogue. Safe to use from forked
    workers: each writes its own files, and folders are created race-free.
    """

    def __init__(self, out_dir: Path) -> None:
        guard(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.path = out_dir.parent / f".{out_dir.name}.staging"
        self.previous = out_dir if out_dir.is_dir() and is_build(out_dir) else None
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir()
        self._folders: set[Path] = {self.path}  # made by this process (each worker has its own)

    def write(self, rel: str, data: bytes) -> bool:
        """Put ``data`` at ``rel``; True if it was written, False if the previous file was kept."""
        target = safe_join(self.path, rel)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        if self._keep(rel, target, data):
            return False
        target.write_bytes(data)
        return True

    def copy(self, rel: str, source: Path) -> bool:
        return self.write(rel, source.read_bytes())

    def _keep(self, rel: str, target: Path, data: bytes) -> bool:
        if self.previous is None:
            return False
        old = self.previous / rel
        try:
            found = old.lstat()
            if not stat.S_ISREG(found.st_mode) or found.st_size != len(data) or old.read_bytes() != data:
                return False
            os.link(old, target)
        except OSError:  # no such file, or a file system without hard links: write it
            return False
        return True

    def keep_unchanged(self, folder: str) -> int:
        """Files another program wrote under ``folder`` (the search index) that are byte for
        byte the previous build's become links to those, like the files written here;
        returns how many are new or changed."""
        written = 0
        for path in sorted(p for p in (self.path / folder).rglob("*") if p.is_file()):
            rel = path.relative_to(self.path).as_posix()
            if self.previous and _same_file(self.previous / rel, path):
                continue  # already the previous build's file (an index reused from the cache)
            link = path.with_name(path.name + ".kept")
            if self._keep(rel, link, path.read_bytes()):
                link.replace(path)
            else:
                written += 1
        return written

    def commit(self) -> None:
        commit(self.path, self.out_dir)

    def discard(self) -> None:
        discard(self.path)


def commit(staging: Path, out_dir: Path) -> None:
    """Swap the staged site in place of the old one."""
    old = out_dir.parent / f".{out_dir.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        out_dir.replace(old)
    staging.replace(out_dir)
    if old.exists():
        shutil.rmtree(old)


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
    normal = posixpath.normpath(rel)
    if posixpath.isabs(normal) or normal in (".", "..") or normal.startswith("../") or "\\" in rel or "\0" in rel:
        raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    return root / normal


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
