"""Stage 2a: the JSON Schemas are the single source of truth of fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from katalog import schema, sources

from .helpers import PROJECT, make_site


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


def annotated_nodes(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema of a field an editor can write: each property, each entry of a keyed map, each shared shape."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from annotated_nodes(item, f"{where}[{i}]")
        return
    if not isinstance(node, dict):
        return
    for name, spec in node.get("properties", {}).items():
        yield f"{where}.{name}", spec
    for name, spec in node.get("$defs", {}).items():
        yield f"{where}.$defs.{name}", spec
    if isinstance(node.get("additionalProperties"), dict):
        yield f"{where}.<key>", node["additionalProperties"]
    for key, value in node.items():
        if key not in ("examples", "enum", "required", "if"):  # 'if' only tests values, editors write none
            yield from annotated_nodes(value, f"{where}.{key}" if key not in ("properties", "$defs") else where)


@pytest.mark.parametrize("path", sorted(schema.SCHEMA_DIR.glob("*.json")), ids=lambda p: p.name)
def test_every_field_has_a_title_a_description_and_examples(path: Path) -> None:
    """Editors' tools show these on hover and offer the examples; keep every schema complete."""
    name = path.name.removesuffix(".schema.json")
    for where, spec in annotated_nodes(schema.load_schema(name), name):
        for keyword in ("title", "description", "examples"):
            assert spec.get(keyword), f"{where} has no {keyword}"


@pytest.mark.parametrize("path", sorted(schema.SCHEMA_DIR.glob("*.json")), ids=lambda p: p.name)
def test_every_example_is_valid(path: Path) -> None:
    """An example an editor copies must pass ``check``'s schema rules."""
    name = path.name.removesuffix(".schema.json")
    whole = schema.load_schema(name)
    for where, spec in annotated_nodes(whole, name):
        checker = Draft202012Validator(
            {**spec, "$id": whole["$id"]},
            registry=schema._registry(),
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        for example in spec.get("examples", []):
            assert [e.message for e in checker.iter_errors(example)] == [], f"{where}: {example!r}"


def test_the_editor_settings_map_every_yaml_file_to_its_schema() -> None:
    """.vscode/settings.json lets VS Code's YAML extension check these files while they are typed.

    Markdown front matter is not covered: the extension only reads YAML files.
    """
    mapping = json.loads((PROJECT / ".vscode" / "settings.json").read_text("utf-8"))["yaml.schemas"]
    covered: dict[str, str] = {}
    for schema_path, pattern in mapping.items():
        assert (PROJECT / schema_path).is_file(), schema_path
        place = sources._classify(tuple(pattern.replace("*", "x").split("/")[1:]))
        assert place is not None, pattern
        covered[place[0]] = Path(schema_path).name
    markdown_kinds = ("innovation", "translation", "page")
    assert covered == {
        kind: f"{name}.schema.json" for kind, name in schema.SCHEMA_OF_KIND.items() if kind not in markdown_kinds
    }


def corpus_documents() -> Iterator[sources.Document]:
    """Every document of the shipped content, the test sites and the broken sites of tests/invalid/."""
    folders = [PROJECT / "content", *sorted((PROJECT / "tests" / "invalid").glob("*/content"))]
    folders += sorted(p for p in (PROJECT / "tests" / "sites").glob("*") if (p / "site.yml").is_file())
    for folder in folders:
        yield from sources.scan(folder).documents


def test_the_fast_validator_passes_only_what_the_full_check_passes() -> None:
    """A document the compiled validator passes skips the full check, so the two must agree
    on it; over the shipped content and every broken site of the corpus."""
    rejected = 0
    for doc in corpus_documents():
        name = schema.SCHEMA_OF_KIND[doc.kind]
        full = [e.message for e in schema.validator(name).iter_errors(doc.data)]
        if schema.is_valid(name, doc.data):
            assert full == [], f"{doc.display}: the fast validator passed what fails: {full}"
        else:
            rejected += 1
    assert rejected >= 25  # the corpus's schema cases reach the full check


WRONG_DATES = ["2024-02-30", "2024-13-01", "2023-02-29", "2024-1-01", "24-01-01", "2024-01-01T00:00"]
WRONG_DATES.append("\uff12\uff10\uff12\uff14-01-01")  # full-width digits


@pytest.mark.parametrize("value", WRONG_DATES)
def test_a_date_the_full_check_refuses_the_fast_one_refuses_too(value: str) -> None:
    """Dates are where two validators' format checks could differ: each wrong date must
    reach the full check, which words the message."""
    data = {**yaml.safe_load(BASE), "updated": value}
    assert list(schema.validator("innovation").iter_errors(data)), value
    assert not schema.is_valid("innovation", data)
    assert schema.is_valid("innovation", {**data, "updated": "2024-02-29"})


def test_values_the_fast_validator_cannot_read_go_to_the_full_check() -> None:
    data = {**yaml.safe_load(BASE), "title": b"binary"}
    assert not schema.is_valid("innovation", data)
    assert [e.message for e in schema.validator("innovation").iter_errors(data)] != []
