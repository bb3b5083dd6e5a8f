"""A case report as Markdown, for a colleague who never saw the thread."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from bot.core.base.clocks import describe, local_stamp

Report = dict[str, Any]
NONE = "—"
_CLOCKS = ("first-response", "stalled")
_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def cell(value: Any) -> str:
    """A table cell: `|` escaped, line breaks as <br>, empty as a dash."""
    if value is None or value == "":
        return NONE
    text = str(value).replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def when(stamp: str | None) -> str:
    """A report time as people read it: one `in_zone` wrote, or an ISO one in UTC."""
    if not stamp:
        return NONE
    return (local_stamp(stamp, "UTC") or NONE) if _STAMP.match(stamp) else stamp


def in_zone(value: Any, zone: str) -> Any:
    """A report (or part of one) with every ISO time written in the team's zone `zone`,
    with the zone named ('2026-11-26 11:00:00 CET'): for Markdown, which people read;
    the JSON and CSV exports keep UTC ISO."""
    if isinstance(value, str) and _STAMP.match(value):
        return local_stamp(value, zone)
    if isinstance(value, dict):
        return {key: in_zone(item, zone) for key, item in value.items()}
    if isinstance(value, list):
        return [in_zone(item, zone) for item in value]
    return value


def quote(text: str | None) -> str:
    """Text as a Markdown blockquote, line by line."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(f"> {line}".rstrip() for line in lines) if text else "> (empty)"


def span(seconds: int | None) -> str:
    """A duration for people, with the exact seconds."""
    if seconds is None:
        return NONE
    return f"{describe(timedelta(seconds=seconds))} ({seconds} s)"


def evidence(signals: list[dict[str, str]]) -> str:
    """Evidence signals as '"detail" (name), …'."""
    if not signals:
        return "no evidence recorded"
    return ", ".join(f'"{_flat(s["detail"])}" ({s["name"]})' for s in signals)


def _flat(text: Any) -> str:
    return " ".join(str(text).split())


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table with every cell escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(report: Report, zone: str = "UTC") -> str:
    """The whole report as Markdown, its times in `zone`: headline first, the full
    timeline last."""
    report = in_zone(report, zone)
    parts = [
        _headline(report),
        _complaint(report),
        _reading(report["reading"]),
        _steps(report["steps"]),
        _notes(report["notes"]),
        _conversation(report["messages"]),
        _changes(report["changes"]),
        _corrections(report.get("corrections", [])),
        _reminders(report["reminders"]),
        _remedies(report),
        _outcome(report),
        _timeline(report["timeline"]),
    ]
    return "\n\n".join(parts) + "\n"


def _headline(report: Report) -> str:
    c, reason = report["case"], report["reading"]["reason"]
    title = f"# Case {c['ref']}: {reason} complaint from {c['customer']['name']}"
    generated = (
        f"_Generated {when(report['generated_at'])} from Sereno's records "
        f"(schema v{report['schema_version']})._"
    )
    return "\n".join([title, "", *_facts(report), "", generated])


def _facts(report: Report) -> list[str]:
    c, story, book = report["case"], report["story"], report["case"]["playbook"]
    who = c["assignee"]
    holder = f"{who['name']} ({who['id']})" if who else "nobody yet (unassigned)"
    marked = (
        f"yes, marked by {story['by'] or '?'} at {when(story['at'])}" if story["marked"] else "no"
    )
    status = c["status"].replace("_", " ")
    return [
        f"- **Status:** {status} · **Outcome:** {report['outcome']['result']}",
        f"- **Who has it:** {holder}",
        f"- **Customer:** {c['customer']['name']} ({c['customer']['id']}) on {c['platform']}, "
        f"channel {c['channel']}, thread {c['thread'] or NONE}",
        f"- **Playbook:** {book['id']}" + (f" ({book['name']})" if book["name"] else ""),
        f"- **Opened:** {when(c['opened_at'])} · **First response:** "
        f"{when(c['first_response_at'])} · **Resolved:** {when(c['resolved_at'])} · "
        f"**Closed:** {when(c['closed_at'])}",
        f"- **Follow-up due:** {when(c['followup_at'])}",
        f"- **Flags:** {', '.join(c['flags']) or 'none'}",
        f"- **Success story:** {marked}",
    ]


