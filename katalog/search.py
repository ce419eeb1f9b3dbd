"""Stage 7: index the written site with Pagefind's command line (pagefind-bin).

Only profile pages carry ``data-pagefind-body``, so Pagefind indexes exactly
the profiles and ignores listings, redirects and static pages. The language
comes from ``<html lang>``, which selects Pagefind's Indonesian stemmer.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from pagefind_bin import get_executable

BUNDLE_DIR = "pagefind"


class SearchIndexError(Exception):
    """Pagefind failed; the message carries what it printed."""


def index(site: Path) -> str:
    """Run Pagefind on ``site``; returns its summary output."""
    command = [str(get_executable()), "--site", str(site), "--output-subdir", BUNDLE_DIR]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout
