"""Stage 6: write the site to disk without ever leaving a half-written one.

Files go into a fresh staging folder beside the output folder; search indexes
that folder; only then is it swapped in with two renames. A failed build
removes its staging folder and leaves the previous site as it was.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path


class OutputError(Exception):
    """The output folder cannot be used (it is not a site, or a path escapes it)."""


def stage(out_dir: Path, files: Iterable[tuple[str, bytes]], copies: Iterable[tuple[str, Path]]) -> Path:
    """Write ``files`` (path, bytes) and ``copies`` (path, source file) to a new staging folder."""
    guard(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}.staging"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        for rel, data in files:
            target = safe_join(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for rel, source in copies:
            target = safe_join(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


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


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def safe_join(root: Path, rel: str) -> Path:
    """``root / rel``, refusing any path that would land outside ``root``."""
    target = (root / rel).resolve()
    base = root.resolve()
    if target == base or base not in target.parents:
        raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    return target


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
