"""How each kind of setting is read from its variable: the parsers behind `bot.settings.SPECS`.

Each takes the raw text of one environment variable and returns its value, or raises
ValueError saying what is wrong (Settings.from_env adds the variable's name).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.base.clocks import BusinessHours

_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
EVERYONE = "*"  # SERENO_SLACK_AGENTS=*: every member of the own workspace is an agent


@dataclass(frozen=True)
class Spec:
    """One setting: its variable, default, meaning and parser."""

    env: str
    field: str
    default: str
    help: str
    parse: Callable[[str], Any] = str


def directory(raw: str) -> Path | None:
    """An existing directory, or None when empty."""
    if not raw.strip():
        return None
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise ValueError(f"directory '{raw}' does not exist")
    return path


def timezone(raw: str) -> str:
    """An IANA time zone name (Europe/Madrid)."""
    try:
        ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{raw}' (use a name like Europe/Madrid)") from None
    return raw.strip()


def ids(raw: str) -> tuple[str, ...]:
    """Comma-separated ids (letters, digits, - or _)."""
    values = tuple(v.strip() for v in raw.split(",") if v.strip())
    for value in values:
        if not _ID.match(value):
            raise ValueError(f"'{value[:40]}' is not an id (letters, digits, - or _)")
    return values


def agents(raw: str) -> tuple[str, ...]:
    """User ids, or `*` alone: every member of the own workspace."""
    if raw.strip() == EVERYONE:
        return (EVERYONE,)
    if EVERYONE in raw:
        raise ValueError(f"use {EVERYONE} alone (every member of the workspace) or user ids")
    return ids(raw)


def per_minute(raw: str) -> int:
    """A whole number of at least 1."""
    value = raw.strip()
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"use a whole number of at least 1 (got '{raw[:20]}')")
    return int(value)


def optional_id(raw: str) -> str | None:
    """One id, or None when empty."""
    found = ids(raw)
    if len(found) > 1:
        raise ValueError("give a single id")
    return found[0] if found else None


def url(raw: str) -> str:
    """An http(s) or ws(s) URL."""
    value = raw.strip()
    if not re.match(r"^(https?|wss?)://[^\s/]+", value):
        raise ValueError(f"'{value[:60]}' is not a URL")
    return value


def lead(raw: str) -> str | None:
    """A user id or `role:<id>`, or None when empty."""
    value = raw.strip()
    if value.startswith("role:"):
        return "role:" + (optional_id(value[5:]) or "")
    return optional_id(value)


def secret(raw: str) -> str | None:
    """The text as it is (stripped), or None when empty."""
    return raw.strip() or None


def hours(raw: str) -> str:
    """Business hours as `BusinessHours.parse` reads them."""
    BusinessHours.parse(raw, "UTC")  # the time zone is checked on its own
    return raw.strip()


def days(raw: str) -> int | None:
    """A whole number of days of at least 1, or None when empty."""
    value = raw.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"use a whole number of days of at least 1 (got '{raw}')")
    return int(value)


def megabytes(raw: str) -> int | None:
    """A whole number of MB of at least 1, or None when empty."""
    value = raw.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"use a whole number of MB of at least 1 (got '{raw}')")
    return int(value)


def boolean(raw: str) -> bool:
    """true/false, 1/0 or yes/no (empty: false)."""
    value = raw.strip().lower()
    if value not in {"true", "false", "1", "0", "yes", "no", ""}:
        raise ValueError(f"use true or false (got '{raw}')")
    return value in {"true", "1", "yes"}


def port(raw: str) -> int:
    """A TCP port number from 1 to 65535."""
    value = raw.strip()
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"use a TCP port number from 1 to 65535 (got '{raw[:20]}')")
    return int(value)


def host(raw: str) -> str:
    """A host name or address."""
    value = raw.strip()
    if not re.match(r"^[A-Za-z0-9.:_-]{1,253}$", value):
        raise ValueError(f"'{value[:60]}' is not a host name or address")
    return value


def log_level(raw: str) -> str:
    """DEBUG, INFO, WARNING or ERROR."""
    value = raw.strip().upper()
    if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError(f"use DEBUG, INFO, WARNING or ERROR (got '{raw}')")
    return value
