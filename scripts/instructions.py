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

With ``--seconds`` it times the same harnesses instead, one run at a time and without
valgrind: the CPU seconds (user and system) of each, median of ``--repeat`` runs, and one
stage more, ``write`` (every file of the built site but the search index written again
into a new folder: the folders and files a cold build creates). Their sum, divided by the
cores, is the least a cold build with search could take on this machine if it did these
stages and nothing else, every core busy throughout: a floor that no scheduling can go
below, to set a target against (see the README's "Build speed and memory"):

    .venv/bin/python scripts/instructions.py --seconds --profiles 3000 [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.synthetic_loader import script, synthetic  # noqa: E402 (needs ROOT on the path)

STAGES = ("prepare", "markdown", "render", "pagefind", "read parts")
TIMED = (*STAGES, "write")  # --seconds: the file system's share too, which callgrind does not count
UNITS = {
    "prepare": "profile",
    "markdown": "body",
    "render": "page",
    "pagefind": "page",
    "read parts": "page",
    "write": "file",
}
PLURAL = {"profile": "profiles", "body": "bodies", "page": "pages", "file": "files"}
COLLECTED = re.compile(r"Collected : (\d+)")
_SEEDED = os.environ | {"PYTHONHASHSEED": "0"}  # the same order of sets in every run, the build's too
# The same addresses in every run: objects hashed by their address (Jinja's and the model's)
# otherwise sit in another order, and rendering 300 profiles varied by 2 % from run to run.
_FIXED_ADDRESSES = ["setarch", platform.machine(), "--addr-no-randomize"] if shutil.which("setarch") else []


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=300)
    parser.add_argument("--scratch", type=Path, default=None, help="folder for the temporary files")
    parser.add_argument("--stages", nargs="+", choices=TIMED, help="default: every stage")
    parser.add_argument("--seconds", action="store_true", help="CPU seconds of each stage, not instructions")
    parser.add_argument("--repeat", type=int, default=3, help="with --seconds: runs of each stage (median)")
    parser.add_argument("--harness", nargs=3, metavar=("STAGE", "DO", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.harness:
        stage, do, folder = args.harness
        items = HARNESSES[stage](Path(folder), do == "1")
        print(items)
        return 0
    if args.seconds:
        seconds(args.profiles, args.stages or list(TIMED), max(1, args.repeat), args.scratch)
        return 0
    args.stages = args.stages or list(STAGES)
    if "write" in args.stages:
        parser.error(
            "the stage 'write' is timed with --seconds only: its work is the kernel's, which callgrind does not count"
        )
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


def seconds(profiles: int, stages: list[str], repeat: int, scratch: Path | None) -> None:
    """Print the CPU seconds of each stage (median of ``repeat`` runs), and the floor their
    sum sets on this machine's cores."""
    bench = script("build_benchmark")
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        folder = Path(tmp)
        _set_up(folder, profiles)
        before = bench.markdown_ms(folder / "content")
        timed = {stage: _timed(stage, folder, repeat) for stage in stages}
        after = bench.markdown_ms(folder / "content")
    cores = os.cpu_count() or 1
    python = sys.version.split()[0]
    print(f"{profiles:,} synthetic profiles; Python {python}; CPU seconds (user and system), median of {repeat}")
    for stage, (cpu, items) in timed.items():
        unit = UNITS[stage]
        print(f"{stage:<11} {cpu:8.2f} s  {cpu / items * 1000:8.3f} ms per {unit} ({items:,} {PLURAL[unit]})")
    total = sum(cpu for cpu, _ in timed.values())
    print(f"{'all':<11} {total:8.2f} s  on {cores} cores, these stages alone take no less than {total / cores:.1f} s")
    print(f"{bench.yardstick_line(before)}; after: {after:.1f} ms")


def _timed(stage: str, folder: Path, repeat: int) -> tuple[float, int]:
    """The CPU seconds the stage took (with it minus without, median of ``repeat`` runs of
    each), and its items."""
    runs = [(_cpu(stage, True, folder), _cpu(stage, False, folder)) for _ in range(repeat)]
    items = runs[0][0][1]
    return statistics.median(done - without for (done, _), (without, _) in runs), items


def _cpu(stage: str, do: bool, folder: Path) -> tuple[float, int]:
    """CPU seconds of one run of the stage's harness (Pagefind's own, for its stage), and its items."""
    command, items = _command(stage, do, folder)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=_SEEDED)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{stage} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, items or int(done.stdout.split()[-1])


def _command(stage: str, do: bool, folder: Path) -> tuple[list[str], int]:
    """The command that runs the stage's harness (or Pagefind), and its items when known."""
    if stage == "pagefind":
        return _pagefind(folder, do)
    return [sys.executable, __file__, "--harness", stage, "1" if do else "0", str(folder)], 0


def _count(stage: str, do: bool, folder: Path) -> tuple[int, int]:
    """Instructions one run of the stage's harness executed (Pagefind's own, for its stage),
    and how many items it went through."""
    command, items = _command(stage, do, folder)
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
    output = Path(tempfile.mkdtemp(dir=folder, prefix="pagefind-")) / "bundle"  # a new one each run
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


def _write(folder: Path, do: bool) -> int:
    """Every file of the built site but its search index, read; and written into a new
    folder (its own folders made first), as a cold build writes its pages and data files."""
    site = folder / "site"
    files = sorted(path for path in site.rglob("*") if path.is_file() and path.relative_to(site).parts[0] != "pagefind")
    data = [(path.relative_to(site), path.read_bytes()) for path in files]
    if do:
        target = Path(tempfile.mkdtemp(dir=folder, prefix="written-"))
        for rel, content in data:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            (target / rel).write_bytes(content)
    return len(data)


HARNESSES: dict[str, Callable[[Path, bool], int]] = {
    "prepare": _prepare,
    "markdown": _markdown,
    "render": _render,
    "read parts": _read_parts,
    "write": _write,
}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
