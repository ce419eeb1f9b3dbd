"""``build.py new``: a new profile that passes ``check`` as written, never an overwrite."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from katalog import scaffold, schema

from .helpers import make_site, run

SUMMARY = "Warga Kabupaten Beta mengurus akta kelahiran langsung di rumah sakit tempat bayi lahir."
TODAY = dt.date(2024, 12, 1)


def new(content: Path, *extra: str) -> tuple[int, str, str]:
    return run("new", "--content", str(content), *extra)


def all_options(title: str = "Akta Langsung") -> list[str]:
    return ["--title", title, "--agency", "pemkab-beta", "--sector", "kesehatan", "--summary", SUMMARY]


def profiles(content: Path) -> set[str]:
    return {p.name for p in (content / "innovations").iterdir()}


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Like CI: standard input is not a terminal unless a test says so."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


# --- slugs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Cek dan Sadari", "cek-dan-sadari"),
        ("Pelayanan Kécamatan Ñusa — Édisi 2", "pelayanan-kecamatan-nusa-edisi-2"),
        ("Bidan & Dukun: Kemitraan!", "bidan-dan-dukun-kemitraan"),
        ("  PBG 10 Jam  ", "pbg-10-jam"),
    ],
)
def test_slug_from_a_title(title: str, slug: str) -> None:
    assert scaffold.slugify(title) == slug


def test_a_long_title_is_cut_between_words_within_the_schema_limit() -> None:
    slug = scaffold.slugify("Layanan " * 20)
    assert len(slug) <= scaffold.max_slug_length() == 80
    assert slug.startswith("layanan-") and slug.endswith("layanan")
    assert re.fullmatch(schema.load_schema("common")["$defs"]["slug"]["pattern"], slug)


def test_a_free_slug_is_kept_and_a_taken_one_numbered() -> None:
    assert scaffold.free_slug("akta", set()) == "akta"
    assert scaffold.free_slug("akta", {"akta"}) == "akta-2"
    assert scaffold.free_slug("akta", {"akta", "akta-2"}) == "akta-3"


def test_a_numbered_slug_still_fits_the_limit() -> None:
    base = "a" * 80
    assert scaffold.free_slug(base, {base}) == "a" * 78 + "-2"


def test_reserved_slugs_are_never_picked() -> None:
    assert scaffold.free_slug("terbaru", set()) == "terbaru-2"
    assert scaffold.free_slug("halaman", set()) == "halaman-2"


def test_slugs_and_aliases_of_existing_profiles_count_as_taken(tmp_path: Path) -> None:
    known = scaffold.known(make_site(tmp_path))  # alpha has the alias alpha-lama
    assert {"alpha", "beta", "alpha-lama"} <= known.taken
    assert scaffold.free_slug(scaffold.slugify("Alpha Lama"), known.taken) == "alpha-lama-2"


def test_new_numbers_the_slug_of_a_title_already_used(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    code, out, err = new(content, *all_options("Alpha"))
    assert (code, err) == (0, "")
    assert (content / "innovations" / "alpha-2.md").is_file()
    assert "alpha-2.md" in out


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("alpha", "'alpha' is already the slug or a former slug (alias) of a profile"),
        ("alpha-lama", "'alpha-lama' is already the slug or a former slug (alias) of a profile"),
        ("terbaru", "'terbaru' is an address the list of innovations uses"),
        ("Akta_Baru", "'Akta_Baru' is not a valid slug"),
    ],
)
def test_an_explicit_slug_that_cannot_be_used_is_refused(tmp_path: Path, slug: str, message: str) -> None:
    content = make_site(tmp_path)
    before = (content / "innovations" / "alpha.md").read_bytes()
    code, out, err = new(content, *all_options(), "--slug", slug)
    assert code == 1
    assert out == ""
    assert f"--slug: {message}" in err
    assert err.endswith("nothing was written\n")
    assert profiles(content) == {"alpha.md", "alpha.en.md", "beta.md"}
    assert (content / "innovations" / "alpha.md").read_bytes() == before


def test_an_explicit_free_slug_is_used(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    code, _, _ = new(content, *all_options(), "--slug", "akta-di-rumah-sakit")
    assert code == 0
    assert (content / "innovations" / "akta-di-rumah-sakit.md").is_file()


# --- missing and wrong values --------------------------------------------


def test_missing_options_without_a_terminal_are_a_usage_error(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    code, out, err = new(content, "--title", "Akta Langsung", "--agency", "pemkab-beta")
    assert code == 2
    assert out == ""
    assert "missing --sector, --summary" in err
    assert profiles(content) == {"alpha.md", "alpha.en.md", "beta.md"}


def test_unknown_agency_gets_a_suggestion_and_nothing_is_written(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    options = all_options()
    options[options.index("pemkab-beta")] = "pemkab-bta"
    code, _, err = new(content, *options)
    assert code == 1
    assert "--agency: unknown agency 'pemkab-bta'; did you mean 'pemkab-beta'?" in err
    assert profiles(content) == {"alpha.md", "alpha.en.md", "beta.md"}


def test_unknown_sector_gets_a_suggestion(tmp_path: Path) -> None:
    options = [*all_options(), "--sector", "pendidkan"]
    code, _, err = new(make_site(tmp_path), *options)
    assert code == 1
    assert "--sector: unknown sector 'pendidkan'; did you mean 'pendidikan'?" in err


def test_a_short_summary_is_refused_with_the_schema_message(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    options = all_options()
    options[options.index(SUMMARY)] = "Terlalu pendek."
    code, _, err = new(content, *options)
    assert code == 1
    assert "--summary: is 15 characters long; write 40 to 300 characters" in err
    assert profiles(content) == {"alpha.md", "alpha.en.md", "beta.md"}


def test_too_many_sectors_are_refused(tmp_path: Path) -> None:
    options = [*all_options(), "--sector", "pendidikan", "--sector", "a", "--sector", "b"]
    code, _, err = new(make_site(tmp_path), *options)
    assert code == 1
    assert "--sector: has 4 item(s); give 1 to 3" in err


# --- the file ------------------------------------------------------------


def write(tmp_path: Path) -> Path:
    request = scaffold.Request(make_site(tmp_path), "Akta Langsung", "pemkab-beta", ("kesehatan",), SUMMARY)
    return scaffold.create(request, TODAY, None)


def front_matter_lines(text: str) -> list[str]:
    return text.split("---\n")[1].splitlines()


def test_the_first_line_of_the_front_matter_names_the_schema_by_a_relative_path(tmp_path: Path) -> None:
    path = write(tmp_path)
    first = front_matter_lines(path.read_text("utf-8"))[0]
    ref = first.removeprefix("# yaml-language-server: $schema=")
    assert ref != first and not ref.startswith("/")
    assert (path.parent / ref).resolve() == (schema.SCHEMA_DIR / "innovation.schema.json").resolve()


def test_the_repository_profiles_get_the_short_relative_path() -> None:
    from katalog.config import DEFAULT_CONTENT

    target = DEFAULT_CONTENT / "innovations" / "x.md"
    assert scaffold.schema_ref(target) == "../../katalog/schemas/innovation.schema.json"


def test_required_fields_are_filled_in(tmp_path: Path) -> None:
    data = yaml.safe_load(write(tmp_path).read_text("utf-8").split("---\n")[1])
    assert data == {
        "title": "Akta Langsung",
        "summary": SUMMARY,
        "agency": "pemkab-beta",
        "sectors": ["kesehatan"],
        "status": "active",
        "updated": TODAY,
    }


def switched_on(path: Path) -> dict[str, Any]:
    """The front matter with every example line switched on, as an editor would (drop the '# ')."""
    lines = front_matter_lines(path.read_text("utf-8"))
    on = [line[2:] if line.startswith("# ") and "yaml-language-server" not in line else line for line in lines]
    data: dict[str, Any] = yaml.safe_load("\n".join(on))
    return data


def every_property(node: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of every property of a schema node, nested objects and list items included."""
    out = []
    for name, spec in node.get("properties", {}).items():
        out.append(prefix + name)
        inner = spec.get("items", spec)
        out += every_property(inner, f"{prefix}{name}.")
    return out


