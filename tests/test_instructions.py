"""scripts/instructions.py at a tiny size: its --seconds mode, which sets the floor the README
sets the cold-build targets against, must keep working. (Counting instructions needs
valgrind and minutes; it is not run here.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .synthetic_loader import script


def test_seconds_times_each_stage_and_sums_them_into_a_floor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script("instructions").seconds(12, ["markdown", "write"], 1, tmp_path)
    out = capsys.readouterr().out
    found = re.findall(r"^(markdown|write) +(-?\d+\.\d\d) s .+ \((\d+) \w+\)$", out, re.M)
    rows = {name: seconds for name, seconds, _ in found}
    counts = {name: int(count) for name, _, count in found}
    assert set(rows) == {"markdown", "write"}, out
    assert counts["markdown"] == 12  # every profile's body
    assert counts["write"] > 12 * 2  # every page and data file of the site, not only the profiles
    total = re.search(r"^all +(-?\d+\.\d\d) s  on (\d+) cores, .+ no less than (-?\d+\.\d) s$", out, re.M)
    assert total, out
    assert float(total[1]) == pytest.approx(sum(float(seconds) for seconds in rows.values()), abs=0.011)
    assert float(total[3]) == pytest.approx(float(total[1]) / int(total[2]), abs=0.051)
    # The yardstick of the machine, before and after: the floor says little without it.
    assert re.search(r"^Python-Markdown alone: \d+\.\d ms .+; after: \d+\.\d ms$", out, re.M), out
    assert list(tmp_path.iterdir()) == []  # the catalogue and its builds are removed


def test_write_is_timed_only_in_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        script("instructions").main(["--stages", "write"])
    assert stopped.value.code == 2
    assert "timed with --seconds only" in capsys.readouterr().err


def test_pagefind_writes_each_run_into_a_new_folder(tmp_path: Path) -> None:
    """As a build has it: written over its last bundle, Pagefind took a third less time."""
    make = script("instructions")._pagefind
    (tmp_path / "content" / "innovations").mkdir(parents=True)
    first, second = (make(tmp_path, True)[0] for _ in range(2))
    outputs = [Path(command[command.index("--output-path") + 1]) for command in (first, second)]
    assert outputs[0] != outputs[1]
    assert all(output.parent.is_dir() and not output.exists() for output in outputs)
