"""Sends a burst of signed requests at once, from a process of its own.

`bench.served` runs the fake Slack in its process; sending a 1,000-event burst from that
same event loop made the fake record posts late and the acks look slow for either app.
This process reads {"url", "requests": [{"body", "headers"}]} as JSON on standard input,
sends every request at once, and writes one [start, seconds to the answer, status] per
request as JSON (time.monotonic, which every process of the machine shares).
Run by bench.served: `python -m bench.sender < burst.json`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import aiohttp


async def _send(session: aiohttp.ClientSession, url: str, request: dict[str, Any]) -> list[Any]:
    start = time.monotonic()
    body = request["body"].encode("utf-8")
    async with session.post(url, data=body, headers=request["headers"]) as response:
        await response.read()
        return [start, time.monotonic() - start, response.status]


async def send_all(url: str, requests: list[dict[str, Any]]) -> list[list[Any]]:
    """Every request at once; [start, ack seconds, status] each, in order."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        return list(await asyncio.gather(*(_send(session, url, r) for r in requests)))


def main() -> None:
    """Read the burst from stdin, write the answers to stdout."""
    job = json.load(sys.stdin)
    json.dump(asyncio.run(send_all(job["url"], job["requests"])), sys.stdout)


if __name__ == "__main__":
    main()