def paths_of(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        found = set()
        for key, inner in value.items():
            found |= {prefix + key} | paths_of(inner, f"{prefix}{key}.")
        return found
    if isinstance(value, list):
        return set().union(*(paths_of(item, prefix) for item in value)) if value else set()
    return set()


def test_every_field_of_the_schema_is_in_the_template(tmp_path: Path) -> None:
    """A field added to the schema can never be forgotten by ``new``."""
    path = write(tmp_path)
    lines = front_matter_lines(path.read_text("utf-8"))
    for name in schema.field_names("innovation"):
        assert any(line.startswith((f"{name}:", f"# {name}:")) for line in lines), name
    assert set(every_property(schema.load_schema("innovation"))) <= paths_of(switched_on(path))


def test_every_example_switched_on_still_passes_the_schema(tmp_path: Path) -> None:
    data = switched_on(write(tmp_path))
    data["updated"] = data["updated"].isoformat()
    assert sorted(data) == sorted(schema.field_names("innovation"))
    assert schema.check_values("innovation", data) == []


def test_every_field_has_its_indonesian_title_as_a_comment(tmp_path: Path) -> None:
    text = write(tmp_path).read_text("utf-8")
    for spec in schema.load_schema("innovation")["properties"].values():
        assert f"## {spec['title']}" in text


def test_the_body_has_the_six_sections_of_the_contract(tmp_path: Path) -> None:
    body = write(tmp_path).read_text("utf-8").split("---\n", 2)[2]
    headings = re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
    assert headings == ["Latar Belakang", "Inovasi", "Dampak", "Sumber Daya", "Keberlanjutan", "Replikasi"]
    assert body.count("<!--") == 6


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    request = scaffold.Request(content, "Akta Langsung", "pemkab-beta", ("kesehatan",), SUMMARY, slug="akta")
    scaffold.create(request, TODAY, None)
    with pytest.raises(scaffold.NewProfileError):
        scaffold.create(request, TODAY, None)


# --- end to end ----------------------------------------------------------


def test_the_new_profile_passes_check_and_is_built(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    code, out, err = new(content, *all_options("Akta Langsung di Rumah Sakit"))
    assert (code, err) == (0, "")
    path = content / "innovations" / "akta-langsung-di-rumah-sakit.md"
    assert out.startswith(f"wrote {path}\n")
    assert "build.py check --content" in out
    assert run("check", "--content", str(content))[0] == 0
    site = tmp_path / "public"
    code, _, err = run("build", "--content", str(content), "--out", str(site), "--no-search")
    assert code == 0, err
    page = (site / "inovasi" / "akta-langsung-di-rumah-sakit" / "index.html").read_text("utf-8")
    assert "Akta Langsung di Rumah Sakit" in page
    assert '<h2 id="latar-belakang">Latar Belakang</h2>' in page
    assert "<!--" not in page  # the guidance notes never reach the site
    assert scaffold.SECTIONS[0][1] not in page


# --- in a terminal -------------------------------------------------------


class Typed(io.StringIO):
    """Standard input that says it is a terminal and holds what a person types."""

    def isatty(self) -> bool:
        return True


def test_in_a_terminal_missing_values_are_asked_with_choices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_site(tmp_path)
    typed = ["Akta Langsung", "beta", "pemkab-beta", "kesehatan, pendidikan", "pendek", SUMMARY]
    monkeypatch.setattr("sys.stdin", Typed("\n".join(typed) + "\n"))
    code, out, err = new(content)
    assert (code, err) == (0, "")
    assert "Instansi yang cocok: pemkab-beta (Pemerintah Kabupaten Beta)" in out
    assert "Pilihan: kesehatan, pendidikan" in out
    assert "is 6 characters long; write 40 to 300 characters" in out
    data = yaml.safe_load((content / "innovations" / "akta-langsung.md").read_text("utf-8").split("---\n")[1])
    assert (data["agency"], data["sectors"], data["summary"]) == ("pemkab-beta", ["kesehatan", "pendidikan"], SUMMARY)


def test_input_that_ends_early_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_site(tmp_path)
    monkeypatch.setattr("sys.stdin", Typed("Akta Langsung\n"))
    code, _, err = new(content)
    assert code == 2
    assert "nothing was written" in err
    assert profiles(content) == {"alpha.md", "alpha.en.md", "beta.md"}
