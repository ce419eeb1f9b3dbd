"""Fast builds must be the same builds: parallel, cached and incremental builds
write exactly the bytes of a plain serial build from nothing, and a change
rewrites only the files it touches (issue 6)."""

from __future__ import annotations

import hashlib
import os
import posixpath
import shutil
import threading
from pathlib import Path

import jinja2
import pytest

from katalog import exports, markup, output, parallel, pipeline, sources
from katalog.cache import Cache, Reader
from katalog.markup import Markup
from katalog.pages import Planned

from .helpers import MINIMAL, SHIPPED, make_site, replace_in, run, tree

ALPHA = (MINIMAL / "innovations/alpha.md").read_text()
BETA = (MINIMAL / "innovations/beta.md").read_text()


def build(content: Path, out: Path, *extra: str) -> str:
    code, stdout, err = run("build", "--content", str(content), "--out", str(out), *extra)
    assert code == 0, err
    return stdout


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_parallel_and_cached_builds_equal_a_serial_build_without_cache(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    build(content, tmp_path / "plain", "--jobs", "1", "--no-cache")
    cache = tmp_path / "cache"
    build(content, tmp_path / "cold", "--jobs", "2", "--cache", str(cache))
    build(content, tmp_path / "warm", "--jobs", "2", "--cache", str(cache))  # every body and the index from cache
    plain = tree(tmp_path / "plain")
    assert tree(tmp_path / "cold") == plain
    assert tree(tmp_path / "warm") == plain


def test_deleting_the_cache_changes_nothing_but_time(tmp_path: Path) -> None:
    content, cache, out = make_site(tmp_path), tmp_path / "cache", tmp_path / "public"
    build(content, out, "--cache", str(cache))
    before = tree(out)
    for file in sorted(cache.rglob("*"), reverse=True):
        file.unlink() if file.is_file() else file.rmdir()
    build(content, out, "--cache", str(cache))
    assert tree(out) == before


def test_a_damaged_cache_file_is_an_empty_cache(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    Cache.file_for(folder).write_bytes(b"not a database at all" * 100)
    html = markup.render_all(["## Judul\n\nTeks."], "/", Cache(folder), cores=1)
    assert dict(html) == {"## Judul\n\nTeks.": '<h2 id="judul">Judul</h2>\n<p>Teks.</p>'}


def test_nothing_changed_rewrites_no_file(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out)
    before = mtimes(out)
    assert "(0 files written)" in build(content, out)
    assert mtimes(out) == before


def test_editing_one_profile_rewrites_only_the_pages_that_show_it(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out, "--no-search")
    before = mtimes(out)
    (content / "innovations/beta.md").write_text(BETA + "\nSatu kalimat baru.\n")
    build(content, out, "--no-search")
    after = mtimes(out)
    rewritten = sorted(rel for rel in after if before.get(rel) != after[rel])
    # Only beta's body changed, and no page but beta's own shows a body (the data files do not carry it).
    assert rewritten == ["inovasi/beta/index.html"]


def test_editing_a_title_rewrites_every_page_that_shows_it_and_no_other(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out, "--no-search")
    before, old_tree = mtimes(out), tree(out)
    (content / "innovations/beta.md").write_text(BETA.replace("title: Beta Belajar", "title: Beta Belajar Lagi"))
    build(content, out, "--no-search")
    after, new_tree = mtimes(out), tree(out)
    rewritten = {rel for rel in after if before.get(rel) != after[rel]}
    changed = {rel for rel in new_tree if old_tree.get(rel) != new_tree[rel]}
    assert rewritten == changed  # written exactly when the bytes differ
    assert {"inovasi/beta/index.html", "inovasi/index.html", "data/inovasi.json", "feed.xml"} <= changed
    assert "inovasi/alpha/index.html" in changed  # alpha lists beta among its replications
    assert "tentang/index.html" not in changed


def test_a_deleted_profile_disappears_and_its_alias_redirects_elsewhere(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out, "--no-search")
    assert (out / "inovasi/beta/index.html").is_file()
    (content / "innovations/beta.md").unlink()
    alpha = ALPHA.replace("aliases: [alpha-lama]", "aliases: [alpha-lama, beta]")
    alpha = alpha.replace("(/inovasi/beta/)", "(/inovasi/alpha/)")
    (content / "innovations/alpha.md").write_text(alpha)
    en = (content / "innovations/alpha.en.md").read_text().replace("(/inovasi/beta/)", "(/inovasi/alpha/)")
    (content / "innovations/alpha.en.md").write_text(en)
    build(content, out, "--no-search")
    page = (out / "inovasi/beta/index.html").read_text()
    assert 'http-equiv="refresh"' in page and "/inovasi/alpha/" in page
    assert "/inovasi/beta/" not in (out / "sitemap.xml").read_text()  # a redirect is no page of its own
    assert "Beta Belajar" not in (out / "inovasi/index.html").read_text()


def test_unchanged_files_are_the_previous_build_s_files(tmp_path: Path) -> None:
    """Kept files are hard links to the last build's: the same inode, so deploys see no change."""
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out, "--no-search")
    inode = (out / "tentang/index.html").stat().st_ino
    (content / "innovations/beta.md").write_text(BETA + "\nSatu kalimat baru.\n")
    build(content, out, "--no-search")
    assert (out / "tentang/index.html").stat().st_ino == inode


def test_nothing_changed_is_seen_without_rendering(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out)
    assert build(content, out).splitlines()[1] == "search: nothing changed since the last build"


def test_an_output_touched_since_the_last_build_is_built_again(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out, "--no-search")
    before = tree(out)
    (out / "tentang/index.html").unlink()
    assert "(1 file written)" in build(content, out, "--no-search")
    assert tree(out) == before


def test_a_deleted_profile_s_pages_disappear(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out, "--no-search")
    (content / "innovations/beta.md").unlink()
    for name in ("alpha.md", "alpha.en.md"):
        replace_in(content / "innovations" / name, "(/inovasi/beta/)", "(/inovasi/)")
    build(content, out, "--no-search")
    assert not (out / "inovasi/beta").exists()
    assert "/inovasi/beta/" not in (out / "sitemap.xml").read_text()
    assert '"beta"' not in (out / "data/inovasi.json").read_text()


def test_search_index_files_that_did_not_change_are_kept_too(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out)
    before = mtimes(out)
    (content / "innovations/beta.md").write_text(BETA + "\nSatu kalimat baru tentang perpustakaan keliling.\n")
    build(content, out)
    after = mtimes(out)
    fragments = [rel for rel in after if rel.startswith("pagefind/fragment/")]
    kept = [rel for rel in fragments if before.get(rel) == after[rel]]
    assert len(fragments) == 3  # alpha, its translation, beta
    assert len(kept) == 2  # only beta's fragment is new


def test_an_edit_updates_the_kept_search_index_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept staging folder's index files that are the live ones still stay as they are:
    only the changed fragment is placed (not a link for every profile again), the replaced
    one goes, and the site is a build from nothing's."""
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out)
    (content / "innovations/beta.md").write_text(BETA + "\nSatu kalimat baru tentang perpustakaan keliling.\n")
    build(content, out)  # the site of the first build is kept as the next one's staging folder
    (content / "innovations/beta.md").write_text(BETA + "\nSatu kalimat baru tentang kapal pustaka.\n")
    index = f"{tmp_path / '.public.staging' / 'pagefind'}/"
    placed: list[str] = []
    link = os.link

    def recorded(source: str, target: str) -> None:
        placed.extend([str(target)] if str(target).startswith(index) else [])
        link(source, target)

    live = {path.name for path in (out / "pagefind/fragment").iterdir()}
    monkeypatch.setattr(os, "link", recorded)
    build(content, out)
    monkeypatch.undo()
    new = {path.name for path in (out / "pagefind/fragment").iterdir()} - live
    assert len(new) == 1 and len(live) == 3  # beta's; alpha's and its translation's stay
    assert [path for path in placed if "/fragment/" in path] == [f"{index}fragment/{name}" for name in new]
    build(content, tmp_path / "fresh", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh")


def test_a_change_elsewhere_reuses_the_index_and_leaves_nothing_behind(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out)
    (content / "pages/tentang.md").write_text((content / "pages/tentang.md").read_text() + "\nSatu kalimat lagi.\n")
    stdout = build(content, out)
    assert "its index was reused" in stdout
    build(content, tmp_path / "fresh", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh")  # no stray files, the same bytes as a build from nothing


def test_an_index_is_reused_only_from_a_site_as_the_last_build_left_it(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out)
    next((out / "pagefind/fragment").iterdir()).unlink()  # the live index, damaged by hand
    (content / "pages/tentang.md").write_text((content / "pages/tentang.md").read_text() + "\nSatu kalimat lagi.\n")
    stdout = build(content, out)
    assert "its index was reused" not in stdout
    assert "in 1 part: 0 indexed by Pagefind, 1 unchanged" in stdout  # merged again from the kept part
    build(content, tmp_path / "fresh", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh")


# --- the replaced site is kept and brought up to date by the next build ------------------------


def test_builds_that_reuse_the_replaced_site_equal_a_build_from_nothing(tmp_path: Path) -> None:
    """Each build updates the site the one before it replaced (kept as the staging folder):
    it must drop a deleted profile's pages and a search index no longer wanted, and bring
    back what changed and changed back."""
    content, out, cache = make_site(tmp_path), tmp_path / "public", tmp_path / "cache"
    gamma = content / "innovations/gamma.md"
    gamma.write_text(BETA.replace("Beta", "Gamma").replace("aliases:", "x-aliases:"))

    def same_as_fresh(*extra: str) -> None:
        fresh = tmp_path / "fresh"
        build(content, fresh, "--no-cache", *extra)
        assert tree(out) == tree(fresh)
        shutil.rmtree(fresh)

    build(content, out, "--cache", str(cache))  # 1: gamma, search
    replace_in(content / "innovations/alpha.md", "Alpha Sehat", "Alpha Baru")
    build(content, out, "--cache", str(cache), "--no-search")  # 2: build 1's site is kept
    assert (tmp_path / ".public.staging" / "inovasi" / "gamma").is_dir()
    replace_in(content / "innovations/alpha.md", "Alpha Baru", "Alpha Sehat")
    gamma.unlink()
    build(content, out, "--cache", str(cache))  # 3: updates build 1's site, gamma and all
    same_as_fresh()
    replace_in(content / "innovations/beta.md", "status: pilot", "status: active")
    build(content, out, "--cache", str(cache), "--no-search")  # 4: updates build 2's site
    same_as_fresh("--no-search")
    replace_in(content / "innovations/beta.md", "status: active", "status: pilot")
    build(content, out, "--cache", str(cache), "--no-search")  # 5: build 3's site, its index too
    assert not (out / "pagefind").exists()
    same_as_fresh("--no-search")


def test_a_build_never_writes_into_the_live_site(tmp_path: Path) -> None:
    """Kept files are hard links to live ones: a changed file must be renamed over its
    link, never written into. The site build 2 replaced, untouched, is build 3's staging."""
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out)
    replace_in(content / "innovations/beta.md", "status: pilot", "status: active")
    build(content, out)
    live = tree(out)
    replace_in(content / "innovations/alpha.md", "Alpha Sehat", "Alpha Baru")
    build(content, out)
    assert tree(tmp_path / ".public.staging") == live
    assert tree(out) != live


def test_a_staging_folder_holding_a_link_is_rebuilt_not_followed(tmp_path: Path) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out, "--no-search")
    replace_in(content / "innovations/beta.md", "status: pilot", "status: active")
    build(content, out, "--no-search")
    outside = tmp_path / "outside"
    outside.mkdir()
    staging = tmp_path / ".public.staging"
    (staging / "inovasi").rename(tmp_path / "moved")
    (staging / "inovasi").symlink_to(outside, target_is_directory=True)
    replace_in(content / "innovations/alpha.md", "Alpha Sehat", "Alpha Baru")
    build(content, out, "--no-search")
    assert list(outside.iterdir()) == []
    fresh = tmp_path / "fresh"
    build(content, fresh, "--no-search")
    assert tree(out) == tree(fresh)


def _no_hard_links(*_: object) -> None:
    """``os.link`` on a file system without hard links (FAT, some network shares)."""
    raise PermissionError("hard links not supported here")


def test_without_hard_links_every_file_is_written_and_the_site_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems (FAT, some network shares) have no hard links: kept files are then copies."""
    monkeypatch.setattr(output.os, "link", _no_hard_links)
    content, out = make_site(tmp_path), tmp_path / "public"
    options = pipeline.Options(content, out, cache_dir=tmp_path / "cache", jobs=1)
    pipeline.build(options)
    replace_in(content / "innovations/alpha.md", "Alpha Sehat", "Alpha Baru")
    pipeline.build(options)
    replace_in(content / "innovations/beta.md", "status: pilot", "status: active")
    pipeline.build(options)
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    build(content, fresh, "--no-cache")
    assert tree(out) == tree(fresh)


class _StopAfter(threading.Event):
    """Set once it has been asked ``count`` times: a change that comes midway."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def is_set(self) -> bool:
        self.count -= 1
        return self.count < 0 or super().is_set()


@pytest.mark.parametrize("asked", [10**9, 40, 0], ids=["whole", "stopped-midway", "stopped-at-once"])
def test_a_kept_tree_made_from_the_live_site_serves_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, asked: int
) -> None:
    """After a build into an empty folder there is no staging folder; the preview makes one
    from the live site while it waits, whole or, when a change comes, as far as it got."""
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out)
    staging = tmp_path / ".public.staging"
    assert not staging.exists()
    assert output.make_kept_tree(out, _StopAfter(asked))
    kept = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    live = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert len(kept) == min(asked, len(live)) and set(kept) <= set(live)
    assert all((staging / rel).samefile(out / rel) for rel in kept)  # links, not copies
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.staging", "content", "public"]
    assert not output.make_kept_tree(out, threading.Event())  # there is one already
    reset = output._reset

    def reset_but_the_kept_tree(folder: Path) -> None:
        if folder == staging:
            pytest.fail("the kept tree was made anew")
        reset(folder)

    monkeypatch.setattr(output, "_reset", reset_but_the_kept_tree)
    replace_in(content / "innovations/alpha.md", "Alpha Sehat", "Alpha Baru")
    build(content, out)
    fresh = tmp_path / "fresh"
    build(content, fresh, "--no-cache")
    assert tree(out) == tree(fresh)


