"""Signs of anger, and of courtesy, in a text, each quoted as the customer wrote it.

Intensity 0–3 adds up points: shouting in capitals (1, or 2 when sustained; a
short word such as "YA" or "NOW" counts, other short capitals are acronyms),
runs of exclamation marks (1), angry emoji (1), insults (1 each, at most 2), a
threat to leave (1), a threat to go public (1), strong words of anger such as
"indignante" or "unacceptable" (1), and a confrontational tone (1): the cues of
the kinds of seed 003 who push back (argumentative, distrustful, impulsive,
know-it-all) show displeasure even when written calmly. Any threat to leave or
go public makes the intensity at least 2: a customer who threatens is past
displeasure. Plain displeasure ("not happy", "quiero que"), a repeated contact
("es la tercera vez"), a legal threat ("abogado") or a demand for the boss make
it at least 1 without adding more. Courtesy ("por favor", "thank you") caps a
message with no loud anger at 1: polite but firm.

Anger said in words ("I am seething", "this sucks", "estoy que echo humo") adds one
point of its own, and a strong word strengthened by the word before it ("absolutely
disgraceful", "totalmente inaceptable") one more. Sarcasm ("gracias por nada", "thanks
for nothing") is displeasure, and the courtesy it mocks never caps the message.
Punctuation and emoji are signals too: "?!" counts as a run of exclamation marks, an eye
roll or thumbs down (🙄👎) as an angry emoji, and a run of four dots ("....") adds one quiet
point. A negator up to three words before a strong word or a word of anger, in the same
clause, turns it round ("not terrible", "no es una estafa"; not "No, es una estafa").
A threat right after "would have", "almost" or "habría" is one that did not happen ("would
have switched airlines if another flight was available"): no threat. A threat whose words
stand further apart than the patterns' gaps allow is found by the rules' threat windows
(`windows`): "I will never, after today, book a seat with you again".
A negator after "if" / "si" is the condition's, and one before "and" / "y" another verb's:
neither turns a threat round ("si no lo arreglan me doy de baja"). A threat inside one of the
rules' `not_threats` ("leaving for the airport") or right after someone else ("my friend
switched to your bank") is not the customer's.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import lru_cache
from itertools import pairwise

from bot.core.base.model import CustomerKind, Signal
from bot.core.guidance.playbook import Negation, ReadingRules
from bot.core.reading.text import HASHTAG, FoldedText, Hit, fold, outermost, word_count
from bot.core.reading.windows import window_hits

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
#: Two capitals a shouted ASCII word starts with (its letters only "'" may part).
_ASCII_CAPITALS = re.compile(r"[A-Z]'?[A-Z]")
_PUNCT_RUN = re.compile(r"[!¡?¿]{2,}")
#: Emoji that show anger or contempt: pouting, cursing, angry, anger symbol, imp, steam
#: from nose, eye roll, thumbs down (any skin tone).
_ANGRY_EMOJI = re.compile(
    "(?:[\U0001f621\U0001f92c\U0001f620\U0001f4a2\U0001f47f\U0001f624\U0001f644\U0001f44e]"
    "[\U0001f3fb-\U0001f3ff]?)+"
)
#: "?!" or "!?": disbelief, read like a run of exclamation marks.
_DISBELIEF = re.compile(r"[?¿]+[!¡]+|[!¡]+[?¿]+")
#: A run of four dots or more ("....") trailing off in sarcasm or exasperation.
_DOTS = re.compile(r"\.{4,}|…{2,}")
#: The lowest angry emoji (thumbs down): a run of them starts with one at least this high.
_FIRST_ANGRY = "\U0001f44e"
#: A negator turns round a phrase at most this many words after it (its words are the rules':
#: `ReadingRules.negation`).
NEGATION_REACH = 3
THREAT_FLOOR = 2


def _quote(text: str) -> str:
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"


def _is_shouted(word: str) -> bool:
    if word.islower():  # no capital in it (most words): no need to look at each letter
        return False
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _not_acronym(word: str, short_words: Collection[str]) -> bool:
    """Say whether a capital word is shouting on its own: long, or a listed short word."""
    return len(word) > ACRONYM_MAX_LETTERS or fold(word) in short_words


def shouted_phrases(text: str, short_words: Collection[str] = ()) -> list[tuple[str, int]]:
    """Return each run of capital words that is not a lone acronym, with its word count.

    A short word in `short_words` (folded: "ya", "now") is shouting even on its own.
    """
    if text.isascii() and not _ASCII_CAPITALS.search(text):
        return []  # a shouted ASCII word starts with two capitals, or one, "'" and one
    phrases: list[tuple[str, int]] = []
    run: list[re.Match[str]] = []
    for match in [*_LETTER_WORD.finditer(text), None]:
        if match is not None and _is_shouted(match.group()):
            run.append(match)
            continue
        if run:  # (most words end no run: nothing to look at)
            if any(_not_acronym(m.group(), short_words) for m in run):
                phrases.append((text[run[0].start() : run[-1].end()], len(run)))
            run = []
    return phrases


def exclamation_runs(text: str) -> list[str]:
    """Return runs of two or more exclamation marks (question marks may sit among them),
    and "?!" / "!?" (disbelief)."""
    return [
        m.group()
        for m in _PUNCT_RUN.finditer(text)
        if sum(c in "!¡" for c in m.group()) >= 2 or _DISBELIEF.search(m.group())
    ]


def sarcasm_dots(text: str) -> list[str]:
    """Return runs of four dots or more ("...."), read as sarcasm or exasperation."""
    if "...." not in text and "……" not in text:  # (a substring test is far quicker)
        return []
    return _DOTS.findall(text)


def negated(text: str, start: int, negation: Negation, threat: bool = False) -> bool:
    """Say whether a negator stands at most NEGATION_REACH words before `start`, in the
    same clause ("not terrible", "no es una estafa"; not "No, terrible", "not only");
    for a threat, "sin" / "without" negate too, and so do the words of a past that did not
    happen ("would have switched"). A negator right after "if" / "si" is the condition's
    ("si no lo arreglan me doy de baja"), and one before "and" / "y" another verb's ("no
    funciona nada y me doy de baja"): neither turns a threat round."""
    before = text[max(0, start - 80) : start]
    clause = re.split(r"[,.;:!?¡¿()\n]", before)[-1]
    every = [fold(w) for w in _LETTER_WORD.findall(clause)]
    negators = negation.negators
    if threat:
        every = [w for w in every if w not in negation.light_words]
        negators = negators | negation.threat_negators
        if _counterfactual(every[-NEGATION_REACH:], negation.counterfactuals):
            return True
    words = every[-NEGATION_REACH:]
    keeping = _prefixes(negation.not_turning)
    for index, word in enumerate(words):
        if word not in negators:
            continue
        after = words[index + 1 :]
        at = len(every) - len(words) + index
        condition = negation.conditionals & set(every[max(0, at - 2) : at])
        if threat and (condition or negation.clause_joins & set(after)):
            continue
        return not (after and after[0].startswith(keeping))
    return False


