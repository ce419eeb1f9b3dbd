"""Sites built once per test session for the checks that read built files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from .helpers import MINIMAL, SHIPPED, run


@dataclass(frozen=True)
class Built:
    """A site built into ``out`` for the public address ``origin`` + ``base_path``."""

    out: Path
    origin: str
    base_path: str


def _build(tmp: pytest.TempPathFactory, name: str, content: Path, base_path: str) -> Built:
    out = tmp.mktemp(name) / "public"
    origin = "https://katalog.test"
    code, _, err = run("build", "--content", str(content), "--out", str(out), "--no-search",
                       "--base-url", origin + base_path)  # fmt: skip
    assert code == 0, err
    return Built(out, origin, base_path)


@pytest.fixture(scope="session")
def built_shipped(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory, "shipped", SHIPPED, "/")


@pytest.fixture(scope="session")
def built_shipped_subpath(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory, "subpath", SHIPPED, "/katalog/")


@pytest.fixture(scope="session")
def built_minimal(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory, "minimal", MINIMAL, "/")