def test_no_kept_tree_is_made_beside_what_is_not_a_site_or_without_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("x")
    assert not output.make_kept_tree(tmp_path / "notes", threading.Event())
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out, "--no-search")
    monkeypatch.setattr(output.os, "link", _no_hard_links)
    assert not output.make_kept_tree(out, threading.Event())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "notes", "public"]


def test_a_kept_file_or_folder_in_the_way_of_a_new_path_is_replaced(tmp_path: Path) -> None:
    """The kept tree may hold a file where the new site needs a folder, or the reverse."""
    out = tmp_path / "public"
    kept = tmp_path / ".public.staging"
    (kept / "a").mkdir(parents=True)
    (kept / "a" / "index.html").write_text("old page")
    (kept / "b").write_text("old file")
    staging = output.Staging(out)
    assert staging.write("a", b"now a file")
    assert staging.write("b/index.html", b"now a page")
    staging.commit()
    assert (out / "a").read_bytes() == b"now a file"
    assert (out / "b" / "index.html").read_bytes() == b"now a page"


def test_a_linked_file_is_linked_anew_or_in_place_of_what_the_kept_tree_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Search fragments are linked into the staged site: as new names (the common case,
    tried first), over the kept tree's other file of the same name, in a folder not made
    yet, as a copy where there are no hard links, and with the size the caller knows."""
    out, kept = tmp_path / "public", tmp_path / ".public.staging"
    (kept / "f").mkdir(parents=True)
    (kept / "f" / "old.pf").write_text("the last build's fragment")
    made = tmp_path / "made"
    made.mkdir()
    for name in ("new.pf", "old.pf", "deep.pf", "copied.pf"):
        (made / name).write_text(f"Pagefind wrote {name}")
    staging = output.Staging(out)
    staging.link("f/new.pf", str(made / "new.pf"), 20)
    staging.link("f/old.pf", str(made / "old.pf"))
    staging.link("f/g/h/deep.pf", str(made / "deep.pf"))
    monkeypatch.setattr(output.os, "link", _no_hard_links)
    staging.link("f/copied.pf", str(made / "copied.pf"))
    monkeypatch.undo()
    assert staging.sizes == {"f/new.pf": 20, "f/old.pf": 21, "f/g/h/deep.pf": 22, "f/copied.pf": 24}  # new.pf: as told
    staged, linked = staging.path / "f", ("new.pf", "old.pf", "g/h/deep.pf")
    for rel in linked:
        assert (staged / rel).samefile(made / posixpath.basename(rel))
    assert not (staged / "copied.pf").samefile(made / "copied.pf")
    assert staging.commit() == (4, 87)
    assert {path.relative_to(out).as_posix(): path.read_text() for path in out.rglob("*.pf")} == {
        f"f/{rel}": f"Pagefind wrote {posixpath.basename(rel)}" for rel in (*linked, "copied.pf")
    }


# --- a page whose inputs did not change is not rendered again ---------------------------------


CHANGES = {  # a change to an input of pages other than the file's own: each must reach them
    "agency name": ("content/agencies/pemkab-beta.yml", "Pemerintah Kabupaten Beta", "Pemkab Beta Baru"),
    "name of an agency without profiles (on its province's page)": (
        "content/agencies/pemprov-jakarta.yml",
        "name: Pemerintah Provinsi DKI Jakarta",
        "name: Pemprov Jakarta Raya",
    ),
    "sector name": ("content/taxonomies/sectors.yml", "name: Pendidikan", "name: Pendidikan Dasar"),
    "static page title (in the menu)": ("content/pages/tentang.md", "title: Tentang Katalog Uji", "title: Tentang"),
    "site title": ("content/site.yml", "title: Katalog Uji", "title: Katalog Uji Baru"),
    "profile title (in listings, related, replications)": ("content/innovations/alpha.md", "title: Alpha", "title: A"),
    "UI string": ("templates/strings/id.yml", "label: Cari inovasi", "label: Telusuri inovasi"),
    "template": ("templates/base.html", "</body>", "<!-- diubah --></body>"),
    "stylesheet": ("assets/site.css", "", "/* diubah */\n"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_pages_not_rendered_again_are_those_whose_inputs_did_not_change(
    tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each change, after a build, must give the site a build from nothing gives."""
    project = tmp_path / "project"
    shutil.copytree(MINIMAL, project / "content")
    for folder in ("templates", "assets"):
        shutil.copytree(Path(pipeline.__file__).parent.parent / folder, project / folder)
    rel, old, new = CHANGES[change]

    out = tmp_path / "public"
    _build_project(project, out, tmp_path / "cache")
    path = project / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1) if old else new + text, "utf-8")
    rendered = count_renders(monkeypatch)
    _build_project(project, out, tmp_path / "cache")
    assert rendered
    _build_project(project, tmp_path / "fresh", None)
    assert tree(out) == tree(tmp_path / "fresh")