@lru_cache(maxsize=64)
def _prefixes(words: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(words))


def _counterfactual(words: list[str], counterfactuals: frozenset[str]) -> bool:
    """Say whether the words right before a threat make it one that did not happen."""
    return any(word in counterfactuals for word in words) or any(
        f"{a} {b}" in counterfactuals for a, b in pairwise(words)
    )


def angry_emoji(text: str) -> list[str]:
    """Return each run of angry emoji."""
    if text.isascii() or max(text) < _FIRST_ANGRY:  # no character that far up: no emoji
        return []
    return _ANGRY_EMOJI.findall(text)


def phrases_seen(
    folded: FoldedText,
    lists: Mapping[str, tuple[str, ...]],
    language: str,
    name: str,
    not_threats: Collection[Hit] = (),
    negation: Negation = Negation(),  # noqa: B008  (frozen, so sharing it is safe)
) -> tuple[Signal, ...]:
    """Return one signal per distinct phrase of the language's list found in the text
    (a strong word or word of anger turned round by a negator before it is not one, nor a
    threat that overlaps one of `not_threats` or that someone else makes)."""
    hits = folded.find_all(lists.get(language, ()))
    return _phrases(folded, hits, language, name, not_threats, negation) if hits else ()


def _phrases(
    folded: FoldedText,
    hits: list[Hit],
    language: str,
    name: str,
    not_threats: Collection[Hit],
    negation: Negation,
) -> tuple[Signal, ...]:
    """`phrases_seen` of the hits of a list."""
    seen: dict[str, Signal] = {}
    threat = name in THREAT_GROUPS
    for hit in outermost(hits):
        if (name in NEGATABLE or threat) and _turned_round(folded, hit, negation, threat):
            continue
        if threat and (_overlaps(hit, not_threats) or _someone_else(folded, hit, language)):
            continue
        seen.setdefault(hit.words.casefold(), Signal(name, _quote(hit.words)))
    return tuple(seen.values())[:MAX_SIGNALS]


def _overlaps(hit: Hit, others: Collection[Hit]) -> bool:
    return any(other.start < hit.end and hit.start < other.end for other in others)


