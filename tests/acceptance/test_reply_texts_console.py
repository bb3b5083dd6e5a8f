"""Replies fit to send as they are, in a real `sereno console` process (issue 13 item 3):
a Spanish flight complaint and an English app complaint get suggestions that name the
flight and the app, the header says what each is about, and the replies go out as they
are — with no holes — with and without a contact channel; the goodbye carries the offers
the agent typed with `letgo`."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_console import run_console

SCRIPT = """\
/as Lucía Pérez
Me cancelaron el vuelo a Lima ayer y nadie me da una solución. Es una vergüenza.
/as Kevin Li
The app logged me out twice today and I cannot sign in again. Please fix it.
/reply #1 first-reply
/reply #2 first-reply
/complaint suggest #1 take-offline
/complaint letgo #2 a month free or a full refund
/reply #2 let-go
"""
HOLES = [
    r"[{}]",
    r"\[[^\]]*\]",  # a blank left for the agent
    r"(?i)\b(\w+)\s+\1\b",  # "por por", "the the"
    r"(?i)\b(?:en|por|a|con|at|by|with)\s+(?:en|por|a|con|at|by|with)\b",  # "en por", "at by"
    r"(?i)\b(?:your order|su pedido|el pedido)\b",  # neither is about an order
]


def sent(out: str, case: int) -> list[str]:
    """What reached the customer of a case, as the console shows it."""
    return re.findall(rf"^\[m\d+\] reply to the customer \(#{case}\) › (.*)$", out, re.M)


def suggested(out: str, case: int) -> list[str]:
    """The suggestion cards of a case (their quoted text)."""
    cards = re.findall(rf"^\[m\d+\] Sereno \(#{case}\) › Suggested reply.*\n\s+> (.*)$", out, re.M)
    return cards


def holes(texts: list[str]) -> list[str]:
    return [m.group(0) for text in texts for p in HOLES for m in re.finditer(p, text)]


def test_replies_name_the_flight_and_the_app_and_have_no_holes(tmp_path: Path) -> None:
    out = run_console(tmp_path, SCRIPT)
    assert 'about: flight ("vuelo")' in out
    assert re.search(r'about: app \("The app"', out)

    flight, app = sent(out, 1), sent(out, 2)
    assert len(flight) == 1 and len(app) == 2, out  # each one went out as it was
    assert flight[0].startswith("Hola, Lucía, soy ana. Entiendo lo frustrante que es el")
    assert "el problema con su vuelo" in flight[0]
    assert app[0].startswith("Hi Kevin, this is ana. I understand how frustrating the problem")
    assert "the problem with the app" in app[0]
    assert "we can offer: a month free or a full refund." in app[1]  # the offers typed

    offline = [s for s in suggested(out, 1) if "teléfono o un correo" in s]
    assert offline and "¿me deja un teléfono o un correo?" in offline[0]  # no channel set
    assert holes(flight + app + suggested(out, 1) + suggested(out, 2)) == []


def test_a_contact_channel_is_offered_when_the_team_has_one(tmp_path: Path) -> None:
    out = run_console(tmp_path, SCRIPT, SERENO_CONTACT_CHANNEL="ayuda@acme.example")
    offline = [s for s in suggested(out, 1) if "contactarme directamente" in s]
    assert offline and "puede contactarme directamente en ayuda@acme.example." in offline[0]
    assert holes(sent(out, 1) + sent(out, 2) + suggested(out, 1)) == []
