"""Correcting the reading on Discord (issue 14 item 4), with discord.py against
FakeDiscord (which refuses selects and command syncs Discord would refuse): the case
header carries a persistent "Correct the reading…" string select in a row of its own;
a choice, also after a restart, corrects the reading and edits the header, answered to
the chooser alone; `/complaint reading` has typed options (case integer; reason, kind,
subject as choices; intensity 0–3; threats text) and goes the same core path. A
customer choosing in the menu is refused and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.base.cards import Action, ActionId, Card, CardKind, Menu, MenuOption
from bot.core.base.case import EventKind
from bot.core.base.model import CustomerKind, Reason
from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from bot.wiring import App
from handlers.discord.render import view
from tests.discord_harness import command, kinds, open_complaint, sereno
from tests.fakes import discord_payloads as dp
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_limits import command_list_errors, message_errors
from tests.support import eventually, wait_delivered

STRING, INTEGER = 3, 4


def header_id(app: App, case_id: int) -> str:
    first = app.store.outbox_for_case(case_id)[0]
    assert first.card.kind == "header" and first.platform_message_id
    return first.platform_message_id


def select_of(message: dict) -> dict | None:
    for row in message.get("components") or []:
        for item in row["components"]:
            if item["type"] == STRING:
                assert len(row["components"]) == 1  # alone in its action row
                return dict(item)
    return None


async def choose(fake: FakeDiscord, message_id: str, value: str, user: str = "agent") -> dict:
    sent = await fake.choose(message_id, value, user=user)
    [callback] = await fake.wait_for("POST", f"/interactions/{sent['id']}/")
    return callback.json


async def test_the_header_carries_a_persistent_select_of_the_reading(
    fake: FakeDiscord, app: App
) -> None:
    _, case_id = await open_complaint(fake, app)
    header = fake.messages[int(header_id(app, case_id))]
    select = select_of(header)
    assert select is not None
    assert select["custom_id"] == f"sereno:reading/{case_id}"
    assert select["placeholder"] == "Correct the reading…"
    assert (select["min_values"], select["max_values"]) == (1, 1)
    values = [o["value"] for o in select["options"]]
    assert len(values) == 19 and f"{case_id}:reason=billing" in values
    assert f"{case_id}:intensity=3" in values and f"{case_id}:kind=rude" in values
    # the buttons stay, in their own rows
    buttons = [c for r in header["components"] for c in r["components"] if c["type"] == 2]
    assert buttons and all("|" in b["custom_id"] for b in buttons)


async def test_a_choice_corrects_the_reading_and_edits_the_header_after_a_restart(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    async with sereno(fake, settings_for(), detector) as app:
        _, case_id = await open_complaint(fake, app)
        header = header_id(app, case_id)
    async with sereno(fake, settings_for(), detector) as app:
        answered = await choose(fake, header, f"{case_id}:reason=billing")
        assert answered["type"] == 4 and answered["data"]["flags"] & dp.EPHEMERAL
        assert "→ billing" in answered["data"]["content"]
        case = app.store.get_case(case_id)
        assert case is not None and case.reading.reason is Reason.BILLING
        assert EventKind.READING_CORRECTED in kinds(app, case_id)
        await wait_delivered(app.store, "discord")
        edited = await eventually(
            lambda: [r for r in fake.requests("PATCH", f"/messages/{header}")] or None
        )
        body = edited[-1].json
        assert body["embeds"][0]["title"].startswith(f"Case #{case_id} · billing")
        select = select_of(body)
        assert select is not None and select["custom_id"] == f"sereno:reading/{case_id}"
        ticked = [o["label"] for o in select["options"] if o["label"].endswith("✓")]
        assert any("billing" in label for label in ticked), ticked


async def test_a_customer_choosing_is_refused_and_nothing_changes(
    fake: FakeDiscord, app: App
) -> None:
    _, case_id = await open_complaint(fake, app)
    header = header_id(app, case_id)
    answered = await choose(fake, header, f"{case_id}:kind=rude", user="customer")
    assert answered["data"]["flags"] & dp.EPHEMERAL
    assert "support team" in answered["data"]["content"]
    case = app.store.get_case(case_id)
    assert case is not None and case.reading.kind is not CustomerKind.RUDE
    assert EventKind.READING_CORRECTED not in kinds(app, case_id)
    assert not fake.requests("PATCH", f"/messages/{header}")


async def test_the_reading_subcommand_has_typed_options_within_discords_limits(
    fake: FakeDiscord, app: App
) -> None:
    [sync] = fake.requests("PUT", "/commands")
    assert not command_list_errors(sync.json)
    [group] = [c for c in sync.json if c["name"] == "complaint"]
    assert len(group["options"]) <= 25
    [reading] = [o for o in group["options"] if o["name"] == "reading"]
    options = {o["name"]: o for o in reading["options"]}
    assert list(options) == ["case", "reason", "intensity", "kind", "subject", "threats"]
    assert options["case"]["type"] == INTEGER and options["case"].get("autocomplete")
    assert [c["value"] for c in options["reason"]["choices"]][:3] == [
        "product",
        "delivery",
        "billing",
    ]
    assert options["intensity"]["type"] == INTEGER
    assert (options["intensity"]["min_value"], options["intensity"]["max_value"]) == (0, 3)
    assert {c["value"] for c in options["kind"]["choices"]} >= {"rude", "unknown"}
    assert len(options["subject"]["choices"]) <= 25
    assert options["threats"]["type"] == STRING and "choices" not in options["threats"]
    assert not any(o.get("required") for o in reading["options"])


async def test_the_reading_subcommand_corrects_through_the_core(
    fake: FakeDiscord, app: App
) -> None:
    msg, case_id = await open_complaint(fake, app)
    shown = await command(fake, "reading", channel=msg["id"])
    assert shown["data"]["content"].startswith(f"Reading of #{case_id}:")
    done = await command(
        fake,
        "reading",
        {"reason": "billing", "intensity": 2, "kind": "rude", "threats": "leave, legal"},
        channel=msg["id"],
    )
    assert done["data"]["flags"] & dp.EPHEMERAL
    assert "→ billing" in done["data"]["content"], done["data"]["content"]
    case = app.store.get_case(case_id)
    assert case is not None
    r = case.reading
    assert (r.reason, r.intensity, r.kind) == (Reason.BILLING, 2, CustomerKind.RUDE)
    assert {"leave-threat", "legal-threat"} <= set(r.flags)
    # outside the thread the case is named; a customer is refused
    other = await command(fake, "reading", {"case": case_id, "subject": "invoice"})
    assert "invoice" in other["data"]["content"]
    refused = await command(
        fake, "reading", {"case": case_id, "kind": "talkative"}, user="customer"
    )
    assert refused["data"]["content"].startswith("⚠")
    case = app.store.get_case(case_id)
    assert case is not None and case.reading.kind is CustomerKind.RUDE


async def test_a_resolved_case_header_loses_its_select(fake: FakeDiscord, app: App) -> None:
    _, case_id = await open_complaint(fake, app)
    header = header_id(app, case_id)
    clicked = await fake.click(f"sereno:resolve|{case_id}", header, user="agent")
    await fake.wait_for("POST", f"/interactions/{clicked['id']}/")
    await wait_delivered(app.store, "discord")
    edits = await eventually(lambda: fake.requests("PATCH", f"/messages/{header}") or None)
    last = edits[-1].json
    assert "resolved" in str(last["embeds"]).lower()
    assert select_of(last) is None
    assert select_of(fake.messages[int(header)]) is None


def test_an_oversized_menu_is_cut_to_what_discord_accepts() -> None:
    """Too many options, labels over 100, a value over 100: the select Sereno sends still
    passes the fake's checks, beside the header's buttons."""
    long = MenuOption("7:" + "x" * 120, "too long to send back", "kind")
    many = (MenuOption(f"7:kind=v{n}", "label " * 30, "kind") for n in range(40))
    options = (long, *many)
    menu = Menu(ActionId.CORRECT_READING, "p" * 300, options)
    claim = Action(ActionId.CLAIM, "Claim", "7")
    shown = view(Card(CardKind.HEADER, "Case #7", actions=(claim,), menu=menu))
    assert shown is not None
    components = shown.to_components()
    assert not message_errors({"content": "Case #7", "components": components})
    [select] = [c for row in components for c in row["components"] if c["type"] == STRING]
    assert select["custom_id"] == "sereno:reading/7" and len(select["options"]) == 25


async def test_a_spanish_team_reads_the_choices_in_spanish_and_the_values_stay(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    async with sereno(fake, settings_for(SERENO_AGENT_LANGUAGE="es"), detector) as app:
        [sync] = fake.requests("PUT", "/commands")
        [group] = [c for c in sync.json if c["name"] == "complaint"]
        [reading] = [o for o in group["options"] if o["name"] == "reading"]
        reason = next(o for o in reading["options"] if o["name"] == "reason")
        assert {"name": "facturación", "value": "billing"} in reason["choices"]
        msg, case_id = await open_complaint(fake, app)
        done = await command(fake, "reading", {"kind": "rude"}, channel=msg["id"])
        assert "grosero" in done["data"]["content"], done["data"]["content"]
        case = app.store.get_case(case_id)
        assert case is not None and case.reading.kind is CustomerKind.RUDE
