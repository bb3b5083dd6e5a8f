"""The fake Slack's Web API methods: auth, chat, reactions, users, usergroups and
Socket Mode's ``apps.connections.open`` (files are in `slack_files`, history in
`slack_history`, Block Kit's limits on ``blocks`` in `slack_blocks`,
``conversations.info`` and ``conversations.members`` in `slack_channels`,
``views.open`` in `slack_views`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .slack_blocks import refusal
from .slack_channels import CHANNEL_HANDLERS


class WebApiMixin:
    """`FakeSlack`'s Web API method handlers: ``params`` in, the JSON answer out."""

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake-team.slack.com/",
            "team": "Fake Team",
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _bot_message(self, params: dict[str, Any], ts: str) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": params.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key) is not None:
                msg[key] = params[key]
        return msg

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
            return {"ok": False, "error": "no_text"}
        refused = refusal(params)  # Block Kit's limits (`slack_blocks`)
        if refused is not None:
            return refused
        ts = self.next_ts()
        msg = self._bot_message(params, ts)
        self.messages[(channel, ts)] = msg
        return {"ok": True, "channel": channel, "ts": ts, "message": msg}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self.next_ts()}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = params.get("channel"), params.get("ts")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        refused = refusal(params)
        if refused is not None:
            return refused
        msg = self.messages.get((channel, ts)) or self._bot_message({}, ts)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                msg[key] = params[key]
        msg["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
        self.messages[(channel, ts)] = msg
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": msg.get("text", ""),
            "message": msg,
        }

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = params.get("channel"), params.get("ts")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        self.messages.pop((channel, ts), None)
        return {"ok": True, "channel": channel, "ts": ts}

    def _chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        """As Slack: ``channel`` and ``message_ts`` in, a permalink to that message out."""
        channel, ts = params.get("channel"), params.get("message_ts")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not ts:
            return {"ok": False, "error": "message_not_found"}
        link = f"https://fake-team.slack.com/archives/{channel}/p{str(ts).replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("channel", ""), params.get("timestamp", ""), params.get("name", ""))
        if not all(key):
            return {"ok": False, "error": "invalid_arguments"}
        if key in self.reactions:
            return {"ok": False, "error": "already_reacted"}
        self.reactions.add(key)
        return {"ok": True}

    def _reactions_remove(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("channel", ""), params.get("timestamp", ""), params.get("name", ""))
        if key not in self.reactions:
            return {"ok": False, "error": "no_reaction"}
        self.reactions.discard(key)
        return {"ok": True}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(params.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.usergroups.get(params.get("usergroup", ""))
        if group is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(group["users"])}

    def _usergroups_list(self, params: dict[str, Any]) -> dict[str, Any]:
        groups = [dict(g) for g in self.usergroups.values()]
        if str(params.get("include_users", "")).lower() not in ("1", "true"):
            for g in groups:
                g.pop("users")
        return {"ok": True, "usergroups": groups}

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.socket_url}


WEB_API_HANDLERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": WebApiMixin._auth_test,
    "chat.postMessage": WebApiMixin._chat_post_message,
    "chat.postEphemeral": WebApiMixin._chat_post_ephemeral,
    "chat.update": WebApiMixin._chat_update,
    "chat.delete": WebApiMixin._chat_delete,
    "chat.getPermalink": WebApiMixin._chat_get_permalink,
    "reactions.add": WebApiMixin._reactions_add,
    "reactions.remove": WebApiMixin._reactions_remove,
    "users.info": WebApiMixin._users_info,
    **CHANNEL_HANDLERS,
    "usergroups.users.list": WebApiMixin._usergroups_users_list,
    "usergroups.list": WebApiMixin._usergroups_list,
    "apps.connections.open": WebApiMixin._apps_connections_open,
}
