"""Driving the search page (/cari/) and reading its results.

The waits here use ``page.wait_for_function`` with a short polling interval:
``expect`` backs off up to a second between checks, which adds up over many
searches. When a wait times out, the same condition is asserted with
``expect`` so that the failure says what the page showed instead.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.shipped import STRINGS, count_text

RESULT_LINKS = "#search-results > li.card h3.card-title a"
PAGE_SIZE = 20  # results shown before "Tampilkan lebih banyak"
PROFILE_PATH = re.compile(r"^(?P<prefix>/(?:.+/)?)inovasi/(?P<slug>[a-z0-9-]+)/$")
WAIT_MS = 10_000  # as TIMEOUT_MS in conftest.py
POLL_MS = 50

# Reads the status line; returns [n] once it reports a finished search of n results, no
# search is under way (the script marks the results busy from a search's start until the
# newest has shown them: the status line still shows the last one's count meanwhile),
# and every card of the first page is shown; else false.
_FINISHED_JS = """([none, one, many, selector, pageSize, unlike]) => {
  if (document.getElementById("search-results").getAttribute("aria-busy") === "true") return false;
  const text = document.getElementById("search-status").textContent;
  if (unlike !== null && text === unlike) return false;
  let n = null;
  if (text === none) n = 0;
  else if (text === one) n = 1;
  else {
    const [before, after] = many.split("{n}");
    if (text.startsWith(before) && text.endsWith(after)) {
      const number = text.slice(before.length, text.length - after.length);
      if (/^[0-9.]+$/.test(number)) n = Number(number.replaceAll(".", ""));
    }
  }
  if (n === null) return false;
  return document.querySelectorAll(selector).length === Math.min(n, pageSize) ? [n] : false;
}"""


def status(page: Page) -> Locator:
    return page.locator("#search-status")


def wait_until_ready(page: Page) -> None:
    """Wait until the search script has loaded Pagefind and shows its idle prompt."""
    start = STRINGS["search"]["start"]
    try:
        page.wait_for_function(
            "text => document.getElementById('search-status').textContent === text",
            arg=start,
            polling=POLL_MS,
            timeout=WAIT_MS,
        )
    except PlaywrightTimeout:
        expect(status(page)).to_have_text(start, timeout=1)
        raise


def wait_for_results(page: Page, unlike: str | None = None) -> int:
    """Wait until a search has finished and its cards are shown; returns the announced count.

    ``unlike``: a status text to wait past (the previous search's), so that a stale
    line is not taken for the new search's result.
    """
    search = STRINGS["search"]
    none = f"{search['count_none']} {search['none_hint']}"
    arg = [none, search["count_one"], search["count_many"], RESULT_LINKS, PAGE_SIZE, unlike]
    try:
        handle = page.wait_for_function(_FINISHED_JS, arg=arg, polling=POLL_MS, timeout=WAIT_MS)
    except PlaywrightTimeout:
        shown = status(page).inner_text()
        cards = page.locator(RESULT_LINKS).count()
        raise AssertionError(f"no finished search: status {shown!r}, {cards} cards (waiting past {unlike!r})") from None
    n = int(handle.json_value()[0])
    # The number is written the Indonesian way (1.234).
    expect(status(page)).to_have_text(count_text(n), timeout=1)
    return n


def expect_results(page: Page, expected: set[str], prefix: str = "/") -> None:
    """Wait for the search to announce ``len(expected)`` results, then check they are exactly ``expected``."""
    text = count_text(len(expected))
    try:
        page.wait_for_function(
            "text => document.getElementById('search-status').textContent === text",
            arg=text,
            polling=POLL_MS,
            timeout=WAIT_MS,
        )
    except PlaywrightTimeout:
        expect(status(page)).to_have_text(text, timeout=1)
        raise
    assert wait_for_results(page) == len(expected)
    assert set(result_slugs(page, prefix)) == expected


def result_slugs(page: Page, prefix: str = "/") -> list[str]:
    """Slugs of the profiles linked from the result cards, in order; every link must be a profile under ``prefix``."""
    slugs = []
    for href in page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.href)"):
        match = PROFILE_PATH.match(urlparse(href).path)
        assert match, f"result link {href!r} is not a profile address"
        assert match["prefix"] == prefix, f"result link {href!r} is not under {prefix}"
        slugs.append(match["slug"])
    return slugs


def sectors_listed_on(page: Page, hrefs: list[str]) -> dict[str, list[str]]:
    """The sector names each profile page lists in its facts box, fetched and parsed by the browser."""
    names = page.evaluate(
        """hrefs => Promise.all(hrefs.map(async (href) => {
          const response = await fetch(href);
          const doc = new DOMParser().parseFromString(await response.text(), "text/html");
          const term = [...doc.querySelectorAll(".facts dt")].find((dt) => dt.textContent.trim() === "Sektor");
          return term ? [...term.nextElementSibling.querySelectorAll("a")].map((a) => a.textContent.trim()) : [];
        }))""",
        hrefs,
    )
    return dict(zip(hrefs, names, strict=True))
