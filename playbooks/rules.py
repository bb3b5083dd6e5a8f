"""Load and validate the reading rules (`playbooks/reading.toml`) into `ReadingRules`.

Every problem raises `PlaybookError` naming the file, the entry and the field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from bot.core.base.model import CustomerKind, Reason, Subject
from bot.core.guidance.playbook import (
    REQUIRED_LANGUAGES,
    WINDOW_THREATS,
    KindRule,
    Negation,
    ReadingRules,
    SubjectRule,
    Text,
    ThreatWindow,
    template_fields,
)
from bot.core.reading.text import fold, keyword_words
from bot.core.reading.windows import END
from playbooks import toml_cache
from playbooks.errors import PlaybookError

RULES_FILE = Path(__file__).with_name("reading.toml")

#: Signal lists a rules file may leave out (they came later); each defaults to empty.
_OPTIONAL_LISTS = (
    "polite", "strong_words", "displeasure", "repeat_contact", "legal_threats", "escalations",
    "short_shouts", "praise", "emphasis", "anger", "sarcasm", "intensifiers", "not_threats",
    "senses",
)  # fmt: skip
_TOP_KEYS = frozenset(
    {"source", "languages", "advice", "order_with_ref", "order_without_ref", "reasons",
     "kinds", "insults", "leave_threats", "public_threats", "subjects", "threat_windows",
     "negation", *_OPTIONAL_LISTS}
)  # fmt: skip
_SIGNAL_LISTS = ("insults", "leave_threats", "public_threats")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


class _Checker:
    """Validation helpers that know the file name and the declared languages."""

    def __init__(self, file: str, advice_ids: frozenset[str]) -> None:
        self.file = file
        self.advice_ids = advice_ids
        self.languages: tuple[str, ...] = REQUIRED_LANGUAGES

    def fail(self, where: str, field: str, problem: str) -> PlaybookError:
        return PlaybookError(self.file, where, field, problem)

    def table(self, value: Any, where: str, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, field, f"must be a table, not {type(value).__name__}")
        return value

    def keys(
        self,
        table: Mapping[str, Any],
        where: str,
        allowed: frozenset[str],
        required: frozenset[str],
    ) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(where, key, f"unknown key (allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required - set(table)):
            raise self.fail(where, key, "missing")

    def string(self, value: Any, where: str, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, field, "must be a non-empty string")
        return value

    def string_list(self, value: Any, where: str, field: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(where, field, f"must be a list of strings, not {type(value).__name__}")
        return tuple(self.string(item, where, field) for item in value)

    def per_language(self, value: Any, where: str, field: str) -> dict[str, Any]:
        """Check a table keyed by exactly the declared languages."""
        table = self.table(value, where, field)
        for language in table:
            if language not in self.languages:
                raise self.fail(where, f"{field}.{language}", "language not in `languages`")
        for language in self.languages:
            if language not in table:
                raise self.fail(where, field, f"missing language '{language}'")
        return table

    def keywords(self, value: Any, where: str, field: str) -> dict[str, tuple[str, ...]]:
        lists: dict[str, tuple[str, ...]] = {}
        for language, items in self.per_language(value, where, field).items():
            lists[language] = self.string_list(items, where, f"{field}.{language}")
            for keyword in lists[language]:
                try:
                    keyword_words(keyword)
                except ValueError as error:
                    raise self.fail(where, f"{field}.{language}", str(error)) from None
        return lists

    def text(self, value: Any, where: str, field: str) -> Text:
        table = self.per_language(value, where, field)
        return Text({lang: self.string(t, where, f"{field}.{lang}") for lang, t in table.items()})

    def advice(self, value: Any, where: str, field: str = "advice") -> tuple[str, ...]:
        ids = self.string_list(value, where, field)
        for advice_id in ids:
            if advice_id not in self.advice_ids:
                raise self.fail(where, field, f"unknown advice id '{advice_id}'")
        return ids


def _languages(check: _Checker, data: Mapping[str, Any]) -> tuple[str, ...]:
    declared = data.get("languages", list(REQUIRED_LANGUAGES))
    languages = check.string_list(declared, "top", "languages")
    for language in languages:
        if not _LANGUAGE_CODE.match(language):
            raise check.fail("top", "languages", f"'{language}' is not an ISO 639-1 code")
    for language in REQUIRED_LANGUAGES:
        if language not in languages:
            raise check.fail("top", "languages", f"missing required language '{language}'")
    return tuple(dict.fromkeys(languages))


def _reasons(
    check: _Checker, value: Any
) -> tuple[dict[Reason, dict[str, tuple[str, ...]]], dict[Reason, Text]]:
    table = check.table(value, "reasons", "reasons")
    check.keys(table, "reasons", frozenset(Reason), frozenset(Reason))
    keywords: dict[Reason, dict[str, tuple[str, ...]]] = {}
    names: dict[Reason, Text] = {}
    for reason in Reason:
        where = f"reasons.{reason.value}"
        entry = check.table(table[reason.value], "reasons", reason.value)
        fields = {"name"} if reason is Reason.OTHER else {"name", "keywords"}
        check.keys(entry, where, frozenset(fields), frozenset(fields))
        names[reason] = check.text(entry["name"], where, "name")
        if reason is not Reason.OTHER:
            keywords[reason] = check.keywords(entry["keywords"], where, "keywords")
    return keywords, names


def _kinds(check: _Checker, value: Any) -> dict[CustomerKind, KindRule]:
    table = check.table(value, "kinds", "kinds")
    kinds = frozenset(CustomerKind) - {CustomerKind.UNKNOWN}
    check.keys(table, "kinds", kinds, kinds)
    rules: dict[CustomerKind, KindRule] = {}
    for kind in CustomerKind:
        if kind is CustomerKind.UNKNOWN:
            continue
        where = f"kinds.{kind.value}"
        entry = check.table(table[kind.value], "kinds", kind.value)
        fields = frozenset({"cues", "treatment", "advice"})
        check.keys(entry, where, fields, fields)
        rules[kind] = KindRule(
            kind=kind,
            cues=check.keywords(entry["cues"], where, "cues"),
            treatment=check.text(entry["treatment"], where, "treatment"),
            advice=check.advice(entry["advice"], where),
        )
    return rules


def _template(check: _Checker, text: Text, where: str, field: str, wanted: set[str]) -> Text:
    """Refuse a text whose placeholders are not exactly `wanted`."""
    for language, template in text.by_language.items():
        try:
            found = template_fields(template)
        except ValueError as error:
            raise check.fail(where, f"{field}.{language}", str(error)) from None
        if found != wanted:
            shown = ", ".join(f"{{{name}}}" for name in sorted(wanted)) or "no placeholder"
            raise check.fail(where, f"{field}.{language}", f"must use exactly {shown}")
    return text


def _subjects(check: _Checker, value: Any) -> dict[Subject, SubjectRule]:
    """Every subject a complaint may be about: its words, and how a reply names it."""
    table = check.table(value, "subjects", "subjects")
    check.keys(table, "subjects", frozenset(Subject), frozenset(Subject))
    rules: dict[Subject, SubjectRule] = {}
    for subject in Subject:
        where = f"subjects.{subject.value}"
        entry = check.table(table[subject.value], "subjects", subject.value)
        fields = {"name", "issue", "issue_with_ref"}
        if subject is not Subject.UNKNOWN:
            fields.add("keywords")
        check.keys(entry, where, frozenset(fields | _SUBJECT_REASON_KEYS), frozenset(fields))
        rules[subject] = SubjectRule(
            subject=subject,
            name=check.text(entry["name"], where, "name"),
            issue=_template(check, check.text(entry["issue"], where, "issue"), where, "issue",
                            set()),
            issue_with_ref=_template(
                check, check.text(entry["issue_with_ref"], where, "issue_with_ref"), where,
                "issue_with_ref", {"ref"},
            ),
            keywords=check.keywords(entry["keywords"], where, "keywords") if "keywords" in entry
            else {},
            **_subject_reasons(check, entry, where),
        )  # fmt: skip
    return rules


#: Optional keys of a subject that tell the reason apart (bot/core/reading/reason.py).
_SUBJECT_REASON_KEYS = frozenset({"reason", "reason_words", "recast", "moves"})


def _a_reason(check: _Checker, value: Any, where: str, field: str) -> Reason:
    if value not in frozenset(Reason):
        raise check.fail(where, field, f"'{value}' is not a reason ({', '.join(Reason)})")
    return Reason(value)


def _subject_reasons(check: _Checker, entry: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A subject's default reason, its own words per reason, and the reasons it recasts."""
    found: dict[str, Any] = {}
    if "reason" in entry:
        found["reason"] = _a_reason(check, entry["reason"], where, "reason")
    if "reason_words" in entry:
        table = check.table(entry["reason_words"], where, "reason_words")
        found["reason_words"] = {
            _a_reason(check, name, where, "reason_words"): check.keywords(
                words, where, f"reason_words.{name}"
            )
            for name, words in table.items()
        }
    if "recast" in entry:
        table = check.table(entry["recast"], where, "recast")
        found["recast"] = {
            _a_reason(check, name, where, "recast"): _a_reason(
                check, target, where, f"recast.{name}"
            )
            for name, target in table.items()
        }
    if "moves" in entry:
        table = check.table(entry["moves"], where, "moves")
        found["moves"] = {
            _a_reason(check, name, where, "moves"): _a_subject(
                check, target, where, f"moves.{name}"
            )
            for name, target in table.items()
        }
    return found


