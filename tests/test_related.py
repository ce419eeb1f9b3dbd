"""Related innovations: replications first, then what the profiles share."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from katalog import model, pipeline, related
from katalog.cache import Cache
from katalog.related import significant_words

from .helpers import make_site

PROFILE = """---
title: {title}
summary: {summary}
agency: pemkab-beta
sectors: [{sector}]
status: active
tags: [{tags}]
updated: 2024-06-01
---
"""


def catalogue(tmp_path: Path, extra: dict[str, str | bytes | None]) -> model.Catalogue:
    content = make_site(tmp_path, extra)
    return pipeline.prepare(pipeline.Options(content, today=dt.date(2025, 1, 1))).catalogue


def profile(title: str, sector: str, tags: str, summary: str = "") -> str:
    summary = summary or f"{title}, ringkasan yang cukup panjang untuk memenuhi batas minimal."
    return PROFILE.format(title=title, summary=summary, sector=sector, tags=tags)


def slugs(cat: model.Catalogue, slug: str) -> list[str]:
    return [i.slug for i in cat.related[slug]]


def test_replications_come_first_then_shared_tags_and_sectors(tmp_path: Path) -> None:
    cat = catalogue(
        tmp_path,
        {
            "innovations/gamma.md": profile("Gamma Serviks", "kesehatan", "kanker serviks, deteksi dini"),
            "innovations/delta.md": profile("Delta Sekolah", "pendidikan", "sekolah"),
            "innovations/epsilon.md": profile("Epsilon Sehat", "kesehatan", "gizi"),
        },
    )
    # delta shares no tag, word, category or sector with alpha: not related at all.
    assert slugs(cat, "alpha") == ["beta", "gamma", "epsilon"]
    assert slugs(cat, "beta")[0] == "alpha"
    assert "beta" not in slugs(cat, "beta")


def test_at_most_five_and_never_itself(tmp_path: Path) -> None:
    extra: dict[str, str | bytes | None] = {
        f"innovations/p{n}.md": profile(f"Profil Kesehatan {n}", "kesehatan", "deteksi dini") for n in range(8)
    }
    cat = catalogue(tmp_path, extra)
    for slug, others in cat.related.items():
        assert len(others) <= 5
        assert slug not in {o.slug for o in others}
        assert len({o.slug for o in others}) == len(others)
    assert len(cat.related["p0"]) == 5


def plain(count: int, tags: tuple[str, ...] = ()) -> related.Inputs:
    """``count`` profiles of one sector that share nothing else but ``tags``."""
    slugs = tuple(f"p{n:03d}" for n in range(count))
    described = tuple(related.Described(f"kata{n:03d}", tags, ("kesehatan",), "") for n in range(count))
    return related.Inputs(slugs, described, ((),) * count, (("kesehatan", slugs),))


def test_profiles_that_share_only_a_big_sector_are_given_their_nearest_neighbours() -> None:
    """Not the sector's first five for everyone: at 30,000 profiles one profile was
    "related" to 10,000 others, and editing it rendered all their pages again."""
    chosen = related.choose(plain(200))
    assert chosen["p100"] == ("p099", "p101", "p098", "p102", "p097")
    assert chosen["p000"] == ("p199", "p001", "p198", "p002", "p197")  # round the ends of the list
    held = Counter(other for others in chosen.values() for other in others)
    assert max(held.values()) == related.LIMIT


def test_ties_go_to_the_nearest_profile() -> None:
    chosen = related.choose(plain(30, tags=("posyandu",)))  # a rare tag: all 30 are candidates, all tied
    assert chosen["p010"] == ("p009", "p011", "p008", "p012", "p007")
    held = Counter(other for others in chosen.values() for other in others)
    assert max(held.values()) <= 2 * related.LIMIT  # near the ends of the list, a few more


def test_significant_words_drop_short_and_common_words() -> None:
    assert significant_words("Inovasi pelayanan publik untuk deteksi dini kanker di Senen") == {
        "deteksi",
        "dini",
        "kanker",
        "senen",
    }


def test_a_remembered_choice_is_reused_only_while_what_it_reads_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra: dict[str, str | bytes | None] = {
        f"innovations/p{n}.md": profile(f"Profil Kesehatan {n}", "kesehatan", "deteksi dini") for n in range(8)
    }
    cat = catalogue(tmp_path / "a", extra)
    store = Cache(tmp_path / "cache")
    fresh = related.compute(cat.innovations, cat.replications, cat.by_sector, store=store)
    assert fresh == cat.related  # remembering changes nothing but time

    chosen = []
    monkeypatch.setattr(related, "choose", lambda given, limit: chosen.append(given) or {})
    body_edited = catalogue(tmp_path / "b", {**extra, "innovations/p3.md": extra["innovations/p3.md"] + "Isi baru.\n"})
    again = related.compute(body_edited.innovations, body_edited.replications, body_edited.by_sector, store=store)
    assert not chosen  # a body is none of the choice's inputs
    assert {k: [i.slug for i in v] for k, v in again.items()} == {k: [i.slug for i in v] for k, v in fresh.items()}
    assert again["p0"][0] is body_edited.by_slug[again["p0"][0].slug]  # the new catalogue's profiles

    retitled = catalogue(
        tmp_path / "c", {**extra, "innovations/p3.md": profile("Profil Sekolah", "kesehatan", "sekolah")}
    )
    related.compute(retitled.innovations, retitled.replications, retitled.by_sector, store=store)
    assert len(chosen) == 1  # a title is
