"""The flood probe answers the merge check too: the id it gives for a channel is the case
`open_case_in_channel` finds there (the latest open case of the author opened in it), and
its flood answers stay what `latest_case_of` and `cases_posted_by` say. Real SQLite file."""

from __future__ import annotations

from datetime import timedelta

from bot.core.base.model import Status
from bot.wiring import App
from tests.conftest import JOHN, LUCIA, complaint

TEXT = "My order {n} arrived broken and nobody answers my emails. I want a refund."


def _probe(app: App, author_id: str, channel: str | None) -> tuple[object, ...]:
    now = app.engine.clock.now()
    return app.store.flood_probe("test", author_id, now - timedelta(minutes=1), now, channel)


def _expected_here(app: App, author_id: str, channel: str) -> int | None:
    case = app.store.open_case_in_channel("test", channel, author_id)
    return case.id if case else None


def test_the_probe_finds_the_case_open_case_in_channel_finds(app: App) -> None:
    opened = [
        app.engine.open_case(complaint(TEXT.format(n=n), f"m{n}", LUCIA, channel))
        for n, channel in enumerate(("C1", "C2", "C3", "C1"))
    ]
    app.engine.open_case(complaint(TEXT.format(n=9), "j1", JOHN, "C1"))
    assert [c is not None for c in opened] == [True, True, True, False]  # m3 joined C1's case
    first, second, third = (c for c in opened if c is not None)
    app.store.update_case(second.id, status=Status.RESOLVED)
    app.store.update_case(third.id, status=Status.IN_PROGRESS)
    for author in (LUCIA.user_id, JOHN.user_id, "U-nobody"):
        for channel in ("C1", "C2", "C3", "C4"):
            assert _probe(app, author, channel)[3] == _expected_here(app, author, channel)
    assert _probe(app, LUCIA.user_id, "C1")[3] == first.id
    assert _probe(app, LUCIA.user_id, "C2")[3] is None  # resolved: not open
    assert _probe(app, LUCIA.user_id, "C3")[3] == third.id  # in progress is open
    assert _probe(app, LUCIA.user_id, None)[3] is None  # no channel asked


def test_the_flood_answers_are_the_ones_of_their_own_queries(app: App) -> None:
    for n in range(3):
        app.engine.open_case(complaint(TEXT.format(n=n), f"m{n}", LUCIA, f"C{n}"))
    now = app.engine.clock.now()
    for author in (LUCIA.user_id, "U-nobody"):
        latest, recent, last_flood, _ = _probe(app, author, "C0")
        expected = app.store.latest_case_of("test", author)
        assert latest == (expected.id if expected else None)
        assert recent == app.store.cases_posted_by("test", author, now - timedelta(minutes=1), now)
        assert last_flood is None
    assert _probe(app, LUCIA.user_id, "C0")[1] == 3
