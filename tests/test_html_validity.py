"""Every built page is valid HTML by the Nu Html Checker (vnu-jar, run with Java)."""

from __future__ import annotations

from .checkers import BAD, vnu_errors
from .conftest import Built


def html_files(site: Built) -> list:  # type: ignore[type-arg]
    return sorted(p for p in site.out.rglob("*.html"))


def test_every_page_of_the_shipped_and_minimal_sites_is_valid(built_shipped: Built, built_minimal: Built) -> None:
    files = html_files(built_shipped) + html_files(built_minimal)
    assert len(files) > 100
    assert vnu_errors(files) == []


def test_the_checker_reports_a_known_bad_page() -> None:
    messages = [e["message"] for e in vnu_errors([BAD / "invalid.html"])]
    assert any("Duplicate ID" in m for m in messages), messages
    assert any("title" in m for m in messages), messages
    assert any("alt" in m for m in messages), messages
    assert len(messages) >= 4
