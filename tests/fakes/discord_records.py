"""What the fake Discord records of each REST request, its faults and its error bodies."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from multidict import CIMultiDict

ERRORS: dict[int, dict] = {
    400: {"message": "Invalid Form Body", "code": 50035, "errors": {}},
    401: {"message": "401: Unauthorized", "code": 0},
    403: {"message": "Missing Permissions", "code": 50013},
    404: {"message": "404: Not Found", "code": 0},
    500: {"message": "500: Internal Server Error", "code": 0},
}
UNKNOWN_CHANNEL = {"message": "Unknown Channel", "code": 10003}
UNKNOWN_MESSAGE = {"message": "Unknown Message", "code": 10008}
UNKNOWN_INTERACTION = {"message": "Unknown interaction", "code": 10062}
UNKNOWN_WEBHOOK = {"message": "Unknown Webhook", "code": 10015}
ALREADY_ACKNOWLEDGED = {"message": "Interaction has already been acknowledged.", "code": 40060}


@dataclass
class RecordedFile:
    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One REST request as the fake saw it (``path`` is relative to ``/api/v10``)."""

    method: str
    path: str
    query: dict[str, str]
    headers: CIMultiDict[str]  # case-insensitive, like HTTP
    json: Any = None
    files: list[RecordedFile] = field(default_factory=list)
    form: dict[str, str] = field(default_factory=dict)
    status: int = 0
    response: Any = None
    time: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class Fault:
    """A canned error answered to the next ``remaining`` matching requests."""

    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict
    headers: dict[str, str]
    remaining: int
    hits: int = 0
