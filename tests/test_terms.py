"""Synonyms and abbreviations added to each profile's indexed text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from katalog import pipeline
from katalog.terms import Synonyms

from .helpers import make_site, run

GROUPS = [("MPP", "Mal Pelayanan Publik"), ("KTP-el", "e-KTP", "KTP elektronik"), ("SIM", "Surat Izin Mengemudi")]


def test_any_form_brings_every_form_of_its_group() -> None:
    synonyms = Synonyms(GROUPS)
    assert synonyms.expand("Warga mengurus e-KTP di mal pelayanan publik.") == [
        "MPP",
        "Mal Pelayanan Publik",
        "KTP-el",
        "e-KTP",
        "KTP elektronik",
    ]


def test_forms_match_whole_words_only() -> None:
    synonyms = Synonyms(GROUPS)
    assert synonyms.expand("Simulasi dan SIMPATI tidak sama dengan SIM.") == ["SIM", "Surat Izin Mengemudi"]
    assert synonyms.expand("Tidak ada singkatan di sini.") == []
    assert Synonyms([]).expand("MPP") == []


def test_profile_terms_include_agency_short_name_and_synonyms(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"synonyms.yml": "IVA: [Inspeksi Visual Asam Asetat]\nKB: [Keluarga Berencana]\n"})
    (content / "innovations/alpha.md").write_text(
        (content / "innovations/alpha.md").read_text().replace("Mobil periksa mendatangi warga.", "Pemeriksaan IVA.")
    )
    cat = pipeline.prepare(pipeline.Options(content, today=dt.date(2025, 1, 1))).catalogue
    assert cat.search_terms["alpha"] == "PKM Alpha IVA Inspeksi Visual Asam Asetat"
    assert cat.search_terms["beta"] == ""


def test_a_form_in_two_groups_is_an_error(tmp_path: Path) -> None:
    content = make_site(tmp_path, {"synonyms.yml": "MPP: [Mal Pelayanan Publik]\nMal: [mal pelayanan publik]\n"})
    code, _, err = run("check", "--content", str(content))
    assert code == 1
    assert err == (
        "content/synonyms.yml:2: Mal[0]: 'mal pelayanan publik' is already a form of 'MPP'; keep it in one group\n"
        "1 problem found\n"
    )
