"""bench/reason_tiebreak.py: the learned tie-breaker measured (and not shipped) for the
Spanish reason: its models, where it may overrule the rules, and its folds."""

from __future__ import annotations

from bench.reason_tiebreak import FRESH, Logistic, NaiveBayes, file_of, folds, stems, tie_break

DOCS = [
    ({"camarer", "esper", "hor"}, "service"),
    ({"camarer", "trat", "groser"}, "service"),
    ({"habit", "suci", "cam"}, "product"),
    ({"comid", "fri", "suci"}, "product"),
    ({"cobr", "cuent", "car"}, "billing"),
]


def test_each_spanish_tune_file_has_its_fold() -> None:
    assert file_of("es-coah-012") == "tune1"
    assert file_of("es-coar3-007") == "tune3"
    assert file_of("es-coah5-101") == FRESH
    assert file_of("en-air2-001") == "?"


def test_stems_are_folded_spanish_stems_of_three_letters_or_more() -> None:
    words = stems("Las habitaciones, SUCIAS; el camarero tardó y tardó")
    assert {"habit", "suci", "camarer", "tard"} <= words
    assert "el" not in words and "y" not in words


def test_both_models_learn_which_words_go_with_which_reason() -> None:
    for model in (NaiveBayes(DOCS), Logistic(DOCS)):
        assert model.best({"camarer", "esper"}, ("service", "product", "billing")) == "service"
        assert model.best({"suci", "habit"}, ("service", "product", "billing")) == "product"
        assert model.best({"cobr"}, ("service", "product", "billing")) == "billing"
        # a reason it never saw is never its answer
        assert model.best({"wifi"}, ("technical",)) is None


def test_the_model_only_chooses_among_reasons_close_to_the_best() -> None:
    model = NaiveBayes(DOCS)
    words = {"camarer", "esper"}
    # the rules' product leads by 4 points: within a margin of 4 the model may overrule it
    assert tie_break("product", {"product": 8, "service": 4}, words, model, 4) == "service"
    assert tie_break("product", {"product": 8, "service": 4}, words, model, 3) == "product"
    # one reason alone, or no word at all: the rules stand
    assert tie_break("product", {"product": 8}, words, model, 6) == "product"
    assert tie_break("other", {}, words, model, 6) == "other"
    # a tie goes the model's way; a reason no word named is never chosen, however it leans
    assert tie_break("product", {"product": 2, "billing": 2}, {"cobr"}, model, 0) == "billing"
    assert tie_break("product", {"product": 2, "billing": 2}, words, model, 0) != "service"


def test_a_fold_never_trains_on_the_file_it_scores_nor_on_the_fresh_batch() -> None:
    def row(file: str, label: str, words: set[str]) -> dict:
        return {"file": file, "label": label, "rules": "product", "points": {}, "words": words}

    # tune2's fold knows only tune1's "service": trained on the fresh batch too (or on
    # tune2 itself) it would know "esper" as product and get tune2 right
    rows = [
        row("tune1", "service", {"suci"}),
        row("tune2", "product", {"esper"}),
        row(FRESH, "product", {"esper"}),
    ]
    found = {(name, texts, rules, right[-1]) for name, texts, rules, right in folds(rows, 1.0)}
    assert found == {("tune1", 1, 0, 0), ("tune2", 1, 1, 0), (FRESH, 1, 1, 1)}
