"""Benchmark: opening a case, against the same writes in raw sqlite3 plus the reading.

Opening a case = reading the complaint (language, reason, kind, intensity, impact,
history) + choosing the playbook + writing the case, its steps, its timeline entry, its
reminders and its outbox rows in one transaction. In every round, interleaved, in the same
run:

- `Engine.open_case` on a complaint from the labelled set;
- the reference (issue 15's goal, ≤ 1.5×): the rows that call wrote, replayed into a file of
  the same schema by plain sqlite3 in one transaction ("read + case + steps + event +
  reminders + outbox rows": one history SELECT, the case, its steps in one INSERT, then
  one INSERT per other row, statements prepared once), plus `read_complaint` on the same
  text;
- the floor of the old README: one sqlite-utils insert + commit.

Each side is timed in the CPU time of the bench's thread (`time.thread_time`: user and
system, the file's writes included), not the wall clock: on these shared 2-core machines
a 4 ms call is preempted far more often than a 0.6 ms one, so under load the wall-clock
medians stretched Sereno's side more than the reference (1.49x became 1.7-2.3x in the
same minutes as 1.49-1.52x in CPU time). Nothing here waits on anything. The wall-clock
ratio of the same rounds is reported in a row of its own.

Every text is read once before the timed rounds: reading memoises per word and builds a
keyword's pattern on first sight, so without it the first round of each text ran cold on
Sereno's side alone. And the two sides take turns at reading a text first: in even rounds
`open_case` reads it and then the reference, in odd rounds the reference reads it just
before `open_case` does. The second reading of a text finds its words, memos and rules
in the CPU's caches: with the reference always second (until 2026-12-06), its reading
came out 20-30% cheaper than the same reading inside `open_case`, and the ratio 0.08-0.10
higher than with both sides alike (1.51-1.55x against 1.40-1.44x at f9a3cce, paired
runs; reading another text instead gave the same 1.40-1.43x).

Then, untimed, every SQL statement of a few more `open_case` calls is counted by kind
(`Connection.set_trace_callback`), beside the raw replay's count for the same cases.
Run: `python -m bench.open_case [--quick]` (or `make bench` for every row).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.table import Row, median, ratio_row
from bot.core.base.model import Actor, Incoming
from bot.core.reading.reader import assess_history, read_complaint
from bot.settings import Settings
from bot.wiring import App, build
from storage.db import open_database

#: What each side is timed with (see the docstring); the wall clock is reported beside it.
CLOCK = time.thread_time
WALL = time.perf_counter
ROUNDS, QUICK_ROUNDS = 400, 40
COUNTED, QUICK_COUNTED = 30, 10  # cases whose statements are counted
WARM = 5  # cases opened first: the first complaint has a row of its own (bench.served)
CUSTOMERS = 50
DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "complaints.toml"
#: The children of a case, in the order open_case writes them.
CHILDREN = ("case_steps", "events", "reminders", "outbox")
#: Columns that point at rows of the Sereno file: meaningless in the raw one.
UNLINKED = {"id", "case_id", "edit_of", "thread_of", "ping_outbox_id"}
HISTORY_SQL = (
    "SELECT count(*), sum(status IN ('resolved', 'closed')), sum(status = 'let_go'), "
    "sum(status IN ('new', 'in_progress')) FROM cases "
    "WHERE platform = ? AND customer_id = ? AND status != 'dismissed'"
)


def texts() -> list[str]:
    """The labelled complaints' texts."""
    with DATA.open("rb") as fh:
        return [c["text"] for c in tomllib.load(fh)["complaint"]]


