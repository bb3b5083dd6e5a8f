"""Cards as Block Kit: short sections, a quoted reply to copy, buttons."""

from __future__ import annotations

from typing import Any

from bot.core.cards import ActionId, Card, CardKind, render_text

SECTION_LIMIT = 2900  # Slack refuses section text over 3,000 characters
TEXT_LIMIT = 3900
_PRIMARY = {ActionId.STEP_DONE, ActionId.CLAIM}
_DANGER = {ActionId.LET_GO}


def _section(text: str) -> dict[str, Any]:
    if len(text) > SECTION_LIMIT:
        text = text[: SECTION_LIMIT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(card: Card, index: int) -> dict[str, Any]:
    action = card.actions[index]
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action.id.value,
        "text": {"type": "plain_text", "text": action.label},
        "value": action.value,
    }
    if action.id in _PRIMARY:
        button["style"] = "primary"
    elif action.id in _DANGER:
        button["style"] = "danger"
    return button


def blocks(card: Card, mentions: str = "") -> list[dict[str, Any]]:
    """Block Kit for a card (`mentions` already in Slack syntax)."""
    title = f"*{escape(card.title)}*"
    out: list[dict[str, Any]] = [_section(f"{mentions} {title}" if mentions else title)]
    if card.lines:
        out.append(_section("\n".join(escape(line) for line in card.lines)))
    if card.quote:
        quoted = "\n".join("> " + escape(line) for line in card.quote.splitlines())
        out.append(_section(quoted))
    if card.actions:
        out.append(
            {"type": "actions", "elements": [_button(card, i) for i in range(len(card.actions))]}
        )
    if card.footer:
        out.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(card.footer)}]}
        )
    return out


def fallback_text(card: Card, mentions: str = "") -> str:
    """The notification text (and what screen readers and old clients show)."""
    text = render_text(card)
    return (f"{mentions} {text}" if mentions else text)[:TEXT_LIMIT]


def slack_id(target: str) -> str:
    """`<@U…>` for a user, `<!subteam^S…>` for a user group."""
    return f"<!subteam^{target}>" if target.startswith("S") else f"<@{target}>"


def mention_text(card: Card, agents: tuple[str, ...], group: str | None, lead: str | None) -> str:
    """Turn the core's neutral mentions into Slack mention syntax."""
    if card.kind is not CardKind.PING:
        return ""
    found: list[str] = []
    for mention in card.mentions:
        if mention.startswith("user:"):
            found.append(slack_id(mention[5:]))
        elif mention == "agents":
            found += ([slack_id(group)] if group else [slack_id(a) for a in agents]) or ["<!here>"]
        elif mention == "lead":
            found.append(slack_id(lead) if lead else "<!here>")
    return " ".join(dict.fromkeys(found))


def escape(text: str) -> str:
    """Escape Slack's control characters in user-provided text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
