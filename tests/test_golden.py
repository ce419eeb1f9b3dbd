"""A reviewed golden tree: the minimal site's pages as they must be built.

Regenerate with ``./dev golden`` after an intended change, then review the diff
of tests/golden/ in the commit like any other change.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .helpers import TESTS, make_site, run, tree

GOLDEN = TESTS / "golden" / "minimal"
# Copied files (stylesheet, script) are not generated; their links carry hashes anyway. Media
# files are generated (resized, re-encoded): they are compared byte for byte, being binary.
SKIP = ("assets/",)
BINARY = ("media/",)


def test_minimal_site_matches_the_golden_tree(tmp_path: Path) -> None:
    out = tmp_path / "public"
    code, _, err = run("build", "--content", str(make_site(tmp_path)), "--out", str(out), "--no-search")
    assert code == 0, err
    built = {rel: data for rel, data in tree(out).items() if not rel.startswith(SKIP)}
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in built.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    golden = tree(GOLDEN)
    assert sorted(built) == sorted(golden)
    for rel, data in built.items():
        if rel.startswith(BINARY):
            assert data == golden[rel], rel
        else:
            assert data.decode() == golden[rel].decode(), rel
