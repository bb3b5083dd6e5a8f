"""`sereno` with time stamps around the steps of a complaint's first guidance (for bench.path).

Run as `python -m bench.stamped_sereno ARGS...` (the arguments of `python -m bot`), with
STAMPS_FILE naming where to write. Before Sereno starts, each step in `STEPS` is wrapped
so that its start (`name>`) and end (`name<`) are appended, with `time.perf_counter()`,
to a list that a daemon thread writes to STAMPS_FILE every STAMPS_EVERY seconds (the
process is stopped from outside, so nothing at exit is relied on). A wrapped step costs
about a microsecond; nothing else changes. A step whose module or attribute is gone is
named on stderr and left out, so a renamed function shows as a missing line, not a crash.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import runpy
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAMPS_EVERY = 0.25  # seconds between writes of the stamps file
#: (module, class or None, attribute, name in the stamps): the first guidance's path.
STEPS = (
    ("handlers.slack.ingress", "SlackIngress", "take", "take"),
    # a transaction's end: a commit, or (taking no time) a nested one joining the outer
    ("storage.transaction", "Transaction", "__exit__", "atomic"),
    ("handlers.slack.pooled", "PooledWebClient", "api_call", "api"),
    ("bot.core.delivery.inbox", "InboxWorker", "_work", "work"),
    ("slack_bolt.async_app", "AsyncApp", "async_dispatch", "bolt"),
    ("handlers.slack.listeners", None, "_author", "author"),
    ("bot.core.cases.engine", "Engine", "open_case", "open_case"),
    ("bot.core.cases.engine", None, "read_complaint", "read"),
    ("bot.core.cases.posts", "Posts", "opening", "cards"),
    ("bot.core.delivery.drainer", "OutboxDrainer", "_deliver", "deliver"),
)

_stamps: list[tuple[float, str]] = []


def _stamped(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            _stamps.append((time.perf_counter(), name + ">"))
            try:
                return await fn(*args, **kwargs)
            finally:
                _stamps.append((time.perf_counter(), name + "<"))

        return run_async

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        _stamps.append((time.perf_counter(), name + ">"))
        try:
            return fn(*args, **kwargs)
        finally:
            _stamps.append((time.perf_counter(), name + "<"))

    return run


def install() -> list[str]:
    """Wrap every step that is still there; the names of those that are not."""
    missing = []
    for module_name, class_name, attribute, name in STEPS:
        try:
            module = importlib.import_module(module_name)
            owner = getattr(module, class_name) if class_name else module
            setattr(owner, attribute, _stamped(name, getattr(owner, attribute)))
        except (ImportError, AttributeError):
            missing.append(f"{module_name}:{class_name or ''}.{attribute}")
    return missing


def _write_every(path: Path) -> None:
    while True:
        time.sleep(STAMPS_EVERY)
        lines = "".join(f"{t:.6f} {name}\n" for t, name in list(_stamps))
        path.write_text(lines, encoding="utf-8")


def main() -> None:
    """Wrap the steps, start the writer, then run `python -m bot` with this process's argv."""
    path = Path(os.environ["STAMPS_FILE"])
    for gone in install():
        print(f"bench.stamped_sereno: no {gone}; not stamped", file=sys.stderr)
    threading.Thread(target=_write_every, args=(path,), daemon=True).start()
    sys.argv = ["sereno", *sys.argv[1:]]
    runpy.run_module("bot", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
