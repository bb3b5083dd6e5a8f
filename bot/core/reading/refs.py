"""Find the order or reference number a customer quotes ("pedido 48213", "order #A-1234")."""

from __future__ import annotations

import re

_REF_WORD = (
    r"\b(?:pedido|orden|compra|order|purchase|ref|referencia|reference"
    r"|factura|invoice|ticket|tracking|seguimiento)\b"
)
_FILLER = r"(?:\s*(?:n[º°o]\.?|n[uú]m(?:ero|ber|\.)?|number|de|is|es|was|era|:|#))*"
_ID = r"([A-Za-z]{0,4}-?\d[\w-]{2,})"
_REFERENCE = re.compile(_REF_WORD + _FILLER + r"\s*#?\s*" + _ID, re.IGNORECASE)
_HASHED = re.compile(r"(?<![\w#])#\s?" + _ID)


def find_order_ref(text: str) -> str | None:
    """Return the first order or reference number in the text, as written, or None."""
    matches = [m for m in (_REFERENCE.search(text), _HASHED.search(text)) if m]
    if not matches:
        return None
    first = min(matches, key=lambda m: m.start(1))
    return first.group(1).strip("-_")
