"""The search benchmark (scripts/search_benchmark.py) at a tiny size, run as its README command is:
it must keep working, and a search that finds nothing must be measured, not waited on forever."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from katalog import pipeline
from tests.helpers import PROJECT
from tests.synthetic_loader import synthetic

pytestmark = pytest.mark.browser

PROFILES = 40
SEED = 1  # the benchmark's
FACETS = {"sektor": "kesehatan", "provinsi": "id-ba"}  # the benchmark's default


def test_prints_bytes_time_and_the_counts_search_finds(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "scripts/search_benchmark.py", "--profiles", str(PROFILES), "--runs", "1"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    found = re.search(r"^40 profiles, word 'puskesmas' \((\d+) results\), median of 1 runs$", out, re.M)
    assert found and 0 < int(found[1]) <= PROFILES, out
    for label in ("search page before a query:", "first query:"):
        assert re.search(rf"^{label} +\d+\.\d KB +\d+\.\d KB$", out, re.M), out
    assert re.search(r"^last key to results shown: +\d+ ms \(300 ms of it the typing pause\)$", out, re.M), out
    shared = re.search(r"^/cari/\?sektor=kesehatan&provinsi=id-ba \((\d+) results\), page and results:$", out, re.M)
    assert shared and int(shared[1]) == _matching(tmp_path / "content"), out


def _matching(content: Path) -> int:
    """Profiles of the benchmark's catalogue in the default facets' sector and province."""
    synthetic().generate(content, PROFILES, seed=SEED)
    cat = pipeline.prepare(pipeline.Options(content, today=dt.date(2026, 11, 22))).catalogue
    in_sector = {i.slug for i in cat.by_sector.get(FACETS["sektor"], [])}
    return len(in_sector & {i.slug for i in cat.by_province.get(FACETS["provinsi"].upper(), [])})
