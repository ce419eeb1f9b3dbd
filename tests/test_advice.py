"""Warnings (katalog.advice): valid content a person should look at again."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from katalog import advice, parallel, sources
from katalog.cache import Cache

from .helpers import MINIMAL, make_site
from .synthetic_loader import synthetic

BETA = (MINIMAL / "innovations/beta.md").read_text()
DAY = dt.date(2025, 5, 1)  # both minimal profiles reviewed less than a year before


def review(tmp_path: Path, files: dict[str, str | bytes | None], today: dt.date = DAY) -> list[str]:
    found = sources.scan(make_site(tmp_path, files))
    return [str(w) for w in advice.review(found.documents, today)]


def test_the_minimal_site_reviewed_in_time_has_no_warnings(tmp_path: Path) -> None:
    assert review(tmp_path, {}, today=dt.date(2025, 5, 1)) == []


def test_a_review_older_than_a_year_is_a_warning_at_updated(tmp_path: Path) -> None:
    assert review(tmp_path, {}, today=dt.date(2025, 6, 1)) == []  # exactly a year: still fine
    warnings = review(tmp_path / "later", {}, today=dt.date(2025, 6, 2))
    assert warnings == [
        "content/innovations/beta.md:9: updated: warning: last reviewed on 2024-06-01, more than a year ago; check "
        "the profile against its sources, then set 'updated' to the date of that review"
    ]


def test_a_summary_that_only_repeats_the_title(tmp_path: Path) -> None:
    title = next(line for line in BETA.splitlines() if line.startswith("title:"))[len("title: ") :]
    summary_line = next(line for line in BETA.splitlines() if line.startswith("summary:"))
    beta = BETA.replace(summary_line, f"summary: {title} — {title} di desa kami.")
    warnings = review(tmp_path, {"innovations/beta.md": beta})
    assert warnings == [
        "content/innovations/beta.md:3: summary: warning: the summary mostly repeats the title; say in a sentence "
        "what the innovation does, for whom, and what changed"
    ]


def test_a_summary_that_names_the_innovation_and_says_more_is_fine(tmp_path: Path) -> None:
    title = next(line for line in BETA.splitlines() if line.startswith("title:"))[len("title: ") :]
    summary_line = next(line for line in BETA.splitlines() if line.startswith("summary:"))
    beta = BETA.replace(summary_line, f"summary: {title} menjemput anak putus sekolah dan mendaftarkan mereka kembali.")
    assert review(tmp_path, {"innovations/beta.md": beta}) == []


def test_a_near_copy_by_the_same_agency_warns_on_both(tmp_path: Path) -> None:
    title_line = next(line for line in BETA.splitlines() if line.startswith("title:"))
    copy = BETA.replace(title_line, title_line + "!").replace("replicated_from: alpha\n", "")
    warnings = review(tmp_path, {"innovations/gamma.md": copy})
    assert [w.split(": warning: ")[0] for w in warnings] == [
        "content/innovations/beta.md:2: title",
        "content/innovations/gamma.md:2: title",
    ]
    assert "nearly match content/innovations/gamma.md" in warnings[0]
    assert warnings[1].endswith("if it is the same innovation, update that profile instead of adding another")


def test_similar_titles_of_different_agencies_are_no_duplicates(tmp_path: Path) -> None:
    agency_line = next(line for line in BETA.splitlines() if line.startswith("agency:"))
    alpha_agency = next(
        line for line in (MINIMAL / "innovations/alpha.md").read_text().splitlines() if line.startswith("agency:")
    )
    assert agency_line != alpha_agency
    copy = BETA.replace(agency_line, alpha_agency).replace("replicated_from: alpha\n", "")
    title_line = next(line for line in BETA.splitlines() if line.startswith("title:"))
    copy = copy.replace(title_line, title_line + " Kota")
    assert review(tmp_path, {"innovations/gamma.md": copy}) == []


def test_warnings_are_remembered_by_profile_and_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    documents, store = sources.scan(make_site(tmp_path)).documents, Cache(tmp_path / "cache")
    later = dt.date(2025, 6, 2)
    first = advice.review(documents, later, store)
    assert [w.path for w in first] == ["content/innovations/beta.md"]
    monkeypatch.setattr(advice, "stale", lambda doc, today: pytest.fail("worked out again"))
    assert advice.review(documents, later, store) == first
    monkeypatch.undo()
    assert advice.review(documents, DAY, store) == []  # another day: worked out again


def test_warnings_worked_out_on_two_cores_are_the_ones_one_core_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synthetic().generate(tmp_path / "content", 200, seed=3)
    documents, today = sources.scan(tmp_path / "content").documents, dt.date(2027, 1, 1)
    alone = advice.review(documents, today)
    assert all(any(kind in w.message for w in alone) for kind in ("last reviewed", "nearly match"))
    pids = tmp_path / "pids"

    def recorded(work: Callable[..., Any]) -> Callable[..., Any]:
        def record(item: Any, **options: Any) -> Any:
            with pids.open("a") as file:
                file.write(f"{work.__name__} {os.getpid()}\n")
            return work(item, **options)

        return record

    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)  # a few dozen agencies: forked anyway
    monkeypatch.setattr(advice, "_own", recorded(advice._own))
    monkeypatch.setattr(advice, "_similar_pairs", recorded(advice._similar_pairs))
    assert advice.review(documents, today, cores=2) == alone
    ran = [line.split() for line in pids.read_text().splitlines()]
    for name in ("_own", "_similar_pairs"):  # each in two worker processes, not in this one
        assert len({pid for work, pid in ran if work == name} - {str(os.getpid())}) == 2
