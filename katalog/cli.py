"""Command line: ``build`` (default), ``check`` and ``serve``.

``main(argv)`` returns an exit code instead of exiting, so tests call it
in-process and read what it printed.
"""

from __future__ import annotations

import argparse
import re
import sys
from enum import IntEnum
from pathlib import Path
from typing import TextIO

from . import pipeline, schema
from .config import DEFAULT_CONTENT, DEFAULT_OUTPUT
from .errors import ContentError, InvalidContentError
from .output import OutputError
from .search import SearchIndexError


class Exit(IntEnum):
    OK = 0
    CONTENT_ERRORS = 1
    USAGE = 2
    BUILD_FAILED = 3


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="build.py", description="Katalog Inovasi Pelayanan Publik: build the site.")
    commands = root.add_subparsers(dest="command")

    def content_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--content", type=Path, default=DEFAULT_CONTENT, help="content folder (default: content/)")

    build = commands.add_parser("build", help="check the content and build the site (default)")
    content_option(build)
    build.add_argument("--out", type=Path, default=DEFAULT_OUTPUT, help="output folder (default: public/)")
    build.add_argument("--base-url", help="address the site is published at, e.g. https://example.org/katalog/")
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")

    check = commands.add_parser("check", help="check the content; print every problem")
    content_option(check)

    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on every change")
    content_option(serve)
    serve.add_argument("--out", type=Path, default=DEFAULT_OUTPUT, help="output folder (default: public/)")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    return root


def main(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = parser().parse_args(argv or ["build"])
    command = args.command or "build"
    if command == "check":
        return run_check(args.content, out, err)
    if command == "serve":
        from .serve import HOST, serve

        options = pipeline.Options(args.content, args.out, base_url=f"http://{HOST}:{args.port}/")
        return serve(args.content, args.out, args.port, lambda: run_build(options, out, err), out)
    if args.base_url and not valid_base_url(args.base_url):
        print(f"--base-url {args.base_url!r} is not a full address, e.g. https://example.org/katalog/", file=err)
        return Exit.USAGE
    options = pipeline.Options(args.content, args.out, base_url=args.base_url, search=not args.no_search)
    return run_build(options, out, err)


def valid_base_url(url: str) -> bool:
    """The same rule as ``base_url`` in site.yml, a trailing slash being optional here."""
    pattern = schema.load_schema("site")["properties"]["base_url"]["pattern"]
    return re.match(pattern, url if url.endswith("/") else url + "/") is not None


def run_check(content: Path, out: TextIO, err: TextIO) -> int:
    """Everything ``build`` checks, without rendering or writing."""
    try:
        plan = pipeline.prepare(pipeline.Options(content))
    except InvalidContentError as problem:
        return report_errors(problem.errors, err)
    print(f"ok: {len(plan.catalogue.innovations)} profiles, {len(plan.pages)} pages, no problems", file=out)
    return Exit.OK


def run_build(options: pipeline.Options, out: TextIO, err: TextIO) -> int:
    try:
        report = pipeline.build(options)
    except InvalidContentError as problem:
        report_errors(problem.errors, err)
        print("build stopped: nothing was written", file=err)
        return Exit.CONTENT_ERRORS
    except (OutputError, SearchIndexError) as problem:
        print(f"build failed: {problem}", file=err)
        return Exit.BUILD_FAILED
    print(f"built {report.pages} pages into {options.out_dir}", file=out)
    if report.search_summary:
        print(_search_line(report.search_summary), file=out)
    return Exit.OK


def report_errors(errors: list[ContentError], err: TextIO) -> int:
    for error in errors:
        print(error, file=err)
    noun = "problem" if len(errors) == 1 else "problems"
    print(f"{len(errors)} {noun} found", file=err)
    return Exit.CONTENT_ERRORS


def _search_line(summary: str) -> str:
    lines = [line.strip() for line in summary.splitlines() if "Indexed" in line]
    return "search: " + ("; ".join(lines) if lines else "index written")
