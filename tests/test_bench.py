"""The benchmark suite runs every row of issue 15 and regenerates the README's table.

No timing is asserted (timing goals live in bench/ as ratios): the suite runs with
`--quick` into a copy of bench/README.md, and every row must be printed with its goal,
the table between the markers must be the new one, and the rest of the README kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.served import table
from bench.suite import GROUP_OF, selection
from bench.table import END, START, Row, markdown, ratio_row, write_readme

ROOT = Path(__file__).resolve().parent.parent
SUITE_TIMEOUT = 900


def _outside(text: str) -> str:
    """The README without its generated block."""
    before, _, rest = text.partition(START.split(" (")[0])
    return before + rest.partition(END)[2]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path, str]:
    tmp = tmp_path_factory.mktemp("bench")
    readme = tmp / "README.md"
    original = (ROOT / "bench" / "README.md").read_text(encoding="utf-8")
    stale = _outside(original).replace("\n## ", f"\n{START}\nSTALE TABLE\n{END}\n\n## ", 1)
    readme.write_text(stale, encoding="utf-8")
    rows = tmp / "rows.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SERENO_", "SLACK_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bench.suite", "--quick", "--readme", str(readme),
         "--json", str(rows)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=SUITE_TIMEOUT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout, readme, rows, stale


def test_every_row_is_measured_with_its_goal(quick_run: tuple[str, Path, Path, str]) -> None:
    stdout, _, rows_file, _ = quick_run
    rows = {r["key"]: r for r in json.loads(rows_file.read_text(encoding="utf-8"))}
    assert sorted(rows) == sorted(GROUP_OF)  # every row of issue 15, none twice
    for row in rows.values():
        assert row["goal"], row
        line = Row(**row).line()
        assert line in stdout
        assert f"goal {row['goal']}" in line
    judged = {key for key, r in rows.items() if r["ok"] is not None}
    assert judged >= {"open_case", "startup", "burst_cpu", "export", "db_bytes_per_case"}


def test_the_readme_table_is_regenerated_and_the_rest_kept(
    quick_run: tuple[str, Path, Path, str],
) -> None:
    _, readme, rows_file, stale = quick_run
    text = readme.read_text(encoding="utf-8")
    assert "STALE TABLE" not in text
    assert text.count(START) == 1 and text.count(END) == 1
    block = text.split(START)[1].split(END)[0]
    for row in json.loads(rows_file.read_text(encoding="utf-8")):
        assert f"| {row['what']} |" in block
        assert f"| {row['goal']} |" in block
    assert "--quick" in block
    assert _outside(text) == _outside(stale)


def test_without_markers_the_table_goes_before_the_first_section(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\nIntro.\n\n## Older figures\n\nKept.\n", encoding="utf-8")
    row = ratio_row("x", "a thing", 33.0, 20.0, "ms", 1.5)
    write_readme(readme, markdown([row], "heading"))
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nIntro.\n\n## Issue 15")
    assert text.index(END) < text.index("## Older figures") and text.endswith("Kept.\n")
    assert "| a thing | 33.0 ms | 20.0 ms | 1.65× | ≤ 1.5× | ✗ |" in text
    write_readme(readme, markdown([row], "again"))  # a second run replaces, never adds
    assert readme.read_text(encoding="utf-8").count(START) == 1


def test_only_takes_groups_and_rows_in_the_suites_order() -> None:
    assert selection(["scale_due", "open_case", "scale_list"]) == {
        "open_case": None,
        "scale": {"scale_due", "scale_list"},
    }
    assert selection(["export", "scale", "scale_due"])["scale"] is None
    assert list(selection(None)) == ["open_case", "startup", "served", "scale", "export", "install"]


def test_the_served_table_says_the_cold_figures_differ_in_kind() -> None:
    """Sereno's cold figure is a median of fresh start-ups, Bolt's one start-up: the table says
    so, and gives the ratio the goal judges (Sereno's cold figure over its own p50)."""
    sereno = {
        "cold_first_guidance_ms": 12.0,
        "first_guidance_p50_ms": 4.0,
        "cold_samples_ms": [11.0, 12.0, 30.0],
    }
    reference = {"cold_first_guidance_ms": 3.0, "first_guidance_p50_ms": 2.0}
    ratio = {key: sereno[key] / reference[key] for key in reference}
    text = table(
        {"events": 3, "burst": 5, "sereno": sereno, "reference": reference, "ratio": ratio}
    )
    assert "median of 3 fresh start-ups" in text
    assert "its own p50: 3.00×" in text
