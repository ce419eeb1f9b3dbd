"""The command line, called in-process: exit codes and what it prints."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from katalog import pipeline, serve

from .helpers import MINIMAL, make_site, run, tree

# The minimal site's profiles were last reviewed on 2024-06-01 and 2024-11-28.
REVIEWED_RECENTLY = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
A_YEAR_LATER = dt.datetime(2025, 6, 15, tzinfo=dt.UTC)


SetDay = Callable[[dt.datetime], None]


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch) -> SetDay:
    """Run checks as on a given day (SOURCE_DATE_EPOCH), so their outcome does not age."""

    def set_day(day: dt.datetime) -> None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(day.timestamp())))

    return set_day


def test_check_ok(tmp_path: Path, on: SetDay) -> None:
    on(REVIEWED_RECENTLY)
    code, out, err = run("check", "--content", str(make_site(tmp_path)))
    assert (code, err) == (0, "")
    assert out == "ok: 2 profiles, 32 pages, no problems\n"


def test_build_prints_what_it_built(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    code, out, _ = run("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert code == 0
    assert out == f"built 32 pages into {tmp_path / 'site'} (52 files written)\n"


def test_build_reports_the_search_index(tmp_path: Path) -> None:
    site = tmp_path / "site"
    code, out, _ = run("build", "--content", str(make_site(tmp_path)), "--out", str(site), "--no-cache")
    assert code == 0
    assert "search: Indexed 3 pages in 2 languages, in 1 part: 1 indexed by Pagefind, 0 unchanged" in out


def test_a_search_part_size_must_be_a_positive_whole_number(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run("build", "--content", str(make_site(tmp_path)), "--search-part-size", "0")
    assert exit_info.value.code == 2


def test_content_errors_exit_1_and_go_to_stderr(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"innovations/beta.md": None, "innovations/gamma.md": "no front matter"})
    code, out, err = run("check", "--content", str(content))
    assert code == 1
    assert out == ""
    assert err.endswith("1 problem found\n")


def test_a_base_url_that_is_not_an_address_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("build", "--content", str(make_site(tmp_path)), "--base-url", "example.org")
    assert code == 2
    assert "is not a full address" in err


STALE_BETA = (
    "content/innovations/beta.md:9: updated: warning: last reviewed on 2024-06-01, more than a year ago; check the "
    "profile against its sources, then set 'updated' to the date of that review"
)


def test_warnings_are_printed_and_pass(tmp_path: Path, on: SetDay) -> None:
    on(A_YEAR_LATER)  # beta's review is now more than a year old, alpha's is not
    code, out, err = run("check", "--content", str(make_site(tmp_path)))
    assert code == 0
    assert err.splitlines() == [STALE_BETA]
    assert out == "ok: 2 profiles, 32 pages, 1 warning\n"


def test_a_build_lists_its_warnings_and_builds(tmp_path: Path, on: SetDay) -> None:
    on(A_YEAR_LATER)
    code, _, err = run("build", "--content", str(make_site(tmp_path)), "--out", str(tmp_path / "site"), "--no-search")
    assert code == 0
    assert err.splitlines() == [STALE_BETA]
    assert (tmp_path / "site" / "index.html").is_file()


def test_check_format_github_prints_annotations_on_stdout(tmp_path: Path, on: SetDay) -> None:
    on(A_YEAR_LATER)
    beta = (MINIMAL / "innovations/beta.md").read_text().replace("status: pilot", "status: uji-coba")
    content = make_site(tmp_path, {"innovations/beta.md": beta})
    code, out, err = run("check", "--content", str(content), "--format", "github")
    assert (code, err) == (1, "")
    line = next(n for n, text in enumerate(beta.splitlines(), 1) if text.startswith("status:"))
    assert out.splitlines() == [
        f"::error file=content/innovations/beta.md,line={line},col=9,title=status::'uji-coba' is not allowed; "
        "use one of: active, pilot, discontinued"
    ]


def test_check_format_github_marks_warnings(tmp_path: Path, on: SetDay) -> None:
    on(A_YEAR_LATER)
    code, out, _ = run("check", "--content", str(make_site(tmp_path)), "--format", "github")
    assert code == 0
    assert out.splitlines() == [
        "::warning file=content/innovations/beta.md,line=9,col=10,title=updated::last reviewed on 2024-06-01, "
        "more than a year ago; check the profile against its sources, then set 'updated' to the date of that review"
    ]


def test_check_format_json_for_tools(tmp_path: Path, on: SetDay) -> None:
    on(REVIEWED_RECENTLY)
    content = make_site(tmp_path, {"innovations/beta.md": None, "innovations/gamma.md": "no front matter"})
    code, out, err = run("check", "--content", str(content), "--format", "json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert (report["errors"], report["warnings"]) == (1, 0)
    (problem,) = report["problems"]
    assert problem["path"] == "content/innovations/gamma.md"
    assert problem["severity"] == "error"
    assert problem["message"].startswith("missing front matter")
    assert set(problem) == {"path", "line", "column", "field", "severity", "message"}


def test_the_preview_makes_its_first_rebuild_s_staging_folder_while_it_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build into an empty folder leaves no staging folder; ``serve`` makes one from the
    live site while the editor edits, so its first rebuild does not make one first."""
    content, out = make_site(tmp_path), tmp_path / "public"
    staging = tmp_path / ".public.staging"
    options = pipeline.Options(content, out, cache_dir=tmp_path / "cache", search=False)
    found_kept: list[bool] = []

    def rebuild() -> int:
        found_kept.append(staging.exists())
        pipeline.build(options)
        return 0

    def one_change(*_: Path) -> Iterator[set[tuple[str, str]]]:
        deadline = time.monotonic() + 30
        while not staging.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        (content / "innovations/alpha.md").write_text((MINIMAL / "innovations/alpha.md").read_text() + "\nLagi.\n")
        yield {("modified", str(content / "innovations/alpha.md"))}
        raise KeyboardInterrupt

    monkeypatch.setattr(serve, "watch", one_change)
    assert serve.serve(content, out, 0, rebuild, io.StringIO()) == 0
    assert found_kept == [False, True]
    fresh = tmp_path / "fresh"
    pipeline.build(pipeline.Options(content, fresh, cache_dir=None, search=False))
    assert tree(out) == tree(fresh)
