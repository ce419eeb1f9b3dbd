"""Debian's Chromium and the flags every browser run here uses (tests and benchmarks alike).

Without the background-networking flags Chromium tries to reach Google's hosts,
which this machine's closed network refuses; no tool downloads a browser.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
