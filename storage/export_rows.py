"""The list of cases' cells computed by SQLite, for `sereno export` of every case.

One query gives each case's line as the CSV shows it (times to the second with a Z,
durations in whole seconds rounded half to even as Python's `round` does, text made
formula-safe), so a long export writes the cursor's tuples with no Python per cell.
The timeline's cells come from one pass over the timeline grouped by case, as a team's
history has them: one remedy whose amount is already exact decimal text and whose currency
is three capitals (what `/complaint remedy` stores), the latest satisfaction answer when its
score is a whole number, and whether the case was marked a story. Anything else is left to
the core: column `PENDING` is the case's flags (JSON) when it has several remedies (the sum
per currency is Decimal arithmetic), a remedy or a score stored in another shape, or story
flags with no story mark; it is 'odd' when a time is not in the shape `storage.codec.ts`
writes (32 characters ending +00:00; the core then reads that line the ordinary way).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from bot.core.records.csv_rows import FORMULA_STARTS
from storage.codec import ts

#: The code points of the letters `csv_rows.safe` guards (= + - @ tab CR).
_FORMULA = "(" + ", ".join(str(ord(c)) for c in FORMULA_STARTS) + ")"
#: A stored time as whole microseconds since 1970 (exact integers, no julianday floats;
#: strftime('%s') rather than unixepoch(), which SQLite has only since 3.38).
_MICROS = "(CAST(strftime('%s', {c}) AS INTEGER) * 1000000 + substr({c}, 21, 6))"
_HALF_EVEN = (
    "({t} / 1000000 + ({t} % 1000000 > 500000"
    " OR ({t} % 1000000 = 500000 AND {t} / 1000000 % 2 = 1)))"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _seconds(t: str) -> str:
    return (
        f"CASE WHEN {t} >= 0 THEN {_HALF_EVEN.format(t=t)} "
        f"ELSE -{_HALF_EVEN.format(t=f'(-{t})')} END"
    )


def _safe(column: str) -> str:
    return f"CASE WHEN unicode({column}) IN {_FORMULA} THEN '''' || {column} ELSE {column} END"


def _ok(column: str) -> str:
    return f"({column} IS NULL OR (length({column}) = 32 AND substr({column}, 27) = '+00:00'))"


#: A remedy's amount that `facts.amount_text` gives back unchanged (digits, a point, two
#: decimals, no leading zero) and a currency as `/complaint remedy` stores it.
_PLAIN_REMEDY = (
    "typeof(amt) = 'text' AND amt NOT GLOB '*[^0-9.]*' AND amt GLOB '*[0-9].[0-9][0-9]'"
    " AND instr(amt, '.') = length(amt) - 2 AND NOT amt GLOB '0[0-9]*'"
    " AND typeof(cur) = 'text' AND cur GLOB '[A-Z][A-Z][A-Z]'"
)
#: Per case with timeline cells: how many remedies, the one remedy's cell when plain, the
#: latest satisfaction entry's id, and whether it was marked a story.
_TIMELINE = f"""
SELECT g.*, (SELECT CASE WHEN json_valid(details) THEN json_extract(details, '$.score') END
  FROM events WHERE id = g.answer) AS score
FROM (SELECT case_id, sum(kind = 'remedy') AS remedies,
  max(CASE WHEN kind = 'remedy' AND {_PLAIN_REMEDY} THEN amt || ' ' || cur END) AS remedy,
  max(CASE WHEN kind = 'satisfaction' THEN id END) AS answer,
  max(kind = 'story_marked') AS marked
FROM (
  SELECT case_id, id, kind,
    CASE WHEN kind = 'remedy' AND json_valid(details) THEN json_extract(details, '$.amount')
    END AS amt,
    CASE WHEN kind = 'remedy' AND json_valid(details) THEN json_extract(details, '$.currency')
    END AS cur
  FROM events WHERE kind IN ('remedy', 'satisfaction', 'story_marked') LIMIT -1 OFFSET 0
) GROUP BY case_id) AS g
"""

_SQL = f"""
SELECT c.id, {_safe("status")}, substr(opened_at, 1, 19) || 'Z', {_seconds("(uf - uo)")},
  substr(resolved_at, 1, 19) || 'Z', {_safe("coalesce(reason, '')")},
  {_safe("coalesce(kind, '')")}, coalesce(intensity, 0), {_safe("coalesce(impact, '')")},
  {_safe("coalesce(language, '')")}, {_safe("coalesce(customer_name, '')")},
  {_safe("assignee_name")}, {_safe("channel_id")}, coalesce(t.remedy, ''),
  CASE WHEN typeof(t.score) = 'integer' THEN t.score END,
  CASE WHEN t.marked THEN 'yes' WHEN instr(flags, 'story') THEN NULL ELSE 'no' END,
  CASE WHEN status IN ('resolved', 'closed') THEN {_seconds("(ur - uo)")} END,
  CASE WHEN status IN ('new', 'in_progress') THEN {_seconds("(:now_us - uo)")} END,
  CASE WHEN NOT ({_ok("opened_at")} AND opened_at IS NOT NULL AND {_ok("first_response_at")}
    AND {_ok("resolved_at")}) THEN 'odd'
    WHEN t.remedies > 1 OR (t.remedies = 1 AND t.remedy IS NULL)
      OR (t.answer IS NOT NULL AND typeof(t.score) != 'integer')
      OR (instr(flags, 'story') AND NOT coalesce(t.marked, 0)) THEN coalesce(flags, '[]') END
FROM (  -- OFFSET keeps SQLite from flattening it: each time is parsed once, not per use
  SELECT id, status, opened_at, resolved_at, reason, kind, intensity, impact, language,
    customer_name, assignee_name, channel_id, flags, first_response_at,
    {_MICROS.format(c="opened_at")} AS uo, {_MICROS.format(c="first_response_at")} AS uf,
    CASE WHEN status IN ('resolved', 'closed') THEN {_MICROS.format(c="resolved_at")} END AS ur
  FROM cases WHERE {{where}} ORDER BY id LIMIT -1 OFFSET 0
) AS c
LEFT JOIN ({_TIMELINE}) AS t ON t.case_id = c.id
-- c is a co-routine; SQL promises no order without the outer ORDER BY (about 6% of the query)
ORDER BY c.id
"""


def _micros(moment: datetime) -> int:
    """`_MICROS` of a time, in Python."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def export_cells(
    db: Database, now: datetime, opened_from: datetime | None, opened_before: datetime | None
) -> Iterator[tuple[Any, ...]]:
    """Every case (opened in [opened_from, opened_before) when given) by number, as the
    list of cases' 18 cells plus PENDING (see the module's docstring)."""
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {"now_us": _micros(now)}
    if opened_from is not None:
        where.append("opened_at >= :start")
        params["start"] = ts(opened_from)
    if opened_before is not None:
        where.append("opened_at < :end")
        params["end"] = ts(opened_before)
    return iter(db.execute(_SQL.format(where=" AND ".join(where)), params))
