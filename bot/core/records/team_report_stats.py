"""Small, exact statistics for the team report.

Median: the middle value of the sorted data, or the mean of the two middle
values when the count is even. Percentiles: the nearest-rank method — the
p-th percentile is the smallest value that at least p% of the data is at or
below, i.e. the value at rank ceil(p/100 * n) (1-based) of the sorted data.
It always returns a value that was observed (p90 of 10 values is the 9th).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass


def median(values: Sequence[float]) -> float | None:
    """The median (mean of the two middle values for an even count); None when empty."""
    if not values:
        return None
    data = sorted(values)
    middle = len(data) // 2
    if len(data) % 2:
        return float(data[middle])
    return (data[middle - 1] + data[middle]) / 2


def percentile(values: Sequence[float], p: int) -> float | None:
    """The nearest-rank p-th percentile (1 <= p <= 100); None when empty."""
    if not 1 <= p <= 100:
        raise ValueError(f"percentile must be between 1 and 100 (got {p})")
    if not values:
        return None
    data = sorted(values)
    rank = -(-p * len(data) // 100)  # ceil(p * n / 100) in integers: no float rounding
    return float(data[rank - 1])


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean; None when empty."""
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class Durations:
    """How long something took across cases, in seconds."""

    count: int
    median: float | None
    p90: float | None


def durations(seconds: Sequence[float]) -> Durations:
    """Count, median and nearest-rank 90th percentile of some durations."""
    return Durations(len(seconds), median(seconds), percentile(seconds, 90))


@dataclass(frozen=True)
class Pareto:
    """What share of the cases the most frequent 20% of customers bring."""

    customers: int
    top_customers: int
    top_cases: int
    cases: int

    @property
    def share(self) -> float | None:
        """top_cases / cases, or None with no cases."""
        return self.top_cases / self.cases if self.cases else None


def pareto(customers: Iterable[Hashable]) -> Pareto:
    """The Pareto view of a list of case owners: the top ceil(20%) (at least one)."""
    counts = sorted(Counter(customers).values(), reverse=True)
    top = max(1, -(-len(counts) // 5)) if counts else 0  # ceil(n / 5), exact
    return Pareto(len(counts), top, sum(counts[:top]), sum(counts))


def ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    """Counts sorted by size (largest first), ties by name: stable for messages."""
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
