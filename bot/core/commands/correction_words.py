"""Reading what an agent typed to correct the reading: `reason billing intensity 2`,
`kind=rude`, `motivo facturación`, `threats leave,legal`, `threats none`.

Parts and values may be typed in any catalogue's language, with or without accents;
a typo gets a did-you-mean, an unknown value the list of valid ones, never a crash.
"""

from __future__ import annotations

import difflib
import unicodedata

from bot.core import texts
from bot.core.base.model import Reason
from bot.core.guidance.corrections import NO_THREATS, PARTS, THREATS, part_values, value_name
from bot.core.guidance.playbook import ReadingRules
from bot.core.texts import t

_CUTOFF = 0.7


def fold(word: str) -> str:
    """Lower case, no accents: "Facturación" → "facturacion"."""
    decomposed = unicodedata.normalize("NFKD", word.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _languages() -> tuple[str, ...]:
    """Every catalogue's language: an agent may type a value in any of them."""
    return tuple(sorted(p.stem for p in texts.LOCALE.glob("*.po"))) or ("en",)


def _part_words() -> dict[str, str]:
    """Every way to name a part (folded) → the part."""
    words = {part: part for part in PARTS}
    words["threat"] = "threats"
    for lang in _languages():
        for part in PARTS:
            for said in t(f"correction.part_words.{part}", lang).split(","):
                if said.strip() and not said.startswith("correction."):
                    words[fold(said)] = part
    return words


def _value_words(part: str, rules: ReadingRules) -> dict[str, str]:
    """Every way to name a value of `part` (folded) → the value."""
    words = {fold(v): v for v in part_values(part)}
    for lang in _languages():
        for value in part_values(part):
            words.setdefault(fold(value_name(part, value, rules, lang)), value)
            if part == "reason":
                named = rules.reason_names.get(Reason(value))
                if named is not None:
                    words.setdefault(fold(named.get(lang)), value)
    return words


def parse_changes(args: str, lang: str, rules: ReadingRules) -> dict[str, str] | str:
    """The corrections typed (part → value), or the polite answer to what is wrong.
    Commas may separate the parts ("reason billing, kind rude"); after `threats` they
    list the threats ("threats leave, legal")."""
    tokens = args.replace("=", " ").replace(";", " ").split()
    parts = _part_words()
    changes: dict[str, str] = {}
    at = 0
    while at < len(tokens):
        word = tokens[at].strip(",")
        part = parts.get(fold(word))
        if part is None and not word:
            at += 1  # a stray comma between parts
            continue
        if part is None:
            return _bad_part(word, lang, parts)
        typed, at = _typed_value(tokens, at + 1, part == "threats", parts)
        if not typed.strip(","):
            return t("correction.no_value", lang, part=word[:30], values=_valid(part, lang, rules))
        found = _value(part, typed, lang, rules)
        if found.startswith("!"):
            return found[1:]
        changes[part] = found
    return changes


def _typed_value(
    tokens: list[str], at: int, listed: bool, parts: dict[str, str]
) -> tuple[str, int]:
    """The value typed from `tokens[at]` and where the next part starts; a list of
    threats ("leave, legal", "leave ,legal") is one value, up to the next part's name."""
    if at >= len(tokens):
        return "", at
    typed = tokens[at]
    at += 1
    while listed and at < len(tokens) and (typed.endswith(",") or tokens[at].startswith(",")):
        if fold(tokens[at].strip(",")) in parts:
            break
        typed += tokens[at]
        at += 1
    return typed.rstrip(","), at


def _value(part: str, typed: str, lang: str, rules: ReadingRules) -> str:
    """The value `typed` names, or "!" and why not."""
    words = _value_words(part, rules)
    if part != "threats":
        value = words.get(fold(typed))
        return value if value is not None else "!" + _bad_value(part, typed, lang, rules, words)
    items = [i for i in typed.split(",") if i.strip()]
    if not items:
        return "!" + t(
            "correction.no_value", lang, part=typed[:30], values=_valid(part, lang, rules)
        )
    chosen = []
    for item in items:
        value = words.get(fold(item))
        if value is None:
            return "!" + _bad_value(part, item, lang, rules, words)
        chosen.append(value)
    if NO_THREATS in chosen and len(chosen) > 1:
        return "!" + t("correction.none_alone", lang)
    return ",".join(x for x in THREATS if x in chosen) or NO_THREATS


def _valid(part: str, lang: str, rules: ReadingRules) -> str:
    return ", ".join(value_name(part, v, rules, lang) for v in part_values(part))


def _bad_value(part: str, typed: str, lang: str, rules: ReadingRules, words: dict[str, str]) -> str:
    shown = typed[:30] + ("…" if len(typed) > 30 else "")
    close = difflib.get_close_matches(fold(typed)[:30], list(words), n=1, cutoff=_CUTOFF)
    named = t(f"correction.part.{part}", lang)
    if close:
        meant = value_name(part, words[close[0]], rules, lang)
        return t("correction.did_you_mean", lang, shown=shown, part=named, meant=meant)
    values = _valid(part, lang, rules)
    return t("correction.bad_value", lang, shown=shown, part=named, values=values)


def _bad_part(word: str, lang: str, parts: dict[str, str]) -> str:
    shown = word[:30] + ("…" if len(word) > 30 else "")
    names = ", ".join(t(f"correction.part.{p}", lang) for p in PARTS)
    close = difflib.get_close_matches(fold(word)[:30], list(parts), n=1, cutoff=_CUTOFF)
    if close:
        meant = t(f"correction.part.{parts[close[0]]}", lang)
        return t("correction.part_did_you_mean", lang, shown=shown, meant=meant, parts=names)
    return t("correction.bad_part", lang, shown=shown, parts=names)
