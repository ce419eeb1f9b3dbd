"""Command line: ``build`` (default), ``check``, ``serve`` and ``diff``.

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

from . import config, pipeline, scaffold, schema, sitediff
from .config import DEFAULT_CACHE, DEFAULT_CONTENT, DEFAULT_OUTPUT
from .errors import ContentError, InvalidContentError, as_json, github_annotation
from .output import OutputError
from .search import PART_SIZE, SearchIndexError


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

    def cache_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="cache folder (default: .cache/)")
        p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")

    build = commands.add_parser("build", help="check the content and build the site (default)")
    content_option(build)
    build.add_argument("--out", type=Path, default=DEFAULT_OUTPUT, help="output folder (default: public/)")
    build.add_argument("--base-url", help="address the site is published at, e.g. https://example.org/katalog/")
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    build.add_argument("--jobs", type=int, help="processes to render with (default: every core)")
    build.add_argument(
        "--search-part-size",
        type=_positive,
        default=PART_SIZE,
        help=f"profiles one Pagefind run indexes at most; its memory grows with it (default: {PART_SIZE})",
    )
    cache_options(build)

    check = commands.add_parser("check", help="check the content; print every problem")
    content_option(check)
    cache_options(check)
    check.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), github (annotations on a pull request's diff) or json (for tools)",
    )

    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on every change")
    content_option(serve)
    serve.add_argument("--out", type=Path, default=DEFAULT_OUTPUT, help="output folder (default: public/)")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")

    diff = commands.add_parser("diff", help="compare two built sites; an address removed without a redirect fails")
    diff.add_argument("old", type=Path, help="the site built before the change")
    diff.add_argument("new", type=Path, help="the site built with the change")
    diff.add_argument("--format", choices=("text", "markdown"), default="text", help="report format (default: text)")
    new = commands.add_parser("new", help="start a new profile: content/innovations/<slug>.md, ready to fill in")
    content_option(new)
    new.add_argument("--title", help="the innovation's name")
    new.add_argument("--agency", help="key of the agency in content/agencies/, e.g. pemkab-banyuwangi")
    new.add_argument("--sector", action="append", help="key of a sector in taxonomies/sectors.yml (1 to 3: repeat)")
    new.add_argument("--summary", help="40 to 300 characters of plain text")
    new.add_argument("--slug", help="the address /inovasi/<slug>/ (default: made from the title)")
    return root


def main(argv: list[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = parser().parse_args(argv or ["build"])
    command = args.command or "build"
    if command == "check":
        options = pipeline.Options(args.content, cache_dir=None if args.no_cache else args.cache)
        return run_check(options, args.format, out, err)
    if command == "new":
        return run_new(args, out, err)
    if command == "diff":
        return run_diff(args.old, args.new, args.format, out, err)
    if command == "serve":
        from .serve import HOST, serve

        options = pipeline.Options(args.content, args.out, base_url=f"http://{HOST}:{args.port}/")
        return serve(args.content, args.out, args.port, lambda: run_build(options, out, err), out)
    if args.base_url and not valid_base_url(args.base_url):
        print(f"--base-url {args.base_url!r} is not a full address, e.g. https://example.org/katalog/", file=err)
        return Exit.USAGE
    options = pipeline.Options(
        args.content,
        args.out,
        base_url=args.base_url,
        search=not args.no_search,
        cache_dir=None if args.no_cache else args.cache,
        jobs=args.jobs,
        search_part_size=args.search_part_size,
    )
    return run_build(options, out, err)


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return number


def valid_base_url(url: str) -> bool:
    """The same rule as ``base_url`` in site.yml, a trailing slash being optional here."""
    pattern = schema.load_schema("site")["properties"]["base_url"]["pattern"]
    return re.match(pattern, url if url.endswith("/") else url + "/") is not None


FORMATS = ("text", "github", "json")
BUILD_WARNINGS = 10  # a build lists this many warnings; check lists every one


def run_check(options: pipeline.Options, form: str, out: TextIO, err: TextIO) -> int:
    """Everything ``build`` checks, without rendering or writing.

    Errors fail (exit 1); warnings are printed and pass. ``github`` and
    ``json`` print to stdout for the runner or the tool that reads them.
    """
    try:
        plan = pipeline.prepare(options)
    except InvalidContentError as problem:
        problems, status = problem.errors, Exit.CONTENT_ERRORS
    else:
        problems, status = plan.warnings, Exit.OK
    if form == "github":
        for item in problems:
            print(github_annotation(item), file=out)
    elif form == "json":
        print(as_json(problems), file=out)
    elif status == Exit.CONTENT_ERRORS:
        report_errors(problems, err)
    else:
        report_warnings(problems, err)
        warned = f", {_count(len(problems), 'warning')}" if problems else ", no problems"
        print(f"ok: {len(plan.catalogue.innovations)} profiles, {len(plan.pages)} pages{warned}", file=out)
    return status


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


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
    report_warnings(report.warnings, err, limit=BUILD_WARNINGS)
    print(f"built {report.pages} pages into {options.out_dir} ({_count(report.written, 'file')} written)", file=out)
    if report.search_summary:
        print(_search_line(report.search_summary), file=out)
    return Exit.OK


def report_errors(errors: list[ContentError], err: TextIO) -> int:
    for error in errors:
        print(error, file=err)
    print(f"{_count(len(errors), 'problem')} found", file=err)
    return Exit.CONTENT_ERRORS


def report_warnings(warnings: list[ContentError], err: TextIO, limit: int | None = None) -> None:
    """Warnings never stop a build; they are printed for a person to judge (``check`` prints all)."""
    for warning in warnings[:limit]:
        print(warning, file=err)
    if limit is not None and len(warnings) > limit:
        print(f"... and {len(warnings) - limit} more warnings; 'build.py check' lists them all", file=err)


def _search_line(summary: str) -> str:
    lines = [line.strip() for line in summary.splitlines() if "Indexed" in line]
    return "search: " + ("; ".join(lines) if lines else summary.strip() or "index written")


def run_diff(old: Path, new: Path, form: str, out: TextIO, err: TextIO) -> int:
    """Report what a change does to the built site; the errors also go to stderr for the job log."""
    try:
        diff = sitediff.compare(old, new)
    except sitediff.NotABuildError as problem:
        print(f"diff: {problem}", file=err)
        return Exit.USAGE
    print(sitediff.to_markdown(diff) if form == "markdown" else sitediff.to_text(diff), end="", file=out)
    for line in sitediff.error_lines(diff):
        print(line, file=err)
    return Exit.CONTENT_ERRORS if diff.errors else Exit.OK


def run_new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write a new profile; in a terminal, ask for what the options left out."""
    request = scaffold.Request(args.content, args.title, args.agency, tuple(args.sector or ()), args.summary, args.slug)
    terminal = scaffold.Terminal(lambda prompt: _ask(prompt, out), lambda text: print(text, file=out))
    try:
        path = scaffold.create(request, config.today(), terminal if sys.stdin.isatty() else None)
    except (scaffold.UsageError, KeyboardInterrupt) as problem:
        print(f"build.py new: error: {problem or 'cancelled'}; nothing was written", file=err)
        return Exit.USAGE
    except scaffold.NewProfileError as problem:
        for message in problem.messages:
            print(message, file=err)
        print("nothing was written", file=err)
        return Exit.CONTENT_ERRORS
    content = "" if args.content == DEFAULT_CONTENT else f" --content {args.content}"
    print(f"wrote {path}", file=out)
    print(f"next: write the six sections, then check with `python build.py check{content}`", file=out)
    print(f"and preview with `python build.py serve{content}` (or ./dev preview)", file=out)
    return Exit.OK


def _ask(prompt: str, out: TextIO) -> str:
    print(prompt, end="", file=out, flush=True)
    line = sys.stdin.readline()
    if not line:
        raise scaffold.UsageError("input ended before every value was given")
    return line.rstrip("\n")
