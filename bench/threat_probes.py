"""Score the threat reading on the hand-written probes of tests/data/threat_probes.txt.

Run: .venv/bin/python -m bench.threat_probes [FILE] [--misses]

Prints precision / recall / F1 per threat and language, and with `--misses` every probe read
wrong. FILE defaults to tests/data/threat_probes.txt; tests/data/threat_probes_fresh.txt is a
second set written after the rules were changed for the first, to see how the change generalises.
The probes are sentences written for these files (not corpus texts), so they measure how the
rules generalise to ways of phrasing a threat that the tune part may not hold.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.real_corpus import prf
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.reader import folded_text
from bot.core.reading.signals import intensity_signals

PROBES_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "threat_probes.txt"
THREATS = ("leave", "public", "legal")


@dataclass(frozen=True)
class Probe:
    """One sentence, its language and the threats it holds (none for a near-miss)."""

    language: str
    threats: frozenset[str]
    text: str
    line: int


def load_probes(path: Path = PROBES_FILE) -> list[Probe]:
    """Read the probes file; raise ValueError naming the line of a malformed probe."""
    probes = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in raw.split("|", 2)]
        names = (
            frozenset() if len(parts) < 2 or parts[1] == "none" else frozenset(parts[1].split(","))
        )
        if len(parts) != 3 or not parts[2] or not names <= set(THREATS):
            raise ValueError(f"{path.name} line {number}: want 'LANGUAGE | THREATS | TEXT'")
        probes.append(Probe(parts[0], names, parts[2], number))
    return probes


def threats_read(probe: Probe, rules: ReadingRules) -> frozenset[str]:
    """The threats the reading finds in a probe, by the probe file's names."""
    _, groups = intensity_signals(folded_text(probe.text, rules), rules, probe.language)
    return frozenset(name for name in THREATS if groups[f"{name}-threat"])


def score_rows(probes: Sequence[Probe], rules: ReadingRules) -> list[tuple[str, str, tuple]]:
    """(threat, language, (precision, recall, F1, labelled count)) for each pair, and pooled."""
    found = [threats_read(p, rules) for p in probes]
    rows = []
    for language in ("en", "es", "all"):
        for threat in (*THREATS, "pooled"):
            names = THREATS if threat == "pooled" else (threat,)
            tp = fp = fn = 0
            for probe, got in zip(probes, found, strict=True):
                if language != "all" and probe.language != language:
                    continue
                want, read = probe.threats & set(names), got & set(names)
                tp, fp, fn = tp + len(want & read), fp + len(read - want), fn + len(want - read)
            rows.append((threat, language, (*prf(tp, fp, fn), tp + fn)))
    return rows


def main() -> None:
    """Print the probes' scores (and with --misses the probes read wrong)."""
    from playbooks.advice import load_advice_ids
    from playbooks.rules import RULES_FILE, load_rules

    rules = load_rules(RULES_FILE, load_advice_ids())
    paths = [Path(arg) for arg in sys.argv[1:] if not arg.startswith("--")]
    probes = load_probes(paths[0] if paths else PROBES_FILE)
    for threat, language, (p, r, f1, n) in score_rows(probes, rules):
        print(f"{language:>4} {threat:>7}  P {p:.2f}  R {r:.2f}  F1 {f1:.2f}  n={n}")
    if "--misses" in sys.argv:
        for probe in probes:
            got = threats_read(probe, rules)
            if got != probe.threats:
                want = ",".join(sorted(probe.threats)) or "none"
                print(
                    f"  {probe.line}: {probe.language} want={want} read="
                    f"{','.join(sorted(got)) or 'none'}  {probe.text}"
                )


if __name__ == "__main__":
    main()
