"""`GET /healthz` on the Events API's port: 200 once Sereno can serve Slack, 503 before.

Ready means the database answers a query, the Events API listens, and Slack has said
who Sereno is (`auth.test`, asked again in the background until it answers:
`SlackRuntime.ready`). The answer comes before the signature gate: a health check
carries no Slack signature, and the answer holds nothing of Slack's.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

HEALTH_PATH = "/healthz"


def healthz_first(problem: Callable[[], str | None]) -> Middleware:
    """An aiohttp middleware answering GET/HEAD /healthz before any other middleware runs:
    503 with `{"status": "starting", "why": ...}` while `problem()` names one, else 200."""

    @web.middleware
    async def answer(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return await handler(request)
        why = problem()
        if why:
            return web.json_response({"status": "starting", "why": why}, status=503)
        return web.json_response({"status": "ok", "platform": "slack"})

    return answer
