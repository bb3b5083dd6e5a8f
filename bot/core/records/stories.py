"""Success stories (seed 002 §8): resolved cases an agent marked, told for a period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.base.case import Case
from bot.core.base.model import Status
from bot.core.base.store_port import CaseQuery, CaseStore
from bot.core.guidance.playbook import PlaybookLibrary
from bot.core.records.case_report import case_report
from bot.core.records.facts import iso, story
from bot.core.records.markdown import in_zone, quote, span, when

_EVERY = 2**62
_SUMMARY = 280


def story_cases(store: CaseStore, start: datetime, end: datetime) -> list[Case]:
    """Resolved (or resolved then closed) cases marked as stories, resolved in [start, end)."""
    query = CaseQuery(statuses=frozenset({Status.RESOLVED, Status.CLOSED}), limit=_EVERY)
    found = [
        c
        for c in store.list_cases(query)
        if c.resolved_at is not None and start <= c.resolved_at < end
    ]
    return [c for c in found if story(c, store.events(c.id))["marked"]]


def stories_markdown(
    store: CaseStore,
    start: datetime,
    end: datetime,
    now: datetime,
    library: PlaybookLibrary | None = None,
    zone: str = "UTC",
) -> str:
    """The period's success stories as Markdown, oldest resolution first; times in `zone`."""
    cases = sorted(story_cases(store, start, end), key=lambda c: (c.resolved_at, c.id))
    head = [
        f"# Success stories, {when(in_zone(iso(start), zone))} to {when(in_zone(iso(end), zone))}",
        "",
        f"_Generated {when(in_zone(iso(now), zone))}; "
        f"{len(cases)} {'story' if len(cases) == 1 else 'stories'}._",
    ]
    if not cases:
        head += ["", "No case resolved in this period was marked as a success story."]
    parts = ["\n".join(head)]
    for case in cases:
        playbook = library.get(case.playbook_id) if library else None
        rules = library.rules if library else None
        parts.append(_story(in_zone(case_report(store, case.id, now, rules, playbook), zone)))
    return "\n\n".join(parts) + "\n"


def _summary(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SUMMARY else flat[: _SUMMARY - 1] + "…"


def _story(report: dict[str, Any]) -> str:
    c, r, o, d = report["case"], report["reading"], report["outcome"], report["durations"]
    lines = [
        f"## Case {c['ref']}: {r['reason']}, {c['customer']['name']}",
        "",
        quote(_summary(report["complaint"]["text"])),
        "",
        f"- **How it came in:** {r['kind']} customer, intensity {r['intensity']}/3, "
        f"impact {r['impact']}, on {c['platform']} {c['channel']}",
        f"- **What we did:** {_done(report)}",
        f"- **Remedies:** {_given(report)}",
        f"- **Outcome:** {o['result']} by {o['by'] or '?'}, {when(o['at'])}"
        + (f' — "{_summary(o["text"])}"' if o["text"] else ""),
        f"- **Time to first response:** {span(d['first_response_seconds'])}; "
        f"**to resolution:** {span(d['resolution_seconds'])}",
        f"- **Satisfaction:** {_satisfied(report)}",
    ]
    return "\n".join(lines)


def _done(report: dict[str, Any]) -> str:
    steps = [
        f"{s['title'] or s['id']} ({s['by'] or '?'})"
        for s in report["steps"]
        if s["state"] == "done"
    ]
    notes = len(report["notes"])
    text = ", ".join(steps) or "no step marked done"
    return text + (f"; {notes} note{'s' if notes != 1 else ''}" if notes else "")


def _given(report: dict[str, Any]) -> str:
    items = [
        f"{i['type']} {i['amount'] or '?'} {i['currency'] or ''}".strip()
        + (f" approved by {i['approved_by']}" if i["approved_by"] else "")
        for i in report["remedies"]
    ]
    return "; ".join(items) or "none"


def _satisfied(report: dict[str, Any]) -> str:
    sat = report["satisfaction"]
    if not sat:
        return "not asked"
    comment = f' — "{_summary(sat["comment"])}"' if sat["comment"] else ""
    return f"{sat['score']}/5 (intensity at first {report['reading']['intensity']}/3){comment}"
