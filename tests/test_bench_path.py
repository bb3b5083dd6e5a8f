"""bench.path: the first guidance's steps, stamped in the served process."""

from __future__ import annotations

import asyncio
import importlib

from bench import path
from bench.stamped_sereno import STEPS


def test_every_stamped_step_is_still_where_the_bench_looks_for_it() -> None:
    for module_name, class_name, attribute, name in STEPS:
        module = importlib.import_module(module_name)
        owner = getattr(module, class_name) if class_name else module
        assert callable(getattr(owner, attribute, None)), f"{name}: {module_name}.{attribute}"


def test_the_timeline_is_the_median_after_each_take_in_order() -> None:
    stamps = [(0.5, "warm<")]  # start-up's, before any complaint: left out
    for start, read in ((10.0, 0.002), (20.0, 0.004), (30.0, 0.003)):
        stamps += [
            (start, "take>"),
            (start + 0.001, "api>"),
            (start + read, "api>"),
            (start + 0.010, "take<"),
        ]
    rows = path.timeline(stamps, warm=0)
    assert [(key, round(ms, 3), seen) for key, ms, seen in rows] == [
        ("take>0", 0.0, 3),
        ("api>0", 1.0, 3),
        ("api>1", 3.0, 3),
        ("take<0", 10.0, 3),
    ]
    assert [key for key, _, _ in path.timeline(stamps, warm=2)] == [
        "take>0", "api>0", "api>1", "take<0",
    ]  # fmt: skip
    _, ms, seen = path.timeline(stamps, warm=2)[2]
    assert (round(ms, 3), seen) == (3.0, 1)


def test_a_served_complaint_passes_every_step_in_order() -> None:
    stamps, p50 = asyncio.run(path.measure(events=3, gap=0.0))
    steps = [key for key, _, _ in path.timeline(stamps, warm=1)]
    for key in ("take>0", "api>0", "author>0", "read>0", "cards>0", "deliver>0", "api>1"):
        assert key in steps, key
    order = [steps.index(k) for k in ("take>0", "read>0", "open_case<0", "deliver>0", "api>1")]
    assert order == sorted(order)
    assert p50 > 0
