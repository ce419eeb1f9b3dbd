"""The whole build on small inline sites: atomic, deterministic, sub-path safe."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from katalog import output, pages, parallel, pipeline, schema
from katalog.config import DEFAULT_TEMPLATES
from katalog.errors import InvalidContentError

from .helpers import CACHE, MINIMAL, make_site, replace_in, run, tree


def build(content: Path, out: Path, *extra: str) -> None:
    code, _, err = run("build", "--content", str(content), "--out", str(out), *extra)
    assert code == 0, err


def test_every_address_of_the_contract_is_built(tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(make_site(tmp_path), out, "--no-search")
    files = set(tree(out))
    for rel in [
        "index.html",
        "inovasi/index.html",
        "inovasi/alpha/index.html",
        "en/inovasi/alpha/index.html",
        "inovasi/alpha-lama/index.html",
        "instansi/puskesmas-alpha/index.html",
        "sektor/kesehatan/index.html",
        "provinsi/id-jk/index.html",
        "penghargaan/kipp-top-99/index.html",
        "tahun/index.html",
        "tahun/2016/index.html",
        "tahun/2021/index.html",
        "pulau/jawa/index.html",
        "inovasi/terbaru/index.html",
        "cari/index.html",
        "statistik/index.html",
        "tentang/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "feed.xml",
        "data/inovasi.json",
        "data/inovasi.csv",
        "media/alpha/cover.png",
        "assets/site.css",
    ]:
        assert rel in files, rel


def test_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    out = tmp_path / "public"
    build(content, out, "--no-search")
    before = tree(out)
    replace_in(content / "innovations/beta.md", "status: pilot", "status: unknown")
    replace_in(content / "innovations/alpha.md", "Alpha Sehat", "Alpha Baru")
    code, _, err = run("build", "--content", str(content), "--out", str(out), "--no-search")
    assert code == 1
    assert "status: 'unknown' is not allowed" in err
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "public"]


def test_render_error_midway_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    out = tmp_path / "public"
    build(content, out, "--no-search")
    before = tree(out)
    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, templates)
    (templates / "statistics.html").write_text("{{ no_such_thing.x }}")
    with pytest.raises(Exception, match="no_such_thing"):
        pipeline.build(pipeline.Options(content, out, search=False, templates_dir=templates, cache_dir=CACHE))
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "public", "templates"]


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    """Search index included: the bundle merged from Pagefind's parts is written in a fixed order."""
    content = make_site(tmp_path)
    build(content, tmp_path / "one")
    build(content, tmp_path / "two")
    one = tree(tmp_path / "one")
    assert any(rel.startswith("pagefind/filter/") for rel in one)
    assert one == tree(tmp_path / "two")


def test_same_site_in_any_file_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(make_site(tmp_path / "a"), tmp_path / "plain", "--no-search")
    real_walk = os.walk

    def walk(top: str, **kwargs: bool) -> Iterator[tuple[str, list[str], list[str]]]:
        for dirpath, dirnames, filenames in real_walk(top, **kwargs):
            dirnames.reverse()
            filenames.reverse()
            yield dirpath, dirnames, filenames

    monkeypatch.setattr(os, "walk", walk)
    build(make_site(tmp_path / "b"), tmp_path / "reversed", "--no-search")
    assert tree(tmp_path / "plain") == tree(tmp_path / "reversed")


def internal_urls(html: str) -> list[str]:
    return [u for u in re.findall(r'(?:href|src)="([^"]+)"', html) if not re.match(r"^(https?:|mailto:|tel:|#)", u)]


def test_sub_path_hosting_prefixes_every_link(tmp_path: Path) -> None:
    out = tmp_path / "public"
    build(make_site(tmp_path), out, "--no-search", "--base-url", "https://example.org/katalog/")
    for rel, data in tree(out).items():
        if not rel.endswith(".html"):
            continue
        html = data.decode()
        for url in internal_urls(html):
            assert url.startswith("/katalog/"), f"{rel}: {url}"
        assert "https://example.org/katalog/" in html, rel
    search = (out / "cari/index.html").read_text()
    assert 'data-bundle="/katalog/pagefind/"' in search
    assert 'data-base="/katalog/"' in search
    alpha = (out / "inovasi/alpha/index.html").read_text()
    assert 'href="/katalog/inovasi/beta/"' in alpha
    assert "<loc>https://example.org/katalog/inovasi/alpha/</loc>" in (out / "sitemap.xml").read_text()


