"""Cards and readings are serialised by hand (no `dataclasses.asdict` on the hot path):
the JSON must stay what `asdict` gave, and a field added later must not be dropped."""

from __future__ import annotations

import json
from dataclasses import asdict, fields, replace

from bot.core.base.cards import Action, ActionId, Attachment, Card, CardKind, Menu, MenuOption
from bot.core.base.case import reading_from_json, reading_to_json
from bot.core.base.model import (
    CustomerKind,
    History,
    Impact,
    Reading,
    Reason,
    Signal,
    Subject,
)
from bot.core.base.reading_json import reading_from_compact, reading_to_compact

FULL_CARD = Card(
    CardKind.HEADER,
    "Case #7 — billing",
    ("one line", "two «lines»"),
    quote="¡Quiero mi dinero!",
    actions=(Action(ActionId.CLAIM, "Take it", "7"), Action(ActionId.RESOLVE, "Resolve", "7")),
    footer="Sereno",
    mentions=("U1", "U2"),
    attachment=Attachment("case-7.md", "text/markdown", b"# Case 7\n\xe2\x82\xac"),
    source=("C1", "1700000000.000100"),
    menu=Menu(
        ActionId.CORRECT_READING,
        "Correct the reading…",
        (MenuOption("7:reason=billing", "Billing", "Reason"), MenuOption("7:kind=rude", "Rude")),
    ),
)

FULL_READING = Reading(
    language="es",
    language_confidence=0.93,
    reason=Reason("billing"),
    reason_evidence=(Signal("keyword", "cobrado"), Signal("keyword", "dos veces")),
    kind=CustomerKind("rude"),
    kind_evidence=(Signal("insult", "ladrones"),),
    intensity=3,
    intensity_evidence=(Signal("capitals", "DOS VECES"),),
    impact=Impact("high"),
    impact_evidence=(Signal("intensity", "3/3"),),
    history=History(earlier_cases=2, resolved=1, let_go=0, still_open=1, chronic=True),
    order_ref="48213",
    flags=frozenset({"public-threat", "leave-threat"}),
    subject=Subject("card"),
    subject_evidence=(Signal("keyword", "tarjeta"),),
    corrected=(("reason", "ana"),),
)


def _as_asdict_gave(card: Card) -> dict[str, object]:
    """What `asdict` gave when buttons and menu options were dataclasses too: each an object
    of its fields (they are named tuples now, which `asdict` would leave as lists)."""
    data = asdict(card)
    data["actions"] = [a._asdict() for a in card.actions]
    if card.menu is not None:
        data["menu"]["options"] = [o._asdict() for o in card.menu.options]
    data["attachment"] = card.attachment.to_dict() if card.attachment else None
    return json.loads(json.dumps(data, ensure_ascii=False))


def test_a_card_serialises_as_asdict_did_and_reads_back() -> None:
    for card in (FULL_CARD, Card(CardKind.STEP, "Step 1 of 3")):
        raw = card.to_json()
        assert json.loads(raw) == _as_asdict_gave(card)
        assert Card.from_json(raw) == card


#: Texts JSON must escape, and some it must not (a card is written string by string).
AWKWARD = ('say "no"', "back\\slash", "tab\there\nline", "\x00\x1f\x7f", "ñ € 🔥 \u2028", "")


