"""bench/label_agreement.py: the second labelling of tune texts is the seed's sample, the script
runs on it and prints totals only, and a held-out id is refused before anything is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import label_agreement
from bench.real_corpus import load_heldout


def test_kappa_is_one_for_full_agreement_and_zero_for_chance() -> None:
    assert label_agreement.kappa([("a", "a"), ("b", "b")]) == 1.0
    # each labeller says "a" half the time, independently: observed 0.5 = expected 0.5
    assert label_agreement.kappa([("a", "a"), ("a", "b"), ("b", "a"), ("b", "b")]) == 0.0
    assert label_agreement.kappa([("a", "b"), ("b", "a")]) == -1.0


def test_the_relabelled_ids_are_the_seeds_sample_of_tune_texts() -> None:
    second = [json.loads(line) for line in label_agreement.RELABEL.read_text().splitlines()]
    assert [s["id"] for s in second] == label_agreement.draw_sample()
    assert {tuple(sorted(s)) for s in second} == {("by", "id", "intensity", "reason", "threats")}
    assert {s["by"] for s in second} == {"second labeller, session 9"}


def test_the_fresh_file_holds_every_other_text_of_the_two_fresh_spanish_batches() -> None:
    fresh = [json.loads(line) for line in label_agreement.FRESH.read_text().splitlines()]
    every = [
        json.loads(line)["id"]
        for name in label_agreement.FRESH_FROM
        for line in (label_agreement.CORPUS / name).read_text().splitlines()
        if line
    ]
    sampled = set(label_agreement.draw_sample())
    assert [r["id"] for r in fresh] == [i for i in every if i not in sampled]
    assert {tuple(sorted(r)) for r in fresh} == {("by", "id", "intensity", "reason", "threats")}
    assert len(label_agreement.paired(label_agreement.FRESH)) == len(fresh)


def test_the_tune6_file_labels_every_text_of_the_batch_drawn_the_held_out_way() -> None:
    second = [json.loads(line) for line in label_agreement.TUNE6.read_text().splitlines()]
    batch = label_agreement.CORPUS / label_agreement.TUNE6_FROM
    first = [json.loads(line) for line in batch.read_text().splitlines() if line]
    assert [s["id"] for s in second] == [r["id"] for r in first]
    keys = ("by", "id", "intensity", "reason", "subject", "threats")
    assert {tuple(sorted(s)) for s in second} == {keys}
    assert {s["by"] for s in second} == {"second labeller, session 16"}
    assert {s["reason"] for s in second} <= {"product", "service", "billing", "technical", "other"}
    assert all(set(s["threats"]) <= {"leave", "public", "legal"} for s in second)
    assert len(label_agreement.paired(label_agreement.TUNE6)) == len(second)


def test_the_script_runs_on_the_file_and_prints_no_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert label_agreement.main([]) == 0
    out = capsys.readouterr().out
    assert "es: 60 tune texts" in out and "en: 60 tune texts" in out
    assert "kappa" in out and "Sereno's reading" in out
    assert not any(f"{p}-" in out for p in ("es-coah", "es-coar", "en-air"))


def test_a_held_out_id_is_refused_before_anything_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    held = load_heldout()[0]["id"]
    relabel = tmp_path / "relabel.jsonl"
    line = {"id": held, "reason": "other", "threats": [], "intensity": 0, "by": "test"}
    relabel.write_text(json.dumps(line) + "\n")
    with pytest.raises(label_agreement.HeldOutIdError):
        label_agreement.paired(relabel)
    assert label_agreement.main(["--file", str(relabel)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and held not in captured.err


def test_several_files_add_up_and_an_id_labelled_twice_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = json.loads(label_agreement.RELABEL.read_text().splitlines()[0])
    again = tmp_path / "again.jsonl"
    again.write_text(json.dumps(first) + "\n")
    relabel = str(label_agreement.RELABEL)
    assert label_agreement.main(["--file", relabel, "--file", str(again), "--no-reading"]) == 2
    assert "twice" in capsys.readouterr().err
    assert label_agreement.main(["--file", str(again), "--by-source", "--no-reading"]) == 0
    out = capsys.readouterr().out
    tag = label_agreement.source(first["id"])
    assert f"{tag} " in out and "1 texts, agreement" in out and first["id"] not in out
