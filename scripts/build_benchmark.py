"""How long builds take and how much memory they need: a benchmark, not a test.

For each catalogue size it generates a synthetic catalogue (scripts/synthetic.py),
copies the generator (build.py, katalog/, templates/, assets/) into a scratch
folder so that editing a template never touches the repository, and runs, each
as a fresh process:

    cold build with search    no cache, empty output folder
    rebuild, nothing changed  same content, output and cache kept
    rebuild, 1 profile edited one sentence added to one profile's body (the first rebuild
                              after a cold build also makes the staging folder anew:
                              a folder and a link for every page of the site)
    rebuild, 1 more edited    the same to another profile: the steady state of an
                              editor's preview, the staging folder kept; --repeat times,
                              another profile each time, and the median run shown with
                              the range of all (one run can take twice as long as the next)
    rebuild, template edited  one line added to templates/base.html
    check (cache warm)        build.py check after those builds
    check (no cache)          build.py check with a cache folder no run used

and prints wall seconds, the peak memory of the whole process tree (Pagefind
included; RSS sampled every 50 ms, PSS as said at pss_due), files written (new or changed bytes), the
output's size, and "steal": the share of the machine's CPU time its hypervisor
took while the case ran (on a shared virtual machine the same case can take
twice as long from one hour to the next; this says when), and "meter s": the CPU seconds
the sampling itself took meanwhile, on the same cores as the build. Memory is given twice:
"peak MB" sums each process's
proportional share (PSS: a page that forked workers share with their parent
counts once, as the machine's memory sees it); "RSS MB" sums resident memory,
which counts such a page once per process that maps it.

Under each size's table it prints the issue's own yardstick of the machine: the
milliseconds Python-Markdown, as it comes, takes on one core for one of the
catalogue's profile bodies (the issue's figure, on the machine its targets were
set on: about 3 ms). A table taken where it is much lower came from a faster
machine than the targets', and cannot say they are met.

Run from the repository root (after ``./dev test`` has installed everything):

    .venv/bin/python scripts/build_benchmark.py [--profiles 3000 30000] [--scratch DIR] [--repeat 3]
        [--against COMMIT [--pairs 4]]

The catalogue, the generator's copy and the site go in a temporary folder
inside ``--scratch`` (default: the system's, see TMPDIR). Put it on the disk a
project would live on: on some machines creating folders in /tmp is ten times
slower than elsewhere, and a build creates one folder per page. Runs write
bytecode (``__pycache__``) as a normal installation does.

(and last, ``cold build, no search``: the first case with --no-search).

With ``--against COMMIT [--pairs 4]`` it times only the cold build with search, the
working tree's generator alternating with COMMIT's (taken with ``git archive``) on the
same catalogue, half the pairs with each first, and prints each pair's seconds and CPU
seconds and the ratio of the two. On a noisy machine the seconds of two hours, or of two
machines, cannot be compared, but two builds run beside each other can: the ratio is
what carries to a table taken elsewhere at COMMIT.

Each cold build writes into an output folder and a cache no build used, and nothing
is deleted until every size has run, as in a fresh clone: on a file system without a
journal (this machine's ext4), ext4 does not reuse an inode freed in the last minute
or more and looks at each on its way (``recently_deleted``), so a build that follows
the deletion of the last one's 100,000 files creates its own more slowly.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.synthetic_loader import synthetic  # noqa: E402 (needs ROOT on the path)

GENERATOR = ("build.py", "katalog", "templates", "assets")
# Sampling costs the measured build: reading a process's PSS makes the kernel walk its page
# tables (18 ms for a process of 1.5 GB here). RSS (cheap) is read every 50 ms, and PSS only
# when it could have grown past its peak by more than a step (see pss_due). Reading PSS every
# 200 ms took 17 to 22 s of CPU during a cold build of 30,000 profiles, a sixth of a core; the
# table prints what sampling took ("meter s").
SAMPLE_SECONDS = 0.05
PSS_STEP = 8 << 20  # bytes, or a fiftieth of the peak so far if more: the most a peak can be read low by
MEMORY_FIELDS = (b"AnonPages", b"Mapped", b"Shmem")


@dataclass(frozen=True)
class Figures:
    seconds: float
    peak_mb: float  # proportional set size, summed over the process tree
    rss_mb: float  # resident set size, summed over the process tree
    written: int
    output_mb: float
    status: int
    steal: float  # share of the machine's CPU time the hypervisor took meanwhile
    meter_cpu: float  # CPU seconds the sampling of memory took meanwhile, out of the build's
    spread: tuple[float, float] | None = None  # of a case run several times: its fastest and slowest seconds


def reference_ms() -> float:
    """Milliseconds one core takes to convert a fixed 700-word Markdown text, median of
    five rounds: the same code on the same machine, so it shows how fast the machine
    is at the moment; divide a case's seconds by it to compare runs."""
    import markdown  # the generator's own dependency; only this figure needs it here

    words = " ".join(f"kata{i % 97} layanan *publik* [tautan](https://contoh.go.id/{i})" for i in range(40))
    text = "\n\n".join(["## Latar Belakang", words, "- satu\n- dua\n- tiga", "| a | b |\n|---|---|\n| 1 | 2 |"] * 3)
    converter = markdown.Markdown(extensions=["tables", "sane_lists", "fenced_code", "toc"])
    return _conversion_ms(converter, [text] * 40, rounds=5)