def _build_project(project: Path, out: Path, cache: Path | None) -> None:
    pipeline.build(pipeline.Options(project / "content", out, templates_dir=project / "templates",
                                    assets_dir=project / "assets", search=False, jobs=1, cache_dir=cache))  # fmt: skip


def count_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages the next builds render (in this process: --jobs 1), by address."""
    from katalog import render

    rendered: list[str] = []
    original = render.Renderer.render

    def counting(self: render.Renderer, page: Planned) -> bytes:
        rendered.append(page.path)
        return original(self, page)

    monkeypatch.setattr(render.Renderer, "render", counting)
    return rendered


def test_a_body_edit_renders_only_the_pages_that_show_the_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out = make_site(tmp_path), tmp_path / "public"
    build(content, out, "--no-search", "--jobs", "1")
    rendered = count_renders(monkeypatch)
    (content / "innovations/beta.md").write_text(BETA + "\nSatu kalimat baru.\n")
    build(content, out, "--no-search", "--jobs", "1")
    # The pages that hold the profile (its own, listings, its agency, sectors, the profile it
    # replicates), and no other: a page is rendered again when anything of a profile it
    # holds changed, shown or not.
    assert {"inovasi/beta/", "inovasi/", "inovasi/alpha/"} <= set(rendered), rendered
    untouched = {"tentang/", "cari/", "instansi/puskesmas-alpha/"}
    assert all((out / path / "index.html").is_file() for path in untouched)
    assert not untouched & set(rendered), rendered
    build(content, tmp_path / "fresh", "--no-search", "--no-cache")
    assert tree(out) == tree(tmp_path / "fresh")


def test_templates_compiled_by_one_build_are_not_compiled_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, templates = make_site(tmp_path), tmp_path / "templates"
    shutil.copytree(pipeline.DEFAULT_TEMPLATES, templates)
    options = pipeline.Options(
        content, tmp_path / "public", search=False, cache_dir=tmp_path / "cache", jobs=1, templates_dir=templates
    )
    compiled: list[str | None] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object) -> object:
        compiled.append(name)
        return real(self, source, name, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    pipeline.build(options)
    assert "innovation.html" in compiled
    compiled.clear()
    replace_in(content / "innovations/alpha.md", "Alpha Sehat", "Alpha Baru")  # its pages are rendered again
    pipeline.build(options)
    assert compiled == []
    replace_in(templates / "innovation.html", "</article>", "</article>\n")
    pipeline.build(options)
    assert compiled == ["innovation.html"]  # an edited template is compiled again, the others are not


def test_a_body_edit_encodes_the_data_files_record_of_that_profile_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = make_site(tmp_path)
    options = pipeline.Options(content, tmp_path / "public", search=False, cache_dir=tmp_path / "cache", jobs=1)
    encoded: list[str] = []
    real = exports.encoded
    monkeypatch.setattr(exports, "encoded", lambda rec: encoded.append(rec["slug"]) or real(rec))
    pipeline.build(options)
    assert encoded == ["alpha", "beta"]
    encoded.clear()
    (content / "innovations/alpha.md").write_text(ALPHA + "\nSatu kalimat baru.\n")
    pipeline.build(options)
    assert encoded == ["alpha"]
    encoded.clear()
    replace_in(content / "agencies/puskesmas-alpha.yml", "Puskesmas Alpha", "Puskesmas Alfa")
    pipeline.build(options)
    assert encoded == ["alpha"]  # its agency's name is in its record
    pipeline.build(pipeline.Options(content, tmp_path / "fresh", search=False, cache_dir=None))
    assert tree(tmp_path / "public") == tree(tmp_path / "fresh")


def test_the_listing_a_build_records_is_the_folder_s_own(tmp_path: Path) -> None:
    """A build counts what it staged instead of listing the output again; the next build
    trusts its record only while the folder's listing matches it."""
    content, out, cache = make_site(tmp_path), tmp_path / "public", tmp_path / "cache"

    def recorded() -> tuple[int, int]:
        store = Cache(cache)
        try:
            done = store.get_objects(pipeline.BUILDS, [str(out.resolve())])[str(out.resolve())]
        finally:
            store.close()
        assert isinstance(done, pipeline.Record)
        return done.listing

    build(content, out, "--cache", str(cache))  # from nothing
    assert recorded() == pipeline._listing(out)
    gamma = content / "innovations/gamma.md"
    gamma.write_text(BETA.replace("Beta", "Gamma").replace("aliases:", "x-aliases:"))
    build(content, out, "--cache", str(cache))  # pages kept, written and added; the index merged
    assert recorded() == pipeline._listing(out)
    gamma.unlink()
    build(content, out, "--cache", str(cache), "--no-search")  # pages and the index removed
    assert recorded() == pipeline._listing(out)
    with (out / "robots.txt").open("a") as robots:
        robots.write("# touched by hand\n")  # the record no longer holds: built again, not skipped
    assert "(1 file written)" in build(content, out, "--cache", str(cache), "--no-search")
    assert recorded() == pipeline._listing(out)


