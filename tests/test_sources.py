"""Stage 1: files to documents with the line of every key and value."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest

from katalog import sources
from katalog.cache import Cache

from .helpers import make_site


def scan_one(tmp_path: Path, rel: str, text: str) -> sources.Sources:
    return sources.scan(make_site(tmp_path, {rel: text}))


def doc(found: sources.Sources, display: str) -> sources.Document:
    return next(d for d in found.documents if d.display == display)


def test_front_matter_lines_are_file_lines(tmp_path: Path) -> None:
    found = sources.scan(make_site(tmp_path))
    alpha = doc(found, "content/innovations/alpha.md")
    assert alpha.line_of(("title",)) == 2
    assert alpha.line_of(("awards", 0, "year")) == 15
    assert alpha.line_of(("awards", 0), key=False) == 14
    assert alpha.body.startswith("## Latar Belakang")
    assert alpha.body_line == 48


def test_missing_path_falls_back_to_nearest_parent(tmp_path: Path) -> None:
    alpha = doc(sources.scan(make_site(tmp_path)), "content/innovations/alpha.md")
    assert alpha.line_of(("contact", "fax")) == alpha.line_of(("contact",)) == 42
    assert alpha.line_of(("contact",), key=True) == 41
    assert alpha.line_of(()) == 2


def test_dates_stay_text_and_years_stay_numbers(tmp_path: Path) -> None:
    found = sources.scan(make_site(tmp_path))
    alpha = doc(found, "content/innovations/alpha.md")
    beta = doc(found, "content/innovations/beta.md")
    assert alpha.data["updated"] == "2024-11-28"
    assert alpha.data["started"] == "2016-03-01"
    assert beta.data["started"] == 2021


def test_crlf_line_endings_are_read_like_lf(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    path = content / "innovations/beta.md"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    found = sources.scan(content)
    assert found.errors == []
    assert doc(found, "content/innovations/beta.md").data["status"] == "pilot"


def test_translations_are_recognised_by_language_suffix(tmp_path: Path) -> None:
    found = sources.scan(make_site(tmp_path))
    (translation,) = found.of_kind("translation")
    assert (translation.key, translation.lang) == ("alpha", "en")


def test_media_files_are_listed_not_read(tmp_path: Path) -> None:
    found = sources.scan(make_site(tmp_path))
    assert [(m.slug, m.name) for m in found.media] == [("alpha", "cover.png")]


def test_unreadable_file_still_counts_as_present(tmp_path: Path) -> None:
    found = scan_one(tmp_path, "innovations/alpha.md", "---\ntitle: [unclosed\n---\n")
    assert "alpha" in found.keys("innovation")
    assert all(d.key != "alpha" for d in found.of_kind("innovation"))
    assert len(found.errors) == 1


def test_hidden_files_are_ignored(tmp_path: Path) -> None:
    found = scan_one(tmp_path, "innovations/.alpha.md.swp", "binary")
    assert found.errors == []


def test_missing_content_folder(tmp_path: Path) -> None:
    found = sources.scan(tmp_path / "nowhere")
    assert [e.message for e in found.errors] == ["content folder not found; pass --content DIR"]


def _hashes(content: Path) -> dict[str, str]:
    return {
        p.relative_to(content).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in content.rglob("*")
        if p.is_file()
    }


def test_files_the_caller_hashed_are_read_only_when_the_cache_misses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, store = make_site(tmp_path), Cache(tmp_path / "cache")
    read: list[str] = []
    real = sources._read_bytes
    monkeypatch.setattr(sources, "_read_bytes", lambda path: read.append(path) or real(path))
    first = sources.scan(content, store, hashes=_hashes(content))
    assert str(content / "innovations/alpha.md") in read  # not known to the cache yet: read to parse
    read.clear()
    again = sources.scan(content, store, hashes=_hashes(content))
    assert read == []
    assert again.documents == first.documents
    assert again.documents == sources.scan(content).documents  # as if read and hashed here


def test_a_file_that_changed_after_it_was_hashed_is_an_error_not_a_wrong_cache_entry(tmp_path: Path) -> None:
    content, store = make_site(tmp_path), Cache(tmp_path / "cache")
    hashes = _hashes(content)
    alpha = content / "innovations/alpha.md"
    original = alpha.read_bytes()
    alpha.write_text(alpha.read_text().replace("Alpha Sehat", "Alpha Baru"))
    found = sources.scan(content, store, hashes=hashes)
    assert [str(e) for e in found.errors] == [
        "content/innovations/alpha.md:1: -: file changed while the build was reading it; build again"
    ]
    alpha.write_bytes(original)  # changed back: the error was not remembered under its hash
    assert sources.scan(content, store, hashes=hashes).errors == []
    alpha.write_text(alpha.read_text().replace("Alpha Sehat", "Alpha Baru"))
    again = sources.scan(content, store, hashes=_hashes(content))
    assert doc(again, "content/innovations/alpha.md").data["title"].startswith("Alpha Baru")


def test_positions_stay_packed_until_asked_for_and_survive_the_cache(tmp_path: Path) -> None:
    content, store = make_site(tmp_path), Cache(tmp_path / "cache")
    sources.scan(content, store)
    alpha = doc(sources.scan(content, store), "content/innovations/alpha.md")  # read back from the cache
    assert alpha.line_of(("awards", 0, "year")) == 15
    assert alpha.line_of(("contact",), key=True) == 41
    again = pickle.loads(pickle.dumps(alpha))
    assert sources._UNPACKED in alpha.__dict__ and sources._UNPACKED not in again.__dict__  # pickled packed only
    assert again == alpha
    assert again.line_of(("awards", 0, "year")) == 15
