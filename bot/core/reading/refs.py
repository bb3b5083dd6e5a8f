"""Find the order or reference number a customer quotes ("pedido 48213", "order #A-1234")."""

from __future__ import annotations

import re

_REF_WORDS = (
    "pedido|orden|compra|order|purchase|ref|referencia|reference"
    "|factura|invoice|ticket|tracking|seguimiento"
)
#: The lookahead for a reference word's first letter spares trying every word of the list
#: at every word of the text.
_INITIALS = "".join(sorted({word[0] for word in _REF_WORDS.split("|")}))
_REF_WORD = rf"\b(?=[{_INITIALS}])(?:{_REF_WORDS})\b"
_FILLER = r"(?:\s*(?:n[º°o]\.?|n[uú]m(?:ero|ber|\.)?|number|de|is|es|was|era|:|#))*"
_ID = r"([A-Za-z]{0,4}-?\d[\w-]{2,})"
_REFERENCE = re.compile(_REF_WORD + _FILLER + r"\s*#?\s*" + _ID, re.IGNORECASE)
_HASHED = re.compile(r"(?<![\w#])#\s?" + _ID)


def find_order_ref(text: str) -> str | None:
    """Return the first order or reference number in the text, as written, or None."""
    hashed = _HASHED.search(text) if "#" in text else None
    matches = [m for m in (_REFERENCE.search(text), hashed) if m]
    if not matches:
        return None
    first = min(matches, key=lambda m: m.start(1))
    return first.group(1).strip("-_")
