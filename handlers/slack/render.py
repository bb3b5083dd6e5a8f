"""Cards as Block Kit: short sections, a quoted reply to copy, buttons.

Everything a card says (customer names, complaint quotes, notes, suggestions) is
escaped, in the blocks and in the fallback `text`, so none of it can mention anyone;
Sereno's own mentions (`mention_text`) are put in front afterwards. Button labels
and the header's "Correct the reading…" menu (a `static_select`, its options grouped
by part) are plain_text, which Slack never turns into mentions.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.base.cards import ActionId, Card, CardKind, Menu, render_text
from bot.settings import EVERYONE
from handlers.slack.markup import unescape

SECTION_LIMIT = 2900  # Slack refuses section text over 3,000 characters
TEXT_LIMIT = 3900
_PRIMARY = {ActionId.STEP_DONE, ActionId.CLAIM}
_DANGER = {ActionId.LET_GO}
MENU_BLOCK = "sereno-menu"  # the block_id of a card's menu (one per message)
OPTION_TEXT, OPTION_VALUE, MAX_OPTIONS, PLACEHOLDER = 75, 150, 100, 150


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


def _plain(text: str, limit: int) -> dict[str, str]:
    return {"type": "plain_text", "text": text if len(text) <= limit else text[: limit - 1] + "…"}


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": _plain(label or value, OPTION_TEXT), "value": value}


def select(menu: Menu) -> dict[str, Any] | None:
    """The menu as a `static_select`, its options grouped under their `group` headings
    (`option_groups`) when they have any; None when no option fits Slack's limits."""
    options = [o for o in menu.options if 0 < len(o.value) <= OPTION_VALUE][:MAX_OPTIONS]
    if not options:
        return None
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": menu.id.value,
        "placeholder": _plain(menu.placeholder or "…", PLACEHOLDER),
    }
    if all(o.group for o in options):
        groups: dict[str, list[dict[str, Any]]] = {}
        for o in options:
            groups.setdefault(o.group, []).append(_option(o.value, o.label))
        element["option_groups"] = [
            {"label": _plain(group, OPTION_TEXT), "options": shown}
            for group, shown in groups.items()
        ]
    else:
        element["options"] = [_option(o.value, o.label) for o in options]
    return element


def escaped(card: Card) -> Card:
    """The card with every text it shows escaped; button labels are Sereno's own. A card
    with nothing to escape is itself."""
    title = escape(card.title)
    lines = tuple(escape(line) for line in card.lines)
    quote = escape(card.quote) if card.quote else card.quote
    footer = escape(card.footer) if card.footer else card.footer
    if (
        title is card.title
        and quote is card.quote
        and footer is card.footer
        and all(new is old for new, old in zip(lines, card.lines, strict=True))
    ):
        return card
    return replace(card, title=title, lines=lines, quote=quote, footer=footer)


def _linked(card: Card, link: str | None) -> Card:
    """The escaped card with its footer as a link to `link` (a URL Slack gave Sereno)."""
    shown = escaped(card)
    if link and shown.footer and not any(c in link for c in "<>|"):
        return replace(shown, footer=f"<{link}|{shown.footer}>")
    return shown


def message(
    card: Card, mentions: str = "", link: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """`fallback_text` and `blocks` of a card, its texts escaped once for both."""
    shown = _linked(card, link)
    return _fallback(shown, mentions), _blocks(card, shown, mentions)


def blocks(card: Card, mentions: str = "", link: str | None = None) -> list[dict[str, Any]]:
    """Block Kit for a card (`mentions` already in Slack syntax; `link`: the footer's)."""
    return _blocks(card, _linked(card, link), mentions)


def _blocks(card: Card, shown: Card, mentions: str) -> list[dict[str, Any]]:
    if card.kind is CardKind.REPLY:  # what the customer reads: the agent's words, signed
        return [_section(f"{shown.title}\n{shown.footer or ''}".strip())]
    title = f"*{shown.title}*"
    out: list[dict[str, Any]] = [_section(f"{mentions} {title}" if mentions else title)]
    if shown.lines:
        out.append(_section("\n".join(shown.lines)))
    if shown.quote:
        out.append(_section("\n".join("> " + line for line in shown.quote.splitlines())))
    if shown.actions:
        out.append(
            {"type": "actions", "elements": [_button(shown, i) for i in range(len(shown.actions))]}
        )
    chooser = select(card.menu) if card.menu else None
    if chooser:  # plain_text labels: Slack never turns them into mentions
        out.append({"type": "actions", "block_id": MENU_BLOCK, "elements": [chooser]})
    if shown.footer:
        out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": shown.footer}]})
    return out


def fallback_text(card: Card, mentions: str = "", link: str | None = None) -> str:
    """The notification text (and what screen readers, old clients and DMs show)."""
    return _fallback(_linked(card, link), mentions)


def _fallback(shown: Card, mentions: str) -> str:
    text = render_text(shown)
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
            named = [slack_id(a) for a in agents if a != EVERYONE]  # `*` names nobody
            found += ([slack_id(group)] if group else named) or ["<!here>"]
        elif mention == "lead":
            found.append(slack_id(lead) if lead else "<!here>")
    return " ".join(dict.fromkeys(found))


def escape(text: str) -> str:
    """Text that did not come from Sereno, made unable to mention or link: `&`, `<`, `>`
    as `&amp;`, `&lt;`, `&gt;`. Text read from Slack events arrives escaped already, so it
    is unescaped first: a customer's `&` shows as `&`, never as `&amp;`."""
    if "&" not in text and "<" not in text and ">" not in text:
        return text  # most texts: nothing to undo or escape
    return unescape(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
