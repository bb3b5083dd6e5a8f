"""The real corpus (tests/data/real): its split holds, the held-out score prints totals only,
and the reading keeps the floors measured on the held-out third (issue 14 items 1 and 5).

The floors sit a few points below what `python -m bench.heldout_score` printed when they were
set, so a change that makes Sereno read real customers worse fails here; they are raised, never
lowered, as the reading improves (tests/data/real/README.md says how the third is kept unseen).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from bench import heldout_score
from bench.reading_accuracy import read_all
from bench.real_corpus import CORPUS, load_heldout, load_split, scores

#: Least held-out figures, all languages together and per language.
FLOORS: dict[str, dict[str, float]] = {
    # measured 2026-12-05 (session 14's look in tests/data/real/README.md): language 1.000,
    # reason 0.812, intensity±1 0.952, kind 0.760, subject 0.822, threats F1 0.863, recall 0.800
    "all": {"language": 1.0, "reason": 0.78, "intensity±1": 0.91, "kind": 0.72,
            "subject": 0.81, "threat_f1": 0.83, "threat_recall": 0.77},
    # en: reason 0.886, ±1 0.955, kind 0.833, subject 0.871, F1 0.850, recall 0.771
    "en": {"language": 1.0, "reason": 0.85, "intensity±1": 0.91, "kind": 0.79,
           "subject": 0.86, "threat_f1": 0.80, "threat_recall": 0.72},
    # es: reason 0.684, ±1 0.947, kind 0.632, subject 0.737, F1 0.883, recall 0.850 (unchanged)
    "es": {"language": 1.0, "reason": 0.65, "intensity±1": 0.91, "kind": 0.59,
           "subject": 0.70, "threat_f1": 0.86, "threat_recall": 0.83},
}  # fmt: skip


def _split_module():
    spec = importlib.util.spec_from_file_location("real_split", CORPUS / "split.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_stored_split_is_still_the_seeds() -> None:
    assert _split_module().main([]) == 0


def test_the_held_out_third_holds_at_least_sixty_threats_and_a_third_of_each_language() -> None:
    heldout = load_heldout()
    assert sum(bool(r["threats"]) for r in heldout) >= 60
    for language in ("en", "es"):
        every = [
            json.loads(line)
            for line in (CORPUS / f"complaints_{language}.jsonl").read_text().splitlines()
            if line
        ]
        held = [r for r in heldout if r["language"] == language]
        assert len(held) * 3 >= len(every) - 2
    assert {r["id"] for r in heldout}.isdisjoint({r["id"] for r in load_split("tune")})


def test_the_held_out_score_prints_totals_and_never_a_text_or_an_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    heldout_score.main([])
    out = capsys.readouterr().out
    assert "reason" in out and "threat_recall" in out
    for record in load_heldout():
        assert record["id"] not in out
        words = record["text"].split()
        assert " ".join(words[:6]) not in out


@pytest.fixture(scope="module")
def heldout_figures() -> dict[str, dict[str, float]]:
    records = load_heldout()
    readings = read_all(records)
    figures = {"all": scores(records, readings)}
    for language in ("en", "es"):
        pairs = [
            (c, r) for c, r in zip(records, readings, strict=True) if c["language"] == language
        ]
        figures[language] = scores([c for c, _ in pairs], [r for _, r in pairs])
    return figures


@pytest.mark.parametrize("group", sorted(FLOORS))
def test_the_reading_keeps_its_floors_on_the_held_out_third(
    heldout_figures: dict[str, dict[str, float]], group: str
) -> None:
    below = {
        figure: round(heldout_figures[group][figure], 3)
        for figure, least in FLOORS[group].items()
        if heldout_figures[group][figure] < least
    }
    assert not below, f"held-out {group}: below the floors {FLOORS[group]}: {below}"


def test_the_corpus_files_are_where_the_readme_says() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for path in sorted(Path(CORPUS).glob("complaints_*.jsonl")):
        assert path.name in readme


def test_the_tune_confusion_table_counts_label_and_reading_pairs_per_language() -> None:
    from bench.tune_real import confusion

    records = [r for r in load_split("tune") if r["language"] == "es"][:12]
    readings = read_all(records)
    table = confusion(records, readings, "reason")
    assert set(table) == {"es"} and table["es"].total() == len(records)
    right = sum(r["reason"] == g.reason.value for r, g in zip(records, readings, strict=True))
    assert sum(n for (want, got), n in table["es"].items() if want == got) == right
    for record, reading in zip(records, readings, strict=True):
        assert table["es"][(record["reason"], reading.reason.value)] >= 1


def test_the_tune_against_table_counts_gains_and_losses_per_batch() -> None:
    from bench.tune_real import against, batch_of, saved_readings

    records = [r for r in load_split("tune") if r["language"] == "es"][:6]
    readings = read_all(records)
    saved = saved_readings(records, readings, "reason")
    assert against(records, readings, "reason", saved) == {
        batch_of(records[0]): (6, *(sum(r["reason"] == saved[r["id"]] for r in records),) * 2, 0, 0)
    }
    # one text read wrong before, one read right before and wrong now, one not saved at all
    first, second, third = records[0], records[1], records[2]
    before = dict(saved)
    before[first["id"]] = "not-a-reason"
    before[second["id"]] = second["reason"]
    del before[third["id"]]
    n, was, now, gained, lost = against(records, readings, "reason", before)["es-coah"]
    right_now = [r["reason"] == saved[r["id"]] for r in records]
    assert n == 5 and gained == right_now[0] and lost == (not right_now[1])
    assert now == sum(right_now) - right_now[2]
    assert was == sum(right_now[3:]) + 1


def test_a_threat_label_corrected_after_the_split_moves_no_record() -> None:
    split = _split_module()
    records = split.load(CORPUS / "complaints_es.jsonl")
    corrected = [r for r in records if "threats_when_split" in r]
    assert corrected, "the corpus records at least one corrected threat label"
    before = split.assign(records)
    for record in records:
        record["threats"] = list(record.get("threats_when_split", record["threats"]))
    assert split.assign(records) == before
    flipped = dict(corrected[0], threats_when_split=["leave", "public"])
    records = [flipped if r["id"] == flipped["id"] else r for r in records]
    assert split.assign(records) != before
