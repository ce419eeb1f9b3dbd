"""Instructions the CPU-heavy stages of a build execute, per item: a benchmark whose figures
do not depend on how busy the machine is.

Seconds on a shared virtual machine differ by 20 to 70 % from one hour to the next for the
same code (see the README's "Build speed and memory"), which hides a change of a few percent.
The number of instructions a stage executes for the same input is the same on every run, to
a fraction of a percent, whatever the load (each run with Python's hash seed and the
process's addresses fixed): two commits can be compared on any x86-64
machine with the same Python and libraries. It counts work, not waiting: a change that
only moves work onto an idle core shows in ``build_benchmark.py``, not here.

Each stage runs twice under valgrind's callgrind, in a fresh process: once setting up
without doing the stage, once doing it too; the difference, divided by the items, is
printed (what a stage does once, whatever the catalogue's size, is shared among its items:
compare figures taken with the same ``--profiles``). The stages, on a synthetic catalogue
(``scripts/synthetic.py``) built once first:

    prepare       load, check and plan the catalogue, no cache, one core   per profile
    markdown      convert every profile's body to safe HTML                per body
    render        render every page with Jinja, nothing written           per page
    pagefind      one Pagefind run over every profile page                per page
    read parts    read the search index's parts back (bundle.read_part)   per page

Run from the repository root (after ``./dev test`` has installed everything; valgrind
from apt: ``apt-get install valgrind``):

    .venv/bin/python scripts/instructions.py [--profiles 300] [--scratch DIR] [--stages ...]

The runs go on every core at once: each counts its own instructions, so running them
together changes no figure, only the time they take (minutes: callgrind runs a program
some fifty times slower).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.synthetic_loader import synthetic  # noqa: E402 (needs ROOT on the path)

STAGES = ("prepare", "markdown", "render", "pagefind", "read parts")
UNITS = {"prepare": "profile", "markdown": "body", "render": "page", "pagefind": "page", "read parts": "page"}
PLURAL = {"profile": "profiles", "body": "bodies", "page": "pages"}
COLLECTED = re.compile(r"Collected : (\d+)")
_SEEDED = os.environ | {"PYTHONHASHSEED": "0"}  # the same order of sets in every run, the build's too
# The same addresses in every run: objects hashed by their address (Jinja's and the model's)
# otherwise sit in another order, and rendering 300 profiles varied by 2 % from run to run.
_FIXED_ADDRESSES = ["setarch", platform.machine(), "--addr-no-randomize"] if shutil.which("setarch") else []


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=300)
    parser.add_argument("--scratch", type=Path, default=None, help="folder for the temporary files")
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--harness", nargs=3, metavar=("STAGE", "DO", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.harness:
        stage, do, folder = args.harness
        items = HARNESSES[stage](Path(folder), do == "1")
        print(items)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is needed: apt-get install valgrind", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        folder = Path(tmp)
        _set_up(folder, args.profiles)
        runs = [(stage, do) for stage in args.stages for do in (False, True)]
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            counted = dict(zip(runs, pool.map(lambda run: _count(run[0], run[1], folder), runs), strict=True))
    print(f"{args.profiles:,} synthetic profiles; Python {sys.version.split()[0]}; instructions (callgrind)")
    for stage in args.stages:
        (without, _), (done, items) = counted[(stage, False)], counted[(stage, True)]
        unit = UNITS[stage]
        print(f"{stage:<11} {(done - without) / items / 1e6:8.2f} M per {unit} ({items:,} {PLURAL[unit]})")
    return 0


def _set_up(folder: Path, profiles: int) -> None:
    """A catalogue, and a build of it with search: its cache holds the bodies' HTML, which
    ``render`` reads, and the index's parts, which ``read parts`` reads."""
    synthetic().generate(folder / "content", profiles, seed=1)
    build = [sys.executable, str(ROOT / "build.py"), "build", "--content", str(folder / "content")]
    built = [*build, "--out", str(folder / "site"), "--cache", str(folder / "cache")]
    subprocess.run(built, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_SEEDED)


def _count(stage: str, do: bool, folder: Path) -> tuple[int, int]:
    """Instructions one run of the stage's harness executed (Pagefind's own, for its stage),
    and how many items it went through."""
    if stage == "pagefind":
        command, items = _pagefind(folder, do)
    else:
        command, items = [sys.executable, __file__, "--harness", stage, "1" if do else "0", str(folder)], 0
    valgrind = [*_FIXED_ADDRESSES, "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    done = subprocess.run([*valgrind, *command], capture_output=True, text=True, check=False, env=_SEEDED)
    found = COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{stage} failed under valgrind:\n{done.stderr[-2000:]}")
    return int(found[1]), items or int(done.stdout.split()[-1])  # the harness prints its items last


def _pagefind(folder: Path, do: bool) -> tuple[list[str], int]:
    """Pagefind's command over every profile page (or, without the stage, its version alone:
    starting it), and how many pages that is."""
    from pagefind_bin import get_executable

    from katalog import search

    if not do:
        return [str(get_executable()), "--version"], 1
    output = folder / f"pagefind-{os.getpid()}"
    pages = len(list((folder / "content" / "innovations").glob("*.md")))  # no translations
    return [*search.pagefind_command(folder / "site", search.GLOB_ALL, output), "--quiet"], pages


# --- what runs under valgrind: set up, then the stage when asked; returns how many items -----


def _prepare(folder: Path, do: bool) -> int:
    from katalog import pipeline

    if do:
        options = pipeline.Options(folder / "content", folder / "unused", cache_dir=None, jobs=1)
        pipeline.prepare(options)
    return len(list((folder / "content" / "innovations").glob("*.md")))


def _markdown(folder: Path, do: bool) -> int:
    from katalog.markup import Markup

    files = sorted((folder / "content" / "innovations").glob("*.md"))
    bodies = [path.read_text("utf-8").split("\n---\n", 1)[1] for path in files]
    if do:
        markup = Markup("/")
        for body in bodies:
            markup.render(body)
    return len(bodies)


def _render(folder: Path, do: bool) -> int:
    from katalog import markup, pipeline, related, render
    from katalog.cache import Cache

    options = pipeline.Options(folder / "content", folder / "unused", cache_dir=folder / "cache", jobs=1)
    store = Cache(options.cache_dir)
    plan = pipeline.prepare(options, store)
    cat = plan.catalogue
    cat.related = related.compute(cat.innovations, cat.replications, cat.by_sector, store=store)
    html_of = markup.render_all(pipeline._bodies(cat), cat.settings.base_path, store, 1)
    renderer = render.Renderer(cat.settings, plan.asset_versions, cat.pages, html_of, pipeline._compiled(store))
    if do:
        for page in plan.pages:
            renderer.render(page)
    return len(plan.pages)


def _read_parts(folder: Path, do: bool) -> int:
    import gc

    from katalog import bundle, search

    gc.disable()  # as the build reads them (see pipeline._few_collections)
    parts = sorted((folder / "cache" / search.PARTS).glob(f"*/{search.WHOLE}"))
    if not parts:
        raise SystemExit(f"no part of a search index in {folder / 'cache'}: did the build index?")
    pages = 0
    for part in parts:
        if do:
            read = bundle.read_part(part.parent, folder / "site")
            pages += sum(len(language.pages) for language in read.languages.values())
    return pages


HARNESSES: dict[str, Callable[[Path, bool], int]] = {
    "prepare": _prepare,
    "markdown": _markdown,
    "render": _render,
    "read parts": _read_parts,
}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
