"""Load playbook TOML files into validated, frozen `Playbook` values."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.core.base.model import CustomerKind
from bot.core.guidance.playbook import Behaviour, Group, Playbook, Step, Suggestion, Variant
from playbooks import toml_cache
from playbooks import validate as v
from playbooks.errors import PlaybookError

#: The playbooks shipped with Sereno; a team directory may add more.
BUILTIN_DIR = Path(__file__).parent
#: TOML files in a playbook directory that are not playbooks.
NOT_PLAYBOOKS = frozenset({"reading.toml", "advice.toml"})

PLAYBOOK_KEYS = (
    ("id", "name", "steps"),
    ("selector", "suggestions", "behaviours", "clocks", "groups"),
)
STEP_KEYS = (("id", "title", "guidance", "advice"), ("suggestion", "when", "group"))
GROUP_KEYS = (("title",), ("after_resolution",))
SUGGESTION_KEYS = (("label", "advice", "variants"), ())
VARIANT_KEYS = (("text",), ("kinds", "without_agent", "without_channel"))
BEHAVIOUR_KEYS = (("id", "description", "advice"), ())


def load_playbooks(directories: Sequence[Path], advice_ids: frozenset[str]) -> tuple[Playbook, ...]:
    """Load every playbook in these directories, in order; playbook ids must be unique."""
    playbooks: list[Playbook] = []
    seen: dict[str, str] = {}
    for path in playbook_files(directories):
        playbook = load_playbook(path, advice_ids)
        if playbook.id in seen:
            problem = f"duplicate playbook id '{playbook.id}' (also in {seen[playbook.id]})"
            raise PlaybookError(str(path), "playbook", "id", problem)
        seen[playbook.id] = str(path)
        playbooks.append(playbook)
    return tuple(playbooks)


def playbook_files(directories: Sequence[Path]) -> list[Path]:
    """List the playbook files of each directory, sorted by name, each directory once."""
    files: list[Path] = []
    visited: set[Path] = set()
    for directory in directories:
        if not directory.is_dir():
            raise PlaybookError(str(directory), "directory", "path", "not a directory")
        if directory.resolve() in visited:
            continue
        visited.add(directory.resolve())
        files.extend(p for p in sorted(directory.glob("*.toml")) if p.name not in NOT_PLAYBOOKS)
    return files


def load_playbook(path: Path, advice_ids: frozenset[str]) -> Playbook:
    """Read and validate one playbook file."""
    data = read_toml(path)
    place = v.Place(str(path), "playbook")
    v.check_keys(data, place, *PLAYBOOK_KEYS)
    suggestions = build_suggestions(data.get("suggestions", {}), place, advice_ids)
    groups = build_groups(data.get("groups", {}), place)
    steps = build_steps(data["steps"], place, advice_ids, suggestions)
    check_grouping(steps, groups, place)
    return Playbook(
        id=v.identifier(data["id"], place, "id"),
        name=v.text(data["name"], place, "name"),
        source=str(path),
        selector=v.selector(data.get("selector", {}), place.at("selector")),
        steps=steps,
        suggestions=suggestions,
        behaviours=build_behaviours(data.get("behaviours", []), place, advice_ids),
        clocks=v.clocks(data.get("clocks", {}), place.at("clocks")),
        groups=groups,
    )


def build_groups(value: Any, place: v.Place) -> dict[str, Group]:
    """Build the `[groups.<id>]` tables: steps shown as one card."""
    groups: dict[str, Group] = {}
    for group_id, raw in v.table(value, place, "groups").items():
        v.identifier(group_id, place, f"groups.{group_id}")
        here = place.at(f"group '{group_id}'")
        raw = v.table(raw, here, f"groups.{group_id}")
        v.check_keys(raw, here, *GROUP_KEYS)
        after = raw.get("after_resolution", False)
        if not isinstance(after, bool):
            got = v.type_name(after)
            raise here.error("after_resolution", f"expected true or false, got {got}")
        groups[group_id] = Group(group_id, v.text(raw["title"], here, "title"), after)
    return groups


def check_grouping(steps: Sequence[Step], groups: Mapping[str, Group], place: v.Place) -> None:
    """Every step's group is defined, and a group's steps follow one another."""
    closed: set[str] = set()
    previous: str | None = None
    for step in steps:
        here = place.at(f"step '{step.id}'")
        if step.group is not None and step.group not in groups:
            known = sorted(groups) or "none defined"
            raise here.error("group", f"unknown group '{step.group}' (known: {known})")
        if step.group in closed:
            raise here.error("group", f"the steps of group '{step.group}' must be consecutive")
        if previous is not None and previous != step.group:
            closed.add(previous)
        previous = step.group


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; syntax errors name the line."""
    try:
        return toml_cache.load(path)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f"line {line.group(1)}" if line else "file"
        raise PlaybookError(str(path), where, "syntax", f"invalid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookError(str(path), "file", "path", f"cannot read: {exc}") from exc


def build_steps(
    value: Any, place: v.Place, advice_ids: frozenset[str], suggestions: Mapping[str, Suggestion]
) -> tuple[Step, ...]:
    """Build the steps in order; ids must be unique and the list not empty."""
    raws = v.table_list(value, place, "steps")
    if not raws:
        raise place.error("steps", "a playbook needs at least one step")
    steps: list[Step] = []
    for number, raw in enumerate(raws, start=1):
        step = build_step(raw, place.at(f"step {number}"), advice_ids, suggestions)
        if any(s.id == step.id for s in steps):
            raise place.at(f"step '{step.id}'").error("id", f"duplicate step id '{step.id}'")
        steps.append(step)
    return tuple(steps)


def build_step(
    raw: Mapping[str, Any],
    place: v.Place,
    advice_ids: frozenset[str],
    suggestions: Mapping[str, Suggestion],
) -> Step:
    """Build one step; errors name it by id once the id is known."""
    if "id" not in raw:
        raise place.error("id", "missing required field")
    place = place.at(f"step '{v.identifier(raw['id'], place, 'id')}'")
    v.check_keys(raw, place, *STEP_KEYS)
    suggestion = raw.get("suggestion")
    if suggestion is not None and v.text_value(suggestion, place, "suggestion") not in suggestions:
        known = sorted(suggestions) or "none defined"
        raise place.error("suggestion", f"unknown suggestion '{suggestion}' (known: {known})")
    return Step(
        id=raw["id"],
        title=v.text(raw["title"], place, "title"),
        guidance=v.text(raw["guidance"], place, "guidance"),
        advice=v.advice(raw["advice"], place, "advice", advice_ids),
        when=v.condition(raw.get("when", {}), place),
        suggestion=suggestion,
        group=v.text_value(raw["group"], place, "group") if "group" in raw else None,
    )


def build_suggestions(
    value: Any, place: v.Place, advice_ids: frozenset[str]
) -> dict[str, Suggestion]:
    """Build the `[suggestions.<id>]` tables, keyed by id."""
    raws = v.table(value, place, "suggestions")
    suggestions: dict[str, Suggestion] = {}
    for suggestion_id, raw in raws.items():
        v.identifier(suggestion_id, place, f"suggestions.{suggestion_id}")
        here = place.at(f"suggestion '{suggestion_id}'")
        raw = v.table(raw, here, f"suggestions.{suggestion_id}")
        v.check_keys(raw, here, *SUGGESTION_KEYS)
        suggestions[suggestion_id] = Suggestion(
            id=suggestion_id,
            label=v.text(raw["label"], here, "label"),
            advice=v.advice(raw["advice"], here, "advice", advice_ids),
            variants=build_variants(raw["variants"], here),
        )
    return suggestions


def build_variants(value: Any, place: v.Place) -> tuple[Variant, ...]:
    """Build a suggestion's variants; one of them must be for any kind."""
    variants: list[Variant] = []
    for number, raw in enumerate(v.table_list(value, place, "variants"), start=1):
        here = place.at(f"{place.where} variant {number}")
        v.check_keys(raw, here, *VARIANT_KEYS)
        kinds = v.members(raw.get("kinds", []), CustomerKind, here, "kinds")
        text, without = v.wordings(raw, here)
        variants.append(Variant(text=text, kinds=kinds, **without))
    if not any(not variant.kinds for variant in variants):
        raise place.error("variants", "needs a general variant (one without `kinds`)")
    return tuple(variants)


def build_behaviours(
    value: Any, place: v.Place, advice_ids: frozenset[str]
) -> tuple[Behaviour, ...]:
    """Build the `[[behaviours]]` list; ids must be unique."""
    behaviours: list[Behaviour] = []
    for number, raw in enumerate(v.table_list(value, place, "behaviours"), start=1):
        numbered = place.at(f"behaviour {number}")
        if "id" not in raw:
            raise numbered.error("id", "missing required field")
        here = place.at(f"behaviour '{v.identifier(raw['id'], numbered, 'id')}'")
        v.check_keys(raw, here, *BEHAVIOUR_KEYS)
        if any(b.id == raw["id"] for b in behaviours):
            raise here.error("id", f"duplicate behaviour id '{raw['id']}'")
        behaviours.append(
            Behaviour(
                id=raw["id"],
                description=v.text(raw["description"], here, "description"),
                advice=v.advice(raw["advice"], here, "advice", advice_ids),
            )
        )
    return tuple(behaviours)
