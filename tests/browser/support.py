"""Types the fixtures hand to the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Request, Response


@dataclass(frozen=True)
class Site:
    """A built site and the address it is served at (``url`` ends with a slash)."""

    root: Path  # the folder the server serves
    out: Path  # the folder the site was built into
    url: str  # the site's base URL, e.g. http://127.0.0.1:41234/ or .../katalog/
    origin: str  # http://127.0.0.1:41234

    def at(self, path: str = "") -> str:
        """Absolute URL of a site path given without its leading slash (``"inovasi/"``)."""
        return self.url + path.lstrip("/")


@dataclass
class Traffic:
    """Every request the page made and every response it got, in order."""

    requests: list[Request] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