#: A threat right after one of these is someone else's ("my friend switched to your bank"),
#: not the customer's. "They" is left out (often the company), and Spanish too: its verbs say
#: who acts, and "él" folds to the article "el".
THIRD_PERSONS = {
    "en": frozenset(
        {"he", "she", "he'd", "she'd", "he'll", "she'll", "he's", "she's", "friend", "friends",
         "sister", "brother", "wife", "husband", "mother", "father", "mom", "mum", "dad", "son",
         "daughter", "colleague", "neighbour", "neighbor", "cousin", "aunt", "uncle", "partner"}
    ),
}  # fmt: skip
#: A verb's helper between the person and the threat ("my husband will never fly again").
_AUXILIARIES = frozenset({"will", "would", "shall", "can", "could", "has", "had", "is", "was"})
#: "He" or "she" a word or two before a threat is its subject ("she vows never to fly again")
#: unless the customer speaks after it ("he said I should never fly you again" is the customer's).
_HE_SHE = {"en": frozenset({"he", "she"})}
_FIRST_PERSON = frozenset(
    {"i", "we", "me", "us", "i'm", "i'll", "i've", "i'd", "we're", "we'll", "we've", "im", "ill"}
)
#: ...unless the customer is one of them ("my wife and I", "me and my husband").
_WITH_ME = frozenset({"and", "&"})


def _someone_else(folded: FoldedText, hit: Hit, language: str) -> bool:
    """Say whether the hit's subject, just before it in its clause, is someone else: the
    word right before ("my friend switched"), past a helper ("my husband will never"), or
    "he" / "she" a word or two before with no "I" after ("she vows never to fly again")."""
    clause = re.split(r"[,.;:!?¡¿()\n]", folded.original[max(0, hit.start - 40) : hit.start])[-1]
    words = [fold(w) for w in _LETTER_WORD.findall(clause)]
    if words and words[-1] in _AUXILIARIES:
        words.pop()  # "my husband will never fly again"
    others = THIRD_PERSONS.get(language, frozenset())
    if words and words[-1] in others and not _WITH_ME & set(words[-4:-1]):
        return True
    near = words[-3:-1]
    pronoun = [i for i, word in enumerate(near) if word in _HE_SHE.get(language, ())]
    return bool(pronoun) and not _FIRST_PERSON & set(near[pronoun[-1] :] + words[-1:])


def _turned_round(folded: FoldedText, hit: Hit, negation: Negation, threat: bool) -> bool:
    """Say whether a negation before the hit turns it round: never a hashtag, nor a phrase
    that is itself negative ("nunca más", "never again"; Spanish doubles negations for
    emphasis: "no vuelvas nunca más")."""
    head = fold(hit.words.split()[0]) if hit.words.split() else ""
    hashtag = folded.original[max(0, hit.start - 1) : hit.start + 1].startswith(HASHTAG)
    if hashtag or head in negation.negative_heads:
        return False
    return negated(folded.original, hit.start, negation, threat)


def _tone_signals(folded: FoldedText, rules: ReadingRules, language: str) -> tuple[Signal, ...]:
    # each kind's cues looked up as the rules' list they are (what one joined list finds,
    # in its order, without building and hashing it for every text)
    hits = [
        hit
        for kind in CONFRONTATIONAL_KINDS
        if kind in rules.kinds
        for hit in folded.find_all(rules.kinds[kind].cues.get(language, ()))
    ]
    negation = rules.negation.get(language, Negation())
    return _phrases(folded, hits, language, "tone", (), negation) if hits else ()


def _signals(name: str, details: list[str]) -> tuple[Signal, ...]:
    """Distinct details as signals, at most MAX_SIGNALS of them."""
    return tuple(Signal(name, _quote(d)) for d in dict.fromkeys(details))[:MAX_SIGNALS]


def _capital_signals(text: str, short_words: Collection[str]) -> tuple[int, tuple[Signal, ...]]:
    phrases = shouted_phrases(text, short_words)
    words = sum(count for _, count in phrases)
    points = 0 if not words else 2 if words >= SUSTAINED_SHOUTING else 1
    return points, _signals("capitals", [p for p, _ in phrases])


#: Phrase lists of the rules read for anger and impact: group name → `ReadingRules` field.
PHRASE_GROUPS = {
    "insult": "insults",
    "leave-threat": "leave_threats",
    "public-threat": "public_threats",
    "legal-threat": "legal_threats",
    "escalation": "escalations",
    "strong-word": "strong_words",
    "displeasure": "displeasure",
    "repeat-contact": "repeat_contact",
    "polite": "polite",
    "anger": "anger",
    "sarcasm": "sarcasm",
}
#: Groups a negator before the phrase turns round ("not terrible", "no es una estafa").
NEGATABLE = ("strong-word", "anger")
#: Threat groups, turned round by a negator as well ("no puse una hoja de reclamaciones").
THREAT_GROUPS = ("leave-threat", "public-threat", "legal-threat")
#: Groups that add one point each, however many phrases they quote.
QUIET = ("tone", "strong-word", "anger", "sarcasm", "intensified", "dots")
#: An intensifier strengthens a strong word at most this many words after it.
INTENSIFIER_REACH = 2
#: Groups that show at least displeasure (1) without adding to it.
FIRM = ("displeasure", "repeat-contact", "legal-threat", "escalation")
#: A courteous message with no loud anger reads at most this angry (polite but firm).
POLITE_CEILING = 1


