"""Where a complaint's first guidance spends its time, step by step, in the served process.

`python -m bench.path [--events N] [--gap S]` starts Sereno as
`bench.served` does (Slack HTTP mode, the project's fake Slack, the environment only),
but through `bench.stamped_sereno`, which stamps the start and end of each step of the
path (the inbox write, the look-up of the author, bolt's dispatch, the reading, the cards,
each post...). It sends N complaints one at a time, GAP seconds apart (as the one-at-a-time
rows of `bench.served` do; the driver also waits for 0.3 s without a post before it calls a
complaint answered, so the process is idle between complaints whatever the gap), and
prints, per step, the median time from the event's inbox write (`take>`) at which it
started and ended, over the complaints after the first WARM ones, and the first
guidance's p50 as the driver saw it. A diagnosis, not a goal: it prints no ratio and
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

import aiohttp

from bench import served
from bench.apps import Served, serving
from tests.fakes.slack_api import FakeSlack

EVENTS = 30
GAP = 0.05  # seconds between complaints: idle, as between bench.served's turns
WARM = 5  # the first complaints, left out (first texts, first connections)
FIRST = "take>"  # each complaint's path starts as its event is kept


def timeline(stamps: list[tuple[float, str]], warm: int = WARM) -> list[tuple[str, float, int]]:
    """(step and occurrence, median ms after its complaint's `take>`, complaints seen),
    in the order the medians fall; a stamp before the first `take>` is start-up's."""
    complaints: list[list[tuple[float, str]]] = []
    for at, name in stamps:
        if name == FIRST:
            complaints.append([])
        if complaints:
            complaints[-1].append((at, name))
    after: dict[str, list[float]] = defaultdict(list)
    for steps in complaints[warm:]:
        start, seen = steps[0][0], defaultdict(int)
        for at, name in steps:
            after[f"{name}{seen[name]}"].append((at - start) * 1e3)
            seen[name] += 1
    rows = [(key, statistics.median(ms), len(ms)) for key, ms in after.items()]
    return sorted(rows, key=lambda row: row[1])


def read_stamps(path: Path) -> list[tuple[float, str]]:
    """The stamps file `bench.stamped_sereno` writes: one `seconds name` a line."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        at, _, name = line.partition(" ")
        out.append((float(at), name))
    return out


async def measure(events: int, gap: float) -> tuple[list[tuple[float, str]], float]:
    """Send the complaints; (the stamps, first guidance p50 in ms as the driver saw it)."""
    async with FakeSlack(users=served.CUSTOMERS) as fake, aiohttp.ClientSession() as session:
        driver = served.Driver(fake, session)
        with tempfile.TemporaryDirectory() as tmp:
            stamps_file = Path(tmp) / "stamps.txt"

            def start(fake: FakeSlack, tmp: Path) -> Served:
                extra = {"STAMPS_FILE": str(stamps_file)}
                return served.start_sereno(fake, tmp, "bench.stamped_sereno", extra)

            async with serving(start, fake, Path(tmp)) as sereno:
                await served.until_idle(sereno.process.pid)
                latencies = []
                for _ in range(events):
                    ts, sent, _ = await driver.send(sereno)
                    latencies.append((await driver.answered([ts]))[ts] - sent)
                    await asyncio.sleep(gap)
                await asyncio.sleep(3 * 0.25)  # the stamps file is written every 0.25 s
                return read_stamps(stamps_file), statistics.median(latencies) * 1e3


def main(argv: list[str] | None = None) -> None:
    """Print the path's timeline."""
    parser = argparse.ArgumentParser(prog="python -m bench.path", description=__doc__)
    parser.add_argument("--events", type=int, default=EVENTS, help="complaints, one at a time")
    parser.add_argument("--gap", type=float, default=GAP, help="seconds idle between them")
    args = parser.parse_args(argv)
    gap = args.gap
    stamps, p50 = asyncio.run(measure(args.events, gap))
    warm = min(WARM, max(0, args.events - 1))
    print(f"{args.events} complaints, {gap * 1e3:.0f} ms apart; first guidance p50 {p50:.2f} ms")
    print(f"{'step':<14} {'ms after take>':>14}  complaints")
    for key, ms, seen in timeline(stamps, warm):
        print(f"{key:<14} {ms:>14.3f}  {seen}")


if __name__ == "__main__":
    main()