def _conversion_ms(converter: Any, texts: list[str], rounds: int) -> float:
    """Milliseconds of one core's time ``converter`` takes per text, converting all of
    ``texts`` ``rounds`` times: the median round."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            converter.reset().convert(text)
        times.append((time.process_time() - start) / len(texts) * 1000)
    return statistics.median(times)


# The issue's own yardstick of a machine's speed for Python: "Python-Markdown alone costs about
# 3 ms per 700-word profile on one core", on the machine its targets were set on (beside Hugo,
# about 6 s for 3,000 profiles, and Pagefind, 8 to 12 s). Measured the same way here, on the
# catalogue's own bodies, it says whether a table judges the targets: taken on a machine
# twice as fast for Python, a table can show half the seconds the targets' machine would take.
ISSUE_MARKDOWN_MS = 3.0


def markdown_ms(content: Path, bodies: int = 200) -> float:
    """Milliseconds one core takes to convert one profile body of ``content`` with
    Python-Markdown as it comes (no extension), median of three rounds over its first
    ``bodies`` profiles: the issue's yardstick (see ISSUE_MARKDOWN_MS)."""
    import markdown  # the generator's own dependency; only this figure needs it here

    from katalog.sources import split_front_matter

    texts = [path.read_text("utf-8") for path in sorted((content / "innovations").glob("*.md"))[:bodies]]
    split = [split_front_matter(text) for text in texts]
    found = [parts[1] for parts in split if parts is not None]
    if not found:
        raise SystemExit(f"no profile body in {content / 'innovations'}")
    return _conversion_ms(markdown.Markdown(), found, rounds=3)


