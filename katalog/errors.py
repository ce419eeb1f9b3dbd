"""Content problems as values: every stage returns them instead of raising, so
one run can report everything an editor must fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one file, pointing at the line of the offending value.

    ``path`` is relative to the content folder's parent so that the message
    reads like the path an editor sees in the repository (``content/...``).
    """

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        field = self.field or "-"
        return f"{self.path}:{self.line}: {field}: {self.message}"


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
