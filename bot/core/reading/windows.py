"""Threats whose words stand apart: a word of each of a window's steps, in order, in a clause.

The rules' patterns allow gaps of four words only; a window finds "I will never, after the
way your crew treated us, book a seat with you again" (a refusal, a verb, "again") or
"posting the pictures of the room on Tripadvisor" (a verb of posting, then a platform) however
the words between run. The windows are data (`[[threat_windows]]` in playbooks/reading.toml);
a clause ends at a sentence's end or at a word that starts a new one ("but", "pero"). A last
step of "$" is the sentence's end, hashtags and handles aside ("that's strike three. I'm out").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache

from bot.core.guidance.playbook import ThreatWindow
from bot.core.reading.keywords import WORD
from bot.core.reading.text import FoldedText, Hit, WordIndex

_SENTENCE = re.compile(r"[^.!?\n]+")
_LETTER_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
#: Words that start a new clause inside a sentence: a window never spans them ("I never use
#: the app, but the site broke again").
WINDOW_BREAKS = frozenset(
    {"but", "because", "since", "although", "though", "while", "pero", "porque", "aunque"}
)
#: A last step made of this is the end of the sentence (only hashtags and handles after it).
END = "$"
#: The name a window's hit is quoted under (it has no keyword of its own).
WINDOW_KEYWORD = "[window]"

#: A word of a sentence: where it starts and ends in the folded text, and the word itself
#: (a hashtag's or a handle's with its "#" / "@").
_Word = tuple[int, int, str]


def window_hits(
    folded: FoldedText, windows: Iterable[ThreatWindow], threats: Collection[str]
) -> dict[str, list[Hit]]:
    """Return, per threat of `threats`, the first span each window matches in each sentence."""
    found: dict[str, list[Hit]] = {threat: [] for threat in threats}
    mine = [window for window in windows if window.threat in found]
    if not mine:
        return found
    text, words = folded.folded, folded.index  # the words the keyword lists were matched on
    mine = [w for w in mine if _may_hold(w, words)]
    if not mine:
        return found
    sentences = [
        [(base + m.start(), base + m.end(), _tagged(text, base + m.start(), m.group()))
         for m in _LETTER_WORD.finditer(s.group())]
        for s in _SENTENCE.finditer(text)
        for base in (s.start(),)
    ]  # fmt: skip
    for window in mine:
        for words in sentences:
            span = _first_span(window, words)
            if span is not None:
                first, last = folded.origin[span[0]], folded.origin[span[1] - 1] + 1
                hit = Hit(WINDOW_KEYWORD, folded.original[first:last], first, last)
                found[window.threat].append(hit)
    return found


def _first_span(window: ThreatWindow, words: list[_Word]) -> tuple[int, int] | None:
    """Where the window's steps first match in order, within its reach (None if nowhere)."""
    step, start, last = 0, -1, -1
    for index, (_, end, word) in enumerate(words):
        if word in WINDOW_BREAKS:
            step = 0
            continue
        if step and _too_far(window, step, index - last):
            step = 0
        if step:
            if _step_start(window.steps[step], words, index) >= 0:
                step, last = step + 1, index
                if step == len(window.steps) or (
                    window.steps[step] == _END_STEP and _at_end(words, index)
                ):
                    return start, end
                continue
            if step > 1:
                continue
        begin = _step_start(window.steps[0], words, index)
        if begin >= 0:
            step, start, last = 1, begin, index
    return None


_END_STEP = frozenset({END})


def _tagged(text: str, start: int, word: str) -> str:
    """The word, with the "#" or "@" before it if it is a hashtag or a handle."""
    return text[start - 1] + word if start and text[start - 1] in "#@" else word


def _at_end(words: list[_Word], index: int) -> bool:
    """Say whether only hashtags and handles follow words[index] in its sentence."""
    return all(word.startswith(("#", "@")) for _, _, word in words[index + 1 :])


def _too_far(window: ThreatWindow, step: int, distance: int) -> bool:
    """Say whether the word for `step` stands too far from the previous step's word."""
    reach = window.reach[step - 1] if window.reach else 0
    return bool(reach) and distance > reach


def _step_start(step: frozenset[str], words: list[_Word], index: int) -> int:
    """Where a step's word (or two) ending at words[index] begins; -1 if none ends there."""
    begin, _, word = words[index]
    if word in step or word.startswith(_stems(step)):
        return begin
    if index and f"{words[index - 1][2]} {word}" in step:
        return words[index - 1][0]
    return -1


@lru_cache(maxsize=256)
def _by_cost(window: ThreatWindow) -> tuple[frozenset[str], ...]:
    """The window's steps, those without stems first (a set test is cheaper than a search)."""
    return tuple(sorted(window.steps, key=lambda step: bool(_parts(step)[1])))


def _may_hold(window: ThreatWindow, words: WordIndex) -> bool:
    """Say whether a text may hold each of the window's steps: a word of one of its entries,
    or a word that one of its stems starts (a test only: "won't" is there when "won" is).
    Most windows fail here (0.1 of the 3 to 13 a text's language has pass)."""
    for anchors, stems in _checks(window):
        if anchors.isdisjoint(words.at) and not (stems and any(map(words.positions, stems))):
            return False
    return True


#: Each window's `_checks`, by the window's id (kept alive with it): hashing a window (its
#: frozensets of steps) for an lru_cache costs more than the checks.
_CHECKS: dict[int, tuple[ThreatWindow, tuple[tuple[frozenset[str], tuple[str, ...]], ...]]] = {}


def _checks(window: ThreatWindow) -> tuple[tuple[frozenset[str], tuple[str, ...]], ...]:
    """The parts (`_parts`) of the window's steps but an end, those without stems first."""
    known = _CHECKS.get(id(window))
    if known is not None and known[0] is window:
        return known[1]
    if len(_CHECKS) >= 1024:
        _CHECKS.clear()
    checks = tuple(_parts(step) for step in _by_cost(window) if step != _END_STEP)
    _CHECKS[id(window)] = (window, checks)
    return checks


@lru_cache(maxsize=256)
def _parts(step: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """A step's anchors (the longest plain word of each entry's last word, as the text's
    word index splits it) and its stems (ending in "*")."""
    stems = tuple(sorted(word for word in step if word.endswith("*")))
    anchors = frozenset(
        max(WORD.findall(entry.split()[-1]), key=len)
        for entry in step
        if entry not in stems and entry != END
    )
    return anchors, stems


@lru_cache(maxsize=256)
def _stems(step: frozenset[str]) -> tuple[str, ...]:
    """The stems of a step (its words ending in "*", without it)."""
    return tuple(word[:-1] for word in step if word.endswith("*"))
