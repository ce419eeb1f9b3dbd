"""Settings of one build: ``content/site.yml`` plus command-line overrides.

Settings are a plain frozen value passed down the pipeline; nothing reads
them from module globals.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT = PROJECT_DIR / "content"
DEFAULT_OUTPUT = PROJECT_DIR / "public"
DEFAULT_TEMPLATES = PROJECT_DIR / "templates"
DEFAULT_ASSETS = PROJECT_DIR / "assets"
DEFAULT_CACHE = PROJECT_DIR / ".cache"


def today() -> dt.date:
    """The date checks compare with ('updated' not in the future, reviews older than a year).

    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention for "now") wins
    when set, so a check can be repeated as it ran on a given day.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


@dataclass(frozen=True)
class NavItem:
    title: str
    path: str


@dataclass(frozen=True)
class Settings:
    """What one build needs to know besides the content itself."""

    title: str
    description: str
    base_url: str
    language: str
    nav: tuple[NavItem, ...] = ()
    templates_dir: Path = DEFAULT_TEMPLATES
    assets_dir: Path = DEFAULT_ASSETS

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``: '/' at a domain's root, '/katalog/' under a sub-path."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def settings_from(
    site: dict[str, object],
    *,
    base_url: str | None = None,
    templates_dir: Path | None = None,
    assets_dir: Path | None = None,
) -> Settings:
    """Build settings from the already schema-checked ``site.yml`` data."""
    nav_data = site.get("nav") or []
    assert isinstance(nav_data, list)
    url = base_url or str(site["base_url"])
    if not url.endswith("/"):
        url += "/"
    return Settings(
        title=str(site["title"]),
        description=str(site["description"]),
        base_url=url,
        language=str(site["language"]),
        nav=tuple(NavItem(str(item["title"]), str(item["path"])) for item in nav_data),
        templates_dir=templates_dir or DEFAULT_TEMPLATES,
        assets_dir=assets_dir or DEFAULT_ASSETS,
    )
