"""Running a parsed command for an actor in a chat context."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from types import ModuleType

from bot.core.base.case import Case
from bot.core.base.model import Actor, Status, StepState, Via
from bot.core.base.ports import TimeParser
from bot.core.base.store_port import CaseQuery
from bot.core.cases import outcomes, split
from bot.core.cases.context import Context
from bot.core.cases.engine import Engine, Reply
from bot.core.commands import views
from bot.core.commands.correction import reading_command
from bot.core.commands.language import Command, CommandError, help_text, parse
from bot.core.reminders import scheduler
from bot.core.texts import t

_MENTION = re.compile(r"^<@([A-Za-z0-9_.-]+)(?:\|([^>|]+))?>$")
_BARE_NAME = re.compile(r"^@?([\w.-]{1,64})$")
_STATUS_WORDS = {
    "new": {Status.NEW},
    "open": {Status.NEW, Status.IN_PROGRESS},
    "in_progress": {Status.IN_PROGRESS},
    "resolved": {Status.RESOLVED},
    "closed": {Status.CLOSED},
    "let_go": {Status.LET_GO},
    "dismissed": {Status.DISMISSED},
    "all": set(),
}


def run(engine: Engine, times: TimeParser, text: str, ctx: Context) -> Reply:
    """Parse and run one command; every failure is a polite Reply, never an exception."""
    lang = engine.config.guidance.agent_language
    try:
        command = parse(text, lang)
    except CommandError as exc:
        return Reply(str(exc), ok=False)
    if command.name == "help":
        return Reply(help_text(command.args.strip().lower() or None, lang))
    if not ctx.actor.is_agent:
        return Reply(engine.say("reply.only_team_commands"), ok=False)
    if command.name == "list":
        return _list(engine, command, ctx)
    if command.name in _CHANNEL_COMMANDS:
        return _CHANNEL_COMMANDS[command.name](engine, command, ctx)
    if command.name == "due":
        scope = command.args.strip().lower() or "mine"
        if scope not in ("mine", "all"):
            return Reply(help_text("due", lang), ok=False)
        return Reply(scheduler.due_list(engine, ctx.actor, mine=scope == "mine"))
    case = _case_for(engine, command, ctx)
    if command.name == "playbook" and case is None and command.case_id is None:
        return Reply(views.playbook_text(engine, None))
    if case is None:
        if command.case_id is not None:
            return Reply(engine.say("reply.no_case", case_id=command.case_id), ok=False)
        return Reply(engine.say("reply.which_case", command=command.name), ok=False)
    refused = engine.check_agent(case, ctx.actor)
    if refused:
        return refused
    return _HANDLERS[command.name](engine, times, case, command, ctx)


def _export(engine: Engine, command: Command, ctx: Context) -> Reply:
    case = _case_for(engine, command, ctx)
    if command.case_id is not None and case is None:
        return Reply(engine.say("reply.no_case", case_id=command.case_id), ok=False)
    if case is None and not engine.is_lead(ctx.actor):  # every case: the lead's alone
        return Reply(engine.say("reply.only_lead"), ok=False)
    refused = engine.check_agent(case, ctx.actor) if case else None
    return refused or _records().export(engine, case, command.args.strip(), ctx)


def _records() -> ModuleType:
    """export, report and stories: imported when first asked for (the team report's modules
    are a tenth of what serving imports before it listens, and few chats ever ask)."""
    return importlib.import_module("bot.core.records.commands")


_CHANNEL_COMMANDS: dict[str, Callable[[Engine, Command, Context], Reply]] = {
    "export": _export,
    "report": lambda e, cmd, ctx: _records().team_report(e, cmd.args.strip(), ctx, e.chart),
    "stories": lambda e, cmd, ctx: _records().stories(e, cmd.args.strip(), ctx),
}


def _usage(engine: Engine, name: str) -> str:
    """A verb's usage, with how it reads a bare number, in the agents' language."""
    return help_text(name, engine.config.guidance.agent_language)


def _case_for(engine: Engine, command: Command, ctx: Context) -> Case | None:
    if command.case_id is not None:
        return engine.store.get_case(command.case_id)
    if ctx.thread_id:
        return engine.store.find_case_by_thread(ctx.platform, ctx.thread_id)
    return None


def _list(engine: Engine, command: Command, ctx: Context) -> Reply:
    words = command.args.lower().split()
    statuses = {Status.NEW, Status.IN_PROGRESS}
    query = CaseQuery(statuses=frozenset(statuses), limit=50)
    for word in words:
        if word in _STATUS_WORDS:
            query = replace(query, statuses=frozenset(_STATUS_WORDS[word]))
        elif word == "mine":
            query = replace(query, assignee_id=ctx.actor.user_id)
        elif word == "here":
            query = replace(query, channel_id=ctx.channel_id, platform=ctx.platform)
        elif word == "overdue":  # the tightest target first; each case's own just below
            due = engine.clock.now() - engine.config.clocks.first_response_for("high")
            query = replace(query, overdue_before=due)
        else:
            return Reply(
                engine.say("reply.bad_filter", word=word[:30], usage=_usage(engine, "list")),
                ok=False,
            )
    now = engine.clock.now()
    cases = engine.store.list_cases(query)
    if query.overdue_before is not None:  # past the target for the case's own impact
        cases = [c for c in cases if now - c.opened_at >= _target(engine, c)]
    return Reply(views.case_list(engine, cases, now))


def _target(engine: Engine, case: Case) -> timedelta:
    """The first-response target of a case: its impact's, with its playbook's overrides."""
    return engine.clocks_for(case).first_response_for(case.reading.impact.value)


def _step(state: StepState) -> Callable[..., Reply]:
    def handler(engine: Engine, _t: TimeParser, case: Case, cmd: Command, ctx: Context) -> Reply:
        if not cmd.args:
            text = engine.say("reply.which_step", usage=_usage(engine, cmd.name))
            return Reply(text, ok=False, case_id=case.id)
        return engine.set_step(case, cmd.args.split()[0], state, ctx.actor, Via.COMMAND)

    return handler


def _assign(engine: Engine, _t: TimeParser, case: Case, cmd: Command, ctx: Context) -> Reply:
    text = cmd.args.strip()
    mention, bare = _MENTION.match(text), _BARE_NAME.match(text)
    if mention:
        user_id, name = mention.group(1), (mention.group(2) or mention.group(1)).lstrip("@")
    elif bare and ctx.bare_names:
        user_id = name = bare.group(1)
    elif bare:  # a name as typed, not a mention: storing it would ping nobody
        reply = engine.say("reply.pick_mention", name=bare.group(1), usage=_usage(engine, "assign"))
        return Reply(reply, ok=False, case_id=case.id)
    else:
        return Reply(
            engine.say("reply.who", usage=_usage(engine, "assign")), ok=False, case_id=case.id
        )
    return engine.claim(case, ctx.actor, Actor(ctx.platform, user_id, name, is_agent=True))


def _when(times: TimeParser, text: str, now: datetime, lang: str) -> tuple[datetime, str] | str:
    """The longest leading phrase that reads as a future time, and the rest; or why not."""
    words = text.split()
    examples = t("when.examples", lang)
    for cut in range(min(len(words), 8), 0, -1):
        when = times.parse(" ".join(words[:cut]), now)
        if when is not None:
            if when <= now:
                return t("when.passed", lang, examples=examples)
            return when, " ".join(words[cut:])
    return t("when.unreadable", lang, text=text[:60], examples=examples)


def _followup(engine: Engine, times: TimeParser, case: Case, cmd: Command, ctx: Context) -> Reply:
    found = _when(times, cmd.args, engine.clock.now(), engine.config.guidance.agent_language)
    if isinstance(found, str):
        return Reply(found, ok=False, case_id=case.id)
    return engine.followup(case, ctx.actor, found[0], found[1])


def _snooze(engine: Engine, times: TimeParser, case: Case, cmd: Command, ctx: Context) -> Reply:
    found = _when(times, cmd.args, engine.clock.now(), engine.config.guidance.agent_language)
    if isinstance(found, str):
        return Reply(found, ok=False, case_id=case.id)
    return scheduler.snooze(engine, case, ctx.actor, found[0])


def _reminder(engine: Engine, _t: TimeParser, case: Case, cmd: Command, ctx: Context) -> Reply:
    action = cmd.args.strip().lower()
    if action not in ("done", "cancel"):
        return Reply(_usage(engine, "reminder"), ok=False, case_id=case.id)
    return scheduler.finish(engine, case, ctx.actor, "done" if action == "done" else "cancelled")


def _transition(target: Status, verb: str) -> Callable[..., Reply]:
    def handler(engine: Engine, _t: TimeParser, case: Case, cmd: Command, ctx: Context) -> Reply:
        return engine.transition(case, ctx.actor, target, verb, cmd.args)

    return handler


_HANDLERS: dict[str, Callable[[Engine, TimeParser, Case, Command, Context], Reply]] = {
    "show": lambda e, _t, case, _c, _x: Reply(views.show(e, case), case_id=case.id),
    "timeline": lambda e, _t, case, _c, _x: Reply(views.timeline(e, case), case_id=case.id),
    "playbook": lambda e, _t, case, _c, _x: Reply(views.playbook_text(e, case), case_id=case.id),
    "claim": lambda e, _t, case, _c, ctx: e.claim(case, ctx.actor),
    "assign": _assign,
    "done": _step(StepState.DONE),
    "undo": _step(StepState.PENDING),
    "skip": _step(StepState.SKIPPED),
    "note": lambda e, _t, case, cmd, ctx: e.note(case, ctx.actor, cmd.args),
    "followup": _followup,
    "snooze": _snooze,
    "remedy": lambda e, _t, case, cmd, ctx: outcomes.remedy(e, case, ctx.actor, cmd.args),
    "satisfied": lambda e, _t, case, cmd, ctx: outcomes.satisfied(e, case, ctx.actor, cmd.args),
    "story": lambda e, _t, case, _c, ctx: outcomes.story(e, case, ctx.actor),
    "reminder": _reminder,
    "resolve": _transition(Status.RESOLVED, "resolve"),
    "close": _transition(Status.CLOSED, "close"),
    "letgo": _transition(Status.LET_GO, "let go"),
    "reopen": _transition(Status.IN_PROGRESS, "reopen"),
    "dismiss": _transition(Status.DISMISSED, "dismiss"),
    "split": lambda e, _t, case, _c, ctx: split.split(e, case, ctx.actor),
    "flag": lambda e, _t, case, cmd, ctx: e.flag(case, ctx.actor, cmd.args.strip().lower()),
    "suggest": lambda e, _t, case, cmd, ctx: e.suggest(case, ctx.actor, cmd.args.strip() or None),
    "reading": lambda e, _t, case, cmd, ctx: reading_command(e, case, cmd.args, ctx.actor),
}
