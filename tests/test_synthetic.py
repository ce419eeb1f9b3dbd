"""The synthetic catalogue generator (scripts/synthetic.py): valid, deterministic, realistic in shape."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from .helpers import SHIPPED, run, tree
from .synthetic_loader import synthetic as load_synthetic

PROFILES = 300
HEADINGS = ["Latar Belakang", "Inovasi", "Dampak", "Sumber Daya", "Keberlanjutan", "Replikasi"]
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


synthetic = load_synthetic()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "content"
    synthetic.generate(out, PROFILES, seed=0)
    return out


@pytest.fixture(scope="module")
def profiles(generated: Path) -> dict[str, tuple[dict[str, Any], str]]:
    """Front matter and body of every generated profile, by slug."""
    result = {}
    for path in sorted((generated / "innovations").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        result[path.stem] = (yaml.safe_load(front), body)
    return result


def _words(body: str) -> int:
    return sum(1 for token in body.split() if any(c.isalpha() for c in token))


def test_check_passes(generated: Path) -> None:
    code, out, err = run("check", "--content", str(generated))
    assert code == 0, err
    assert out.startswith(f"ok: {PROFILES} profiles, ")


def test_same_seed_gives_identical_bytes_and_another_seed_differs(generated: Path, tmp_path: Path) -> None:
    synthetic.generate(tmp_path / "again", PROFILES, seed=0)
    synthetic.generate(tmp_path / "other", PROFILES, seed=1)
    assert tree(tmp_path / "again") == tree(generated)
    assert tree(tmp_path / "other") != tree(generated)


def test_files_are_utf8_with_unix_line_endings(generated: Path) -> None:
    for rel, data in tree(generated).items():
        assert b"\r" not in data, rel
        data.decode("utf-8")


def test_taxonomies_and_pages_are_the_shipped_ones(generated: Path) -> None:
    assert tree(generated / "taxonomies") == tree(SHIPPED / "taxonomies")
    # The pages, with links to shipped profiles (not in a synthetic catalogue) pointing at the listing.
    pages = tree(generated / "pages")
    assert pages.keys() == tree(SHIPPED / "pages").keys()
    for name, data in pages.items():
        shipped = (SHIPPED / "pages" / name).read_text(encoding="utf-8")
        assert data.decode("utf-8") == re.sub(r"\]\(/inovasi/[a-z0-9-]+/\)", "](/inovasi/)", shipped)
    site = yaml.safe_load((generated / "site.yml").read_text(encoding="utf-8"))
    assert site["base_url"] == "https://example.org/"
    assert [item["path"] for item in site["nav"]] == ["/inovasi/", "/cari/"]


def test_every_province_has_its_agency_and_agencies_are_about_one_per_eight_profiles(generated: Path) -> None:
    provinces = yaml.safe_load((generated / "taxonomies" / "provinces.yml").read_text(encoding="utf-8"))
    agencies = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((generated / "agencies").glob("*.yml"))]
    provincial = Counter(a["province"] for a in agencies if a["type"] == "provinsi")
    assert provincial == Counter(dict.fromkeys(provinces, 1))
    types = Counter(a["type"] for a in agencies)
    assert types["kabupaten"] + types["kota"] > 0
    assert types["kementerian"] + types["lembaga"] > 0
    assert all("province" not in a for a in agencies if a["type"] in {"kementerian", "lembaga"})
    assert len(agencies) == max(PROFILES // 8, 60)


def test_profile_fields_have_the_intended_shape(profiles: dict[str, tuple[dict[str, Any], str]]) -> None:
    fronts = [front for front, _ in profiles.values()]
    assert len(fronts) == PROFILES
    for slug, (front, _) in profiles.items():
        assert SLUG.match(slug) and len(slug) <= 80, slug
        assert 1 <= len(front["sectors"]) <= 3 and len(set(front["sectors"])) == len(front["sectors"]), slug
        assert 40 <= len(front["summary"]) <= 300 and not set("<>") & set(front["summary"]), slug
        assert "image" not in front, slug
        assert dt.date(2023, 1, 1) <= front["updated"] <= dt.date(2026, 10, 31), slug
        for award in front.get("awards", []):
            assert award["year"] <= front["updated"].year, slug
        for link in front.get("links", []):
            assert link["url"].startswith("https://example.org/"), slug
    share = {name: sum(name in f for f in fronts) / PROFILES for name in ("replicated_from", "category", "started")}
    assert 0.05 <= share["replicated_from"] <= 0.16
    assert 0.35 <= share["category"] <= 0.65
    assert 0.7 <= share["started"] <= 0.9
    assert 0.05 <= sum("awards" in f for f in fronts) / PROFILES <= 0.25
    assert Counter(f["status"] for f in fronts).most_common(1)[0][0] == "active"
    assert {len(f["sectors"]) for f in fronts} == {1, 2, 3}


def test_replications_point_at_other_profiles_and_aliases_are_free(
    profiles: dict[str, tuple[dict[str, Any], str]],
) -> None:
    aliases = [alias for front, _ in profiles.values() for alias in front.get("aliases", [])]
    assert len(aliases) == len(set(aliases))
    assert not set(aliases) & set(profiles)
    for slug, (front, _) in profiles.items():
        origin = front.get("replicated_from")
        if origin:
            assert origin != slug and origin in profiles


def test_bodies_have_six_sections_and_400_to_900_words(profiles: dict[str, tuple[dict[str, Any], str]]) -> None:
    tables = 0
    for slug, (_, body) in profiles.items():
        assert re.findall(r"^## (.+)$", body, re.MULTILINE) == HEADINGS, slug
        assert 400 <= _words(body) <= 900, (slug, _words(body))
        internal = re.findall(r"\]\((/[^)]*)\)", body)
        for target in internal:
            match = re.fullmatch(r"/inovasi/([a-z0-9-]+)/", target)
            assert match is None or match.group(1) in profiles, (slug, target)
        tables += "\n| --- |" in body
    assert 0.1 <= tables / PROFILES <= 0.5


def test_common_service_words_find_profiles(profiles: dict[str, tuple[dict[str, Any], str]]) -> None:
    bodies = [body.lower() for _, body in profiles.values()]
    for word in ("pelayanan", "layanan", "melayani", "kesehatan", "sekolah", "puskesmas", "perizinan", "kependudukan"):
        assert sum(word in body for body in bodies) >= PROFILES // 20, word


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        synthetic.generate(tmp_path, 5)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert synthetic.main(["--profiles", "5", "--out", str(tmp_path / "small"), "--seed", "3"]) == 0
    assert len(list((tmp_path / "small" / "innovations").glob("*.md"))) == 5
    assert synthetic.main(["--profiles", "5", "--out", str(tmp_path / "small")]) == 2
    assert "not an empty folder" in capsys.readouterr().err
