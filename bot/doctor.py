"""`sereno doctor`: what an operator checks first when complaints seem to go missing.

Per platform: the last event received, events waiting in the inbox, events set
aside after repeated failures (each with its error), and the oldest message not
yet delivered. `--retry-parked` puts the set-aside events back in their lanes;
a running Sereno picks them up within 30 s.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.base.clocks import local_time
from bot.core.delivery.inbox_rows import InboxHealth
from bot.core.texts import plural
from bot.settings import Settings
from storage.db import open_database
from storage.store import SqliteStore

PLATFORMS = ("slack", "discord")
SHOWN = 20  # parked events listed per platform


def doctor(settings: Settings, retry_parked: bool = False) -> int:
    """Print the inbox and outbox health; 1 when events are parked (0 otherwise)."""
    store = SqliteStore(open_database(settings.db_path))
    try:
        if retry_parked:
            back = plural("count.parked_events", store.inbox_requeue_parked(), "en")
            print(f"put back {back} to be tried again")
        parked_any = False
        for platform in PLATFORMS:
            health = store.inbox_health(platform)
            print(_summary(health, settings.timezone))
            parked = list(store.inbox_parked(platform))
            parked_any = parked_any or bool(parked)
            for row in parked[:SHOWN]:
                received = _when(row.received_at, settings.timezone)
                print(
                    f"  parked #{row.id} {row.kind} {row.key} received {received}"
                    f" after {row.attempts} tries: {row.last_error or '?'}"
                )
            if len(parked) > SHOWN:
                print(f"  … and {len(parked) - SHOWN} more")
        if parked_any:
            print("`sereno doctor --retry-parked` tries them again once the cause is fixed.")
        return 1 if parked_any else 0
    finally:
        store.close()


def _summary(health: InboxHealth, zone: str) -> str:
    return (
        f"{health.platform}: last event received {_when(health.last_received_at, zone)}; "
        f"{health.pending} waiting in the inbox, {health.parked} parked; "
        f"oldest message not yet delivered: {_when(health.oldest_undelivered_at, zone)}"
    )


def _when(at: datetime | None, zone: str) -> str:
    """A time in the team's zone (SERENO_TIMEZONE), with the zone named."""
    return local_time(at, zone, seconds=True) if at else "none"
