"""Cards as Discord embeds with persistent buttons (and the header's reading menu)."""

from __future__ import annotations

import discord

from bot.core.base.cards import Card, CardKind
from handlers.discord.buttons import SerenoButton
from handlers.discord.menu import select_for

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FOOTER_LIMIT = 2048
CONTENT_LIMIT = 2000
_COLOURS = {
    CardKind.HEADER: discord.Colour.blurple(),
    CardKind.STEP: discord.Colour.green(),
    CardKind.SUGGESTION: discord.Colour.light_grey(),
    CardKind.NOTICE: discord.Colour.orange(),
    CardKind.PING: discord.Colour.red(),
}


def clip(text: str, limit: int) -> str:
    """Cut text to a Discord limit, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def embed(card: Card) -> discord.Embed | None:
    """The embed for a card: title, short lines, the reply to copy as a quote, footer.
    An agent's reply to the customer has none: it is plain text (`content`)."""
    if card.kind is CardKind.REPLY:
        return None
    parts = list(card.lines)
    if card.quote:
        parts.append("\n".join("> " + line for line in card.quote.splitlines()))
    shown = discord.Embed(
        title=clip(card.title, TITLE_LIMIT),
        description=clip("\n".join(parts), DESCRIPTION_LIMIT) or None,
        colour=_COLOURS.get(card.kind, discord.Colour.default()),
    )
    if card.footer:
        shown.set_footer(text=clip(card.footer, FOOTER_LIMIT))
    return shown


def view(card: Card) -> discord.ui.View | None:
    """The card's buttons, then its menu (a select in a row of its own), as a view whose
    items survive restarts; None when it has neither."""
    menu = select_for(card.menu) if card.menu else None
    if not card.actions and menu is None:
        return None
    buttons = discord.ui.View(timeout=None)
    for action in card.actions[: 20 if menu else 25]:  # 5 rows: the menu takes one
        buttons.add_item(SerenoButton(action.id.value, action.value, action.label))
    if menu is not None:
        buttons.add_item(menu)
    return buttons


def content(card: Card, agent_role: str | None = None, lead: str | None = None) -> str | None:
    """Plain text above the embed: only a ping's mentions ("user:ID", "agents", "lead");
    for an agent's reply to the customer, the reply itself, signed."""
    if card.kind is CardKind.REPLY:
        return clip(f"{card.title}\n{card.footer or ''}".strip(), CONTENT_LIMIT)
    found = _targets(card, agent_role, lead)
    return " ".join(f"<@{i}>" if kind == "user" else f"<@&{i}>" for kind, i in found) or None


def allowed_mentions(
    card: Card, agent_role: str | None = None, lead: str | None = None
) -> discord.AllowedMentions:
    """Only the mentions the card means may notify: never @everyone/@here, no stray ids."""
    found = _targets(card, agent_role, lead)
    return discord.AllowedMentions(
        everyone=False,
        users=[discord.Object(int(i)) for kind, i in found if kind == "user"],
        roles=[discord.Object(int(i)) for kind, i in found if kind == "role"],
        replied_user=False,
    )


def _targets(card: Card, agent_role: str | None, lead: str | None) -> list[tuple[str, str]]:
    """("user" | "role", id) for each mention of a ping, once each, in order."""
    if card.kind is not CardKind.PING:
        return []
    found = [_target(m, agent_role, lead) for m in card.mentions]
    return [t for t in dict.fromkeys(found) if t and t[1].isdigit()]


def _target(neutral: str, agent_role: str | None, lead: str | None) -> tuple[str, str] | None:
    if neutral.startswith("user:"):
        return "user", neutral[5:]
    if neutral == "lead" and lead:
        return ("role", lead[5:]) if lead.startswith("role:") else ("user", lead)
    if neutral in ("agents", "lead") and agent_role:
        # never @here: the customer reads the same channel
        return "role", agent_role
    return None
