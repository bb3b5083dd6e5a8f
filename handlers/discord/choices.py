"""Autocomplete for /complaint: subcommand names, case numbers, step ids and suggestion ids.

Discord caps an option's fixed choices at 25 and answers at most 25 suggestions, so
anything that can grow past that is offered here as you type.
"""

from __future__ import annotations

from discord import app_commands

from bot.core.base.case import Case
from bot.core.base.model import Status
from bot.core.base.store_port import CaseQuery
from bot.core.cases.engine import Engine
from bot.core.commands.language import USAGE
from handlers.discord.people import PLATFORM
from handlers.discord.render import clip

MAX_CHOICES = 25
NAME_LIMIT = 100
_OPEN = frozenset({Status.NEW, Status.IN_PROGRESS})


def commands(current: str) -> list[app_commands.Choice[str]]:
    """Subcommands for `/complaint help`: names starting with what was typed, then the rest
    whose usage mentions it."""
    typed = current.strip().lower()
    starts = [n for n in USAGE if n.startswith(typed)]
    mentions = [n for n in USAGE if n not in starts and typed in USAGE[n].lower()]
    found = [app_commands.Choice(name=clip(USAGE[n], NAME_LIMIT), value=n) for n in starts]
    found += [app_commands.Choice(name=clip(USAGE[n], NAME_LIMIT), value=n) for n in mentions]
    return found[:MAX_CHOICES]


def cases(engine: Engine, current: str, here: Case | None) -> list[app_commands.Choice[int]]:
    """Cases matching what was typed: this thread's first, then open ones, then any by number."""
    typed = current.strip().lstrip("#").lower()
    found: list[Case] = [here] if here else []
    if typed.isdigit():
        exact = engine.store.get_case(int(typed))
        found += [exact] if exact and exact.platform == PLATFORM else []
    found += engine.store.list_cases(CaseQuery(statuses=_OPEN, platform=PLATFORM, limit=200))
    seen: set[int] = set()
    choices = []
    for case in found:
        label = _case_label(case)
        if case.id in seen or not _matches(typed, case.id, label):
            continue
        seen.add(case.id)
        choices.append(app_commands.Choice(name=label, value=case.id))
    return choices[:MAX_CHOICES]


def _matches(typed: str, case_id: int, label: str) -> bool:
    """Digits pick case numbers; words search the customer, reason and text."""
    if typed.isdigit():
        return str(case_id).startswith(typed)
    return typed in label.lower()


def _case_label(case: Case) -> str:
    status = case.status.value.replace("_", " ")
    return clip(
        f"#{case.id} · {case.customer_name} · {case.reading.reason.value} · {status} · {case.text}",
        NAME_LIMIT,
    )


def steps(engine: Engine, case: Case | None, current: str) -> list[app_commands.Choice[str]]:
    """The case's steps, numbered, with their state."""
    if case is None:
        return []
    playbook = engine.playbook_for(case)
    lang = engine.config.guidance.agent_language
    typed = current.strip().lower()
    choices = []
    for number, step in enumerate(engine.store.steps(case.id), 1):
        known = playbook.step(step.step_id)
        title = known.title.get(lang) if known else step.step_id
        label = clip(f"{number}. {title} [{step.step_id}] · {step.state.value}", NAME_LIMIT)
        if not typed or typed in label.lower():
            choices.append(app_commands.Choice(name=label, value=step.step_id))
    return choices[:MAX_CHOICES]


def suggestions(engine: Engine, case: Case | None, current: str) -> list[app_commands.Choice[str]]:
    """The reply suggestions of the case's playbook."""
    if case is None:
        return []
    lang = engine.config.guidance.agent_language
    typed = current.strip().lower()
    choices = []
    for suggestion_id, suggestion in engine.playbook_for(case).suggestions.items():
        label = clip(f"{suggestion.label.get(lang)} [{suggestion_id}]", NAME_LIMIT)
        if not typed or typed in label.lower():
            choices.append(app_commands.Choice(name=label, value=suggestion_id))
    return choices[:MAX_CHOICES]