def test_a_card_is_the_compact_json_dumps_gives() -> None:
    odd = Card(
        CardKind.NOTICE,
        AWKWARD[0],
        AWKWARD,
        quote=AWKWARD[4],
        actions=(Action(ActionId.REPLY, AWKWARD[1], AWKWARD[2]),),
        footer=AWKWARD[3],
        mentions=AWKWARD[4:],
        source=(AWKWARD[2], AWKWARD[5]),
        menu=Menu(ActionId.CORRECT_READING, AWKWARD[5], (MenuOption(*AWKWARD[:3]),)),
    )
    for card in (FULL_CARD, odd, Card(CardKind.STEP, "Step 1 of 3"), replace(odd, menu=None)):
        data = json.loads(json.dumps(_as_asdict_gave(card)))  # every tuple a list
        assert card.to_json() == json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def test_every_card_field_is_serialised() -> None:
    assert set(json.loads(FULL_CARD.to_json())) == {f.name for f in fields(Card)}
    assert set(json.loads(FULL_CARD.to_json())["menu"]) == {f.name for f in fields(Menu)}
    option = json.loads(FULL_CARD.to_json())["menu"]["options"][0]
    assert set(option) == set(MenuOption._fields)
    assert set(json.loads(FULL_CARD.to_json())["actions"][0]) == set(Action._fields)


def test_a_reading_serialises_as_asdict_did_and_reads_back() -> None:
    expected = asdict(FULL_READING)
    expected["flags"] = sorted(FULL_READING.flags)
    raw = reading_to_json(FULL_READING)
    assert json.loads(raw) == json.loads(json.dumps(expected, ensure_ascii=False))
    assert reading_from_json(raw) == FULL_READING


def test_every_reading_field_is_serialised() -> None:
    data = json.loads(reading_to_json(FULL_READING))
    assert set(data) == {f.name for f in fields(Reading)}
    assert set(data["history"]) == {f.name for f in fields(History)}
    assert set(data["reason_evidence"][0]) == {f.name for f in fields(Signal)}


def _compact_as_dict(r: Reading) -> dict[str, object]:
    """The compact form's keys and values, as `reading_to_compact` gave them to json.dumps
    before it wrote the text out itself."""
    data: dict[str, object] = {"l": r.language}
    if r.language_confidence != 1.0:
        data["c"] = r.language_confidence
    data |= {"r": r.reason.value, "k": r.kind.value, "i": r.intensity, "m": r.impact.value}
    if r.subject is not Subject.UNKNOWN:
        data["s"] = r.subject.value
    seen: dict[Signal, int] = {}
    parts = (r.reason_evidence, r.kind_evidence, r.intensity_evidence, r.impact_evidence)
    keys = ("re", "ke", "ie", "me", "se")
    for key, signals in zip(keys, (*parts, r.subject_evidence), strict=True):
        if signals:
            data[key] = [seen.setdefault(s, len(seen)) for s in signals]
    if seen:
        data["e"] = [[s.name, s.detail] for s in seen]
    h = r.history
    if (h.earlier_cases, h.resolved, h.let_go, h.still_open, h.chronic) != (0, 0, 0, 0, False):
        data["h"] = [h.earlier_cases, h.resolved, h.let_go, h.still_open, int(h.chronic)]
    if r.order_ref is not None:
        data["o"] = r.order_ref
    if r.flags:
        data["f"] = sorted(r.flags)
    if r.corrected:
        data["x"] = [list(pair) for pair in r.corrected]
    return data


def test_a_compact_reading_is_the_json_dumps_gives_and_reads_back() -> None:
    shared = Signal("capitals", AWKWARD[0])  # one piece of evidence behind two parts
    odd = replace(
        FULL_READING,
        language=AWKWARD[4],
        reason_evidence=(shared, Signal(AWKWARD[1], AWKWARD[2])),
        intensity_evidence=(shared, Signal("x", AWKWARD[3])),
        order_ref=AWKWARD[2],
        corrected=(("kind", AWKWARD[0]), ("reason", "ana")),
    )
    plain = Reading(
        language="en",
        language_confidence=1.0,
        reason=Reason("other"),
        reason_evidence=(),
        kind=CustomerKind("unknown"),
        kind_evidence=(),
        intensity=0,
        intensity_evidence=(),
        impact=Impact("low"),
        impact_evidence=(),
    )
    for reading in (FULL_READING, odd, plain):
        raw = reading_to_compact(reading)
        expected = _compact_as_dict(reading)
        assert raw == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
        assert reading_from_compact(raw) == reading