def _complaint(report: Report) -> str:
    c = report["complaint"]
    return f"## What the customer said\n\n{c['by']}, {when(c['at'])}:\n\n{quote(c['text'])}"


def _reading(r: Report) -> str:
    h = r["history"]
    by = {c["part"]: f" (corrected by {c['by']})" for c in r.get("corrected", [])}
    lines = [
        "## The reading",
        "",
        f"- **Language:** {r['language']} (confidence {r['language_confidence']:.2f})",
        f"- **Reason:** {r['reason']}{by.get('reason', '')} — "
        f"evidence: {evidence(r['reason_evidence'])}",
        f"- **Kind of customer:** {r['kind']}{by.get('kind', '')} — "
        f"evidence: {evidence(r['kind_evidence'])}",
    ]
    if "subject" in r:
        lines.append(
            f"- **About:** {r['subject']}{by.get('subject', '')} — "
            f"evidence: {evidence(r['subject_evidence'])}"
        )
    if r["treatment"]:
        advice = f" (advice: {', '.join(r['treatment_advice'])})" if r["treatment_advice"] else ""
        lines.append(f"  - **How to treat them:** {_flat(r['treatment'])}{advice}")
    lines += [
        f"- **Intensity:** {r['intensity']}/3{by.get('intensity', '')} — "
        f"evidence: {evidence(r['intensity_evidence'])}",
        f"- **Impact:** {r['impact']} — evidence: {evidence(r['impact_evidence'])}",
        f"- **Order:** {r['order_ref'] or NONE}",
        f"- **History:** {h['earlier_cases']} earlier cases: {h['resolved']} resolved, "
        f"{h['let_go']} let go, {h['still_open']} still open"
        + (" — a chronic complainer" if h["chronic"] else ""),
    ]
    if r["flags"]:
        lines.append(f"- **Reading flags:** {', '.join(r['flags'])}")
    return "\n".join(lines)


def _steps(steps: list[Report]) -> str:
    if not steps:
        return "## Checklist\n\nNo steps."
    rows = [
        [
            s["position"],
            f"{s['title']} ({s['id']})" if s["title"] else s["id"],
            s["state"],
            s["by"],
            s["via"],
            when(s["at"]) if s["at"] else None,
        ]
        for s in steps
    ]
    return "## Checklist\n\n" + table(["#", "Step", "State", "By", "Via", "When"], rows)


def _entries(title: str, entries: list[tuple[str, str]], empty: str) -> str:
    body = "\n\n".join(f"**{head}**\n\n{quote(text)}" for head, text in entries)
    return f"## {title}\n\n{body or empty}"


def _notes(notes: list[Report]) -> str:
    entries = [(f"{when(n['at'])} · {n['by']}", n["text"]) for n in notes]
    return _entries("Notes", entries, "No notes.")


def _conversation(messages: list[Report]) -> str:
    entries = []
    for m in messages:
        heat = f", intensity {m['intensity']}/3" if m["intensity"] is not None else ""
        entries.append((f"{when(m['at'])} · {m['author']} ({m['role']}{heat})", m["text"]))
    return _entries("Conversation in the thread", entries, "No messages after the complaint.")


def _changes(changes: list[Report]) -> str:
    lines = []
    for c in changes:
        what = "the complaint" if c["complaint"] else f"message {c['message_id']}"
        lines.append(f"- {when(c['at'])} · {c['by']} {c['action']} {what}")
        if c["action"] == "edited":
            lines.append(f"  - before: {_flat(c['old_text'] or '(unknown)')}")
            lines.append(f"  - after: {_flat(c['new_text'] or '')}")
    body = "\n".join(lines) or "None. (The case keeps the original text either way.)"
    return f"## Edits and deletions\n\n{body}"


