"""Fixtures for the browser tests: built sites served on 127.0.0.1 and Debian's Chromium.

Each site is built once per session. The server is started first on port 0 (a
free port) so that the build can be given the real address as its base URL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Response,
    expect,
    sync_playwright,
)

from katalog.serve import make_server
from tests.browser.support import Site, Traffic
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import MINIMAL, SHIPPED, run

# Every wait is on a condition, never a fixed sleep; this bounds them (expectations,
# navigations, actions) so that a broken page fails in seconds, not Playwright's 30.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

# Figures the tests measure and the run prints at its end (page weights).
REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.write_sep("-", "measured in the browser")
        for line in REPORT:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def serve_folder() -> Iterator[Callable[[Path], str]]:
    """Start a server for a folder (which may not exist yet); every server is shut down at the end."""
    servers: list[ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        server = make_server(folder, 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _build(content: Path, out: Path, base_url: str, *extra: str) -> None:
    code, stdout, stderr = run("build", "--content", str(content), "--out", str(out), "--base-url", base_url, *extra)
    assert code == 0, f"build failed ({code}):\n{stdout}\n{stderr}"
    assert (out / "index.html").is_file()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, serve_folder: Callable[[Path], str]) -> Site:
    """The shipped content, with its search index, served at the root of a local address.

    Indexed in parts of four profiles, merged: every search test runs on a merged index."""
    out = tmp_path_factory.mktemp("shipped") / "public"
    origin = serve_folder(out)
    _build(SHIPPED, out, f"{origin}/", "--search-part-size", "4")
    assert (out / "pagefind" / "pagefind.js").is_file()
    return Site(root=out, out=out, url=f"{origin}/", origin=origin)


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory, serve_folder: Callable[[Path], str]) -> Site:
    """The shipped content hosted under /katalog/ (the server's root holds only the katalog folder)."""
    root = tmp_path_factory.mktemp("subpath")
    out = root / "katalog"
    origin = serve_folder(root)
    _build(SHIPPED, out, f"{origin}/katalog/")
    return Site(root=root, out=out, url=f"{origin}/katalog/", origin=origin)


@pytest.fixture(scope="session")
def minimal_site(tmp_path_factory: pytest.TempPathFactory, serve_folder: Callable[[Path], str]) -> Site:
    """The tiny test site, without a search index."""
    out = tmp_path_factory.mktemp("minimal") / "public"
    origin = serve_folder(out)
    _build(MINIMAL, out, f"{origin}/", "--no-search")
    return Site(root=out, out=out, url=f"{origin}/", origin=origin)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# Opening a tab starts a renderer process, which costs this suite more than anything
# else; so each context keeps one tab for the whole session. Between tests it is
# reset: routes dropped and the page left for about:blank. Tests that listen to
# the page's events do it through the ``traffic`` fixture, which removes its listeners.


DEFAULT_VIEWPORT = {"width": 1280, "height": 720}  # Playwright's default


def _reset(page: Page) -> None:
    page.unroute_all(behavior="ignoreErrors")
    page.goto("about:blank")
    page.set_viewport_size(DEFAULT_VIEWPORT)


@pytest.fixture(scope="session")
def context(browser: Browser) -> Iterator[BrowserContext]:
    """One context for the session: the site keeps no cookies or storage."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture(scope="session")
def _tab(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def page(_tab: Page) -> Iterator[Page]:
    """A tab with scripts on, on about:blank."""
    yield _tab
    _reset(_tab)


@pytest.fixture(scope="session")
def nojs_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture(scope="session")
def _nojs_tab(nojs_context: BrowserContext) -> Page:
    return nojs_context.new_page()


@pytest.fixture
def nojs_page(_nojs_tab: Page) -> Iterator[Page]:
    """A tab with scripts off, on about:blank."""
    yield _nojs_tab
    _reset(_nojs_tab)


@pytest.fixture
def traffic(page: Page) -> Iterator[Traffic]:
    """Record the page's requests and responses during the test."""
    seen = Traffic()

    def on_request(request: Request) -> None:
        seen.requests.append(request)

    def on_response(response: Response) -> None:
        seen.responses.append(response)

    page.on("request", on_request)
    page.on("response", on_response)
    yield seen
    page.remove_listener("request", on_request)
    page.remove_listener("response", on_response)


@pytest.fixture(scope="session")
def big_site(tmp_path_factory: pytest.TempPathFactory, serve_folder: Callable[[Path], str]) -> Site:
    """A generated catalogue of 3,000 profiles (scripts/synthetic.py), searchable, served."""
    from tests.synthetic_loader import synthetic

    root = tmp_path_factory.mktemp("big")
    synthetic().generate(root / "content", 3000, seed=1)
    out = root / "public"
    origin = serve_folder(out)
    _build(root / "content", out, f"{origin}/")
    return Site(root=out, out=out, url=f"{origin}/", origin=origin)
