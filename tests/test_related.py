"""Related innovations: replications first, then what the profiles share."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from katalog import model, pipeline
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


def test_significant_words_drop_short_and_common_words() -> None:
    assert significant_words("Inovasi pelayanan publik untuk deteksi dini kanker di Senen") == {
        "deteksi",
        "dini",
        "kanker",
        "senen",
    }