def files_read(monkeypatch: pytest.MonkeyPatch, module: object, reader: str) -> list[str]:
    """The paths ``module.reader`` is called with from now on (it still reads them)."""
    read: list[str] = []
    real = getattr(module, reader)
    monkeypatch.setattr(module, reader, lambda path: read.append(path) or real(path))
    return read


def test_a_content_file_is_read_again_only_when_its_stamp_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "SETTLED_NS", 0)  # the files were all written a moment ago
    content = make_site(tmp_path)
    options = pipeline.Options(content, tmp_path / "public", search=False, cache_dir=tmp_path / "cache", jobs=1)
    read = files_read(monkeypatch, pipeline, "file_sha256")
    pipeline.build(options)
    assert str(content / "innovations/alpha.md") in read
    read.clear()
    alpha = content / "innovations/alpha.md"
    alpha.write_text(ALPHA + "\nSatu kalimat baru.\n")
    pipeline.build(options)
    assert read == [str(alpha)]
    read.clear()
    # The same size and modification time, other bytes: the change time tells.
    before = alpha.stat()
    alpha.write_text(ALPHA.replace("Alpha Sehat", "Alpha Rusak") + "\nSatu kalimat baru.\n")
    os.utime(alpha, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert alpha.stat().st_size == before.st_size and alpha.stat().st_mtime_ns == before.st_mtime_ns
    pipeline.build(options)
    assert read == [str(alpha)]
    assert "Alpha Rusak" in (tmp_path / "public/inovasi/alpha/index.html").read_text()


def test_content_files_hashed_on_several_cores_are_hashed_as_on_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "SETTLED_NS", 0)
    folder, store = tmp_path / "content", Cache(tmp_path / "cache")

    def write(version: str) -> dict[str, str]:
        for n in range(150):  # enough for two workers (see parallel.MIN_ITEMS_PER_WORKER)
            path = folder / f"{n % 7}" / f"{n:03}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"berkas {n} {version}\n" * (n + 1))
        files = sorted(folder.rglob("*.md"))
        return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}

    first = write("satu")
    assert pipeline._hashed_files(folder, store, cores=2) == first
    (folder / "0/000.md").write_text("hanya satu yang berubah\n")  # known files by their stamps, one read
    first["0/000.md"] = hashlib.sha256(b"hanya satu yang berubah\n").hexdigest()
    assert pipeline._hashed_files(folder, store, cores=2) == first
    second = write("dua")  # every file changed: all read again, on two cores
    assert second != first
    hashed = pipeline._hashed_files(folder, store, cores=2)
    assert hashed == second and list(hashed) == list(second)  # in the order of their paths


