"""``build.py diff OLD NEW``: what a change does to the built site, and no published address lost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from katalog import sitediff

from .helpers import MINIMAL, make_site, run

BETA = (MINIMAL / "innovations/beta.md").read_text()
# Beta removed: alpha's body must stop linking to it, or the build refuses the broken link.
WITHOUT_BETA = {
    "innovations/beta.md": None,
    **{
        f"innovations/{name}": (MINIMAL / "innovations" / name).read_text().replace("(/inovasi/beta/)", "(/inovasi/)")
        for name in ("alpha.md", "alpha.en.md")
    },
}
Builder = Callable[..., Path]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Builder:
    """Build the minimal site with ``files`` laid over it (``--no-search``); each variant once per module."""
    cache: dict[str, Path] = {}

    def build(name: str, files: dict[str, str | bytes | None] | None = None, *extra: str) -> Path:
        if name not in cache:
            root = tmp_path_factory.mktemp(name)
            out = root / "public"
            code, _, err = run("build", "--content", str(make_site(root, files)), "--out", str(out), "--no-search",
                               *extra)  # fmt: skip
            assert code == 0, err
            cache[name] = out
        return cache[name]

    return build


def diff(old: Path, new: Path, *extra: str) -> tuple[int, str, str]:
    return run("diff", str(old), str(new), *extra)


def test_added_profile(built: Builder) -> None:
    gamma = BETA.replace("Beta Belajar", "Gamma Gizi").replace("replicated_from: alpha\n", "")
    code, out, err = diff(built("base"), built("added", {"innovations/gamma.md": gamma}))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "added: /inovasi/gamma/" in lines
    assert "changed: /inovasi/" in lines  # the listing shows the new card
    assert "changed: /sitemap.xml" in lines
    assert not [line for line in lines if line.startswith("removed:")]
    assert lines[-1].startswith("1 added, ")
    assert ", 0 removed, 0 redirected, " in lines[-1]


def test_changed_profile(built: Builder) -> None:
    changed = BETA.replace("Banyak anak putus sekolah.", "Banyak anak putus sekolah di desa.")
    code, out, err = diff(built("base"), built("changed", {"innovations/beta.md": changed}))
    assert (code, err) == (0, "")
    *lines, last = out.splitlines()
    assert lines == ["changed: /inovasi/beta/"]
    assert last.startswith("0 added, 1 changed, 0 removed, 0 redirected, ")
    assert last.endswith(" unchanged (not listed: assets/ unchanged)")


def test_same_content_changes_nothing(built: Builder, tmp_path: Path) -> None:
    again = tmp_path / "again"
    code, _, err = run("build", "--content", str(make_site(tmp_path)), "--out", str(again), "--no-search")
    assert code == 0, err
    code, out, _ = diff(built("base"), again)
    assert code == 0
    assert out.startswith("0 added, 0 changed, 0 removed, 0 redirected, ")


def test_removed_profile_is_an_error(built: Builder) -> None:
    code, out, err = diff(built("base"), built("removed", WITHOUT_BETA))
    assert code == 1
    assert "removed: /inovasi/beta/" in out.splitlines()
    assert err.splitlines() == [
        "error: /inovasi/beta/ was removed without a redirect; put its slug in `aliases` of the profile that "
        "replaces it (aliases: [beta]), or if none does, add it to content/redirects.yml",
        # the only profile started in 2021 took its year page with it
        "error: /tahun/2021/ was removed without a redirect; add it to content/redirects.yml "
        "(/tahun/2021/: /new/address/)",
    ]


def test_renamed_profile_with_an_alias_is_redirected(built: Builder) -> None:
    renamed = {
        "innovations/beta.md": None,
        "innovations/gamma.md": BETA.replace("updated:", "aliases: [beta]\nupdated:"),
    }
    code, out, err = diff(built("base"), built("renamed", renamed))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "added: /inovasi/gamma/" in lines
    assert "redirected: /inovasi/beta/ -> /inovasi/gamma/" in lines
    assert not [line for line in lines if line.startswith("removed:")]


def test_a_page_of_a_listing_may_disappear(built: Builder) -> None:
    """31 profiles in the health sector fill two pages; moving one away leaves one."""
    extra = {f"innovations/p{n:02}.md": BETA.replace("Beta Belajar", f"Profil {n:02}") for n in range(1, 30)}
    shrunk = {
        **extra,
        "innovations/p29.md": extra["innovations/p29.md"].replace("[pendidikan, kesehatan]", "[pendidikan]"),
    }
    old, new = built("long", extra), built("shrunk", shrunk)
    assert (old / "sektor/kesehatan/halaman/2/index.html").is_file()
    code, out, err = diff(old, new)
    assert (code, err) == (0, "")
    assert "removed: /sektor/kesehatan/halaman/2/" in out.splitlines()


def test_markdown_report_for_the_job_summary(built: Builder) -> None:
    code, out, err = diff(built("base"), built("removed", WITHOUT_BETA), "--format", "markdown")
    assert code == 1
    assert out.startswith("### Changes to the built site\n\n| addresses | count |\n| --- | ---: |\n| added | 0 |\n")
    assert "| removed | 2 |\n" in out
    assert "**Error: 2 published addresses were removed without a redirect.**" in out
    assert "- `/inovasi/beta/`: put its slug in `aliases`" in out
    assert "<details><summary>Removed (2)</summary>\n\n- `/inovasi/beta/`\n- `/tahun/2021/`\n\n</details>" in out
    assert "<details><summary>Added" not in out  # empty lists are left out
    assert err.startswith("error: /inovasi/beta/ was removed without a redirect")


@pytest.mark.parametrize("which", ["old", "new"])
def test_a_folder_that_is_not_a_build_is_a_usage_error(built: Builder, tmp_path: Path, which: str) -> None:
    other = tmp_path / "notes"
    other.mkdir()
    (other / "index.html").write_text("<p>my notes</p>")
    args = (other, built("base")) if which == "old" else (built("base"), other)
    code, out, err = diff(*args)
    assert (code, out) == (2, "")
    assert err == f"diff: {other} does not look like a built site (no index.html and sitemap.xml)\n"
    code, _, err = diff(built("base"), tmp_path / "missing")
    assert code == 2
    assert err == f"diff: {tmp_path / 'missing'} is not a folder; build the site into it first\n"


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/katalog/"])
def test_redirects_yml_makes_a_redirect_page(built: Builder, base_url: str) -> None:
    files = {"redirects.yml": "/instansi/dinas-lama/: /instansi/pemkab-beta/\n"}
    site = built(f"redirects-{base_url.count('/')}", files, "--base-url", base_url)
    base_path = base_url.removeprefix("https://example.org")
    html = (site / "instansi/dinas-lama/index.html").read_text()
    assert f'<meta http-equiv="refresh" content="0; url={base_path}instansi/pemkab-beta/">' in html
    assert f'<link rel="canonical" href="{base_url}instansi/pemkab-beta/">' in html
    assert "Halaman ini sekarang ada di alamat baru:" in html
    assert "dinas-lama" not in (site / "sitemap.xml").read_text()


def test_an_address_that_became_a_redirect_is_listed_with_its_target(built: Builder) -> None:
    """The agency page moved: its file in the new build is a redirect page, so nothing is lost."""
    old = built("base")
    new = built("agency-renamed", {
        "agencies/pemkab-beta.yml": None,
        "agencies/pemkab-beta-baru.yml": (MINIMAL / "agencies/pemkab-beta.yml").read_text(),
        "innovations/beta.md": BETA.replace("agency: pemkab-beta", "agency: pemkab-beta-baru"),
        "innovations/alpha.md": (MINIMAL / "innovations/alpha.md").read_text().replace(
            "agency: pemkab-beta", "agency: pemkab-beta-baru"),
        "redirects.yml": "/instansi/pemkab-beta/: /instansi/pemkab-beta-baru/\n",
    })  # fmt: skip
    code, out, err = diff(old, new)
    assert (code, err) == (0, "")
    assert "redirected: /instansi/pemkab-beta/ -> /instansi/pemkab-beta-baru/" in out.splitlines()
    assert "added: /instansi/pemkab-beta-baru/" in out.splitlines()


def site_folder(root: Path, files: dict[str, str]) -> Path:
    """A hand-made build: the two files every build has, plus ``files``."""
    for rel, text in {"index.html": "<h1>Beranda</h1>", "sitemap.xml": "<urlset/>", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


REDIRECT = '<head><meta http-equiv="refresh" content="0; url=/katalog/inovasi/baru/"></head>'


def test_rules_on_hand_made_builds(tmp_path: Path) -> None:
    old = site_folder(tmp_path / "old", {
        "inovasi/lama/index.html": "profil",
        "inovasi/alias/index.html": REDIRECT,
        "inovasi/halaman/2/index.html": "halaman 2",
        "media/lama/foto.jpg": "jpg",
        "feed.xml": "<feed/>",
        "assets/site.css": "a{}",
    })  # fmt: skip
    new = site_folder(tmp_path / "new", {
        "inovasi/lama/index.html": REDIRECT,
        "inovasi/baru/index.html": "profil",
        "feed.xml": "<feed>baru</feed>",
        "assets/site.css": "b{}",
        "pagefind/pagefind.js": "js",
    })  # fmt: skip
    result = sitediff.compare(old, new)
    assert result.added == ["/inovasi/baru/"]
    assert result.changed == ["/feed.xml"]
    assert result.redirected == [("/inovasi/lama/", "/katalog/inovasi/baru/")]
    assert result.removed == ["/inovasi/alias/", "/inovasi/halaman/2/", "/media/lama/foto.jpg"]
    assert result.errors == ["/inovasi/alias/"]  # a former slug is published too
    assert result.unchanged == 2
    assert {f: str(c) for f, c in result.not_listed.items()} == {"assets/": "1 changed", "pagefind/": "1 added"}


@pytest.mark.parametrize(
    ("rel", "address"),
    [("index.html", "/"), ("inovasi/foo/index.html", "/inovasi/foo/"), ("404.html", "/404.html"),
     ("data/inovasi.json", "/data/inovasi.json"), ("feed.xml", "/feed.xml")],
)  # fmt: skip
def test_address_of_a_file(rel: str, address: str) -> None:
    assert sitediff.address_of(rel) == address


@pytest.mark.parametrize(
    ("address", "fix"),
    [("/inovasi/foo/", "put its slug in `aliases`"), ("/en/inovasi/foo/", "add it to content/redirects.yml"),
     ("/inovasi/foo/bar/", "add it to content/redirects.yml"), ("/instansi/x/", "add it to content/redirects.yml")],
)  # fmt: skip
def test_the_fix_depends_on_the_address(address: str, fix: str) -> None:
    assert sitediff.fix_for(address).startswith(fix)
