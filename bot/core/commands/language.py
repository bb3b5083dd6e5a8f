"""The one command language every adapter shares: `/complaint <sub> [#case] ...`."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.core.texts import FALLBACK, t

MAX_COMMAND_CHARS = 4000

USAGE: dict[str, str] = {
    "help": "help [command] — what Sereno can do",
    "list": "list [new|open|resolved|closed|let_go|dismissed|all] [mine] [here] [overdue]",
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
    "letgo": "letgo [#case] [what you offered] — close without agreement, politely",
    "reopen": "reopen [#case] [why] — the problem came back",
    "dismiss": "dismiss [#case] [why] — not a complaint: close it without a word to the customer",
    "split": "split [#case] — the customer's latest message that joined it: a case of its own",
    "timeline": "timeline [#case] — who did what, when",
    "playbook": "playbook [#case] — every step of the playbook",
    "flag": "flag [#case] <unjustified|refused|not-ours> — unlock the matching steps",
    "suggest": "suggest [#case] [suggestion] — post another reply suggestion",
    "due": "due [mine|all] — due and overdue reminders",
    "snooze": "snooze [#case] <when> — push the case's reminder, e.g. 'in 2 hours'",
    "reminder": "reminder [#case] done|cancel — finish the case's current reminder",
    "remedy": "remedy [#case] refund|discount|replacement|other <amount> <currency> [note]",
    "satisfied": "satisfied [#case] 1-5 [comment] — the customer's answer at the follow-up",
    "story": "story [#case] — mark a resolved case as a success story",
    "export": "export [#case] [md|json|csv] [period] — the case report as a file "
    "(no case: all cases as csv, or those opened in a period such as 30d)",
    "report": "report [7d|30d|YYYY-MM-DD|YYYY-MM|from..to] — the team report with its chart",
    "stories": "stories [7d|30d|from..to] — the success stories of a period",
    "reading": "reading [#case] [reason X] [intensity 0-3] [kind X] [subject X] "
    "[threats leave,public,legal|none] — show Sereno's reading, or correct it",
}

_ALIASES = {"let-go": "letgo", "follow-up": "followup", "?": "help", "ls": "list"}
_CASE_REF = re.compile(r"^#(\d{1,9})$")
_BARE_NUMBER = re.compile(r"^\d{1,9}$")

#: How a bare number after the verb reads, when it is not the case. A verb whose usage
#: starts with "[#case]" and is not listed here reads `show 6` as `show #6`.
NUMBER_READS: dict[str, str] = {
    "done": "step",
    "undo": "step",
    "skip": "step",
    "note": "text",
    "followup": "text",
    "snooze": "text",
    "satisfied": "text",
}


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
        raise CommandError(_unknown(head, lang))
    case_id, args = _case_ref(rest.strip(), number_reads(name) == "case")
    return Command(name, case_id, args)


def number_reads(name: str) -> str:
    """What a bare number after `name` is: "case", "step", "text" or "none" (no case)."""
    if name in NUMBER_READS:
        return NUMBER_READS[name]
    return "case" if USAGE.get(name, "").startswith(f"{name} [#case]") else "none"


def _unknown(head: str, lang: str) -> str:
    """Why `head` is no verb: a did-you-mean when one is close, else every verb."""
    shown = head[:30] + ("…" if len(head) > 30 else "")
    words = [*USAGE, *_ALIASES]
    close = difflib.get_close_matches(head.lower()[:30], words, n=1, cutoff=0.6)
    if close:
        verb = _ALIASES.get(close[0], close[0])
        return t("command.did_you_mean", lang, shown=shown, verb=verb, usage=USAGE[verb])
    return t("command.unknown", lang, shown=shown, names=", ".join(USAGE))


def _case_ref(rest: str, bare_is_case: bool) -> tuple[int | None, str]:
    first, _, after = rest.partition(" ")
    match = _CASE_REF.match(first)
    if match:
        return int(match.group(1)), after.strip()
    if bare_is_case and _BARE_NUMBER.match(first):
        return int(first), after.strip()
    return None, rest


def help_text(name: str | None = None, lang: str = FALLBACK) -> str:
    """Usage for one command, or for all of them (the heading in `lang`)."""
    if name and name in USAGE:
        reads = number_reads(name)
        usage = "/complaint " + USAGE[name]
        if reads == "none":
            return usage
        return usage + "\n" + t(f"command.number_{reads}", lang, verb=name)
    lines = [t("command.help_heading", lang)]
    lines += [f"  /complaint {usage}" for usage in USAGE.values()]
    cases = [n for n in USAGE if number_reads(n) == "case"]
    steps = [n for n in USAGE if number_reads(n) == "step"]
    texts = [n for n in USAGE if number_reads(n) == "text"]
    lines.append(
        t(
            "command.numbers",
            lang,
            cases=", ".join(cases),
            steps=", ".join(steps),
            texts=", ".join(texts),
        )
    )
    return "\n".join(lines)