def test_check_too_reads_only_the_files_whose_stamp_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "SETTLED_NS", 0)
    content = make_site(tmp_path)
    options = pipeline.Options(content, tmp_path / "public", cache_dir=tmp_path / "cache", jobs=1)
    read = files_read(monkeypatch, sources, "_read_bytes")
    pipeline.prepare(options)
    assert str(content / "innovations/alpha.md") in read
    read.clear()
    alpha = content / "innovations/alpha.md"
    alpha.write_text(ALPHA.replace("Alpha Sehat", "Alpha Baru"))
    plan = pipeline.prepare(options)
    assert read == [str(alpha)]  # the others' parse is the cache's, found by their stamps
    assert "Alpha Baru" in [item.title for item in plan.catalogue.innovations]


def test_a_linked_content_file_is_hashed_on_every_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "SETTLED_NS", 0)
    content = make_site(tmp_path)
    (content / "innovations/gamma.md").write_text(BETA.replace("Beta", "Gamma").replace("aliases:", "x-aliases:"))
    (content / "innovations/delta.md").symlink_to("gamma.md")  # its stamp is the link's own
    options = pipeline.Options(content, tmp_path / "public", search=False, cache_dir=tmp_path / "cache", jobs=1)
    pipeline.build(options)
    gamma = (content / "innovations/gamma.md").read_text()
    (content / "innovations/gamma.md").write_text(gamma + "\nKalimat yang baru ditambahkan.\n")
    pipeline.build(options)
    assert "Kalimat yang baru ditambahkan." in (tmp_path / "public/inovasi/delta/index.html").read_text()