def test_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    precious = tmp_path / "work"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    code, _, err = run("build", "--content", str(make_site(tmp_path)), "--out", str(precious), "--no-search")
    assert code == 3
    assert "does not look like a built site" in err
    assert (precious / "notes.txt").read_text() == "keep me"


def test_never_writes_outside_the_output_folder(tmp_path: Path) -> None:
    with pytest.raises(output.OutputError):
        output.safe_join(tmp_path, "../escape.html")
    with pytest.raises(output.OutputError):
        output.safe_join(tmp_path, "/etc/passwd")
    build(make_site(tmp_path), tmp_path / "public", "--no-search")
    staging = output.Staging(tmp_path / "public")
    (tmp_path / "escape.html").write_text("a file beside the site")
    for rel in ("../escape.html", str(tmp_path / "escape.html")):
        with pytest.raises(output.OutputError):
            staging.keep(rel)
        with pytest.raises(output.OutputError):
            staging.write(rel, b"x")
        with pytest.raises(output.OutputError):
            staging.link(rel, __file__)
    assert (tmp_path / "escape.html").read_text() == "a file beside the site"


def test_scripts_and_handlers_in_a_body_stop_the_build_with_their_lines(tmp_path: Path) -> None:
    """The sanitiser would remove them (tests/test_markup.py); the editor is told instead of surprised."""
    beta = (MINIMAL / "innovations/beta.md").read_text()
    lines = beta.count("\n")
    beta += '\n<script>alert("x")</script>\n\n<a href="javascript:alert(1)" onclick="x()">klik</a>\n'
    out = tmp_path / "public"
    code, _, err = run("build", "--content", str(make_site(tmp_path, {"innovations/beta.md": beta})), "--out", str(out))
    assert code == 1
    assert err.splitlines() == [
        f"content/innovations/beta.md:{lines + 2}: body: raw HTML <script> is not allowed in a body; remove it "
        "(the site never runs code from content)",
        f"content/innovations/beta.md:{lines + 4}: body: link javascript:alert(1) is not allowed; links in a body "
        "start with https://, http:// or mailto:",
        f"content/innovations/beta.md:{lines + 4}: body: event handler attribute onclick= is not allowed; remove it "
        "(the site never runs code from content)",
        "3 problems found",
        "build stopped: nothing was written",
    ]
    assert not out.exists()


def test_the_schemas_are_published_as_they_are_in_the_repository(tmp_path: Path) -> None:
    """Editors' tools and other programs can fetch /skema/<name>; relative $refs resolve there too."""
    out = tmp_path / "public"
    build(make_site(tmp_path), out, "--no-search")
    published = {p.name: p.read_bytes() for p in (out / "skema").iterdir()}
    assert published == {p.name: p.read_bytes() for p in schema.SCHEMA_DIR.glob("*.json")}
    assert (out / "skema" / "innovation.schema.json").read_bytes() == (
        schema.SCHEMA_DIR / "innovation.schema.json"
    ).read_bytes()


def test_bodies_are_converted_beside_the_planning_and_a_failed_plan_stops_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)  # the few bodies of a small site, on two cores
    converting_while_planned = []
    plan = pages.plan

    def spied_plan(cat: object) -> object:
        converting_while_planned.append(bool(parallel._STARTED))
        return plan(cat)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "plan", spied_plan)
    content = make_site(tmp_path)
    beside, alone = tmp_path / "beside", tmp_path / "alone"
    pipeline.build(pipeline.Options(content, beside, search=False, jobs=2, cache_dir=None))
    assert converting_while_planned == [True] and not parallel._STARTED
    pipeline.build(pipeline.Options(content, alone, search=False, jobs=1, cache_dir=None))
    assert tree(beside) == tree(alone)
    # A link to no page is found when the plan is checked, after the conversion began.
    with (content / "innovations/beta.md").open("a", encoding="utf-8") as stream:
        stream.write("\n[lihat](/inovasi/tidak-ada/)\n")
    with pytest.raises(InvalidContentError) as failed:
        pipeline.build(pipeline.Options(content, beside, search=False, jobs=2, cache_dir=None))
    assert ["/inovasi/tidak-ada/" in error.message for error in failed.value.errors] == [True]
    assert converting_while_planned[-1] is True
    assert not parallel._STARTED and not multiprocessing.active_children()
