"""Every row of issue 15 in one run, each beside its reference: `make bench`.

Runs each group of rows in turn (`--only GROUP` or `--only ROW` for some), prints every
row with its goal and verdict as it comes, then writes the table between the markers of
bench/README.md (`--readme` for another file; a run with `--only` writes none unless
given one). `--quick` uses small sizes: a check that every row runs, not figures to
quote. Exit status 1 when a group failed to run (not when a goal is missed).
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench.table import Row, markdown, write_readme

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
#: Group name -> the module whose `rows(quick)` measures it, in the order they run.
GROUPS: dict[str, str] = {
    "open_case": "bench.open_case",
    "startup": "bench.startup",
    "served": "bench.burst",
    "scale": "bench.scale",
    "export": "bench.export_csv",
    "install": "bench.install_size",
}
#: Every row of issue 15's table, by key, in its group (`--only` takes either).
ROWS: dict[str, tuple[str, ...]] = {
    "open_case": (
        "open_case", "open_case_wall", "open_case_raw", "open_case_floor", "sql_statements",
    ),
    "startup": ("startup", "startup_cpu", "startup_rss", "console_start", "console_rss"),
    "served": (
        "first_complaint", "guidance_p50", "guidance_p95", "burst_cpu", "burst_ack_p95",
        "burst_first_post", "burst_all_answered", "db_bytes_per_case",
    ),
    "scale": ("scale_list", "scale_due", "scale_show", "scale_report", "scale_history"),
    "export": ("export",),
    "install": ("install_venv", "install_charts"),
}  # fmt: skip
GROUP_OF = {key: group for group, keys in ROWS.items() for key in keys}


def selection(only: list[str] | None) -> dict[str, set[str] | None]:
    """The groups to run, each with the rows to keep (None: all of them)."""
    if not only:
        return dict.fromkeys(GROUPS)
    chosen: dict[str, set[str] | None] = {}
    for name in only:
        if name in GROUPS:
            chosen[name] = None
        else:
            kept = chosen.setdefault(GROUP_OF[name], set())
            if kept is not None:
                kept.add(name)
    return {g: chosen[g] for g in GROUPS if g in chosen}  # always in the suite's order


def run_group(name: str, quick: bool) -> tuple[list[Row], bool]:
    """The group's rows; on failure one ✗ row saying so (and False)."""
    try:
        module = importlib.import_module(GROUPS[name])
        return list(module.rows(quick)), True
    except Exception as exc:  # one broken group must not hide the others' figures
        traceback.print_exc()
        reason = f"{type(exc).__name__}: {exc}".replace("|", "/").splitlines()[0][:120]
        return [Row(name, f"{name}: did not run", reason, "—", None, "runs", False)], False


def heading(quick: bool, seconds: float) -> str:
    """Where and when the figures come from."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    mode = "`--quick` (small sizes: not figures to quote)" if quick else "full sizes"
    return (
        f"Run {when} at commit {commit or '?'}, {mode}, in {seconds:.0f} s; Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.machine()}."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the groups, print every row, regenerate the README table."""
    parser = argparse.ArgumentParser(prog="python -m bench.suite", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few rounds")
    parser.add_argument(
        "--only",
        action="append",
        choices=[*GROUPS, *GROUP_OF],
        metavar="GROUP|ROW",
        help=f"only this group or row (repeatable); groups: {', '.join(GROUPS)}",
    )
    parser.add_argument(
        "--readme",
        type=Path,
        help="the README to update (default: bench/README.md, on a run of every group only)",
    )
    parser.add_argument("--no-readme", action="store_true", help="print only")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rows: list[Row] = []
    failed = False
    for name, keep in selection(args.only).items():
        print(f"== {name}", flush=True)
        group, ran = run_group(name, args.quick)
        failed |= not ran
        group = [r for r in group if keep is None or r.key in keep or not ran]
        for row in group:
            print(row.line(), flush=True)
        rows += group
    table = markdown(rows, heading(args.quick, time.monotonic() - started))
    print()
    print(table)
    readme = args.readme or (None if args.only else README)  # a part never replaces the whole
    if readme is not None and not args.no_readme:
        write_readme(readme, table)
        print(f"\nWrote the table into {readme}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
