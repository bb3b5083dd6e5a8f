"""Keyword matching in one pass (issue 15): the rules' lists compiled once into an index,
each text's words walked once. What the index finds must be exactly what each keyword,
looked for on its own, finds."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.folding import fold, folded_with_origin
from bot.core.reading.index import KeywordIndex, TextMatches
from bot.core.reading.keywords import SNOWBALL_MARK, choices, keyword_words, pattern_regex
from bot.core.reading.reader import folded_text, keyword_index
from bot.core.reading.text import FoldedText
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules

LABELLED = Path(__file__).parent / "data" / "complaints.toml"


@pytest.fixture(scope="module")
def rules() -> ReadingRules:
    return load_rules(RULES_FILE, load_advice_ids())


def _alone(folded: FoldedText, keyword: str) -> tuple[str, int, int] | None:
    """The keyword's first occurrence found the plain way: its regular expression over the
    whole folded text, or, for a Snowball word, every run of words tried in turn."""
    if SNOWBALL_MARK in keyword:
        span = folded.index.first(keyword_words(keyword))
    else:
        match = pattern_regex(keyword).search(folded.folded)
        span = match.span() if match else None
    if span is None:
        return None
    start, end = folded.origin[span[0]], folded.origin[span[1] - 1] + 1
    return folded.original[start:end], start, end


def _lists(rules: ReadingRules) -> list[tuple[str, ...]]:
    index_lists = []
    for language in ("es", "en"):
        index_lists += [words.get(language, ()) for words in rules.reasons.values()]
        index_lists += [rule.cues.get(language, ()) for rule in rules.kinds.values()]
        index_lists += [rule.keywords.get(language, ()) for rule in rules.subjects.values()]
        for field in ("insults", "leave_threats", "public_threats", "legal_threats", "praise"):
            index_lists.append(getattr(rules, field).get(language, ()))
    return index_lists


def test_the_index_finds_what_each_keyword_finds_alone(rules: ReadingRules) -> None:
    texts = [c["text"] for c in tomllib.loads(LABELLED.read_text("utf-8"))["complaint"]]
    texts += ["NOOOO VUELVOOOO a volar con ustedes #NeverAgain", "never flying with you again"]
    checked = 0
    for text in texts[::3]:
        folded, alone = folded_text(text, rules), FoldedText.of(text)
        for keywords in _lists(rules):
            expected = [
                (keyword, *found)
                for keyword in keywords
                if (found := _alone(alone, keyword)) is not None
            ]
            got = [(h.keyword, h.words, h.start, h.end) for h in folded.find_all(keywords)]
            assert got == expected, (text, keywords[:3])
            checked += len(expected)
    assert checked > 100  # the texts do hold keywords: the comparison means something


def test_a_keyword_is_filed_under_its_longest_plain_word() -> None:
    index = KeywordIndex([("no me contestan", "no*", "(nunca|jamas) .. vuelvo", "reply~")])
    assert index.starting("contestan") == {"no me contestan"}
    assert "no me contestan" not in index.starting("no")
    assert index.starting("nothing") == {"no*"}
    assert index.starting("vuelvo") == {"(nunca|jamas) .. vuelvo"}
    assert index.starting("replied") == {"reply~"}


def test_a_text_checks_only_keywords_whose_plain_words_it_holds() -> None:
    index = KeywordIndex([("no me contestan", "no me llega", "no*")])
    folded = FoldedText.of("No me contestan nunca")
    walk = TextMatches(index, folded.index, folded.folded)
    assert walk.candidates == {"no me contestan", "no*"}


def test_lists_share_one_walk_and_keep_their_own_order() -> None:
    index = KeywordIndex([("late", "refund"), ("refund", "late", "refund")])
    folded = FoldedText.of("Late again, and no refund.", index)
    assert [h.keyword for h in folded.find_all(("late", "refund"))] == ["late", "refund"]
    assert [h.keyword for h in folded.find_all(("refund", "late", "refund"))] == [
        "refund",
        "late",
        "refund",
    ]
    assert len(folded._walks) == 1
    # a list the index does not hold is compiled on its own, with the same answer
    assert [h.words for h in folded.find_all(["again", "late"])] == ["again", "Late"]


def test_each_find_returns_hits_of_its_own() -> None:
    folded = FoldedText.of("late", KeywordIndex([("late",)]))
    first, again = folded.find_all(("late",)), folded.find_all(("late",))
    assert first == again and first[0] is not again[0]


def test_a_malformed_list_the_index_left_out_still_raises() -> None:
    index = KeywordIndex([("fine", "never .. .. again")])
    assert not index.known
    with pytest.raises(ValueError):
        FoldedText.of("never again", index).find_all(("fine", "never .. .. again"))
    with pytest.raises(ValueError):
        KeywordIndex([("never .. .. again",)], strict=True)


def test_the_rules_index_is_built_once_per_rules(rules: ReadingRules) -> None:
    index = keyword_index(rules)
    assert keyword_index(rules) is index
    assert all(k in index.known for k in rules.leave_threats["es"])


@pytest.mark.parametrize(
    ("text", "folded", "origin"),
    [
        ("Ñandú", "nandu", (0, 1, 2, 3, 4)),
        ("ﬁn", "fin", (0, 0, 1)),
        ("STRASSE ß", "strasse ss", (0, 1, 2, 3, 4, 5, 6, 7, 8, 8)),
        ("siiiii!!!", "si!!!", (0, 1, 6, 7, 8)),
        ("BBB zzz", "bbb zzz", (0, 1, 2, 3, 4, 5, 6)),
        ("Noooo, plééééase", "no, please", (0, 1, 5, 6, 7, 8, 9, 13, 14, 15)),
    ],
)
def test_folding_drops_accents_case_and_stretching(text: str, folded: str, origin: tuple) -> None:
    assert folded_with_origin(text) == (folded, origin)
    assert fold(text) == folded


def test_a_list_joined_afresh_from_known_keywords_is_numbered_once() -> None:
    index = KeywordIndex([("late", "refund"), ("rude",)])
    folded = FoldedText.of("Rude staff, late flight, no refund", index)
    assert [h.keyword for h in folded.find_all(("late", "refund"))] == ["late", "refund"]
    # joined after this text was walked (as the tone cues are): still found, in its order
    joined = ("refund", "rude", "late")
    assert [h.words for h in folded.find_all(joined)] == ["refund", "Rude", "late"]
    numbered = index.lists
    for _ in range(3):
        assert index.number(tuple(list(joined))) == numbered - 1
    assert index.lists == numbered


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("never .. again", "never mind, I never want this again"),
        ("(nunca|jamas) .. vuelvo", "Jamás, nunca en la vida vuelvo"),
        ("(fly*|book*) .. with you", "booked, then flying with you"),
        ("#fly* .. again", "fly again? #FlyDelta never again"),
        ("#fly*", "flying_#flyaway #fly"),
        ("no .. (vuelvo|compro)", "no_no vuelvo; no, no compro"),
        ("refund* .. now", "refunds later, refund me now"),
        ("never .. again", "nevermore again, never"),
    ],
)
def test_a_pattern_tried_at_its_first_words_finds_what_a_search_finds(
    keyword: str, text: str
) -> None:
    index = KeywordIndex([(keyword,)])
    folded = FoldedText.of(text, index)
    match = pattern_regex(keyword).search(folded.folded)
    expected = match.span() if match else None
    walk = TextMatches(index, folded.index, folded.folded)
    assert walk.span(keyword) == expected


def test_a_pattern_lacking_every_word_of_one_choice_is_not_tried() -> None:
    keyword = "(take|took) (my|our) (savings|loyalty) to"
    assert choices(keyword) == (("take", "took"), ("my", "our"), ("savings", "loyalty"))
    assert choices("#fly* .. (again|more*)") == (("fly*",), ("again", "more*"))
    index = KeywordIndex([(keyword,)])
    folded = FoldedText.of("I took your savings to Delta", index)
    walk = TextMatches(index, folded.index, folded.folded)
    assert walk.candidates == {keyword}  # it holds "to" and one of "savings", "loyalty"
    compiled = pattern_regex.cache_info().misses
    assert walk.span(keyword) is None
    assert pattern_regex.cache_info().misses == compiled  # its regex never even built
    found = FoldedText.of("they took our loyalty to Delta", index)
    assert TextMatches(index, found.index, found.folded).span(keyword) == (5, 24)


def test_a_pattern_is_filed_under_its_rarest_looking_word_or_choice() -> None:
    police = "(i|we) (called|contacted) the (police|cops)"
    index = KeywordIndex([(police, "(me|nos) .. (competencia|otra)", "never .. (fly*|book*)")])
    assert police not in index.starting("the") and police not in index.starting("we")
    assert index.starting("called") == index.starting("contacted") == {police}
    assert index.starting("me") == frozenset()
    assert index.starting("competencia") == {"(me|nos) .. (competencia|otra)"}
    assert index.starting("never") == {"never .. (fly*|book*)"}  # a plain word, and long
    folded = FoldedText.of("Then we CALLED the cops", index)
    assert [h.words for h in folded.find_all((police,))] == ["we CALLED the cops"]


def test_a_list_first_seen_after_the_walk_is_answered_as_the_rules_lists_are() -> None:
    rules_list = ("late", "refund")
    index = KeywordIndex([rules_list, ("lost",)])
    folded = FoldedText.of("Late again, and no refund.", index)
    assert folded.find_all(("lost",)) == []  # a rules' list with no candidate in the text
    assert [h.words for h in folded.find_all(rules_list)] == ["Late", "refund"]
    built = tuple(["refund", "late"])  # numbered now, after the text's walk
    assert [h.words for h in folded.find_all(built)] == ["refund", "Late"]
    assert [h.words for h in FoldedText.of("a refund, late", index).find_all(built)] == [
        "refund",
        "late",
    ]


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("me cobraron dos veces", "me cobraron una vez, luego me cobraron dos veces", (27, 48)),
        ("no me devolv* nada", "no me devolvieron nada", (0, 22)),
        ("no me devolv* nada", "no me devolvieron", None),  # the text ends first
        ("charged twice", "charged, charged twice", (9, 22)),
    ],
)
def test_a_phrase_is_found_where_its_words_first_follow_one_another(
    keyword: str, text: str, expected: tuple[int, int] | None
) -> None:
    folded = FoldedText.of(text)
    assert folded.index.first(keyword_words(keyword)) == expected
    match = pattern_regex(keyword).search(folded.folded)
    assert (match.span() if match else None) == expected


def test_a_word_s_keywords_are_sure_or_checked_and_forgotten_in_a_flood(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = KeywordIndex([("no me contestan", "contestan", "contest*")])
    assert index.sure["contestan"] == {"contestan", "contest*"}  # they need nothing else
    assert index.unsure["contestan"] == {"no me contestan"}  # needs "no" and "me" as well
    monkeypatch.setattr("bot.core.reading.index.MAX_REMEMBERED", 2)
    for word in ("uno", "dos", "tres"):
        index.starting(word)
    assert len(index.sure) <= 2 and len(index.unsure) <= 2
    folded = FoldedText.of("contestan, no me contestan", index)
    walk = TextMatches(index, folded.index, folded.folded)
    assert walk.candidates == {"contestan", "contest*", "no me contestan"}
