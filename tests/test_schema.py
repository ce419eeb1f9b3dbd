"""Stage 2a: the JSON Schemas are the single source of truth of fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from katalog import schema, sources

from .helpers import make_site


@pytest.mark.parametrize("path", sorted(schema.SCHEMA_DIR.glob("*.json")), ids=lambda p: p.name)
def test_every_schema_is_valid_json_schema(path: Path) -> None:
    name = path.name.removesuffix(".schema.json")
    Draft202012Validator.check_schema(schema.load_schema(name))
    assert schema.load_schema(name)["$id"].endswith(f"/{path.name}")


def test_every_document_kind_has_a_schema() -> None:
    for kind, name in schema.SCHEMA_OF_KIND.items():
        assert (schema.SCHEMA_DIR / f"{name}.schema.json").is_file(), kind


def test_every_field_has_an_indonesian_title() -> None:
    for name in ("innovation", "agency", "page", "site"):
        for field, spec in schema.load_schema(name)["properties"].items():
            assert spec.get("title"), f"{name}.{field} has no title"


def test_contract_fields_of_a_profile() -> None:
    """The fields of CONTENT-MODEL.md, in its order."""
    assert schema.field_names("innovation") == [
        "title", "summary", "agency", "unit", "location", "sectors", "category", "started", "status", "awards",
        "replicated_from", "replicated_by", "innovator", "outcomes", "legal_basis", "video", "sdgs", "tags",
        "image", "links", "contact", "aliases", "updated",
    ]  # fmt: skip
    assert schema.enum_values("innovation", "status") == ["active", "pilot", "discontinued"]


def test_valid_minimal_site_has_no_schema_errors(tmp_path: Path) -> None:
    found = sources.scan(make_site(tmp_path))
    assert schema.check(found.documents) == []


def errors_for(tmp_path: Path, front_matter: str) -> list[str]:
    text = f"---\n{front_matter}---\nBody\n"
    found = sources.scan(make_site(tmp_path / str(len(list(tmp_path.iterdir()))), {"innovations/gamma.md": text}))
    docs = [d for d in found.documents if d.key == "gamma"]
    return [str(e) for e in schema.check(docs)]


BASE = (
    "title: Gamma\nsummary: Ringkasan yang cukup panjang untuk memenuhi batas empat puluh karakter.\n"
    "agency: pemkab-beta\nsectors: [kesehatan]\nstatus: active\nupdated: 2024-01-01\n"
)


def test_a_correct_profile_passes(tmp_path: Path) -> None:
    assert errors_for(tmp_path, BASE) == []


def test_many_problems_in_one_file_are_all_reported(tmp_path: Path) -> None:
    text = BASE.replace("status: active", "status: aktif").replace("sectors: [kesehatan]", "sectors: kesehatan")
    text += "sumary: x\n"
    assert errors_for(tmp_path, text) == [
        "content/innovations/gamma.md:5: sectors: expected a list, got text 'kesehatan'; "
        "a list of 1 to 3 keys from taxonomies/sectors.yml, e.g. [kesehatan]",
        "content/innovations/gamma.md:6: status: 'aktif' is not allowed; use one of: active, pilot, discontinued",
        "content/innovations/gamma.md:8: sumary: unknown field 'sumary'; did you mean 'summary'?",
    ]


def test_started_accepts_a_year_or_a_date(tmp_path: Path) -> None:
    assert errors_for(tmp_path, BASE + "started: 2016\n") == []
    assert errors_for(tmp_path, BASE + "started: 2016-05-01\n") == []
    assert errors_for(tmp_path, BASE + "started: Mei 2016\n") == [
        "content/innovations/gamma.md:8: started: 'Mei 2016' is not valid; write a year (2016) or a date (2016-05-01)"
    ]
