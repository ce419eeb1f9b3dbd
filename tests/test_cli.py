"""The command line, called in-process: exit codes and what it prints."""

from __future__ import annotations

from pathlib import Path

from .helpers import make_site, run


def test_check_ok(tmp_path: Path) -> None:
    code, out, err = run("check", "--content", str(make_site(tmp_path)))
    assert (code, err) == (0, "")
    assert out == "ok: 2 profiles, 32 pages, no problems\n"


def test_build_prints_what_it_built(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    code, out, _ = run("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert code == 0
    assert out == f"built 32 pages into {tmp_path / 'site'}\n"


def test_build_reports_the_search_index(tmp_path: Path) -> None:
    code, out, _ = run("build", "--content", str(make_site(tmp_path)), "--out", str(tmp_path / "site"))
    assert code == 0
    assert "search: Indexed 2 languages; Indexed 3 pages" in out  # id and the en translation


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
