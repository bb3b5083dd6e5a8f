"""Would a learned tie-breaker help the Spanish reason? Leave-one-file-out, tune part only.

Run: .venv/bin/python -m bench.reason_tiebreak [--alpha A | --logistic]

Issue 14's Spanish reason: the rules (bot/core/reading/reason.py) weigh each reason's words;
where two reasons weigh about the same, a naive Bayes model over the review's folded Snowball
stems, trained on labelled tune reviews, picks among the reasons within `margin` points of
the best. This script only measures it, it ships nothing: every Spanish tune file is left out
in turn (the model trained on the others; `complaints_es_tune5.jsonl`, the fresh batch, is
left out of every other fold's training so it stays unseen), and for each margin it prints
how many left-out reviews the rules get right alone and with the tie-breaker. Counts only,
no text. The held-out third is never read (it is not in the tune part).
"""

from __future__ import annotations

import math
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from bench.reading_accuracy import read_all
from bench.real_corpus import load_split
from bot.core.base.model import Reason
from bot.core.reading.folding import fold
from bot.core.reading.reader import folded_text
from bot.core.reading.reason import reason_points
from bot.core.reading.subject import read_subject
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules

#: The fresh batch: trained on by no other fold.
FRESH = "tune5"
MARGINS = (0, 1, 2, 3, 4, 6)
LABELS = tuple(r.value for r in Reason)
_WORD = re.compile(r"[a-zñ]+")
#: The feature every review has (a logistic model's bias).
BIAS = "<bias>"


def file_of(record_id: str) -> str:
    """The tune file a Spanish record comes from: "tune1" (complaints_es.jsonl) .. "tune5"."""
    number = re.match(r"es-coa[hr](\d*)-", record_id)
    return f"tune{number.group(1) or 1}" if number else "?"


def stems(text: str) -> set[str]:
    """The review's distinct Spanish Snowball stems of three letters or more, folded."""
    import snowballstemmer

    stemmer = snowballstemmer.stemmer("spanish")
    return {stemmer.stemWord(w) for w in _WORD.findall(fold(text)) if len(w) >= 3}


class NaiveBayes:
    """Multinomial naive Bayes over a review's distinct stems, Laplace-smoothed."""

    def __init__(self, docs: Iterable[tuple[set[str], str]], alpha: float = 1.0) -> None:
        self.alpha = alpha
        self.docs: Counter[str] = Counter()
        self.words: dict[str, Counter[str]] = {}
        for words, label in docs:
            self.docs[label] += 1
            self.words.setdefault(label, Counter()).update(words)
        self.vocabulary = {w for counts in self.words.values() for w in counts}
        self.totals = {label: sum(c.values()) for label, c in self.words.items()}

    def log_score(self, words: set[str], label: str) -> float:
        """log P(label) + sum of log P(word | label), words unseen in training ignored."""
        counts, size = self.words[label], len(self.vocabulary)
        score = math.log(self.docs[label] / sum(self.docs.values()))
        for word in words & self.vocabulary:
            score += math.log(
                (counts[word] + self.alpha) / (self.totals[label] + self.alpha * size)
            )
        return score

    def best(self, words: set[str], among: Iterable[str]) -> str | None:
        """The likeliest label among `among` (only labels seen in training)."""
        known = [label for label in among if label in self.docs]
        return max(known, key=lambda label: self.log_score(words, label)) if known else None


class Logistic:
    """Multinomial logistic regression over a review's distinct stems (plain SGD, L2)."""

    def __init__(
        self,
        docs: Iterable[tuple[set[str], str]],
        epochs: int = 30,
        rate: float = 0.2,
        l2: float = 1e-3,
    ) -> None:
        data = list(docs)
        self.labels = sorted({label for _, label in data})
        self.weights: dict[str, dict[str, float]] = {label: {} for label in self.labels}
        order = list(range(len(data)))
        rnd = random.Random(14)
        for _ in range(epochs):
            rnd.shuffle(order)
            for i in order:
                words, label = data[i]
                probs = self._probs(words)
                for other in self.labels:
                    step = rate * ((other == label) - probs[other])
                    row = self.weights[other]
                    for word in words | {BIAS}:
                        row[word] = row.get(word, 0.0) * (1 - rate * l2) + step

    def _probs(self, words: set[str]) -> dict[str, float]:
        scores = {label: self.score(words, label) for label in self.labels}
        top = max(scores.values())
        exp = {label: math.exp(v - top) for label, v in scores.items()}
        total = sum(exp.values())
        return {label: v / total for label, v in exp.items()}

    def score(self, words: set[str], label: str) -> float:
        """The label's linear score for the review (its bias included)."""
        row = self.weights[label]
        return sum(row.get(word, 0.0) for word in words | {BIAS})

    def best(self, words: set[str], among: Iterable[str]) -> str | None:
        """The label among `among` with the highest score (only labels seen in training)."""
        known = [label for label in among if label in self.weights]
        return max(known, key=lambda label: self.score(words, label)) if known else None


