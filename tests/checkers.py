"""The web's own checkers, wrapped so that tests can run them on built pages
and on known-bad fixtures (tests/fixtures/bad/) alike.

- axe-core (npm) in the browser: WCAG 2.2 AA rules;
- the Nu Html Checker (npm vnu-jar, run with the machine's Java);
- a crawler of the built files: links, images, stylesheets, scripts, fragments;
- layout and weight measurements taken in the browser.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urljoin, urlsplit

from playwright.sync_api import Page, Response

from .helpers import PROJECT

NODE_MODULES = PROJECT / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BAD = Path(__file__).resolve().parent / "fixtures" / "bad"


# --- accessibility -------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, any impact, WCAG 2.2 AA tags."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:120] for n in v["nodes"]]}
        for v in result["violations"]
    ]


# --- HTML validity -------------------------------------------------------------------------


def vnu_errors(files: list[Path]) -> list[dict[str, Any]]:
    """Errors the Nu Html Checker reports for ``files`` (one Java run for all)."""
    command = ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--exit-zero-always"]
    result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, check=True)
    messages: list[dict[str, Any]] = json.loads(result.stderr or result.stdout)["messages"]
    return [
        {"file": m.get("url", ""), "line": m.get("lastLine"), "message": m["message"]}
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]


# --- links ---------------------------------------------------------------------------------


class _Links(HTMLParser):
    """Collects the addresses a page refers to and the ids it defines."""

    ATTRIBUTES: ClassVar[dict[str, str]] = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("name"):
            self.ids.add(str(values["name"]))
        wanted = self.ATTRIBUTES.get(tag)
        if wanted and values.get(wanted):
            self.targets.append(str(values[wanted]))
        if tag in ("img", "source") and values.get("srcset"):
            # "a.webp 480w, b.webp 960w": every candidate must exist, not only the one a browser picks.
            candidates = str(values["srcset"]).split(",")
            self.targets += [candidate.split()[0] for candidate in candidates if candidate.strip()]
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.targets.append(str(values.get("content", "")).split("url=", 1)[-1])


@dataclass
class Crawl:
    """Every internal reference of a built site that does not resolve, as readable lines."""

    broken: list[str] = field(default_factory=list)
    pages: int = 0


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def file_for(site: Path, base_path: str, url_path: str) -> Path | None:
    """The file a static host serves for ``url_path``, or None outside the site."""
    if not url_path.startswith(base_path):
        return None
    rel = unquote(url_path[len(base_path) :])
    target = site / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    return target


def crawl(site: Path, origin: str, base_path: str = "/") -> Crawl:
    """Check every page of ``site`` (served at ``origin`` + ``base_path``)."""
    report = Crawl()
    cache: dict[Path, _Links] = {}
    for page in sorted(site.rglob("*.html")):
        if "pagefind" in page.relative_to(site).parts:
            continue
        report.pages += 1
        rel = page.relative_to(site).as_posix()
        page_url = origin + base_path + (rel.removesuffix("index.html"))
        links = cache.setdefault(page, _parse(page))
        for target in links.targets:
            problem = _check_target(site, origin, base_path, page_url, target, cache)
            if problem:
                report.broken.append(f"{rel}: {target} ({problem})")
    return report


def _check_target(
    site: Path, origin: str, base_path: str, page_url: str, target: str, cache: dict[Path, _Links]
) -> str:
    absolute = urljoin(page_url, target)
    parts = urlsplit(absolute)
    if parts.scheme in ("mailto", "tel") or f"{parts.scheme}://{parts.netloc}" != origin:
        return ""
    path = file_for(site, base_path, parts.path)
    if path is None:
        return "outside the site"
    if not path.is_file():
        return "no such file"
    if parts.fragment and path.suffix == ".html":
        ids = cache.setdefault(path, _parse(path)).ids
        if unquote(parts.fragment) not in ids:
            return f"no element with id {parts.fragment!r}"
    return ""


# --- layout and weight --------------------------------------------------------------------


def horizontal_overflow(page: Page) -> int:
    """Pixels the page is wider than the viewport (0 when nothing scrolls sideways)."""
    overflow: int = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return overflow


def small_targets(page: Page, selector: str, minimum: int = 24) -> list[str]:
    """Links or buttons matching ``selector`` smaller than minimum x minimum CSS pixels."""
    sizes: list[dict[str, Any]] = page.locator(selector).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {text: e.textContent.trim(), width: r.width, height: r.height}; })"
    )
    too_small = [s for s in sizes if s["width"] < minimum or s["height"] < minimum]
    return [f"{s['text']!r} {s['width']:.0f}x{s['height']:.0f}" for s in too_small]


WEIGHED = {"document": "html", "stylesheet": "css", "script": "js", "font": "font", "fetch": "data", "other": "other"}


@dataclass
class Weight:
    """Bytes a page downloaded, by kind, and the hosts it asked."""

    by_kind: dict[str, int] = field(default_factory=dict)
    hosts: set[str] = field(default_factory=set)

    @property
    def budgeted(self) -> int:
        """HTML + CSS + JS + fonts: what the page weight budget counts (images excluded)."""
        return sum(self.by_kind.get(kind, 0) for kind in ("html", "css", "js", "font"))

    def add(self, response: Response) -> None:
        self.hosts.add(urlsplit(response.url).hostname or "")
        kind = WEIGHED.get(response.request.resource_type, response.request.resource_type)
        if response.url.endswith(".wasm") or ".pagefind" in response.url:
            kind = "wasm"
        try:
            size = len(response.body())
        except Exception:  # a redirect or an aborted request has no body
            size = 0
        self.by_kind[kind] = self.by_kind.get(kind, 0) + size

    def describe(self) -> str:
        parts = ", ".join(f"{kind} {size / 1024:.1f} KB" for kind, size in sorted(self.by_kind.items()))
        return f"{self.budgeted / 1024:.1f} KB HTML+CSS+JS+fonts ({parts})"
