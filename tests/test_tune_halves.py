"""The fixed halves of the tune part (bench/tune_halves.py): A to write rules from, B to check."""

from __future__ import annotations

import zlib

from bench.real_corpus import load_split
from bench.tune_halves import compare, half_of, tally


def test_a_text_s_half_is_the_parity_of_crc32_of_its_id() -> None:
    for record_id in ("es-coah-001", "es-coah-002", "en-air-001", "es-coar4-020"):
        even = zlib.crc32(record_id.encode()) % 2 == 0
        assert half_of(record_id) == ("A" if even else "B")
    assert half_of("es-coah-001") == "A" and half_of("en-air-001") == "B"


def test_each_language_of_the_tune_part_splits_near_evenly() -> None:
    records = load_split("tune")
    for language in ("es", "en"):
        ids = [r["id"] for r in records if r["language"] == language]
        share_a = sum(half_of(i) == "A" for i in ids) / len(ids)
        assert 0.4 < share_a < 0.6, (language, share_a)
    assert all(r["split"] == "tune" for r in records)


class _Reading:
    def __init__(self, reason: str) -> None:
        self.reason = reason


def test_the_tally_and_the_comparison_count_per_half() -> None:
    records = [
        {"id": "es-coah-001", "language": "es", "reason": "product"},  # A
        {"id": "es-coah-002", "language": "es", "reason": "service"},  # A
        {"id": "en-air-001", "language": "en", "reason": "service"},  # B
    ]
    readings = [_Reading("product"), _Reading("billing"), _Reading("service")]
    table = tally(records, readings, "reason")
    assert table[("A", "es")] == [1, 2] and table[("A", "es-coah")] == [1, 2]
    assert table[("B", "all")] == [1, 1] and ("B", "es") not in table
    before = {"es-coah-001": "billing", "es-coah-002": "service", "en-air-001": "service"}
    rows = compare(records, readings, "reason", before)
    assert rows[("A", "es")] == [2, 1, 1, 1, 1]
    assert rows[("B", "en")] == [1, 1, 1, 0, 0]