def _corrections(corrections: list[Report]) -> str:
    lines = [f"- {when(c['at'])} · {_flat(c['said'])}" for c in corrections]
    return "## Corrections of the reading\n\n" + ("\n".join(lines) or "None.")


def _quiet(r: Report) -> bool:
    """A response clock that stopped by itself, before it ever pinged anyone."""
    return r["kind"] in _CLOCKS and r["status"] == "done" and r["sent_at"] is None


def _reminders(everything: list[Report]) -> str:
    reminders = [r for r in everything if not _quiet(r)]
    quiet = len(everything) - len(reminders)
    extra = (
        f"\n\nAnd {quiet} response clock{'s' if quiet != 1 else ''} that stopped "
        "without pinging, when an agent acted."
        if quiet
        else ""
    )
    if not reminders:
        return "## Reminders\n\nNone." + extra
    rows = [
        [
            r["kind"],
            when(r["due_at"]),
            r["status"],
            when(r["sent_at"]) if r["sent_at"] else None,
            when(r["finished_at"]) if r["finished_at"] else None,
            r["finished_by"],
            r["note"],
        ]
        for r in reminders
    ]
    header = ["Kind", "Due", "Status", "Pinged", "Finished", "By", "Note"]
    return "## Reminders\n\n" + table(header, rows) + extra


def _remedies(report: Report) -> str:
    items, sat = report["remedies"], report["satisfaction"]
    parts = ["## Remedies and satisfaction"]
    if items:
        rows = [
            [
                when(i["at"]),
                i["type"],
                f"{i['amount']} {i['currency']}",
                i["approved_by"],
                i["recorded_by"],
                i["note"],
            ]
            for i in items
        ]
        parts.append(table(["When", "Type", "Amount", "Approved by", "Recorded by", "Note"], rows))
        total = ", ".join(f"{t['amount']} {t['currency']}" for t in report["remedies_total"])
        parts.append(f"**Total given:** {total or NONE}")
    else:
        parts.append("No remedy given.")
    if sat:
        comment = f' — "{_flat(sat["comment"])}"' if sat["comment"] else ""
        parts.append(
            f"**Satisfaction:** {sat['score']}/5{comment} "
            f"(recorded by {sat['recorded_by']}, {when(sat['at'])})"
        )
    else:
        parts.append("**Satisfaction:** not asked yet.")
    return "\n\n".join(parts)


def _outcome(report: Report) -> str:
    o, d = report["outcome"], report["durations"]
    line = f"- **Outcome:** {o['result']}"
    if o["at"]:
        line += f" — by {o['by']}, {when(o['at'])}"
        line += f': "{_flat(o["text"])}"' if o["text"] else ""
    return "\n".join(
        [
            "## Outcome and durations",
            "",
            line,
            f"- **Time to first response:** {span(d['first_response_seconds'])}",
            f"- **Time to resolution:** {span(d['resolution_seconds'])}",
            f"- **Time to close:** {span(d['close_seconds'])}",
            f"- **Open for:** {span(d['open_for_seconds'])}",
        ]
    )


def details_text(details: dict[str, Any]) -> str:
    """Event details as 'key: value; …' (nested values as compact JSON)."""

    def show(value: Any) -> str:
        """Text as is, anything else as JSON."""
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    return "; ".join(f"{k}: {show(v)}" for k, v in details.items() if v not in (None, "", []))


def _timeline(timeline: list[Report]) -> str:
    rows = [[when(e["at"]), e["actor"], e["kind"], details_text(e["details"])] for e in timeline]
    return "## Timeline\n\n" + table(["When", "Who", "What", "Details"], rows)
