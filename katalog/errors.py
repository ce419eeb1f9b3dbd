"""Content problems as values: every stage returns them instead of raising, so
one run can report everything an editor must fix."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

# An error stops the build; a warning is printed and the build goes on.
Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one file, pointing at the line (and column) of the offending value.

    ``path`` is relative to the content folder's parent so that the message
    reads like the path an editor sees in the repository (``content/...``).
    """

    path: str
    line: int
    field: str
    message: str
    column: int = 0  # 1-based column of the value, 0 when unknown (a file-level problem)
    severity: Severity = "error"

    def position(self) -> tuple[str, int, int, str, str]:
        """Sort key: file, then where in it, so problems read top to bottom."""
        return (self.path, self.line, self.column, self.field, self.message)

    def __str__(self) -> str:
        field = self.field or "-"
        warning = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {field}: {warning}{self.message}"


class InvalidContentError(Exception):
    """Raised by the pipeline when the content has errors; carries them all."""

    def __init__(self, errors: list[ContentError]) -> None:
        super().__init__(f"{len(errors)} content error(s)")
        self.errors = errors


def field_path(parts: tuple[str | int, ...]) -> str:
    """Render a path inside a document the way editors write it: ``awards[0].year``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def counted(problems: list[ContentError]) -> tuple[int, int]:
    """(errors, warnings) among ``problems``."""
    warnings = sum(1 for p in problems if p.severity == "warning")
    return len(problems) - warnings, warnings


def github_annotation(problem: ContentError) -> str:
    """A GitHub Actions workflow command that shows ``problem`` on the pull request's diff.

    Format: ``::error file=F,line=L,col=C,title=T::message``; values are
    escaped as the runner expects (``%``, CR, LF; in properties also ``:`` and ``,``).
    """
    props = {"file": problem.path, "line": str(problem.line)}
    if problem.column:
        props["col"] = str(problem.column)
    props["title"] = problem.field or problem.path
    joined = ",".join(f"{name}={_escape(value, True)}" for name, value in props.items())
    return f"::{problem.severity} {joined}::{_escape(problem.message, False)}"


def _escape(value: str, in_property: bool) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if in_property else value


def as_json(problems: list[ContentError]) -> str:
    """Every problem as one JSON document, for tools."""
    errors, warnings = counted(problems)
    records = [
        {
            "path": p.path,
            "line": p.line,
            "column": p.column,
            "field": p.field,
            "severity": p.severity,
            "message": p.message,
        }
        for p in problems
    ]
    return json.dumps({"errors": errors, "warnings": warnings, "problems": records}, ensure_ascii=False, indent=2)