def test_a_file_changed_in_the_last_two_seconds_is_not_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = make_site(tmp_path)
    options = pipeline.Options(content, tmp_path / "public", search=False, cache_dir=tmp_path / "cache", jobs=1)
    pipeline.build(options)  # every file was written less than two seconds ago
    read = files_read(monkeypatch, pipeline, "file_sha256")
    pipeline.build(options)
    assert str(content / "innovations/alpha.md") in read


def test_a_body_edit_keeps_the_data_files_without_reading_a_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out, cache = make_site(tmp_path), tmp_path / "public", tmp_path / "cache"
    options = pipeline.Options(content, out, search=False, cache_dir=cache, jobs=1)
    joined: list[int] = []
    real = exports.to_json
    monkeypatch.setattr(
        exports, "to_json", lambda cat, links, records: joined.append(len(records)) or real(cat, links, records)
    )
    pipeline.build(options)
    assert joined == [2]
    joined.clear()
    (content / "innovations/alpha.md").write_text(ALPHA + "\nSatu kalimat baru.\n")  # not in the data files
    before = mtimes(out)
    pipeline.build(options)
    assert joined == []
    assert mtimes(out)["data/inovasi.json"] == before["data/inovasi.json"]
    replace_in(content / "innovations/alpha.md", "Alpha Sehat", "Alpha Baru")  # in them
    pipeline.build(options)
    assert joined == [2]
    assert "Alpha Baru" in (out / "data/inovasi.json").read_text()
    pipeline.build(pipeline.Options(content, tmp_path / "fresh", search=False, cache_dir=None))
    assert tree(out) == tree(tmp_path / "fresh")