def _a_subject(check: _Checker, value: Any, where: str, field: str) -> Subject:
    if value not in frozenset(Subject):
        raise check.fail(where, field, f"'{value}' is not a subject ({', '.join(Subject)})")
    return Subject(value)


def _order_texts(check: _Checker, data: Mapping[str, Any]) -> tuple[Text, Text]:
    with_ref = check.text(data["order_with_ref"], "top", "order_with_ref")
    without_ref = check.text(data["order_without_ref"], "top", "order_without_ref")
    _template(check, with_ref, "top", "order_with_ref", {"ref"})
    _template(check, without_ref, "top", "order_without_ref", set())
    return with_ref, without_ref


def _short_words(check: _Checker, lists: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Check that every short shout is one plain word of at most three letters."""
    for language, words in lists.items():
        for word in words:
            folded = keyword_words(word)
            if len(folded) != 1 or folded[0].endswith("*") or len(folded[0]) > 3:
                problem = f"'{word}' must be one word of at most three letters, not a stem"
                raise check.fail("short_shouts", f"short_shouts.{language}", problem)
    return {
        language: tuple(keyword_words(w)[0] for w in words) for language, words in lists.items()
    }


#: A threat window's keys, and how many steps it may have.
_WINDOW_KEYS = frozenset({"threat", "language", "steps", "reach"})
_WINDOW_STEPS = range(2, 5)
#: A window word: one word or two, of letters and apostrophes; a lone word may end in "*".
_WINDOW_WORD = re.compile(r"^[^\W\d_]+(?:['’][^\W\d_]+)*(?: [^\W\d_]+(?:['’][^\W\d_]+)*|\*)?$")


def _threat_windows(check: _Checker, value: Any) -> dict[str, tuple[ThreatWindow, ...]]:
    """Check the threat windows (a list of tables) and group them by language."""
    if not isinstance(value, list):
        raise check.fail("top", "threat_windows", "must be a list of tables ([[threat_windows]])")
    windows: dict[str, list[ThreatWindow]] = {}
    for number, item in enumerate(value):
        where = f"threat_windows[{number}]"
        table = check.table(item, where, "threat_windows")
        check.keys(table, where, _WINDOW_KEYS, _WINDOW_KEYS - {"reach"})
        threat = check.string(table["threat"], where, "threat")
        if threat not in WINDOW_THREATS:
            raise check.fail(where, "threat", f"must be one of {', '.join(WINDOW_THREATS)}")
        language = check.string(table["language"], where, "language")
        if language not in check.languages:
            raise check.fail(where, "language", "language not in `languages`")
        steps = table["steps"]
        if not isinstance(steps, list) or len(steps) not in _WINDOW_STEPS:
            raise check.fail(where, "steps", "must be a list of 2 to 4 lists of words")
        words = tuple(_window_step(check, step, where) for step in steps)
        if frozenset({END}) in words[:-1]:
            raise check.fail(where, "steps", f"the end of a sentence, {END!r}, must be the last")
        reach = _window_reach(check, table.get("reach", 0), len(steps) - 1, where)
        windows.setdefault(language, []).append(ThreatWindow(threat, words, reach))
    return {language: tuple(found) for language, found in windows.items()}


def _window_reach(check: _Checker, value: Any, gaps: int, where: str) -> tuple[int, ...]:
    """A window's reach: one number for every gap, or a list of one per gap."""
    reach = [value] * gaps if not isinstance(value, list) else value
    if len(reach) != gaps or any(
        not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in reach
    ):
        problem = f"must be a number of words (0 or more), or a list of {gaps}, one per gap"
        raise check.fail(where, "reach", problem)
    return tuple(reach)


def _window_step(check: _Checker, step: Any, where: str) -> frozenset[str]:
    words = check.string_list(step, where, "steps")
    if not words:
        raise check.fail(where, "steps", "a step needs at least one word")
    for word in words:
        if word == END and words == (END,):
            continue
        if not _WINDOW_WORD.match(word):
            problem = f"'{word}' must be one or two words, one word ending in '*', or {END!r}"
            raise check.fail(where, "steps", problem)
    return frozenset(fold(word) for word in words)


#: The word lists of a language's negation; all but these hold single words.
_NEGATION_FIELDS = tuple(field.name for field in fields(Negation))
_TWO_WORD_NEGATION = ("counterfactuals",)
_ONE_WORD = re.compile(r"^[^\W\d_]+(?:['’][^\W\d_]+)*$")


def _negation(check: _Checker, value: Any) -> dict[str, Negation]:
    """Check the negation words of each language ([negation.en], [negation.es])."""
    found: dict[str, Negation] = {}
    for language, table in check.table(value, "top", "negation").items():
        where = f"negation.{language}"
        if language not in check.languages:
            raise check.fail("negation", language, "language not in `languages`")
        table = check.table(table, where, "negation")
        check.keys(table, where, frozenset(_NEGATION_FIELDS), frozenset())
        lists = {name: _negation_words(check, table[name], where, name) for name in table}
        found[language] = Negation(**lists)
    return found


def _negation_words(check: _Checker, value: Any, where: str, name: str) -> frozenset[str]:
    words = check.string_list(value, where, name)
    most = 2 if name in _TWO_WORD_NEGATION else 1
    for word in words:
        parts = word.split()
        if not 1 <= len(parts) <= most or not all(_ONE_WORD.match(part) for part in parts):
            problem = f"'{word}' must be {'one or two words' if most == 2 else 'one word'}"
            raise check.fail(where, name, problem)
    return frozenset(fold(word) for word in words)


def _read(path: Path) -> dict[str, Any]:
    try:
        return toml_cache.load(path)
    except tomllib.TOMLDecodeError as error:
        raise PlaybookError(path.name, "file", "(syntax)", str(error)) from None
    except OSError as error:
        raise PlaybookError(path.name, "file", "(file)", error.strerror or str(error)) from None


def load_rules(path: Path, advice_ids: frozenset[str]) -> ReadingRules:
    """Load, validate and return the reading rules in `path`."""
    data = _read(path)
    check = _Checker(path.name, advice_ids)
    required = _TOP_KEYS - {"languages", "advice", "threat_windows", "negation", *_OPTIONAL_LISTS}
    check.keys(data, "top", _TOP_KEYS, required)
    check.languages = _languages(check, data)
    reasons, names = _reasons(check, data["reasons"])
    with_ref, without_ref = _order_texts(check, data)
    signals = {name: check.keywords(data[name], name, name) for name in _SIGNAL_LISTS}
    optional = {
        name: check.keywords(data[name], name, name) if name in data else {}
        for name in _OPTIONAL_LISTS
    }
    return ReadingRules(
        source=check.string(data["source"], "top", "source"),
        reasons=reasons,
        kinds=_kinds(check, data["kinds"]),
        insults=signals["insults"],
        leave_threats=signals["leave_threats"],
        public_threats=signals["public_threats"],
        reason_names=names,
        order_with_ref=with_ref,
        order_without_ref=without_ref,
        advice=check.advice(data.get("advice", []), "top"),
        polite=optional["polite"],
        strong_words=optional["strong_words"],
        repeat_contact=optional["repeat_contact"],
        legal_threats=optional["legal_threats"],
        escalations=optional["escalations"],
        displeasure=optional["displeasure"],
        short_shouts=_short_words(check, optional["short_shouts"]),
        subjects=_subjects(check, data["subjects"]),
        praise=optional["praise"],
        emphasis=optional["emphasis"],
        senses=optional["senses"],
        anger=optional["anger"],
        sarcasm=optional["sarcasm"],
        intensifiers=optional["intensifiers"],
        not_threats=optional["not_threats"],
        threat_windows=_threat_windows(check, data.get("threat_windows", [])),
        negation=_negation(check, data.get("negation", {})),
    )
