"""scripts/synthetic.py as a module, for tests that need a big generated catalogue."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from types import ModuleType

from .helpers import PROJECT


@cache
def synthetic() -> ModuleType:
    path = PROJECT / "scripts" / "synthetic.py"
    spec = importlib.util.spec_from_file_location("synthetic", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic"] = module
    spec.loader.exec_module(module)
    return module