def test_records_lost_from_the_cache_are_encoded_again(tmp_path: Path) -> None:
    content, out, cache = make_site(tmp_path), tmp_path / "public", tmp_path / "cache"
    options = pipeline.Options(content, out, search=False, cache_dir=cache, jobs=1)
    pipeline.build(options)
    store = Cache(cache)
    assert store._db is not None
    with store._db:
        store._db.execute("DELETE FROM entries WHERE tab = ?", (pipeline.EXPORTS,))  # their hashes stay
    store.close()
    replace_in(content / "innovations/alpha.md", "Alpha Sehat", "Alpha Baru")
    pipeline.build(options)
    pipeline.build(pipeline.Options(content, tmp_path / "fresh", search=False, cache_dir=None))
    assert tree(out) == tree(tmp_path / "fresh")


def test_a_rebuild_reads_from_the_cache_only_the_html_of_the_pages_it_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out, cache = make_site(tmp_path, base=SHIPPED), tmp_path / "public", tmp_path / "cache"
    options = pipeline.Options(content, out, search=False, cache_dir=cache, jobs=1)
    pipeline.build(options)
    read: list[str] = []
    real = Reader.get
    monkeypatch.setattr(Reader, "get", lambda self, table, key: read.append(key) or real(self, table, key))
    replace_in(content / "innovations/toss-klungkung.md", "TOSS Center Kusamba", "TOSS Center Desa Kusamba")
    pipeline.build(options)  # its body was converted; the profiles listing it as related are read
    assert 0 < len(read) < 14
    pipeline.build(pipeline.Options(content, tmp_path / "fresh", search=False, cache_dir=None))
    assert tree(out) == tree(tmp_path / "fresh")