def _groups(
    folded: FoldedText, rules: ReadingRules, language: str, capitals: tuple[Signal, ...]
) -> dict[str, tuple[Signal, ...]]:
    """Every signal of anger, threat or courtesy in the text, grouped by name."""
    groups = {
        "capitals": capitals,
        "exclamations": _signals("exclamations", exclamation_runs(folded.original)),
        "emoji": _signals("emoji", angry_emoji(folded.original)),
        "dots": _signals("dots", sarcasm_dots(folded.original)),
        "tone": _tone_signals(folded, rules, language),
    }
    exceptions = folded.find_all(rules.not_threats.get(language, ()))
    negation = rules.negation.get(language, Negation())
    for name, field in PHRASE_GROUPS.items():
        lists = getattr(rules, field)
        groups[name] = phrases_seen(folded, lists, language, name, exceptions, negation)
    empty = [name for name in THREAT_GROUPS if not groups[name]]
    if empty:
        groups.update(_window_signals(folded, rules, language, empty, exceptions))
    groups["intensified"] = _intensified(folded, rules, language)
    return groups


def _window_signals(
    folded: FoldedText,
    rules: ReadingRules,
    language: str,
    names: list[str],
    not_threats: Collection[Hit],
) -> dict[str, tuple[Signal, ...]]:
    """The threats of the groups `names` whose words stand apart (the rules' windows),
    filtered as phrases are."""
    windows = rules.threat_windows.get(language, ())
    negation = rules.negation.get(language, Negation())
    hits = window_hits(folded, windows, [name.removesuffix("-threat") for name in names])
    return {
        f"{threat}-threat": _signals(
            f"{threat}-threat",
            [
                hit.words
                for hit in found
                if not _turned_round(folded, hit, negation, True)
                and not _overlaps(hit, not_threats)
                and not _someone_else(folded, hit, language)
            ],
        )
        for threat, found in hits.items()
    }


def _intensified(folded: FoldedText, rules: ReadingRules, language: str) -> tuple[Signal, ...]:
    """Strong words with an intensifier right before them ("absolutely disgraceful")."""
    strong = outermost(folded.find_all(rules.strong_words.get(language, ())))
    boosts = outermost(folded.find_all(rules.intensifiers.get(language, ())))
    found: list[str] = []
    for word in strong:
        for boost in boosts:
            between = folded.original[boost.end : word.start]
            if boost.end <= word.start and word_count(between) < INTENSIFIER_REACH:
                found.append(folded.original[boost.start : word.end])
                break
    return _signals("intensified", found)


def _points(caps_points: int, groups: Mapping[str, tuple[Signal, ...]]) -> int:
    """Add up anger; threats set a floor, courtesy caps quiet displeasure (no loud anger)."""
    loud = (
        caps_points
        + bool(groups["exclamations"])
        + bool(groups["emoji"])
        + min(2, len(groups["insult"]))
    )
    threats = bool(groups["leave-threat"]) + bool(groups["public-threat"])
    quiet = sum(bool(groups[name]) for name in QUIET)
    if groups["polite"] and not loud and not threats and not groups["sarcasm"]:
        quiet = min(quiet, POLITE_CEILING)
    points = max(loud + threats + quiet, int(any(groups[name] for name in FIRM)))
    return max(points, THREAT_FLOOR) if threats else points


def intensity_signals(
    folded: FoldedText, rules: ReadingRules, language: str
) -> tuple[int, dict[str, tuple[Signal, ...]]]:
    """Return the intensity and its signals grouped by name."""
    short_words = frozenset(rules.short_shouts.get(language, ()))
    caps_points, capitals = _capital_signals(folded.original, short_words)
    groups = _groups(folded, rules, language, capitals)
    return min(MAX_INTENSITY, _points(caps_points, groups)), groups


def intensity_of(text: str, rules: ReadingRules, language: str) -> tuple[int, tuple[Signal, ...]]:
    """Return how angry a text reads (0–3) and the words that show it."""
    intensity, groups = intensity_signals(FoldedText.of(text), rules, language)
    return intensity, tuple(s for signals in groups.values() for s in signals)
