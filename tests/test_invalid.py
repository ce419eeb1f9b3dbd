"""One folder per editor error: each breaks the minimal site in one way and
holds the exact messages ``check`` must print (tests/invalid/<case>/).

A case folder has ``content/`` (files laid over tests/sites/minimal/content),
optionally ``remove.txt`` (files to delete) and ``expected.txt``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .helpers import MINIMAL, TESTS, make_site, run

CASES = sorted(p for p in (TESTS / "invalid").iterdir() if p.is_dir())


def broken_site(tmp_path: Path, case: Path) -> Path:
    content = make_site(tmp_path)
    if (case / "content").is_dir():
        shutil.copytree(case / "content", content, dirs_exist_ok=True)
    if (case / "remove.txt").is_file():
        for rel in (case / "remove.txt").read_text().split():
            (content / rel).unlink()
    return content


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_prints_exact_messages(tmp_path: Path, case: Path) -> None:
    content = broken_site(tmp_path, case)
    code, out, err = run("check", "--content", str(content))
    assert code == 1
    assert out == ""
    assert err == (case / "expected.txt").read_text()


@pytest.mark.parametrize("case", CASES[:5] + CASES[-5:], ids=[c.name for c in CASES[:5] + CASES[-5:]])
def test_build_writes_nothing(tmp_path: Path, case: Path) -> None:
    content = broken_site(tmp_path, case)
    out_dir = tmp_path / "public"
    code, _, err = run("build", "--content", str(content), "--out", str(out_dir), "--no-search")
    assert code == 1
    assert err.endswith("build stopped: nothing was written\n")
    assert not out_dir.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


def test_corpus_covers_every_rule_family() -> None:
    names = {c.name for c in CASES}
    assert len(names) >= 40
    for family in ("yaml-", "file-", "field-", "date-", "alias-", "replicat", "agency-", "image-", "link-"):
        assert any(n.startswith(family) for n in names), family


def test_symlink_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: x\n---\n")
    content = make_site(tmp_path)
    (content / "innovations" / "gamma.md").symlink_to(secret)
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert err == (
        "content/innovations/gamma.md:1: -: symbolic link points outside the content folder; "
        "copy the file into content/ instead\n1 problem found\n"
    )


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    body = "---\ntitle: Besar\n---\n" + "kata " * (2 * 1024 * 1024)
    content = make_site(tmp_path, {"innovations/besar.md": body})
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert (
        err
        == "content/innovations/besar.md:1: -: file is 10.0 MB; a content file may be at most 1 MB\n1 problem found\n"
    )


def test_oversized_image_is_refused_without_opening_it(tmp_path: Path) -> None:
    # Not even an image: opened, it would also be reported as one.
    content = make_site(tmp_path, {"media/alpha/cover.png": b"\0" * (5 * 1024 * 1024 + 512 * 1024)})
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert err == (
        "content/innovations/alpha.md:35: image.src: content/media/alpha/cover.png is 5.5 MB; an image may be at most "
        "5 MB: export it smaller, e.g. 2000 pixels wide at JPEG quality 85\n1 problem found\n"
    )


def test_all_problems_of_many_files_in_one_run(tmp_path: Path) -> None:
    content = make_site(
        tmp_path,
        {
            "innovations/beta.md": (MINIMAL / "innovations/beta.md").read_text().replace("status: pilot", "status: x"),
            "agencies/pemkab-beta.yml": "name: Pemkab Beta\ntype: kab\nprovince: ID-JI\n",
        },
    )
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    lines = err.splitlines()
    assert lines[-1] == "2 problems found"
    assert lines[0].startswith("content/agencies/pemkab-beta.yml:2: type: 'kab' is not allowed")
    assert lines[1].startswith("content/innovations/beta.md:7: status: 'x' is not allowed")
