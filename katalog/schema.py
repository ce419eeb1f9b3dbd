"""Stage 2a: check each document against its JSON Schema.

The schemas in ``katalog/schemas/`` are the single source of truth of fields;
this module only loads them and rewrites jsonschema's messages into ones an
editor can act on, with the line of the offending value and what would be
valid (an ``x-hint`` keyword in the schema, or the allowed values).
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from .errors import ContentError, field_path
from .sources import Document

SCHEMA_DIR = Path(__file__).parent / "schemas"

# Which schema file checks which kind of document (see sources.Document.kind).
SCHEMA_OF_KIND = {
    "site": "site",
    "innovation": "innovation",
    "translation": "translation",
    "agency": "agency",
    "page": "page",
    "sectors": "sectors",
    "categories": "categories",
    "awards": "awards",
    "provinces": "provinces",
}

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "fields (a mapping)",
    "boolean": "true or false",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema ``schemas/<name>.schema.json``."""
    data: dict[str, Any] = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8"))
    return data


@cache
def _registry() -> Registry:  # type: ignore[type-arg]
    resources = [
        (schema["$id"], Resource.from_contents(schema))
        for schema in (load_schema(p.name.removesuffix(".schema.json")) for p in sorted(SCHEMA_DIR.glob("*.json")))
    ]
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(name),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def enum_values(name: str, *pointer: str) -> list[str]:
    """Allowed values of an enum field, e.g. ``enum_values('innovation', 'status')``.

    Lets the rest of the program (labels, exports, tests) derive enumerations
    from the schema instead of repeating them.
    """
    node: Any = load_schema(name)["properties"]
    for part in pointer[:-1]:
        node = node[part]["properties"]
    return list(node[pointer[-1]]["enum"])


def field_names(name: str) -> list[str]:
    """Top-level fields of a schema, in the schema's order."""
    return list(load_schema(name)["properties"])


def check(documents: list[Document]) -> list[ContentError]:
    """Every schema problem of every document."""
    errors: list[ContentError] = []
    for doc in documents:
        errors.extend(check_document(doc))
    return errors


def check_document(doc: Document) -> list[ContentError]:
    found = validator(SCHEMA_OF_KIND[doc.kind]).iter_errors(doc.data)
    errors: list[ContentError] = []
    for error in sorted(found, key=lambda e: [str(p) for p in e.absolute_path]):
        errors.extend(_explain(doc, error))
    return sorted(set(errors), key=lambda e: (e.line, e.field, e.message))


def _explain(doc: Document, error: ValidationError) -> list[ContentError]:
    path: tuple[str | int, ...] = tuple(error.absolute_path)
    kind = error.validator
    if kind == "required":
        return _missing(doc, error, path)
    if kind == "additionalProperties" and error.validator_value is False:
        return _unknown(doc, error, path)
    if kind == "propertyNames":
        name = str(error.instance)
        hint = _hint(error.schema.get("propertyNames", {})) or "not a valid key"
        child = (*path, name)
        return [_err(doc, child, f"key {name!r} is not valid; {hint}", key=True)]
    return [_err(doc, path, _message(error))]


def _err(doc: Document, path: tuple[str | int, ...], message: str, *, key: bool = False) -> ContentError:
    return ContentError(doc.display, doc.line_of(path, key=key), field_path(path), message)


def _missing(doc: Document, error: ValidationError, path: tuple[str | int, ...]) -> list[ContentError]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    props = error.schema.get("properties", {})
    out = []
    for name in error.validator_value:
        if name in instance:
            continue
        description = props.get(name, {}).get("description", "")
        suffix = f" ({description})" if description else ""
        child = (*path, name)
        out.append(
            ContentError(doc.display, doc.line_of(path), field_path(child), f"missing required field '{name}'{suffix}")
        )
    return out


def _unknown(doc: Document, error: ValidationError, path: tuple[str | int, ...]) -> list[ContentError]:
    allowed = list(error.schema.get("properties", {}))
    out = []
    for name in error.instance:
        if name in allowed:
            continue
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        if close:
            message = f"unknown field '{name}'; did you mean '{close[0]}'?"
        else:
            message = f"unknown field '{name}'; allowed fields: {', '.join(allowed)}"
        out.append(_err(doc, (*path, name), message, key=True))
    return out


def _hint(schema: dict[str, Any]) -> str:
    if "x-hint" in schema:
        return str(schema["x-hint"])
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("common.schema.json#/$defs/"):
        target = load_schema("common")["$defs"][ref.rsplit("/", 1)[1]]
        return str(target.get("x-hint", ""))
    for sub in schema.get("allOf", []):
        hint = _hint(sub)
        if hint:
            return hint
    return ""


def _message(error: ValidationError) -> str:
    """One sentence per jsonschema keyword; what is wrong, then what is valid."""
    kind, value, schema = error.validator, error.instance, error.schema
    hint = _hint(schema)
    if value is None and kind in ("type", "pattern", "enum", "oneOf"):
        return "is empty; give a value or remove the field"
    if kind == "type":
        return f"expected {_type_words(error.validator_value)}, got {_describe(value)}" + (
            f"; {hint}" if hint else ""
        )
    if kind == "enum":
        allowed = [str(v) for v in error.validator_value]
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
        guess = f" (did you mean '{close[0]}'?)" if close else ""
        return f"{value!r} is not allowed; use one of: {', '.join(allowed)}{guess}"
    if kind in ("minLength", "maxLength"):
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        bounds = f"{low} to {high}" if high else f"at least {low}"
        return f"is {len(value)} characters long; write {bounds} characters"
    if kind in ("minimum", "maximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        return f"{value} is out of range; use a number from {low} to {high}"
    if kind in ("minItems", "maxItems"):
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        bounds = f"{low} to {high}" if high is not None else f"at least {low}"
        return f"has {len(value)} item(s); give {bounds}"
    if kind == "uniqueItems":
        return "lists the same value more than once; keep each value once"
    if kind == "format":
        return f"{value!r} is not a real {error.validator_value}" + (f"; {hint}" if hint else "")
    if kind == "minProperties":
        return "has no fields; fill it in or remove it"
    if kind in ("pattern", "oneOf", "anyOf"):
        return f"{value!r} is not valid" + (f"; {hint}" if hint else "")
    return error.message


def _type_words(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(_TYPE_WORDS.get(n, n) for n in names)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value; put text in quotes)"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "fields (a mapping)"
    return repr(value)