def cpu_times() -> tuple[int, int]:
    """(all CPU time, time stolen by the hypervisor) since boot, in ticks, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values[:8]), values[7]  # user nice system idle iowait irq softirq steal


def tree_pids(root: int) -> list[int]:
    """``root`` and every process descended from it.

    Only processes numbered from ``root`` up are read (Linux numbers new
    processes upwards, so a build's children come after it), so that sampling
    50 times a second costs the measured build as little as possible.
    """
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) < root:
            continue
        try:
            ppid = int(Path(entry.path, "stat").read_bytes().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def tree_rss(pids: list[int]) -> int:
    """Resident bytes summed over ``pids`` (cheap to read: statm)."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    return total


def tree_pss(pids: list[int]) -> int:
    """Proportional set size summed over ``pids``. Reading it makes the kernel walk each
    process's page tables, so it is read only when it could be a new peak (see pss_due)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except (OSError, ValueError):
            continue
    return total


def machine_memory() -> int:
    """Bytes of memory that processes map, the whole machine's (anonymous, file-backed and
    shared pages, each counted once: /proc/meminfo): cheap to read, and never below the PSS
    of any processes, since PSS splits each of their pages among the processes mapping it."""
    total = 0
    for line in Path("/proc/meminfo").read_bytes().splitlines():
        name, _, value = line.partition(b":")
        if name in MEMORY_FIELDS:
            total += int(value.split()[0]) * 1024
    return total


def pss_due(memory: int, memory_then: int, peak: int) -> bool:
    """Whether to read the process tree's PSS again, the machine's mapped memory being
    ``memory`` now and ``memory_then`` at the last reading, and ``peak`` the highest PSS read.

    The tree's PSS cannot exceed the machine's mapped memory, and can grow only by pages
    mapped anew (a page copied on write included, which no process's RSS shows), so by no
    more than that memory grew since the last reading. So PSS is read only when it could be
    above the peak and that memory grew by a step: the peak read is less than a step below
    the true one, unless that lasted less than the 50 ms between samples. Reading PSS every
    second, or when the tree's RSS grew by a tenth, missed up to an eighth of the peak and
    read it up to 2.7 times as often (docs/performance.md)."""
    return memory > peak and memory > memory_then + max(PSS_STEP, peak // 50)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every file: what a run wrote shows up as a change (a file
    the build kept is a hard link to the previous one, with its time)."""
    found: dict[str, tuple[int, int]] = {}
    for top, _, files in os.walk(folder):  # not pathlib: 80,000 files at 30,000 profiles
        for name in files:
            path = f"{top}/{name}"
            info = os.stat(path)  # noqa: PTH116
            found[path] = (info.st_mtime_ns, info.st_size)
    return found


def measure(argv: list[str], cwd: Path, out: Path) -> Figures:
    before = snapshot(out)
    peak = peak_rss = 0
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    total_before, steal_before = cpu_times()
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    done = threading.Event()
    meter_cpu = 0.0

    def sample() -> None:
        nonlocal peak, peak_rss, meter_cpu
        memory_then = 0
        while not done.is_set():
            pids = tree_pids(process.pid)
            peak_rss = max(peak_rss, tree_rss(pids))
            if pss_due(memory := machine_memory(), memory_then, peak):
                peak = max(peak, tree_pss(pids))
                memory_then = memory
            time.sleep(SAMPLE_SECONDS)
        meter_cpu = time.thread_time()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode not in (0,):
        print(err.decode("utf-8", "replace")[-2000:], file=sys.stderr)
    after = snapshot(out)
    written = sum(1 for path, stamp in after.items() if before.get(path) != stamp)
    size = sum(size for _, size in after.values())
    total_after, steal_after = cpu_times()
    steal = (steal_after - steal_before) / max(1, total_after - total_before)
    mb = 2**20
    return Figures(seconds, peak / mb, peak_rss / mb, written, size / mb, process.returncode, steal, meter_cpu)


def edit_profile(content: Path, shift: int = 0) -> None:
    profiles = sorted((content / "innovations").glob("*.md"))
    profile = profiles[len(profiles) // 2 + shift]
    with profile.open("a", encoding="utf-8") as stream:
        stream.write("\nKalimat tambahan untuk mengukur pembangunan ulang.\n")


def edit_template(project: Path) -> None:
    base = project / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8") + "{# diubah untuk mengukur #}\n", encoding="utf-8")


def median(runs: list[Figures]) -> Figures:
    """The run of median seconds, with the range of all."""
    ordered = sorted(runs, key=lambda f: f.seconds)
    middle = ordered[(len(ordered) - 1) // 2]
    return dataclasses.replace(middle, spread=(ordered[0].seconds, ordered[-1].seconds))


def run_size(profiles: int, scratch: Path, repeat: int = 1) -> list[tuple[str, Figures]]:
    project, content, out = scratch / "project", scratch / "content", scratch / "public"
    copy_generator(project)
    synthetic().generate(content, profiles, seed=1)
    build = [sys.executable, "build.py", "build", "--content", str(content), "--out", str(out)]

    rows = [("cold build with search", measure(build, project, out))]  # leaves a build and its cache for the rebuilds
    rows.append(("rebuild, nothing changed", measure(build, project, out)))
    edit_profile(content)
    rows.append(("rebuild, 1 profile edited", measure(build, project, out)))
    steady = []
    for shift in range(1, repeat + 1):
        edit_profile(content, shift=shift)
        steady.append(measure(build, project, out))
    rows.append(("rebuild, 1 more edited", median(steady)))
    edit_template(project)
    rows.append(("rebuild, template edited", measure(build, project, out)))
    check = [sys.executable, "build.py", "check", "--content", str(content)]
    rows.append(("check (cache warm)", measure(check, project, out)))
    rows.append(("check (no cache)", measure([*check, "--cache", str(scratch / "cache-check")], project, out)))
    # Into folders no build used (see the module's docstring), as is the first cold build.
    bare = scratch / "public-no-search"
    cold = [*build[:-1], str(bare), "--cache", str(scratch / "cache-no-search"), "--no-search"]
    rows.append(("cold build, no search", measure(cold, project, bare)))
    return rows


def copy_generator(project: Path, commit: str | None = None) -> None:
    """The generator (build.py, katalog/, templates/, assets/) in ``project``: the working
    tree's, or that of ``commit``."""
    project.mkdir()
    if commit is not None:
        archive = subprocess.run(["git", "archive", commit, *GENERATOR], cwd=ROOT, capture_output=True, check=False)
        if archive.returncode != 0:
            raise SystemExit(f"git archive {commit}: {archive.stderr.decode('utf-8', 'replace').strip()}")
        subprocess.run(["tar", "-x", "-C", str(project)], input=archive.stdout, check=True)
        return
    for name in GENERATOR:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)


def measure_cpu(argv: list[str], cwd: Path, out: Path) -> tuple[Figures, float]:
    """:func:`measure`, and the CPU seconds (user and system) of the whole process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = measure(argv, cwd, out)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return figures, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def cold_build(project: Path, content: Path, folder: Path) -> tuple[Figures, float]:
    """A cold build with search by the generator in ``project`` into ``folder`` (new), and
    the CPU seconds of its whole process tree."""
    site, cache = folder / "public", folder / "cache"
    build = [sys.executable, "build.py", "build", "--content", str(content), "--out", str(site), "--cache", str(cache)]
    return measure_cpu(build, project, site)


def compare(profiles: int, scratch: Path, commit: str, pairs: int) -> None:
    """Cold builds with search, the working tree's generator alternating with ``commit``'s."""
    content = scratch / "content"
    synthetic().generate(content, profiles, seed=1)
    projects = {"then": scratch / "then", "now": scratch / "now"}
    copy_generator(projects["then"], commit)
    copy_generator(projects["now"])
    print(f"{'pair':<6} {commit + ' s':>12} {'cpu s':>8} {'now s':>8} {'cpu s':>8} {'ratio':>6}")
    totals = {"then": [0.0, 0.0], "now": [0.0, 0.0]}
    for pair in range(1, pairs + 1):
        order = ("then", "now") if pair % 2 else ("now", "then")
        runs = {which: cold_build(projects[which], content, scratch / f"{which}-{pair}") for which in order}
        if any(figures.status != 0 for figures, _ in runs.values()):
            print(f"{pair:<6} a build failed: " + ", ".join(f"{w} exit {f.status}" for w, (f, _) in runs.items()))
            continue
        for which, (figures, cpu) in runs.items():
            totals[which][0] += figures.seconds
            totals[which][1] += cpu
        (then, then_cpu), (now, now_cpu) = runs["then"], runs["now"]
        first = "" if order[0] == "then" else "  (now first)"
        print(
            f"{pair:<6} {then.seconds:>12.1f} {then_cpu:>8.1f} {now.seconds:>8.1f} {now_cpu:>8.1f} "
            f"{now.seconds / then.seconds:>6.2f}{first}"
        )
    (then_s, then_cpu), (now_s, now_cpu) = totals["then"], totals["now"]
    if then_s:
        print(f"{'all':<6} {then_s:>12.1f} {then_cpu:>8.1f} {now_s:>8.1f} {now_cpu:>8.1f} {now_s / then_s:>6.2f}")
        print(f"CPU seconds, now against {commit}: {now_cpu / then_cpu:.2f}")


def yardstick_line(measured: float) -> str:
    """The issue's yardstick as measured, beside the issue's figure."""
    return (
        f"Python-Markdown alone: {measured:.1f} ms a profile body on one core "
        f"(about {ISSUE_MARKDOWN_MS:.0f} ms on the machine the targets were set on)"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--scratch", type=Path, default=None, help="folder for the temporary files")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the steady-state edit (median shown)")
    parser.add_argument("--against", metavar="COMMIT", help="time cold builds alternating with COMMIT's generator")
    parser.add_argument("--pairs", type=int, default=4, help="with --against: pairs of cold builds")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    made: list[Path] = []  # removed at the end, not between sizes (see the docstring)
    try:
        _run_sizes(args, made)
    finally:
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def _run_sizes(args: argparse.Namespace, made: list[Path]) -> None:
    for profiles in args.profiles:
        reference = reference_ms()
        tmp = Path(tempfile.mkdtemp(dir=args.scratch))
        made.append(tmp)
        if args.against:
            print(f"\n{profiles:,} profiles, cold builds with search (reference: {reference:.1f} ms)")
            compare(profiles, tmp, args.against, max(1, args.pairs))
            print(f"reference after: {reference_ms():.1f} ms")
            print(yardstick_line(markdown_ms(tmp / "content")))
            continue
        rows = run_size(profiles, tmp, max(1, args.repeat))
        after = reference_ms()
        print(f"\n{profiles:,} profiles (reference: {reference:.1f} ms per Markdown text before, {after:.1f} after)")
        print(yardstick_line(markdown_ms(tmp / "content")))
        names = ("seconds", "peak MB", "RSS MB", "written", "output MB", "steal", "meter s")
        columns = " ".join(f"{name:>{width}}" for name, width in zip(names, (8, 8, 8, 8, 10, 6, 8), strict=True))
        print(f"{'case':<27} {columns}  range s")
        for name, f in rows:
            flag = "" if f.status == 0 else f"  (exit {f.status})"
            if f.spread:
                flag = f"  {f.spread[0]:.1f}-{f.spread[1]:.1f}{flag}"
            print(
                f"{name:<27} {f.seconds:>8.1f} {f.peak_mb:>8.0f} {f.rss_mb:>8.0f} {f.written:>8} "
                f"{f.output_mb:>10.1f} {f.steal:>6.0%} {f.meter_cpu:>8.1f}{flag}"
            )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