class RawWriter:
    """The same rows as Sereno wrote, written by plain sqlite3 into a file of the same schema."""

    def __init__(self, path: Path) -> None:
        open_database(path).close()  # the same tables and indexes, by Sereno's migrations
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
            self.conn.execute(f"PRAGMA {pragma}")
        self._sql: dict[tuple[str, tuple[str, ...]], str] = {}

    def _insert(self, table: str, columns: tuple[str, ...], rows: int = 1) -> str:
        key = (table, columns, rows)
        if key not in self._sql:
            names = ", ".join(columns)
            marks = ", ".join([f"({', '.join('?' * len(columns))})"] * rows)
            self._sql[key] = f"INSERT INTO {table} ({names}) VALUES {marks}"
        return self._sql[key]

    def write(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """One transaction: the customer's history, the case, then its children."""
        (case,) = rows["cases"]
        conn = self.conn
        conn.execute("BEGIN")
        conn.execute(HISTORY_SQL, (case["platform"], case["customer_id"])).fetchone()
        columns = tuple(c for c in case if c != "id")
        cursor = conn.execute(self._insert("cases", columns), [case[c] for c in columns])
        case_id = cursor.lastrowid
        for table in CHILDREN:
            if not rows[table]:
                continue
            columns = ("case_id", *(c for c in rows[table][0] if c not in UNLINKED))
            values = [[case_id, *(r[c] for c in columns[1:])] for r in rows[table]]
            if table == "case_steps":  # a playbook's steps: one statement
                flat = [v for row in values for v in row]
                conn.execute(self._insert(table, columns, len(values)), flat)
            else:  # a statement per row, as issue 15 counts them
                conn.executemany(self._insert(table, columns), values)
        conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def written(app: App, case_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row open_case wrote for the case (read afterwards, untimed)."""
    db = app.store.db
    rows = {"cases": list(db.query("SELECT * FROM cases WHERE id = ?", [case_id]))}
    for table in CHILDREN:
        order = "position" if table == "case_steps" else "id"  # case_steps: WITHOUT ROWID
        rows[table] = list(db.query(f"SELECT * FROM {table} WHERE case_id = ? ORDER BY {order}",
                                    [case_id]))  # fmt: skip
    return rows


def kind_of(sql: str) -> str:
    """What a traced statement is: sqlite-utils' schema look-ups count apart."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
    if head == "SELECT" and "sqlite_master" in sql:
        return "table look-up"
    if head.startswith("--"):
        return "trigger"
    return "SAVEPOINT/RELEASE" if head in ("SAVEPOINT", "RELEASE") else head


@contextmanager
def traced(conn: sqlite3.Connection) -> Iterator[list[str]]:
    """Every statement run on `conn` inside the block."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        conn.set_trace_callback(None)


class Bench:
    """Sereno's file, the raw file and the floor table, in one temporary folder."""

    def __init__(self, tmp: Path, name: str = "sereno.db", customers: int = CUSTOMERS) -> None:
        # the bench's customers complain many times within seconds: no flood limit, every
        # complaint opens a case (what is measured)
        env = {"SERENO_DB": str(tmp / name), "SERENO_FLOOD_CASES_PER_MINUTE": "100000"}
        self.app = build(Settings.from_env(env))
        self.raw = RawWriter(tmp / f"raw-{name}")
        self.app.store.db["floor"].create({"id": int, "text": str}, pk="id")
        self.texts = texts()
        self.customers = customers
        self.sent = 0

    def upcoming(self) -> str:
        """The text the next `message` (and so the next `open`) carries."""
        return self.texts[self.sent % len(self.texts)]

    def message(self) -> Incoming:
        n = self.sent
        self.sent += 1
        who = n % self.customers
        author = Actor("bench", f"U{who}", f"customer {who}")
        # a customer's next complaint goes to another channel: in the same one it would
        # join their open case instead of opening one
        channel = f"C{n // self.customers}"
        return Incoming("bench", channel, f"m{n}", author, self.texts[n % len(self.texts)])

    def read(self, text: str) -> None:
        engine = self.app.engine
        read_complaint(
            text,
            rules=engine.library.rules,
            detector=engine.detector,
            default_language=engine.config.default_language,
            history=assess_history(0, 0, 0, 0),
        )

    def floor(self, text: str) -> None:
        db = self.app.store.db
        with db.atomic():
            db["floor"].insert({"text": text})

    def open(
        self, statements: list[str] | None = None
    ) -> tuple[tuple[float, float], dict[str, list[dict[str, Any]]], str]:
        """Open one case, timed (CPU, wall); with `statements`, trace `open_case` alone (not
        the read-back)."""
        msg = self.message()
        cpu, wall = CLOCK(), WALL()
        if statements is None:
            case = self.app.engine.open_case(msg)
        else:
            with traced(self.app.store.db.conn) as seen:
                case = self.app.engine.open_case(msg)
            statements.extend(seen)
        took = (CLOCK() - cpu, WALL() - wall)
        if case is None:
            raise RuntimeError(f"{msg.message_id} opened no case")
        return took, written(self.app, case.id), msg.text

    def close(self) -> None:
        self.raw.close()
        self.app.close()


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    """How long `action` took: (CPU, wall)."""
    cpu, wall = CLOCK(), WALL()
    action()
    return CLOCK() - cpu, WALL() - wall


def measure(rounds: int = ROUNDS, counted: int = COUNTED) -> dict[str, Any]:
    """Medians (seconds, CPU; "wall": the wall clock's) of each side, and the statements of
    `counted` more cases by kind."""
    samples: dict[str, list[tuple[float, float]]] = {"open": [], "raw": [], "read": [], "floor": []}
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp))
        try:
            for _ in range(WARM):
                bench.open()
            for text in bench.texts:  # both sides then read warm texts (word memos, patterns)
                bench.read(text)
            for n in range(rounds):
                if n % 2:  # the reference reads the text first (see the docstring)
                    upcoming = bench.upcoming()
                    read = _timed(lambda text=upcoming: bench.read(text))
                    took, rows, text = bench.open()
                else:
                    took, rows, text = bench.open()
                    read = _timed(lambda text=text: bench.read(text))
                raw = _timed(lambda rows=rows: bench.raw.write(rows))
                samples["open"].append(took)
                samples["raw"].append(raw)
                samples["read"].append(read)
                samples["floor"].append(_timed(lambda text=text: bench.floor(text)))
            kinds, totals, raw_totals = Counter[str](), [], []
            for _ in range(counted):
                statements: list[str] = []
                _, rows, _ = bench.open(statements)
                kinds.update(kind_of(s) for s in statements)
                totals.append(len(statements))
                with traced(bench.raw.conn) as raw_statements:
                    bench.raw.write(rows)
                raw_totals.append(len(raw_statements))
        finally:
            bench.close()
    result: dict[str, Any] = {k: median([cpu for cpu, _ in v]) for k, v in samples.items()}
    result["ref"] = result["raw"] + result["read"]  # texts differ: medians add, not samples
    wall = {k: median([w for _, w in v]) for k, v in samples.items()}
    result["wall"] = wall | {"ref": wall["raw"] + wall["read"]}
    result["statements"] = median(totals)
    result["raw_statements"] = median(raw_totals)
    result["kinds"] = {k: n / counted for k, n in kinds.most_common()}
    return result


