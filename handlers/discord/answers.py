"""Answering interactions: ephemeral unless public, long answers as a file."""

from __future__ import annotations

import io
from typing import Any

import discord

from bot.core.cases.engine import Reply
from bot.wiring import App

MESSAGE_LIMIT = 2000
_NO_PINGS = discord.AllowedMentions.none()


def sereno_app(client: discord.Client) -> App:
    """The App the Sereno client was built with."""
    app = getattr(client, "app", None)
    if not isinstance(app, App):
        raise RuntimeError("this client was not built by handlers.discord")
    return app


async def answer(
    interaction: discord.Interaction, reply: Reply, view: discord.ui.View | None = None
) -> None:
    """Send a Reply (with buttons, `view`); only the one who acted sees it unless public."""
    text = reply.text if reply.ok else f"⚠ {reply.text}"
    kwargs: dict[str, Any] = {"ephemeral": not reply.public, "allowed_mentions": _NO_PINGS}
    if view is not None:
        kwargs["view"] = view
    if len(text) > MESSAGE_LIMIT:
        kwargs["file"] = discord.File(io.BytesIO(text.encode()), filename="sereno.txt")
        text = text[: MESSAGE_LIMIT - 40].rsplit("\n", 1)[0] + "\n… (the full text is attached)"
    if interaction.response.is_done():
        await interaction.followup.send(text, **kwargs)
    else:
        await interaction.response.send_message(text, **kwargs)
