"""The benchmark (scripts/build_benchmark.py) at a tiny size: its documented command must keep
working, and what it counts must be what happened (its figures go in the README)."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path
from types import ModuleType

import pytest

from .helpers import PROJECT
from .synthetic_loader import script, synthetic

PROFILES = 24
CASES = [
    "cold build with search",
    "rebuild, nothing changed",
    "rebuild, 1 profile edited",
    "rebuild, 1 more edited",
    "rebuild, template edited",
    "check (cache warm)",
    "check (no cache)",
    "cold build, no search",
]


def benchmark() -> ModuleType:
    return script("build_benchmark")


def test_every_case_runs_and_counts_what_it_wrote(tmp_path: Path) -> None:
    rows = dict(benchmark().run_size(PROFILES, tmp_path, repeat=2))
    assert list(rows) == CASES
    assert [name for name, figures in rows.items() if figures.status != 0] == []
    cold, edited = rows["cold build with search"], rows["rebuild, 1 profile edited"]
    assert rows["rebuild, nothing changed"].written == 0
    assert 0 < edited.written < cold.written / 4  # the edited profile's pages, not the site
    assert rows["rebuild, template edited"].written == 0  # a comment: no page's bytes change
    assert rows["check (cache warm)"].written == rows["check (no cache)"].written == 0
    steady = rows["rebuild, 1 more edited"]
    assert steady.spread is not None and steady.spread[0] <= steady.seconds <= steady.spread[1]
    assert rows["cold build, no search"].output_mb < cold.output_mb  # no index
    for figures in rows.values():
        assert 0 < figures.peak_mb <= figures.rss_mb  # PSS counts a shared page once
        assert figures.seconds > 0 and 0 <= figures.steal <= 1


def test_against_a_commit_alternates_the_two_generators(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT, capture_output=True, text=True, check=False)
    if head.returncode != 0:
        pytest.skip("not a git checkout: --against takes the commit's generator from git")
    commit = head.stdout.strip()
    benchmark().compare(PROFILES, tmp_path, commit, pairs=2)
    out = capsys.readouterr().out
    pairs = re.findall(r"^([12]) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)(  \(now first\))?$", out, re.M)
    assert [(pair, first) for pair, *_, first in pairs] == [("1", ""), ("2", "  (now first)")], out
    assert re.search(r"^all +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+$", out, re.M), out
    for folder in ("then-1", "now-1", "then-2", "now-2"):
        assert (tmp_path / folder / "public" / "pagefind" / "pagefind-entry.json").is_file()
    assert (tmp_path / "then" / "build.py").is_file() and not (tmp_path / "then" / "tests").exists()


def test_against_an_unknown_commit_says_what_git_said(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"^git archive no-such-commit: .+"):
        benchmark().copy_generator(tmp_path / "project", "no-such-commit")


MB = 1 << 20


def test_pss_is_read_only_when_it_could_be_a_new_peak_by_more_than_a_step() -> None:
    due, step = benchmark().pss_due, benchmark().PSS_STEP
    assert due(100 * MB, 0, 0)  # the first reading
    assert not due(300 * MB, 0, 300 * MB)  # the tree's PSS cannot exceed the machine's memory
    assert not due(400 * MB, 400 * MB - step, 300 * MB)  # grown by no more than a step since
    assert due(400 * MB + 1, 400 * MB - step, 300 * MB)
    # Above 400 MB of peak the step is a fiftieth of it: 20 MB at 1,000 MB.
    assert not due(1_100 * MB, 1_080 * MB, 1_000 * MB)
    assert due(1_100 * MB + 1, 1_080 * MB, 1_000 * MB)


def test_the_machines_memory_bounds_a_process_pss_and_shows_its_new_pages() -> None:
    own = benchmark().tree_pss([os.getpid()])
    before = benchmark().machine_memory()
    assert 0 < own <= before
    grown = bytearray(64 * MB)
    grown[::4096] = b"x" * len(grown[::4096])  # every page written: the machine maps each
    # The kernel adds each core's counts to the machine's in batches: a last few pages may wait.
    deadline = time.monotonic() + 5
    while benchmark().machine_memory() - before < 48 * MB and time.monotonic() < deadline:
        time.sleep(0.05)
    assert benchmark().machine_memory() - before >= 48 * MB
    del grown


def test_the_issues_yardstick_converts_the_catalogues_bodies_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import markdown

    from katalog.sources import split_front_matter

    synthetic().generate(tmp_path / "content", 6, seed=1)
    converted: list[str] = []
    convert = markdown.Markdown.convert

    def recording(self: markdown.Markdown, source: str) -> str:
        converted.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", recording)
    measured = benchmark().markdown_ms(tmp_path / "content", bodies=4)
    files = sorted((tmp_path / "content" / "innovations").glob("*.md"))[:4]
    bodies = [parts[1] for path in files if (parts := split_front_matter(path.read_text("utf-8")))]
    assert len(bodies) == 4 and converted == bodies * 3  # three rounds over the first four bodies
    assert measured > 0
    line = benchmark().yardstick_line(measured)
    assert re.fullmatch(r"Python-Markdown alone: \d+\.\d ms a profile body on one core \(about 3 ms .+\)", line)


def test_the_yardstick_needs_profile_bodies(tmp_path: Path) -> None:
    (tmp_path / "innovations").mkdir()
    with pytest.raises(SystemExit, match="no profile body"):
        benchmark().markdown_ms(tmp_path)
