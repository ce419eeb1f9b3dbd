"""Stage 2a: check each document against its JSON Schema.

The schemas in ``katalog/schemas/`` are the single source of truth of fields;
this module only loads them and rewrites jsonschema's messages into ones an
editor can act on, with the line of the offending value and what would be
valid (an ``x-hint`` keyword in the schema, or the allowed values).

Two validators read the same schemas: jsonschema-rs (compiled, about two
hundred times faster) answers "is this document valid?", and only for a
document it rejects does jsonschema (pure Python) list the errors, whose
structured details the messages are written from. Almost every document of a
large catalogue is valid, so a check of 30,000 files costs a fraction of a
second instead of a minute, and every message stays the same. Where the two
could disagree, the slow validator decides: the fast one only lets a document
skip it when it finds nothing wrong.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema_rs
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

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
    "synonyms": "synonyms",
    "redirects": "redirects",
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
def _registry() -> Registry[Any]:
    # jsonschema is imported when a document is first validated: a warm `check`
    # takes every result from the cache and is spared a tenth of a second.
    from referencing import Registry, Resource

    resources = [(schema["$id"], Resource.from_contents(schema)) for schema in map(load_schema, _schema_names())]
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(
        load_schema(name),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@cache
def fast_validator(name: str) -> jsonschema_rs.Validator:
    """The compiled validator of schema ``name``: formats checked, references resolved locally."""
    import jsonschema_rs

    registry = jsonschema_rs.Registry([(schema["$id"], schema) for schema in (load_schema(n) for n in _schema_names())])
    # offline: a reference outside the registry is an error here, never a download
    return jsonschema_rs.validator_for(load_schema(name), registry=registry, validate_formats=True, offline=True)


def _schema_names() -> list[str]:
    return [p.name.removesuffix(".schema.json") for p in sorted(SCHEMA_DIR.glob("*.json"))]


def is_valid(name: str, data: Any) -> bool:
    """Whether ``data`` certainly passes schema ``name`` (the fast validator's answer).

    False also for values it cannot read (YAML's binary or set types): the
    full check then decides.
    """
    try:
        return bool(fast_validator(name).is_valid(data))
    except ValueError:
        return False


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


def did_you_mean(value: str, allowed: Iterable[str]) -> str | None:
    """The allowed value a near miss was probably meant to be, or None.

    One rule of closeness for every "did you mean" the program prints.
    """
    close = difflib.get_close_matches(value, list(allowed), n=1, cutoff=0.6)
    return close[0] if close else None


def check_values(kind: str, data: dict[str, Any]) -> list[ContentError]:
    """Schema problems of values that are not in a file yet (typed on a command line).

    Worded exactly as ``check`` words them, so ``build.py new`` refuses a value
    with the message the file would later get; the line numbers mean nothing.
    """
    return check_document(Document(kind, "", "", data))


def check(documents: list[Document]) -> list[ContentError]:
    """Every schema problem of every document."""
    errors: list[ContentError] = []
    for doc in documents:
        errors.extend(check_document(doc))
    return errors


def check_document(doc: Document) -> list[ContentError]:
    """Every schema problem of one document, worded for its editor."""
    if is_valid(SCHEMA_OF_KIND[doc.kind], doc.data):
        return []
    found = list(validator(SCHEMA_OF_KIND[doc.kind]).iter_errors(doc.data))
    # A date that breaks its pattern also fails its format; one message is enough.
    with_pattern = {tuple(e.absolute_path) for e in found if e.validator == "pattern"}
    found = [e for e in found if not (e.validator == "format" and tuple(e.absolute_path) in with_pattern)]
    errors: list[ContentError] = []
    for error in sorted(found, key=lambda e: [str(p) for p in e.absolute_path]):
        errors.extend(_explain(doc, error))
    return sorted(set(errors), key=lambda e: (e.line, e.field, e.message))


@dataclass(frozen=True)
class _Problem:
    """The parts of a jsonschema error this module reads, with plain types."""

    kind: str
    path: tuple[str | int, ...]
    schema: dict[str, Any]
    instance: Any
    expected: Any
    message: str
    in_key: bool

    @classmethod
    def of(cls, error: ValidationError) -> _Problem:
        schema = error.schema if isinstance(error.schema, dict) else {}
        return cls(
            str(error.validator),
            tuple(error.absolute_path),
            schema,
            error.instance,
            error.validator_value,
            error.message,
            "propertyNames" in error.absolute_schema_path,
        )


def _explain(doc: Document, error: ValidationError) -> list[ContentError]:
    problem = _Problem.of(error)
    path = problem.path
    if problem.kind == "required":
        return _missing(doc, problem)
    if problem.kind == "additionalProperties" and problem.expected is False:
        return _unknown(doc, problem)
    if problem.in_key:
        name = str(problem.instance)
        hint = _hint(problem.schema) or "not a valid key"
        return [_err(doc, (*path, name), f"key {name!r} is not valid; {hint}", key=True)]
    return [_err(doc, path, _message(problem))]


def _err(doc: Document, path: tuple[str | int, ...], message: str, *, key: bool = False) -> ContentError:
    return doc.error(path, message, key=key)


def _missing(doc: Document, problem: _Problem) -> list[ContentError]:
    path = problem.path
    instance = problem.instance if isinstance(problem.instance, dict) else {}
    props = problem.schema.get("properties", {})
    out = []
    for name in problem.expected:
        if name in instance:
            continue
        prop = props.get(name, {})
        hint = f"use one of: {', '.join(map(str, prop['enum']))}" if "enum" in prop else _hint(prop)
        hint = hint or _hint(problem.schema)
        suffix = f"; {hint}" if hint else ""
        child = (*path, name)
        out.append(doc.error(path, f"missing required field '{name}'{suffix}", field=field_path(child)))
    return out


def _unknown(doc: Document, problem: _Problem) -> list[ContentError]:
    allowed = list(problem.schema.get("properties", {}))
    out = []
    for name in problem.instance:
        if name in allowed:
            continue
        close = did_you_mean(name, allowed)
        if close:
            message = f"unknown field '{name}'; did you mean '{close}'?"
        else:
            message = f"unknown field '{name}'; allowed fields: {', '.join(allowed)}"
        out.append(_err(doc, (*problem.path, name), message, key=True))
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


def _message(problem: _Problem) -> str:
    """One sentence per jsonschema keyword; what is wrong, then what is valid."""
    kind, value, schema, expected = problem.kind, problem.instance, problem.schema, problem.expected
    hint = _hint(schema)
    if value is None and kind in ("type", "pattern", "enum", "oneOf"):
        return "is empty; give a value or remove the field"
    if kind == "type":
        return f"expected {_type_words(expected)}, got {_describe(value)}" + (f"; {hint}" if hint else "")
    if kind == "enum":
        allowed = [str(v) for v in expected]
        close = did_you_mean(str(value), allowed)
        guess = f" (did you mean '{close}'?)" if close else ""
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
        return f"{value!r} is not a real {expected}" + (f"; {hint}" if hint else "")
    if kind == "minProperties":
        return "has no fields; fill it in or remove it"
    if kind in ("oneOf", "anyOf") and isinstance(value, dict):
        return hint or problem.message
    if kind in ("pattern", "oneOf", "anyOf"):
        return f"{value!r} is not valid" + (f"; {hint}" if hint else "")
    return problem.message


def _type_words(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)


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