def test_html_is_read_from_the_cache_when_asked_for_and_converted_again_if_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, html = "## Judul\n\nTeks.", '<h2 id="judul">Judul</h2>\n<p>Teks.</p>'
    first = Cache(tmp_path)
    assert dict(markup.render_all([text], "/", first, cores=1)) == {text: html}  # converted and kept
    first.close()
    store = Cache(tmp_path)
    kept, lost = markup.render_all([text], "/", store, cores=1), markup.render_all([text], "/", store, cores=1)
    with monkeypatch.context() as patch:
        patch.setattr(markup.Markup, "render", lambda self, text: pytest.fail("converted again"))
        assert kept[text] == html  # read from the cache
    assert store._db is not None
    with store._db:
        store._db.execute("DELETE FROM entries WHERE tab = ?", (markup.CACHE_TABLE,))
    assert lost[text] == html  # gone from the cache since the build looked: converted again
    store.close()


def test_a_cache_named_by_a_relative_path_serves_a_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As ``build.py --cache .cache-pr`` names it: a rebuild reads the HTML of the pages it
    renders again from the cache, in whichever process renders them."""
    content, out = make_site(tmp_path, base=SHIPPED), tmp_path / "public"
    monkeypatch.chdir(tmp_path)
    options = pipeline.Options(content, out, search=False, cache_dir=Path("cache"), jobs=1)
    pipeline.build(options)
    replace_in(content / "innovations/toss-klungkung.md", "TOSS Center Kusamba", "TOSS Center Desa Kusamba")
    pipeline.build(options)  # the profiles that list it as related are rendered from the cache's HTML
    pipeline.build(pipeline.Options(content, tmp_path / "fresh", search=False, cache_dir=None))
    assert tree(out) == tree(tmp_path / "fresh")


def test_html_begun_beside_the_checks_is_collected_kept_and_never_converted_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)  # two texts, on two cores
    first, second, third = "## Satu\n\n[daftar](/inovasi/)", "## Dua\n\nTeks.", "## Tiga\n\nTeks."
    expected = {text: Markup("/k/").render(text) for text in (first, second, third)}
    store = Cache(tmp_path)
    started = markup.start([first, second], "/k/", store, cores=2)
    with monkeypatch.context() as patch:
        patch.setattr(markup.Markup, "render", lambda self, text: pytest.fail("converted again"))
        patch.setattr(Cache, "known", lambda *args: pytest.fail("looked up again"))
        assert dict(markup.render_all([second, first], "/k/", store, 2, started)) == {
            first: expected[first],
            second: expected[second],
        }
    assert not parallel._STARTED
    # A text the conversion did not cover is converted now; those it did are in the cache.
    again = markup.start([first], "/k/", store, cores=2)
    assert again.missing == []
    converted: list[str] = []
    render = markup.Markup.render
    monkeypatch.setattr(markup.Markup, "render", lambda self, text: converted.append(text) or render(self, text))
    assert dict(markup.render_all([first, third], "/k/", store, 1, again)) == {
        first: expected[first],
        third: expected[third],
    }
    assert converted == [third]
    # Begun for another base path: kept under that one, and converted again for this one.
    other = markup.start([first], "/", store, cores=1)
    assert markup.render_all([first], "/k/", store, 1, other)[first] == expected[first] != Markup("/").render(first)
    store.close()
