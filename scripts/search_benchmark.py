"""What searching costs a reader on a catalogue of 3,000 profiles: a benchmark, not a test.

Generates the catalogue (scripts/synthetic.py), builds it with its search
index, serves it on 127.0.0.1 and, in Debian's Chromium with an empty cache:
opens /cari/, types a word, and prints the bytes downloaded for the page and
for the first query, and the time from the last keystroke to the results
shown (the page waits 300 ms after typing before it searches; that wait is
included, and reported apart). Then it opens a shared address with facets
and no words, and prints what that costs. Bytes are given as decoded and as
a host that gzips text would send them.

Run from the repository root (after ``./dev test`` has installed everything):

    .venv/bin/python scripts/search_benchmark.py [--profiles 3000] [--word puskesmas] [--runs 3]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import Browser, Response, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from katalog.cli import main as build_main  # noqa: E402 (needs ROOT on the path)
from katalog.serve import make_server  # noqa: E402
from tests.browser.search_page import wait_for_results, wait_until_ready  # noqa: E402
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.synthetic_loader import synthetic  # noqa: E402

DEBOUNCE_MS = 300  # as in assets/search.js
# Text a static host compresses on the fly (GitHub Pages, Netlify, nginx's gzip_types); Pagefind's
# own index files are gzip-compressed already and are counted as they are.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


class Bytes:
    """Bytes of the responses seen: as decoded, and as a host that gzips text would send them."""

    def __init__(self) -> None:
        self.raw = 0
        self.sent = 0

    def add(self, response: Response) -> None:
        try:
            body = response.body()
        except Exception:  # a response without a body (a redirect)
            return
        self.raw += len(body)
        kind = response.headers.get("content-type", "")
        self.sent += len(gzip.compress(body, 6)) if kind.startswith(COMPRESSIBLE) else len(body)


def measure(browser: Browser, url: str, word: str) -> tuple[int, int, int, int, float, int]:
    """Bytes before a query and of the first query (decoded, gzip-sent), ms from last key to results, results."""
    context = browser.new_context()
    page = context.new_page()
    before, query = Bytes(), Bytes()
    phase = [before]  # responses count towards the phase at its end

    def count(response: Response) -> None:
        phase[-1].add(response)

    page.on("response", count)
    page.goto(url + "cari/")
    wait_until_ready(page)
    page.wait_for_load_state("networkidle")
    phase.append(query)
    page.locator("#q").press_sequentially(word)
    start = time.perf_counter()
    results = wait_for_results(page)  # a word found nowhere is a finished search too
    elapsed = (time.perf_counter() - start) * 1000
    page.wait_for_load_state("networkidle")
    context.close()
    return before.raw, query.raw, before.sent, query.sent, elapsed, results


def measure_address(browser: Browser, url: str) -> tuple[int, int, int]:
    """Bytes (decoded, gzip-sent) to open a shared search address and show its results, and the results."""
    context = browser.new_context()
    page = context.new_page()
    seen = Bytes()
    page.on("response", seen.add)
    page.goto(url)
    results = wait_for_results(page)  # facets that match no profile are a finished search too
    page.wait_for_load_state("networkidle")
    context.close()
    return seen.raw, seen.sent, results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=3000)
    parser.add_argument("--word", default="puskesmas")
    parser.add_argument("--facets", default="sektor=kesehatan&provinsi=id-ba", help="a facets-only search to open")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "public"
        synthetic().generate(content, args.profiles, seed=1)
        server = make_server(out, 0)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        if build_main(["build", "--content", str(content), "--out", str(out), "--base-url", url]):
            return 1
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                runs = [measure(browser, url, args.word) for _ in range(args.runs)]
                shared = [measure_address(browser, f"{url}cari/?{args.facets}") for _ in range(args.runs)]
                browser.close()
        finally:
            server.shutdown()
    before, query, before_sent, query_sent, elapsed, results = (
        statistics.median(values) for values in zip(*runs, strict=True)
    )
    print(f"{args.profiles} profiles, word {args.word!r} ({results:.0f} results), median of {args.runs} runs")
    print("                            decoded   sent by a host that gzips text")
    print(f"search page before a query: {before / 1024:6.1f} KB {before_sent / 1024:6.1f} KB")
    print(f"first query:                {query / 1024:6.1f} KB {query_sent / 1024:6.1f} KB")
    print(f"last key to results shown:  {elapsed:.0f} ms ({DEBOUNCE_MS} ms of it the typing pause)")
    raw, sent, found = (statistics.median(values) for values in zip(*shared, strict=True))
    print(f"/cari/?{args.facets} ({found:.0f} results), page and results:")
    print(f"                            {raw / 1024:6.1f} KB {sent / 1024:6.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
