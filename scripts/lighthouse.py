"""Lighthouse figures for four pages of the shipped site, under Lighthouse's mobile settings.

A benchmark to run by hand, not a test: it builds content/ into a temporary
folder, serves it on 127.0.0.1, runs Lighthouse (node_modules, pinned by
package-lock.json) with Debian's Chromium on the home, listing, profile and
search pages, and prints the performance, accessibility, best-practices and SEO
scores with LCP, CLS and TBT. Below the table it lists the failing audits of
every page under target (95 for performance, 100 for the other three).

Run from the repository root (``./dev test`` installs node_modules once):

    .venv/bin/python scripts/lighthouse.py             # one run per page
    .venv/bin/python scripts/lighthouse.py --runs 3    # median of three runs per figure
    .venv/bin/python scripts/lighthouse.py --keep lighthouse-reports/   # keep the JSON reports

Exit status: 0 when every run produced a report, whatever the scores; 1 when
the build or Lighthouse itself failed; 2 for bad options.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from katalog.cli import main as build_main  # noqa: E402 (needs ROOT on the path)
from katalog.serve import HOST, make_server  # noqa: E402
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = [
    "--headless=new",
    *CHROMIUM_ARGS,
    # Belt and braces: no host name but 127.0.0.1 resolves, so the browser cannot leave the machine.
    f'--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE {HOST}"',
]
RUN_TIMEOUT_S = 300
STOP_TIMEOUT_S = 10


class Page(NamedTuple):
    name: str
    path: str


PAGES = [
    Page("home", "/"),
    Page("listing", "/inovasi/"),
    Page("profile", "/inovasi/cek-dan-sadari/"),
    Page("search", "/cari/?q=kanker"),
]
CATEGORIES = {"performance": "perf", "accessibility": "a11y", "best-practices": "bp", "seo": "seo"}
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
METRICS = {"LCP ms": "largest-contentful-paint", "CLS": "cumulative-layout-shift", "TBT ms": "total-blocking-time"}
SCORED_MODES = {"binary", "numeric", "metricSavings"}
PASS_THRESHOLD = 0.9  # Lighthouse's report shows an unweighted audit as passed from this score up


class LighthouseError(Exception):
    """Lighthouse did not produce a usable report."""


@dataclass(frozen=True)
class Failure:
    id: str
    title: str
    score: float
    display: str
    weight: float


@dataclass(frozen=True)
class Result:
    """What one Lighthouse run on one page says."""

    page: Page
    scores: dict[str, float]  # category id -> 0..100
    metrics: dict[str, float]  # column name -> figure
    failures: dict[str, list[Failure]]  # category id -> failing audits
    warnings: list[str]
    foreign_hosts: set[str]
    version: str
    benchmark: float  # Lighthouse's CPU benchmark index of this machine at the time of the run


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Lighthouse (mobile settings) on four pages of the shipped site.")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; above 1 the table shows medians")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the JSON reports in DIR")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def missing_tools() -> list[str]:
    missing = [] if shutil.which("node") else ["node (apt install nodejs)"]
    if not LIGHTHOUSE.is_file():
        missing.append(f"{LIGHTHOUSE.relative_to(ROOT)} (run ./dev test once, or npm ci --ignore-scripts)")
    if not Path(CHROMIUM).is_file():
        missing.append(f"{CHROMIUM} (apt install chromium)")
    return missing


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """Serve ``site`` (which may not exist yet) on a free port; yields the origin."""
    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def build(site: Path, base_url: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = build_main(
        ["build", "--content", str(ROOT / "content"), "--out", str(site), "--base-url", base_url], out, err
    )
    if code != 0:
        raise LighthouseError(f"the build failed ({code}):\n{out.getvalue()}{err.getvalue()}")


def lighthouse_command(url: str, report: Path) -> list[str]:
    return [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--no-enable-error-reporting",
    ]


def run_process(command: list[str]) -> tuple[int, str]:
    """Run ``command`` in a session of its own; on a timeout or Ctrl+C, stop it and the Chromium it started."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        output, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    except BaseException:
        stop(proc)
        raise
    return proc.returncode, output


def stop(proc: subprocess.Popen[str]) -> None:
    """SIGINT first: Lighthouse's launcher then kills Chromium, which runs in a process group of its own."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()


def run_lighthouse(url: str, report: Path) -> dict[str, Any]:
    try:
        code, output = run_process(lighthouse_command(url, report))
    except subprocess.TimeoutExpired:
        raise LighthouseError(f"Lighthouse took more than {RUN_TIMEOUT_S} s on {url}") from None
    if code != 0 or not report.is_file():
        raise LighthouseError(f"Lighthouse failed on {url} (exit status {code}):\n{output.strip()}")
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    error = data.get("runtimeError")
    if error:
        raise LighthouseError(f"Lighthouse failed on {url}: {error.get('code')}: {error.get('message')}")
    return data


def percent(score: float) -> float:
    return math.floor(score * 100 + 0.5)  # rounded as the report rounds (JavaScript's Math.round)


def failing(audit: dict[str, Any], weight: float) -> bool:
    """Weighted audits fail below 1 (they cost points); the rest below Lighthouse's pass threshold."""
    score = audit.get("score")
    if score is None or audit.get("scoreDisplayMode") not in SCORED_MODES:
        return False
    return bool(score < (1 if weight > 0 else PASS_THRESHOLD))


def failures(data: dict[str, Any], category: str) -> list[Failure]:
    found = []
    for ref in data["categories"][category]["auditRefs"]:
        audit = data["audits"][ref["id"]]
        if failing(audit, ref["weight"]):
            found.append(
                Failure(ref["id"], audit["title"], audit["score"], audit.get("displayValue", ""), ref["weight"])
            )
    return found


