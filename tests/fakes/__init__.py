"""Offline fakes of chat platforms for tests (no network beyond 127.0.0.1)."""

from .slack_api import Call, FakeSlack, clear_proxy_env, serve_web_app

__all__ = ["Call", "FakeSlack", "clear_proxy_env", "serve_web_app"]