def rows(quick: bool = False) -> list[Row]:
    """The rows of issue 15 this module measures."""
    r = measure(QUICK_ROUNDS if quick else ROUNDS, QUICK_COUNTED if quick else COUNTED)
    ms = {k: r[k] * 1e3 for k in ("open", "raw", "read", "floor", "ref")}
    wall = {k: v * 1e3 for k, v in r["wall"].items()}
    kinds = ", ".join(f"{n:.0f} {k}" for k, n in r["kinds"].items())
    return [
        ratio_row(
            "open_case", "`Engine.open_case` vs raw sqlite3 same writes + reading",
            ms["open"], ms["ref"], "ms", 1.5,
            f"CPU time: raw writes {ms['raw']:.2f} + reading {ms['read']:.2f} = ",
        ),
        ratio_row(
            "open_case_wall", "`Engine.open_case` vs the same reference, in wall-clock time",
            wall["open"], wall["ref"], "ms", None,
            f"raw writes {wall['raw']:.2f} + reading {wall['read']:.2f} = ",
        ),
        ratio_row(
            "open_case_raw", "`Engine.open_case` vs raw sqlite3 same writes alone",
            ms["open"], ms["raw"], "ms", None,
        ),
        ratio_row(
            "open_case_floor", "`Engine.open_case` vs one sqlite-utils insert+commit",
            ms["open"], ms["floor"], "ms", None,
        ),
        Row(
            "sql_statements", "SQL statements per new case",
            f"{r['statements']:.0f} ({kinds})",
            f"{r['raw_statements']:.0f} (raw replay of the same rows)",
            r["statements"] / r["raw_statements"], "reported (issue: about 12 needed)", None,
        ),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Print this module's rows."""
    parser = argparse.ArgumentParser(prog="python -m bench.open_case", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    for row in rows(args.quick):
        print(row.line())


if __name__ == "__main__":
    main()