def foreign_hosts(data: dict[str, Any]) -> set[str]:
    """Hosts other than 127.0.0.1 the page asked for (they fail to resolve, but should not be asked for)."""
    items = data["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    hosts = {urlsplit(item["url"]).hostname or item["url"] for item in items if item["url"].startswith("http")}
    return hosts - {HOST}


def result(page: Page, data: dict[str, Any]) -> Result:
    scores: dict[str, float] = {}
    for category in CATEGORIES:
        score = data["categories"][category]["score"]
        if score is None:
            raise LighthouseError(f"Lighthouse gave no {category} score for {page.path} (an audit errored)")
        scores[category] = percent(score)
    return Result(
        page=page,
        scores=scores,
        metrics={column: data["audits"][audit]["numericValue"] for column, audit in METRICS.items()},
        failures={category: failures(data, category) for category in CATEGORIES},
        warnings=[str(warning) for warning in data.get("runWarnings", [])],
        foreign_hosts=foreign_hosts(data),
        version=str(data["lighthouseVersion"]),
        benchmark=float(data["environment"]["benchmarkIndex"]),
    )


def run_all(origin: str, reports: Path, runs: int) -> list[Result]:
    """Every page once per round, so that a slow patch of the machine hits all pages alike."""
    results = []
    for run in range(1, runs + 1):
        for page in PAGES:
            print(f"run {run}/{runs}: {page.path}", file=sys.stderr, flush=True)
            data = run_lighthouse(origin + page.path, reports / f"{page.name}-{run}.json")
            results.append(result(page, data))
    return results


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def score_cell(value: float) -> str:
    return f"{value:.0f}" if value.is_integer() else f"{value:.1f}"  # a median of an even number of runs


def metric_cell(column: str, value: float) -> str:
    return f"{value:.3f}" if column == "CLS" else f"{value:.0f}"


def align(rows: list[list[str]], right: set[int], indent: str = "") -> list[str]:
    """Columns padded to their widest cell: figures (the ``right`` columns) flush right, text flush left."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        indent
        + "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def table(results: list[Result]) -> list[str]:
    rows = [["page", *CATEGORIES.values(), *METRICS]]
    for page in PAGES:
        mine = [r for r in results if r.page == page]
        scores = [score_cell(median([r.scores[c] for r in mine])) for c in CATEGORIES]
        metrics = [metric_cell(m, median([r.metrics[m] for r in mine])) for m in METRICS]
        rows.append([page.path, *scores, *metrics])
    return align(rows, right=set(range(1, len(rows[0]))))


def below_target(results: list[Result]) -> list[str]:
    lines = []
    for page in PAGES:
        mine = [r for r in results if r.page == page]
        for category, target in TARGETS.items():
            score = median([r.scores[category] for r in mine])
            if score < target:
                worst = "; audits failing in any run, worst run shown" if len(mine) > 1 else ""
                lines.append(f"{page.path}  {category} {score_cell(score)} (target {target}){worst}")
                lines.extend(failure_lines(mine, category))
    return lines


def failure_lines(results: list[Result], category: str) -> list[str]:
    """The category's failing audits, those that cost points first; with several runs the worst score is shown."""
    seen: dict[str, list[Failure]] = {}
    for r in results:
        for f in r.failures[category]:
            seen.setdefault(f.id, []).append(f)
    if not seen:
        return ["    (no audit fails in any run)"]
    rows = [["id", "title", "score", "displayValue", "weight", *(["runs"] if len(results) > 1 else [])]]
    for found in sorted(seen.values(), key=lambda fs: (-fs[0].weight, min(f.score for f in fs))):
        worst = min(found, key=lambda f: f.score)
        runs = [f"{len(found)}/{len(results)}"] if len(results) > 1 else []
        rows.append([worst.id, worst.title, f"{worst.score:g}", worst.display or "-", f"{worst.weight:.3g}", *runs])
    return align(rows, right={2, 4, 5}, indent="    ")


def notes(results: list[Result]) -> list[str]:
    warnings = sorted({w for r in results for w in r.warnings})
    hosts = sorted({h for r in results for h in r.foreign_hosts})
    benchmarks = [r.benchmark for r in results]
    lines = [
        f"CPU benchmark index: median {median(benchmarks):.0f} (from {min(benchmarks):.0f} to {max(benchmarks):.0f})"
    ]
    lines += [f"Lighthouse warning: {w}" for w in warnings]
    if hosts:
        lines.append(f"requests for hosts other than {HOST} (blocked): {', '.join(hosts)}")
    return lines


def report(results: list[Result], runs: int, seconds: float) -> str:
    versions = ", ".join(sorted({r.version for r in results}))
    title = f"Lighthouse {versions}, mobile settings, " + (f"median of {runs} runs" if runs > 1 else "1 run")
    lines = [title, "", *table(results), ""]
    below = below_target(results)
    lines += ["Below target:", *below] if below else ["Every page meets its targets."]
    lines += ["", *notes(results), f"took {seconds:.0f} s"]
    return "\n".join(lines)


def measure(keep: Path | None, runs: int) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="katalog-lighthouse-") as tmp:
        site = Path(tmp) / "site"
        with serving(site) as origin:
            build(site, f"{origin}/")
            return run_all(origin, keep or Path(tmp), runs)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    missing = missing_tools()
    if missing:
        print("missing: " + "; ".join(missing), file=sys.stderr)
        return 1
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    try:
        results = measure(args.keep, args.runs)
    except LighthouseError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print(report(results, args.runs, time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
