"""Shared by the reading tests: a sample complaint, a fixed detector, and `read`."""

from __future__ import annotations

from typing import Any

from bot.core.base.model import History, Reading
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.reader import read_complaint

LUCIA = (
    "Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! Si no me "
    "devuelven el dinero no vuelvo a comprar y lo cuento en todas las redes."
)


class FixedDetector:
    """A detector that always answers the same, to test the fallbacks."""

    def __init__(self, code: str | None, confidence: float) -> None:
        self.answer = (code, confidence)

    def detect(self, text: str) -> tuple[str | None, float]:
        return self.answer


NO_HISTORY = History()


def read(text: str, rules: ReadingRules, detector: Any, history: History = NO_HISTORY) -> Reading:
    return read_complaint(
        text, rules=rules, detector=detector, default_language="es", history=history
    )
