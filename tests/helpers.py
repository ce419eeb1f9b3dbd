"""Shared test helpers: tiny inline sites and the CLI called in-process."""

from __future__ import annotations

import atexit
import io
import shutil
import tempfile
from pathlib import Path

from katalog.cli import main

TESTS = Path(__file__).resolve().parent
PROJECT = TESTS.parent
MINIMAL = TESTS / "sites" / "minimal" / "content"
SHIPPED = PROJECT / "content"
# One cache for the whole test run, never the project's .cache/: what a test sees must not depend
# on builds made outside it. Sharing it between tests is right: a cache may only save time.
CACHE = Path(tempfile.mkdtemp(prefix="katalog-test-cache-"))
atexit.register(shutil.rmtree, CACHE, ignore_errors=True)


def make_site(tmp_path: Path, files: dict[str, str | bytes | None] | None = None, base: Path = MINIMAL) -> Path:
    """Copy a base content tree to ``tmp_path/content`` and apply ``files``.

    A value of ``None`` deletes the file; text is written as UTF-8, bytes as is.
    """
    content = tmp_path / "content"
    shutil.copytree(base, content)
    for rel, data in (files or {}).items():
        target = content / rel
        if data is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return content


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    args = list(argv)
    if args[:1] in (["build"], ["check"]) and "--cache" not in args and "--no-cache" not in args:
        args += ["--cache", str(CACHE)]
    code = main(args, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative POSIX path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
