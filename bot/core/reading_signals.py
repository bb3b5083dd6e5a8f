"""Signs of anger in a text, each quoted as the customer wrote it.

Intensity 0–3 adds up points: shouting in capitals (1, or 2 when sustained),
runs of exclamation marks (1), angry emoji (1), insults (1 each, at most 2), a
threat to leave (1), a threat to go public (1), and a confrontational tone (1):
the cues of the kinds of seed 003 who push back (argumentative, distrustful,
impulsive, know-it-all) show displeasure even when written calmly. Any threat
makes the intensity at least 2: a customer who threatens is past displeasure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.model import CustomerKind, Signal
from bot.core.playbook import ReadingRules
from bot.core.reading_text import FoldedText, outermost

MAX_INTENSITY = 3
#: All-capital words this short are taken for acronyms (DNI, USA, SMS) unless
#: they sit next to a longer shouted word ("NO ME HAGAN ESPERAR").
ACRONYM_MAX_LETTERS = 3
#: This many shouted words count as sustained shouting.
SUSTAINED_SHOUTING = 4
#: Quoted evidence is cut to this many characters.
MAX_QUOTE = 60
#: At most this many signals of one name are kept as evidence (all still count).
MAX_SIGNALS = 5
#: Kinds whose cues, on their own, read as a displeased tone.
CONFRONTATIONAL_KINDS = (
    CustomerKind.ARGUMENTATIVE,
    CustomerKind.DISTRUSTFUL,
    CustomerKind.IMPULSIVE,
    CustomerKind.KNOW_IT_ALL,
)

_LETTER_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_PUNCT_RUN = re.compile(r"[!¡?¿]{2,}")
#: Emoji that show anger: pouting, cursing, angry, anger symbol, imp, steam from nose.
_ANGRY_EMOJI = re.compile("[\U0001f621\U0001f92c\U0001f620\U0001f4a2\U0001f47f\U0001f624]+")
THREAT_FLOOR = 2


def _quote(text: str) -> str:
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"


def _is_shouted(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def shouted_phrases(text: str) -> list[tuple[str, int]]:
    """Return each run of capital words that is not a lone acronym, with its word count."""
    phrases: list[tuple[str, int]] = []
    run: list[re.Match[str]] = []
    for match in [*_LETTER_WORD.finditer(text), None]:
        if match is not None and _is_shouted(match.group()):
            run.append(match)
            continue
        if any(len(m.group()) > ACRONYM_MAX_LETTERS for m in run):
            phrases.append((text[run[0].start() : run[-1].end()], len(run)))
        run = []
    return phrases


def exclamation_runs(text: str) -> list[str]:
    """Return runs of two or more exclamation marks (question marks may sit among them)."""
    return [m.group() for m in _PUNCT_RUN.finditer(text) if sum(c in "!¡" for c in m.group()) >= 2]


def angry_emoji(text: str) -> list[str]:
    """Return each run of angry emoji."""
    return _ANGRY_EMOJI.findall(text)


def phrases_seen(
    folded: FoldedText, lists: Mapping[str, tuple[str, ...]], language: str, name: str
) -> tuple[Signal, ...]:
    """Return one signal per distinct phrase of the language's list found in the text."""
    seen: dict[str, Signal] = {}
    for hit in outermost(folded.find_all(lists.get(language, ()))):
        seen.setdefault(hit.words.casefold(), Signal(name, _quote(hit.words)))
    return tuple(seen.values())[:MAX_SIGNALS]


def _tone_signals(folded: FoldedText, rules: ReadingRules, language: str) -> tuple[Signal, ...]:
    cues = [
        cue
        for kind in CONFRONTATIONAL_KINDS
        if kind in rules.kinds
        for cue in rules.kinds[kind].cues.get(language, ())
    ]
    return phrases_seen(folded, {language: tuple(cues)}, language, "tone")


def _signals(name: str, details: list[str]) -> tuple[Signal, ...]:
    """Distinct details as signals, at most MAX_SIGNALS of them."""
    return tuple(Signal(name, _quote(d)) for d in dict.fromkeys(details))[:MAX_SIGNALS]


def _capital_signals(text: str) -> tuple[int, tuple[Signal, ...]]:
    phrases = shouted_phrases(text)
    words = sum(count for _, count in phrases)
    points = 0 if not words else 2 if words >= SUSTAINED_SHOUTING else 1
    return points, _signals("capitals", [p for p, _ in phrases])


def intensity_signals(
    folded: FoldedText, rules: ReadingRules, language: str
) -> tuple[int, dict[str, tuple[Signal, ...]]]:
    """Return the intensity and its signals grouped by name."""
    caps_points, caps = _capital_signals(folded.original)
    groups = {
        "capitals": caps,
        "exclamations": _signals("exclamations", exclamation_runs(folded.original)),
        "emoji": _signals("emoji", angry_emoji(folded.original)),
        "insult": phrases_seen(folded, rules.insults, language, "insult"),
        "leave-threat": phrases_seen(folded, rules.leave_threats, language, "leave-threat"),
        "public-threat": phrases_seen(folded, rules.public_threats, language, "public-threat"),
        "tone": _tone_signals(folded, rules, language),
    }
    threats = bool(groups["leave-threat"]) + bool(groups["public-threat"])
    points = (
        caps_points
        + bool(groups["exclamations"])
        + bool(groups["emoji"])
        + min(2, len(groups["insult"]))
        + threats
        + bool(groups["tone"])
    )
    if threats:
        points = max(points, THREAT_FLOOR)
    return min(MAX_INTENSITY, points), groups


def intensity_of(text: str, rules: ReadingRules, language: str) -> tuple[int, tuple[Signal, ...]]:
    """Return how angry a text reads (0–3) and the words that show it."""
    intensity, groups = intensity_signals(FoldedText.of(text), rules, language)
    return intensity, tuple(s for signals in groups.values() for s in signals)
