"""The audience guard: a channel customers can read gets no case and no post, and the
lead and the log hear of it once; an internal channel is served as always."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core.cases.audience import Audience, AudienceGuard, Judgement
from bot.settings import Settings
from bot.wiring import build

SHARED = Judgement(Audience.CUSTOMERS, "shared with another organisation", "SERENO_X_INTERNAL")
INTERNAL = Judgement(Audience.TEAM, "internal", "SERENO_X_INTERNAL")


def test_a_customer_channel_is_refused_and_told_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = build(Settings.from_env({"SERENO_DB": str(tmp_path / "a.db")}))
    guard = AudienceGuard(app.engine, {"slack": "U-lead"})
    with caplog.at_level(logging.ERROR, logger="bot.core.cases.audience"):
        assert not guard.admits("slack", "C-shared", SHARED)
        assert not guard.admits("slack", "C-shared", SHARED)
    assert guard.admits("slack", "C-internal", INTERNAL)
    [line] = [r.getMessage() for r in caplog.records]
    assert "C-shared" in line and "SERENO_X_INTERNAL" in line and "shared with" in line
    [notice] = list(app.store.iter_pending_outbox("slack"))
    assert notice.channel_id == "dm:U-lead" and "C-shared" in notice.card.title
    assert "SERENO_X_INTERNAL" in " ".join(notice.card.lines)
    app.close()


def test_without_a_lead_only_the_log_hears_of_it(tmp_path: Path) -> None:
    app = build(Settings.from_env({"SERENO_DB": str(tmp_path / "a.db")}))
    guard = AudienceGuard(app.engine, {"discord": None})
    assert not guard.admits("discord", "123", SHARED)
    assert list(app.store.iter_pending_outbox("discord")) == []
    app.close()
