"""A card's menu survives the outbox: what is stored is what the adapter renders."""

from bot.core.base.cards import ActionId, Card, CardKind, Menu, MenuOption


def test_a_menu_round_trips_through_the_outbox_json() -> None:
    menu = Menu(
        ActionId.CORRECT_READING,
        "Correct the reading…",
        (MenuOption("7:reason=billing", "billing", "Reason"), MenuOption("7:intensity=2", "2")),
    )
    card = Card(CardKind.HEADER, "Case #7", lines=("a",), menu=menu)
    again = Card.from_json(card.to_json())
    assert again == card
    assert again.menu is not None and again.menu.options[1].group == ""


def test_a_card_stored_before_menus_existed_has_none() -> None:
    old = '{"kind": "header", "title": "Case #1", "lines": [], "actions": []}'
    assert Card.from_json(old).menu is None
