"""Stage 4: the plan of pages; listings paginate so they stay small at any size."""

from __future__ import annotations

from pathlib import Path

import pytest

from katalog import pages, routes

from .checkers import vnu_errors
from .helpers import MINIMAL, make_site, run, tree


def test_pager_shows_neighbours_ends_and_gaps() -> None:
    p = pages.pager("inovasi/", 6, 10)
    assert p["previous"] == "inovasi/halaman/5/"
    assert p["next"] == "inovasi/halaman/7/"
    assert p["numbers"] == [
        (1, "inovasi/"),
        None,
        (4, "inovasi/halaman/4/"),
        (5, "inovasi/halaman/5/"),
        (6, "inovasi/halaman/6/"),
        (7, "inovasi/halaman/7/"),
        (8, "inovasi/halaman/8/"),
        None,
        (10, "inovasi/halaman/10/"),
    ]
    first = pages.pager("inovasi/", 1, 1)
    assert (first["previous"], first["next"], first["numbers"]) == (None, None, [(1, "inovasi/")])


def test_listings_and_taxonomy_pages_are_paginated(tmp_path: Path) -> None:
    beta = (MINIMAL / "innovations/beta.md").read_text()
    extra: dict[str, str | bytes | None] = {
        f"innovations/p{n:02d}.md": beta.replace("Beta Belajar", f"Profil {n:02d}") for n in range(63)
    }
    out = tmp_path / "public"
    code, _, err = run("build", "--content", str(make_site(tmp_path, extra)), "--out", str(out), "--no-search")
    assert code == 0, err
    files = tree(out)
    for rel in ("inovasi/index.html", "inovasi/halaman/2/index.html", "inovasi/halaman/3/index.html",
                "inovasi/terbaru/index.html", "inovasi/terbaru/halaman/3/index.html",
                "sektor/pendidikan/halaman/3/index.html"):  # fmt: skip
        assert rel in files, rel
    assert "inovasi/halaman/4/index.html" not in files
    second = files["inovasi/halaman/2/index.html"].decode()
    assert second.count('class="card"') == 30
    assert 'href="/inovasi/" rel="prev"' in second
    assert 'href="/inovasi/halaman/3/" rel="next"' in second
    assert "<title>Semua inovasi (halaman 2 dari 3) · Katalog Uji</title>" in second
    last = files["inovasi/halaman/3/index.html"].decode()
    assert last.count('class="card"') == 65 - 60
    assert 'rel="next"' not in last
    assert b"https://example.org/inovasi/halaman/2/" in files["sitemap.xml"]
    assert vnu_errors([out / "inovasi/halaman/2/index.html", out / "sektor/pendidikan/halaman/3/index.html"]) == []


def test_outputs_that_leave_the_site_or_share_a_file_are_refused() -> None:
    errors = routes.check_collisions(
        [("a/../../b.html", "x.md"), ("/etc/x", "y.md"), ("a/b.html", "s1.md"), ("a/b.html", "s2.md"), ("a..b/c", "z")]
    )
    assert [(error.path, error.message) for error in errors] == [
        ("x.md", "output path 'a/../../b.html' leaves the site folder"),
        ("y.md", "output path '/etc/x' leaves the site folder"),
        ("s2.md", "address /a/b.html is also produced by s1.md"),
    ]


def test_check_plans_every_page_without_working_out_what_only_rendering_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 30,000 profiles the related profiles take seconds to work out, the search page's
    facets and the statistics a tenth of a second each: ``check`` plans their pages, and
    never works them out."""
    worked_out: list[str] = []
    for name in ("_facets", "_counts", "_derived_context"):
        original = getattr(pages, name)
        monkeypatch.setattr(pages, name, lambda *args, _f=original, _n=name: worked_out.append(_n) or _f(*args))
    content = make_site(tmp_path)
    code, _, err = run("check", "--content", str(content))
    assert (code, worked_out) == (0, []), err
    code, _, err = run(
        "build", "--content", str(content), "--out", str(tmp_path / "public"), "--no-search", "--jobs", "1"
    )
    assert code == 0, err
    assert {"_facets", "_counts", "_derived_context"} <= set(worked_out)
    assert worked_out.count("_facets") == worked_out.count("_counts") == 1  # once each, though hashed and rendered
