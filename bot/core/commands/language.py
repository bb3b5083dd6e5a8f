"""The one command language every adapter shares: `/complaint <sub> [#case] ...`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.texts import FALLBACK, t

MAX_COMMAND_CHARS = 4000

USAGE: dict[str, str] = {
    "help": "help [command] — what Sereno can do",
    "list": "list [new|open|resolved|closed|let_go|all] [mine] [here] [overdue]",
    "show": "show [#case] — the case, its reading and its steps",
    "claim": "claim [#case] — take the case",
    "assign": "assign [#case] <@agent> — give the case to someone",
    "done": "done [#case] <step> — mark a step done (id or number)",
    "undo": "undo [#case] <step> — put a step back to pending",
    "skip": "skip [#case] <step> — skip a step",
    "note": "note [#case] <text> — add a note to the timeline",
    "followup": "followup [#case] <when> [note] — e.g. 'in 3 days', 'mañana a las 10'",
    "resolve": "resolve [#case] [summary] — the customer's problem is solved",
    "close": "close [#case] — close a resolved case",
    "letgo": "letgo [#case] [why] — close without agreement, politely",
    "reopen": "reopen [#case] [why] — the problem came back",
    "timeline": "timeline [#case] — who did what, when",
    "playbook": "playbook [#case] — every step of the playbook",
    "flag": "flag [#case] <unjustified|refused> — unlock the matching steps",
    "suggest": "suggest [#case] [suggestion] — post another reply suggestion",
    "due": "due [mine|all] — due and overdue reminders",
    "snooze": "snooze [#case] <when> — push the case's reminder, e.g. 'in 2 hours'",
    "reminder": "reminder [#case] done|cancel — finish the case's current reminder",
    "remedy": "remedy [#case] refund|discount|replacement|other <amount> <currency> [note]",
    "satisfied": "satisfied [#case] 1-5 [comment] — the customer's answer at the follow-up",
    "story": "story [#case] — mark a resolved case as a success story",
    "export": "export [#case] [md|json|csv] [period] — the case report as a file "
    "(no case: all cases as csv, or those opened in a period such as 30d)",
    "report": "report [7d|30d|from..to] — the team report with its chart",
    "stories": "stories [7d|30d|from..to] — the success stories of a period",
}

_ALIASES = {"let-go": "letgo", "follow-up": "followup", "?": "help", "ls": "list"}
_CASE_REF = re.compile(r"^#(\d{1,9})$")


@dataclass(frozen=True)
class Command:
    name: str
    case_id: int | None
    args: str


class CommandError(ValueError):
    """A command could not be understood; the message is the polite answer."""


def parse(text: str, lang: str = FALLBACK) -> Command:
    """Parse untrusted command text; raise CommandError with usage help on bad input."""
    text = (text or "").replace("\x00", "").strip()
    if len(text) > MAX_COMMAND_CHARS:
        raise CommandError(t("command.too_long", lang, limit=MAX_COMMAND_CHARS))
    if text.lower().startswith("/complaint"):
        text = text[len("/complaint") :].strip()
    if not text:
        return Command("help", None, "")
    head, _, rest = text.partition(" ")
    name = _ALIASES.get(head.lower(), head.lower())
    if name not in USAGE:
        shown = head[:30] + ("…" if len(head) > 30 else "")
        raise CommandError(t("command.unknown", lang, shown=shown, names=", ".join(USAGE)))
    case_id, args = _case_ref(rest.strip())
    return Command(name, case_id, args)


def _case_ref(rest: str) -> tuple[int | None, str]:
    first, _, after = rest.partition(" ")
    match = _CASE_REF.match(first)
    if match:
        return int(match.group(1)), after.strip()
    return None, rest


def help_text(name: str | None = None, lang: str = FALLBACK) -> str:
    """Usage for one command, or for all of them (the heading in `lang`)."""
    if name and name in USAGE:
        return "/complaint " + USAGE[name]
    lines = [t("command.help_heading", lang)]
    lines += [f"  /complaint {usage}" for usage in USAGE.values()]
    return "\n".join(lines)
