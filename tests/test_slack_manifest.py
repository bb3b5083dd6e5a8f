"""The Slack app manifest grants exactly what the code uses: every Web API method Sereno
calls and every event it subscribes to has its bot scope, and no scope is left unused.

The calls are found by reading the source, so a new `client.<method>(…)` without an
entry in METHOD_SCOPES fails here until someone looks up its scope and writes it down.
Scopes as documented at https://docs.slack.dev/reference/methods/<method>.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.fakes.slack_manifest import command_escapes, read_manifest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("bot", "handlers", "storage")

#: Web API method -> the bot scopes it needs (all of them). conversations.* work in
#: public and private channels, and complaint channels may be either.
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "auth.test": frozenset(),
    "chat.postMessage": frozenset({"chat:write"}),  # a user id as channel: the app's DM
    "chat.postEphemeral": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    "chat.delete": frozenset({"chat:write"}),
    "chat.getPermalink": frozenset(),
    "files.getUploadURLExternal": frozenset({"files:write"}),
    "files.completeUploadExternal": frozenset({"files:write"}),
    "users.info": frozenset({"users:read"}),
    "usergroups.list": frozenset({"usergroups:read"}),
    "usergroups.users.list": frozenset({"usergroups:read"}),
    "reactions.add": frozenset({"reactions:write"}),
    "reactions.remove": frozenset({"reactions:write"}),
    "conversations.info": frozenset({"channels:read", "groups:read"}),
    "conversations.members": frozenset({"channels:read", "groups:read"}),
    "conversations.history": frozenset({"channels:history", "groups:history"}),
    "conversations.replies": frozenset({"channels:history", "groups:history"}),
    "conversations.open": frozenset({"im:write"}),
    "views.open": frozenset(),
    "views.publish": frozenset(),
}
#: slack_sdk helpers that call several Web API methods.
HELPERS: dict[str, tuple[str, ...]] = {
    "files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
}
#: Bolt's say() posts with chat.postMessage; respond() uses the response_url (no scope).
BOLT_UTILITIES = {"say": "chat.postMessage"}
#: Subscribed bot event -> the scope Slack requires to deliver it.
EVENT_SCOPES: dict[str, frozenset[str]] = {
    "app_mention": frozenset({"app_mentions:read"}),
    "member_joined_channel": frozenset({"channels:read", "groups:read"}),
    "message.channels": frozenset({"channels:history"}),
    "message.groups": frozenset({"groups:history"}),
    "message.im": frozenset({"im:history"}),
    "reaction_added": frozenset({"reactions:read"}),
    "reaction_removed": frozenset({"reactions:read"}),
}
# Socket Mode's apps.connections.open uses the app-level token (connections:write),
# which is not a bot scope and not in the manifest.
#: Calls on the Socket Mode client that go over its websocket, not the Web API.
SOCKET_MODE_CALLS = frozenset({"send.socket.mode.response"})

# `client.api_call("chat.update", ...)` names its method as _API_CALL reads it
_CLIENT_CALL = re.compile(r"\bclient\s*\.\s*(?!api_call\b)([a-z]+(?:_[A-Za-z0-9]+)+)\s*\(")
_API_CALL = re.compile(r"\bapi_call\s*\(\s*[\"']([\w.]+)[\"']")
_BOLT_CALL = re.compile(r"\bawait\s+(say)\s*\(")


def slack_sources() -> list[Path]:
    """Every module that talks to Slack: handlers/slack and anything importing slack_*."""
    found = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if "handlers/slack" in path.as_posix() or re.search(
                r"^\s*(from|import) slack_(sdk|bolt)", text, re.M
            ):
                found.append(path)
    return found


def called_methods() -> dict[str, set[str]]:
    """Web API method -> the files calling it (helpers expanded)."""
    calls: dict[str, set[str]] = {}
    for path in slack_sources():
        text, where = path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        names = [HELPERS.get(n) or (n.replace("_", "."),) for n in _CLIENT_CALL.findall(text)]
        names += [(m,) for m in _API_CALL.findall(text)]
        names += [(BOLT_UTILITIES[m],) for m in _BOLT_CALL.findall(text)]
        for group in names:
            for method in group:
                if method not in SOCKET_MODE_CALLS:
                    calls.setdefault(method, set()).add(where)
    return calls


def test_the_scan_sees_the_calls_we_know_about() -> None:
    calls = called_methods()
    for method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "users.info"):
        assert method in calls, method
    assert "files.getUploadURLExternal" in calls  # through files_upload_v2
    assert "handlers/slack/messenger.py" in calls["chat.postMessage"]


def test_every_called_method_has_a_known_scope() -> None:
    unknown = {m: sorted(f) for m, f in called_methods().items() if m not in METHOD_SCOPES}
    assert not unknown, f"look up the bot scope of these and add them to METHOD_SCOPES: {unknown}"


def test_the_manifest_grants_exactly_the_scopes_the_code_needs() -> None:
    manifest = read_manifest()
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) <= set(EVENT_SCOPES), "add the new event's scope to EVENT_SCOPES"
    needed: dict[str, set[str]] = {}
    for method in called_methods():
        for scope in METHOD_SCOPES.get(method, ()):
            needed.setdefault(scope, set()).add(f"calls {method}")
    for event in events:
        for scope in EVENT_SCOPES[event]:
            needed.setdefault(scope, set()).add(f"event {event}")
    if manifest["features"].get("slash_commands"):
        needed.setdefault("commands", set()).add("slash commands")
    granted = set(manifest["oauth_config"]["scopes"]["bot"])
    missing = {s: sorted(why) for s, why in needed.items() if s not in granted}
    unused = sorted(granted - set(needed))
    assert not missing, f"the manifest lacks scopes the code needs: {missing}"
    assert not unused, f"the manifest grants scopes nothing uses: {unused}"


def test_slash_command_text_arrives_escaped() -> None:
    """`@ana` must reach Sereno as `<@U…|ana>`: a typed name pings nobody."""
    assert command_escapes("/complaint") is True


def test_the_app_home_messages_tab_is_on_so_direct_pings_arrive() -> None:
    home = read_manifest()["features"]["app_home"]
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False


def test_every_url_points_at_the_one_events_path() -> None:
    manifest = read_manifest()
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls += [
        manifest["settings"][k]["request_url"] for k in ("event_subscriptions", "interactivity")
    ]
    assert {u.rsplit("/", 2)[-2:] == ["slack", "events"] for u in urls} == {True}
