"""Settings: defaults, and one clear line for every bad value."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import SPECS, Settings, SettingsError, parse_duration


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.first_response == timedelta(minutes=15)
    assert settings.followup_after == timedelta(days=3)
    assert settings.default_language == "en" and settings.playbook_dir is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SERENO_DEFAULT_LANGUAGE": "klingon"}, "SERENO_DEFAULT_LANGUAGE"),
        ({"SERENO_FIRST_RESPONSE": "-5m"}, "SERENO_FIRST_RESPONSE"),
        ({"SERENO_FOLLOWUP_AFTER": "soon"}, "SERENO_FOLLOWUP_AFTER"),
        ({"SERENO_PLAYBOOK_DIR": "/no/such/dir"}, "SERENO_PLAYBOOK_DIR"),
        ({"SERENO_TIMEZONE": "Mars/Olympus"}, "SERENO_TIMEZONE"),
        ({"SERENO_LOG_LEVEL": "LOUD"}, "SERENO_LOG_LEVEL"),
    ],
)
def test_bad_values_name_the_setting(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as exc:
        Settings.from_env(env)
    assert str(exc.value).startswith(named + ":") and "\n" not in str(exc.value)


def test_durations() -> None:
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("24h") == timedelta(hours=24)
    with pytest.raises(ValueError, match="negative"):
        parse_duration("-1h")


def test_startup_with_a_bad_setting_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--db", str(tmp_path / "x.db")],
        env={"PATH": "/usr/bin:/bin", "SERENO_FIRST_RESPONSE": "-3m"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "sereno: SERENO_FIRST_RESPONSE: must not be negative (got '-3m')"
    ]


def test_every_setting_is_documented() -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    example = (root / ".env.example").read_text(encoding="utf-8")
    for spec in SPECS:
        assert f"`{spec.env}`" in readme, spec.env
        assert f"{spec.env}=" in example, spec.env


def test_slack_manifest_matches_what_the_adapter_listens_to() -> None:
    root = Path(__file__).resolve().parent.parent
    manifest = (root / "slack-app-manifest.yml").read_text(encoding="utf-8")
    listeners = (root / "handlers" / "slack" / "listeners.py").read_text(encoding="utf-8")
    assert "command: /complaint" in manifest and 'bolt.command("/complaint")' in listeners
    for event in ("reaction_added", "reaction_removed", "app_mention", "member_joined_channel"):
        assert f"- {event}" in manifest and f'"{event}"' in listeners
    assert "- message.channels" in manifest and "/slack/events" in manifest


def test_a_half_configured_platform_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"^SERENO_SLACK_CHANNELS:"):
        Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(SettingsError, match=r"^SERENO_SLACK_CHANNELS:"):
        Settings.from_env({"SLACK_BOT_TOKEN": "x", "SERENO_SLACK_CHANNELS": "C1;drop"})
    slack = {"SLACK_BOT_TOKEN": "x", "SERENO_SLACK_CHANNELS": "C1,C2", "SERENO_SLACK_AGENTS": "U1"}
    settings = Settings.from_env(slack)
    assert settings.platforms == ("slack",) and settings.slack_channels == ("C1", "C2")
