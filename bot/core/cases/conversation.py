"""The conversation around a case: later messages, rising anger, edits and deletes.

The engine holds one `Conversation` (`engine.conversation`); every entry goes on the
case's timeline, nothing is applied silently (an edited complaint keeps its original
text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.base.case import Case, EventKind
from bot.core.base.clocks import describe
from bot.core.base.model import Actor, Incoming
from bot.core.base.ports import Clock
from bot.core.base.reading_json import reading_to_compact
from bot.core.base.store_port import CaseStore
from bot.core.cases.config import EngineConfig
from bot.core.cases.heat import Rise, reread, tighten
from bot.core.cases.posts import Posts
from bot.core.guidance.guide import mirror_card, notice_card
from bot.core.guidance.playbook import PlaybookLibrary
from bot.core.texts import name, t


@dataclass
class Conversation:
    """Recording what is said in a case's thread."""

    store: CaseStore
    clock: Clock
    library: PlaybookLibrary
    config: EngineConfig
    posts: Posts
    #: The engine's: an agent's message stops the first-response clock.
    first_response: Callable[[Case, datetime, Actor], Case]
    #: The engine's: wake the adapters' drainers.
    notify: Callable[[], None]

    def _event(self, case: Case, actor: Actor, kind: EventKind, **details: Any) -> None:
        self.store.append_event(case.id, self.clock.now(), actor, kind, details)

    def record_thread_message(self, msg: Incoming) -> Case | None:
        """Record a later message in a case's thread on its timeline."""
        if msg.thread_id is None:
            return None
        case = self.store.find_case_by_thread(msg.platform, msg.thread_id)
        if case is None or msg.message_id == case.message_id:
            return None
        with self.store.atomic():
            if msg.event_id and not self.store.remember_event(
                msg.platform, msg.event_id, self.clock.now()
            ):
                return None
            self._mirror(case, msg)
            if msg.author.user_id == case.customer_id:
                self._customer_message(case, msg)
            elif msg.author.is_agent:
                self._event(
                    case,
                    msg.author,
                    EventKind.AGENT_MESSAGE,
                    text=msg.text,
                    message_id=msg.message_id,
                )
                case = self.first_response(case, self.clock.now(), msg.author)
                self.posts.refresh_header(case.id)
            else:
                self._event(
                    case,
                    msg.author,
                    EventKind.CUSTOMER_MESSAGE,
                    text=msg.text,
                    message_id=msg.message_id,
                    role="other",
                )
        self.notify()
        return case

    def _mirror(self, case: Case, msg: Incoming) -> None:
        """A case worked in a staff-only thread: what is written where the customer reads
        (the thread of their complaint) is shown there too, before any notice it causes."""
        if not case.staff_channel_id or msg.thread_id != case.thread_id:
            return
        if msg.author.user_id == case.customer_id:
            role = "customer"
        else:
            role = "agent" if msg.author.is_agent else "other"
        at = msg.sent_at or self.clock.now()
        lang = self.config.guidance.agent_language
        who = msg.author.name or msg.author.user_id
        card = mirror_card(who, role, at, msg.text, lang, self.config.timezone)
        self.store.enqueue(case, card, self.clock.now())

    def _customer_message(self, case: Case, msg: Incoming) -> None:
        rise = reread(case.reading, msg.text, self.library.rules)
        self._event(
            case,
            msg.author,
            EventKind.CUSTOMER_MESSAGE,
            text=msg.text,
            message_id=msg.message_id,
            intensity=rise.intensity,
        )
        if rise.rose:  # claimed or not: the header and the team learn of it now
            self._anger_rising(case, msg, rise)

    def _anger_rising(self, case: Case, msg: Incoming, rise: Rise) -> None:
        """The case reads hotter: store the raised reading, tighten the first-response
        clock, redraw the header and post one notice saying what changed."""
        r = rise.reading
        evidence = ", ".join(f'"{s.detail}" ({s.name})' for s in rise.evidence)
        lang, now = self.config.guidance.agent_language, self.clock.now()
        case = self.store.update_case(
            case.id, reading=reading_to_compact(r), intensity=r.intensity, impact=r.impact
        )
        clocks = self.config.clocks.overridden(dict(self.posts.playbook_for(case).clocks))
        due = tighten(self.store, case, clocks, now)
        self._event(
            case,
            msg.author,
            EventKind.ANGER_RISING,
            intensity=r.intensity,
            impact=r.impact.value,
            evidence=evidence,
            **({"due": due.isoformat()} if due else {}),
        )
        impact = name("impact", r.impact.value, lang).upper()
        lines = [t("anger.heat", lang, intensity=r.intensity, impact=impact)]
        if due is not None:
            target = describe(clocks.first_response_for(r.impact.value))
            shown = self.config.show_time(due)
            lines.append(t("anger.tighter", lang, due=shown, target=target, impact=impact))
        lines.append(t("anger.advice", lang))
        title = t("anger.title", lang, intensity=r.intensity, evidence=evidence)
        self.store.enqueue(case, notice_card(title, *lines), now)
        self.posts.refresh_header(case.id)

    def record_edit(
        self,
        platform: str,
        channel_id: str,
        message_id: str,
        thread_id: str | None,
        new_text: str,
        old_text: str | None,
        actor: Actor,
    ) -> Case | None:
        """Record that a complaint or thread message was edited (the case keeps the original)."""
        return self._record_change(
            platform,
            channel_id,
            message_id,
            thread_id,
            actor,
            EventKind.MESSAGE_EDITED,
            {"new_text": new_text, "old_text": old_text},
        )

    def record_delete(
        self, platform: str, channel_id: str, message_id: str, thread_id: str | None, actor: Actor
    ) -> Case | None:
        """Record that a complaint or thread message was deleted."""
        return self._record_change(
            platform, channel_id, message_id, thread_id, actor, EventKind.MESSAGE_DELETED, {}
        )

    def _record_change(
        self,
        platform: str,
        channel_id: str,
        message_id: str,
        thread_id: str | None,
        actor: Actor,
        kind: EventKind,
        details: dict[str, Any],
    ) -> Case | None:
        case = self.store.find_case_by_message(platform, channel_id, message_id)
        if case is None and thread_id:
            case = self.store.find_case_by_thread(platform, thread_id)
        if case is None:
            return None
        with self.store.atomic():
            self._event(
                case,
                actor,
                kind,
                message_id=message_id,
                complaint=message_id == case.message_id,
                **details,
            )
        return case
