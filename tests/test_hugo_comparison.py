"""The comparison with Hugo + Pagefind (scripts/hugo_comparison.py) at a tiny size: both sites
must come from the same catalogue and show the same things, or its figures compare nothing."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .synthetic_loader import script, synthetic

PROFILES = 24
FILTER = re.compile(r'data-pagefind-filter="([^"]+)"')


def comparison() -> ModuleType:
    return script("hugo_comparison")


def test_the_hugo_site_has_every_profile_its_body_and_its_facets(tmp_path: Path) -> None:
    content, site = tmp_path / "content", tmp_path / "site"
    synthetic().generate(content, PROFILES, seed=3)
    assert comparison().hugo_site(content, site) == PROFILES
    profiles = sorted((content / "innovations").glob("*.md"))
    assert sorted(p.name for p in (site / "content" / "inovasi").glob("*.md") if p.name != "_index.md") == [
        p.name for p in profiles
    ]
    for path in profiles:
        ours, body = comparison().split_profile(path.read_text(encoding="utf-8"))
        theirs, hugo_body = comparison().split_profile((site / "content" / "inovasi" / path.name).read_text("utf-8"))
        assert hugo_body == body
        assert theirs["ringkasan"] == ours["summary"]
        assert theirs["sektor"] == ours["sectors"] and theirs["instansi"] == [ours["agency"]]
        assert theirs.get("penghargaan", []) == [win["award"] for win in ours.get("awards") or ()]
    agencies = {p.stem for p in (content / "agencies").glob("*.yml")}
    assert {p.parent.name for p in (site / "content" / "instansi").glob("*/_index.md")} == agencies


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    comparison().hugo_executable()  # SystemExit with how to install it, if it is not
    scratch = tmp_path_factory.mktemp("hugo-comparison")
    return scratch, comparison().compare(PROFILES, scratch, pairs=2)


def test_both_build_alike_sites_and_index_every_profile(compared: tuple[Path, list[dict[str, Any]]]) -> None:
    scratch, results = compared
    assert [sorted(runs) for runs in results] == [["hugo", "ours", "pagefind", "related"]] * 2
    assert [name for runs in results for name, figures in runs.items() if figures.status != 0] == []
    for number in (1, 2):
        ours, hugo = (scratch / f"pair-{number}" / name / "public" for name in ("ours", "hugo"))
        assert comparison().indexed_pages(ours) == comparison().indexed_pages(hugo) == PROFILES
        pages = comparison().html_pages(ours)
        assert abs(pages - comparison().html_pages(hugo)) <= pages // 10


def test_a_profile_offers_search_the_same_filters_on_both_sites(compared: tuple[Path, list[dict[str, Any]]]) -> None:
    scratch, _ = compared
    ours, hugo, related = (scratch / "pair-1" / name / "public" for name in ("ours", "hugo", "related"))
    profiles = sorted(p.parent.name for p in (hugo / "inovasi").glob("*/index.html"))
    assert len(profiles) == PROFILES
    for slug in profiles:
        page = (hugo / "inovasi" / slug / "index.html").read_text(encoding="utf-8")
        mine = (ours / "inovasi" / slug / "index.html").read_text(encoding="utf-8")
        assert sorted(FILTER.findall(page)) == sorted(FILTER.findall(mine)), slug
        assert "profil-terkait" not in page
        assert "profil-terkait" in (related / "inovasi" / slug / "index.html").read_text(encoding="utf-8")


def test_no_related_skips_hugo_with_related_profiles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    comparison().hugo_executable()
    (runs,) = comparison().compare(4, tmp_path, pairs=1, related=False)
    assert sorted(runs) == ["hugo", "ours", "pagefind"]
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if line.startswith("1 ")]
    assert len(line.split()) == 9  # the pair, then ours, Hugo and Pagefind (seconds, MB), their sum, the ratio
    cpu = re.search(r"^ +CPU s: ours ([\d.]+), hugo ([\d.]+), pagefind ([\d.]+)$", out, re.M)
    assert cpu and all(float(seconds) > 0 for seconds in cpu.groups()), out
