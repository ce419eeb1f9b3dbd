"""The project's scripts (scripts/*.py) as modules: scripts/synthetic.py for tests that need a
big generated catalogue, and the benchmarks for the tests that keep them working."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from types import ModuleType

from .helpers import PROJECT


@cache
def script(name: str) -> ModuleType:
    """scripts/``name``.py, loaded once, under its own name (dataclasses look their module up)."""
    spec = importlib.util.spec_from_file_location(name, PROJECT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def synthetic() -> ModuleType:
    return script("synthetic")
