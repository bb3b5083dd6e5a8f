"""The console adapter: a complaints channel in the terminal, scriptable through stdin.

Plain lines are complaints (or replies, inside a thread) from the current
customer; `/complaint ...` lines are agent commands; `/react EMOJI m12` reacts to
a bot message. Output is plain text so it can be piped and tested.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.core.base.cards import CardKind, Menu, render_text
from bot.core.base.model import Actor, Incoming
from bot.core.base.outbox import OutboxItem
from bot.core.cases import replies
from bot.core.cases.context import Context
from bot.core.cases.engine import Reply
from bot.core.commands.dispatch import run
from bot.core.commands.interactions import on_reaction
from bot.core.delivery.drainer import OutboxDrainer
from bot.health import Readiness, beat, heartbeat_path, storage_ready
from bot.records_cli import apply_retention
from bot.settings import Settings
from bot.wiring import App, build, warm_up_in_background

PLATFORM = "console"
DEFAULT_CUSTOMER = "Sam"  # a name that reads well in Spanish and English replies
CHANNEL = "complaints"
HELP = """Console commands:
  <text>                 post as the current customer (in the channel, or in the thread after /in)
  /as NAME               switch which customer speaks
  /agent NAME            switch which agent you are
  /in #N  |  /out        enter a case's thread  |  back to the channel
  /say TEXT              post in the thread as the agent
  /reply [#N] [suggestion] [text]
                         send the customer a reply (a suggestion as it is, or your text)
  /react EMOJI mN        react to Sereno's message mN (✅ done, ⏩ skip, 💤 snooze a ping)
  /unreact EMOJI mN      remove that reaction
  /complaint ...         run a Sereno command (/complaint help)
  /help  |  /quit"""

NO_MESSAGE = (
    "There is no message {ref}. Each of Sereno's messages starts with its reference in "
    "brackets, e.g. [m3]: react to one of those (/complaint show #N shows a case's steps)."
)


class ConsoleMessenger:
    """Prints outbox rows; the message id is the short reference shown to the user."""

    platform = PLATFORM

    def __init__(self, out: TextIO, files_dir: Path) -> None:
        self.out = out
        self.files_dir = files_dir
        #: What each header last said of the reading: an edit prints what changed.
        self._readings: dict[str, tuple[str, ...]] = {}

    def _save(self, item: OutboxItem) -> str:
        """Files (case reports, charts) are saved beside the database; print the path."""
        assert item.card.attachment is not None
        name = Path(item.card.attachment.name).name or f"file-{item.id}"
        path = self.files_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.card.attachment.data)
        return f"saved {path}"

    async def send(self, item: OutboxItem) -> str:
        """Print a message (or a short line for an edit) and return its reference."""
        if item.edit_of is not None and item.edit_target:
            keep = list(item.card.lines[-2:])  # a header ends with its progress and status
            reading = (item.card.title, *item.card.lines[:-2])  # the reading, when it changed
            before = self._readings.get(item.edit_target)
            if before is not None and before != reading:
                changed = [line for line in reading if line not in before]
                self.out.write(f"[{item.edit_target} updated] " + changed[0] + "\n")
                for line in changed[1:]:
                    self.out.write(f"      {line}\n")
            self._readings[item.edit_target] = reading
            self.out.write(f"[{item.edit_target} updated] " + " · ".join(keep) + "\n")
            return item.edit_target
        ref = f"m{item.id}"
        if item.card.kind is CardKind.REPLY:  # the customer reads this one
            self.out.write(f"[{ref}] reply to the customer (#{item.case_id}) › {item.card.title}\n")
            self.out.write(f"      {item.card.footer or ''}\n")
            return ref
        where = f" (#{item.case_id})" if item.case_id else ""
        body = render_text(item.card).splitlines()
        mentions = " ".join("@" + m.removeprefix("user:") for m in item.card.mentions)
        if mentions:
            body[0] = f"{mentions} {body[0]}"
        self.out.write(f"[{ref}] Sereno{where} › {body[0]}\n")
        for line in body[1:]:
            self.out.write(f"      {line}\n")
        if item.card.menu is not None:
            self.out.write(f"      {menu_text(item.card.menu)}\n")
        if item.card.kind is CardKind.HEADER:
            self._readings[ref] = (item.card.title, *item.card.lines[:-2])
        if item.card.attachment is not None:
            self.out.write(f"      📎 {self._save(item)}\n")
        return ref


def menu_text(menu: Menu) -> str:
    """A card's menu as the command that does the same: "Correct the reading: /complaint
    reading #3 reason product|delivery|… intensity 0|1|2|3 kind …"."""
    case, parts = "", {}
    for option in menu.options:
        case, _, choice = option.value.partition(":")
        part, _, value = choice.partition("=")
        parts.setdefault(part, []).append(value)
    said = " ".join(f"{part} {'|'.join(values)}" for part, values in parts.items())
    return f"{menu.placeholder.rstrip('…. ')}: /complaint reading #{case} {said}"


@dataclass
class ConsoleSession:
    app: App
    out: TextIO
    agent: str = "agent"
    customer: str = DEFAULT_CUSTOMER
    thread: str | None = None
    drainer: OutboxDrainer = field(init=False)

    def __post_init__(self) -> None:
        files = Path(self.app.settings.db_path).resolve().parent / "sereno-files"
        self.drainer = OutboxDrainer(
            self.app.store,
            ConsoleMessenger(self.out, files),
            self.app.engine.clock,
            on_sent=replies.on_sent(self.app.engine),
            edit_gap=timedelta(0),  # a terminal has no rate limit: each edit shows at once
        )

    def _agent(self) -> Actor:
        # whoever types here runs Sereno itself (`sereno export` is theirs too): the lead
        return Actor(PLATFORM, self.agent.lower(), self.agent, is_agent=True, is_lead=True)

    def _customer(self) -> Actor:
        return Actor(PLATFORM, self.customer.lower(), self.customer)

    async def handle(self, line: str) -> bool:
        """Handle one input line; False means quit."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit"):
            return False
        try:
            self._dispatch(line)
            self.app.scheduler.tick()  # the console's clock advances with each line
        except Exception as exc:  # the console must survive anything a user types
            self.out.write(f"(error) {type(exc).__name__}: {exc}\n")
        await self.drainer.drain_once()
        return True

    def _dispatch(self, line: str) -> None:
        head, _, rest = line.partition(" ")
        rest = rest.strip()
        actions = {
            "/help": lambda: self._say(HELP),
            "/as": lambda: self._switch("customer", rest),
            "/agent": lambda: self._switch("agent", rest),
            "/in": lambda: self._enter(rest),
            "/out": self._leave,
            "/say": lambda: self._agent_says(rest),
            "/reply": lambda: self._answer(rest),
            "/react": lambda: self._react(rest, True),
            "/unreact": lambda: self._react(rest, False),
        }
        if head.lower() == "/complaint":
            self._reply(
                run(
                    self.app.engine,
                    self.app.times,
                    line,
                    Context(self._agent(), PLATFORM, CHANNEL, self.thread),
                )
            )
        elif head.lower() in actions:
            actions[head.lower()]()
        elif line.startswith("/"):
            self._say(f"Unknown console command '{head[:30]}'. Type /help.")
        else:
            self._post(line)

    def _say(self, text: str) -> None:
        self.out.write(text + "\n")

    def _reply(self, reply: Reply) -> None:
        prefix = "(only you) " if not reply.public else ""
        mark = "" if reply.ok else "⚠ "
        self._say(f"{prefix}Sereno › {mark}{reply.text}")

    def _switch(self, who: str, name: str) -> None:
        if not name or len(name) > 40:
            self._say(f"Usage: /{'as' if who == 'customer' else 'agent'} NAME (up to 40 chars)")
            return
        setattr(self, who, name)
        self._say(f"Now speaking as {name}.")

    def _enter(self, ref: str) -> None:
        case_id = ref.lstrip("#")
        case = self.app.store.get_case(int(case_id)) if case_id.isdigit() else None
        if case is None:
            self._say("Usage: /in #N with an existing case number.")
            return
        self.thread = case.thread_id
        self._say(f"In the thread of #{case.id}. /out to go back to the channel.")

    def _leave(self) -> None:
        self.thread = None
        self._say("Back in #complaints.")

    def _new_id(self) -> str:
        return f"c{time.time_ns()}"

    def _post(self, text: str) -> None:
        msg = Incoming(PLATFORM, CHANNEL, self._new_id(), self._customer(), text, self.thread)
        self._say(f"{self.customer} › {text}")
        if self.thread is None:
            case = self.app.engine.open_case(msg)
            if case:
                self._say(f"(case #{case.id} opened; /in #{case.id} to enter its thread)")
        else:
            self.app.engine.conversation.record_thread_message(msg)

    def _agent_says(self, text: str) -> None:
        if self.thread is None or not text:
            self._say("Usage: /say TEXT, inside a case's thread (/in #N).")
            return
        msg = Incoming(PLATFORM, CHANNEL, self._new_id(), self._agent(), text, self.thread)
        self._say(f"{self.agent} (agent) › {text}")
        self.app.engine.conversation.record_thread_message(msg)

    def _answer(self, rest: str) -> None:
        """`/reply [#N] [suggestion] [text]`: the case is the thread's unless named."""
        ref, _, words = rest.partition(" ")
        case_id = ref.lstrip("#") if ref.startswith("#") else ""
        if not case_id:
            words = rest
        case = None
        if case_id.isdigit():
            case = self.app.store.get_case(int(case_id))
        elif not case_id and self.thread is not None:
            case = self.app.store.find_case_by_thread(PLATFORM, self.thread)
        if case is None:
            self._say(
                "Usage: /reply [#N] [suggestion] [text], with an existing case number "
                "(or inside a case's thread, /in #N)."
            )
            return
        suggestion, text = replies.parse_args(self.app.engine, case, words, self.agent)
        if not text:
            ids = ", ".join(self.app.engine.playbook_for(case).suggestions)
            self._reply(Reply(self.app.engine.say("answer.usage", ids=ids), ok=False))
            return
        self._reply(replies.send(self.app.engine, case, self._agent(), text, suggestion))

    def _react(self, rest: str, added: bool) -> None:
        parts = rest.split()
        if len(parts) != 2:
            self._say("Usage: /react EMOJI mN   (e.g. /react ✅ m3)")
            return
        emoji, ref = parts
        if self.app.store.outbox_by_message(PLATFORM, ref) is None:
            self._say(NO_MESSAGE.format(ref=ref[:20]))
            return
        reply = on_reaction(self.app.engine, PLATFORM, ref, emoji, self._agent(), added)
        if reply is None:
            self._say(f"Nothing to do for {emoji} on {ref}: react ✅ or ⏩ on a step message.")
        else:
            self._reply(reply)


async def _clock(session: ConsoleSession, interval: float = 15.0) -> None:
    """In an interactive session, reminders fall due while nobody types."""
    while True:
        await asyncio.sleep(interval)
        session.app.scheduler.tick()
        await session.drainer.drain_once()
        session.out.flush()


async def _loop(session: ConsoleSession, stdin: TextIO) -> None:
    interactive = stdin.isatty()
    session.app.scheduler.tick()  # what fell due while Sereno was not running
    await session.drainer.drain_once()  # and anything left unsent by an earlier run
    ticking = asyncio.create_task(_clock(session)) if interactive else None
    app = session.app
    readiness = Readiness(
        storage_ready(lambda: app.store.db.execute("select 1")), {"console": lambda: True}
    )
    beating = asyncio.create_task(beat(heartbeat_path(app.settings.db_path), "console", readiness))
    try:
        await _read_lines(session, stdin, interactive)
    finally:
        if ticking:
            ticking.cancel()
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating


async def _read_lines(session: ConsoleSession, stdin: TextIO, interactive: bool) -> None:
    loop = asyncio.get_running_loop()
    while True:
        if interactive:
            session.out.write("> ")
            session.out.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            return
        if not await session.handle(line):
            return
        session.out.flush()


def run_console(
    settings: Settings,
    agent: str,
    customer: str,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the console until end of input or /quit."""
    out = out or sys.stdout
    apply_retention(settings)
    app = build(settings)
    try:
        session = ConsoleSession(app, out, agent=agent, customer=customer)
        if (stdin or sys.stdin).isatty():
            out.write(
                f"Sereno console · database {settings.db_path} · you are agent "
                f"'{agent}'. Type a complaint, or /help.\n"
            )
        warm_up_in_background(app)  # while the first complaint is being typed
        asyncio.run(_loop(session, stdin or sys.stdin))
    finally:
        app.close()
    return 0
