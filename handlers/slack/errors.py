"""Reading a Slack error, whichever response slack_sdk attached to it.

slack_sdk raises `SlackApiError` with its SlackResponse, or with the raw HTTP
response when a body claimed to be JSON and was not (a proxy's error page):
code that reads `.data` or `.status_code` blindly fails on the second kind.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

__all__ = ["error_code", "http_status"]


def error_code(exc: SlackApiError) -> str:
    """The `error` of a Slack answer ("" for a page that is not Slack's JSON)."""
    data = getattr(exc.response, "data", None)
    return str(data.get("error") or "unknown_error") if isinstance(data, dict) else ""


def http_status(exc: SlackApiError) -> int:
    """The HTTP status of a Slack answer (0 when unknown)."""
    response = exc.response
    status = getattr(response, "status_code", None) or getattr(response, "status", 0)
    return int(status or 0)
