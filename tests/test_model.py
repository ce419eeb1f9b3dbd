"""Stage 3: the model computes what templates show (replications, provinces, indexes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from katalog import model, pipeline

from .helpers import make_site


@pytest.fixture
def cat(tmp_path: Path) -> model.Catalogue:
    return pipeline.prepare(pipeline.Options(make_site(tmp_path), today=dt.date(2025, 1, 1))).catalogue


def test_replications_in_both_directions(cat: model.Catalogue) -> None:
    reps = cat.replications["alpha"]
    assert [r.innovation.slug if r.innovation else (r.agency.key if r.agency else r.name) for r in reps] == [
        "beta",
        "pemkab-beta",
        "Puskesmas Gamma",
    ]
    assert reps[0].year == 2021
    assert "beta" not in cat.replications


def test_province_comes_from_location_or_agency(cat: model.Catalogue) -> None:
    alpha, beta = cat.by_slug["alpha"], cat.by_slug["beta"]
    assert alpha.province is not None and alpha.province.code == "ID-JK"
    assert beta.province is not None and beta.province.code == "ID-JI"
    assert beta.regency == ""


def test_reverse_indexes(cat: model.Catalogue) -> None:
    assert [i.slug for i in cat.by_sector["kesehatan"]] == ["alpha", "beta"]
    assert [i.slug for i in cat.by_sector["pendidikan"]] == ["beta"]
    assert [i.slug for i in cat.by_award["kipp-top-99"]] == ["alpha"]
    assert [i.slug for i in cat.by_province["ID-JI"]] == ["beta"]
    assert set(cat.by_agency) == {"puskesmas-alpha", "pemkab-beta"}


def test_newest_and_award_winners(cat: model.Catalogue) -> None:
    assert [i.slug for i in cat.newest(5)] == ["alpha", "beta"]
    assert [i.slug for i in cat.award_winners(5)] == ["alpha"]


def test_derived_fields(cat: model.Catalogue) -> None:
    alpha = cat.by_slug["alpha"]
    assert alpha.started_year == 2016
    assert alpha.sdgs == (3, 5)
    assert alpha.translations[0].lang == "en"
    # Bodies stay Markdown in the model; a build converts them (markup.render_all).
    assert alpha.body.startswith("## Latar Belakang\n")