Model = NaiveBayes | Logistic


def tie_break(
    rules_reason: str, points: dict[str, int], words: set[str], model: Model, margin: int
) -> str:
    """The rules' reason, unless another reason weighs within `margin` points of the best:
    then the model's choice among those reasons."""
    if not points:
        return rules_reason
    top = max(points.values())
    close = [r for r, p in points.items() if p >= top - margin]
    if len(close) < 2:
        return rules_reason
    return model.best(words, close) or rules_reason


def prepared(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each Spanish tune record with the rules' reason, each reason's points and its stems."""
    rules = load_rules(RULES_FILE, load_advice_ids())
    readings = read_all(records)
    rows = []
    for record, reading in zip(records, readings, strict=True):
        folded = folded_text(record["text"], rules)
        subject, _ = read_subject(folded, rules, "es")
        points = reason_points(folded, rules, "es", subject)
        rows.append(
            {
                "file": file_of(record["id"]),
                "label": record["reason"],
                "rules": reading.reason.value,
                "points": {Reason(r).value: p for r, p in points.items()},
                "words": stems(record["text"]),
            }
        )
    return rows


def folds(
    rows: Sequence[dict[str, Any]], alpha: float, kind: str = "nb"
) -> list[tuple[str, int, int, list[int]]]:
    """(left-out file, texts, rules right, right with the tie-breaker per margin)."""
    results = []
    for left_out in sorted({r["file"] for r in rows}):
        train = [r for r in rows if r["file"] not in (left_out, FRESH)]
        docs = ((r["words"], r["label"]) for r in train)
        model: Model = NaiveBayes(docs, alpha) if kind == "nb" else Logistic(docs)
        test = [r for r in rows if r["file"] == left_out]
        rules_right = sum(r["rules"] == r["label"] for r in test)
        with_model = [
            sum(
                tie_break(r["rules"], r["points"], r["words"], model, m) == r["label"] for r in test
            )
            for m in MARGINS
        ]
        with_model.append(sum(model.best(r["words"], LABELS) == r["label"] for r in test))
        results.append((left_out, len(test), rules_right, with_model))
    return results


def main(argv: Sequence[str]) -> None:
    alpha = float(argv[argv.index("--alpha") + 1]) if "--alpha" in argv else 1.0
    records = [r for r in load_split("tune") if r["language"] == "es"]
    kind = "lr" if "--logistic" in argv else "nb"
    results = folds(prepared(records), alpha, kind)
    what = "logistic regression" if kind == "lr" else f"naive Bayes, alpha {alpha}"
    print(f"Spanish reason, each tune file left out in turn ({what})")
    print(
        f"{'left out':>9} {'texts':>5} {'rules':>6}"
        + "".join(f"{f'm<={m}':>7}" for m in MARGINS)
        + "  alone"
    )
    total = [0, 0, [0] * (len(MARGINS) + 1)]
    for name, n, rules_right, with_model in results:
        print(f"{name:>9} {n:>5} {rules_right:>6}" + "".join(f"{x:>7}" for x in with_model))
        if name != FRESH:
            total[0] += n
            total[1] += rules_right
            total[2] = [a + b for a, b in zip(total[2], with_model, strict=True)]
    print(f"{'tune1-4':>9} {total[0]:>5} {total[1]:>6}" + "".join(f"{x:>7}" for x in total[2]))


if __name__ == "__main__":
    main(sys.argv[1:])
