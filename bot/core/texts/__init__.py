"""The fixed texts Sereno writes into case threads and replies to agents, in each language.

The texts live in gettext catalogues, one per language: `bot/core/texts/locale/<lang>.po`,
which translators edit with any PO editor (Poedit, Weblate, Lokalize). Each msgid is
a key such as "header.title"; a msgstr fills its str.format placeholders ("{ref}").
Plurals are real gettext plurals, chosen by each catalogue's own `Plural-Forms` rule.
A text a catalogue lacks (or leaves empty) falls back to English.

Bind a translator once and use it: `_ = texts.for_language("es")`, then `_("key",
ref="#3")` and `_.plural("team.cases", 2)`. `t(key, lang, ...)` is the same for code
that holds a language, not a translator (a reply in the customer's language).

Adding a language: add `locale/<lang>.po` and the language to `LANGUAGES` in
bot/settings.py. Playbook texts stay in the playbooks' TOML files.

May import: nothing else of the core (catalogues and lookups only).
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import polib

FALLBACK = "en"
#: Where the catalogues are; tests point it at a folder of their own.
LOCALE = Path(str(resources.files("bot.core.texts").joinpath("locale")))


@dataclass(frozen=True)
class Translator:
    """Texts in one language (English where the language has none)."""

    language: str
    catalogue: gettext.NullTranslations

    def __call__(self, key: str, /, **values: Any) -> str:
        """The text for `key`, its placeholders filled."""
        return self.catalogue.gettext(key).format(**values)

    def plural(self, key: str, count: int, /, **values: Any) -> str:
        """The form of `key` for `count` (filled in as {count})."""
        return self.catalogue.ngettext(key, key, count).format(count=count, **values)

    def name(self, group: str, value: str) -> str:
        """A vocabulary value (status, reason, kind...); the value itself if unknown."""
        key = f"{group}.{value}"
        found = self.catalogue.gettext(key)
        return value if found == key else found

    def label(self, group: str, value: str) -> str:
        """A value inside a reply: as is in English (as replies always showed it)."""
        return value if self.language == FALLBACK else self.name(group, value)

    def has(self, key: str) -> bool:
        """Whether any catalogue (this language's or English) has `key`."""
        return self.catalogue.gettext(key) != key


def for_language(lang: str) -> Translator:
    """The translator for `lang` (English for a language with no catalogue)."""
    if _BOUND.locale is not LOCALE:  # (tests point LOCALE elsewhere)
        _BOUND.by_language.clear()
        _BOUND.locale = LOCALE
    found = _BOUND.by_language.get(lang)
    if found is None:
        found = _BOUND.by_language[lang] = _translator(lang, LOCALE)
    return found


class _Bound:
    """The translators of `LOCALE` by language: a case's cards ask for one about thirty
    times, and `_translator`'s cache hashes its folder's path each time."""

    def __init__(self) -> None:
        self.locale: Path | None = None
        self.by_language: dict[str, Translator] = {}


_BOUND = _Bound()


@cache
def _translator(lang: str, where: Path) -> Translator:
    english = _catalogue(FALLBACK, where)
    if lang == FALLBACK or not (where / f"{lang}.po").is_file():
        return Translator(FALLBACK, english)
    own = _catalogue(lang, where)
    own.add_fallback(english)
    return Translator(lang, own)


def _catalogue(lang: str, where: Path) -> gettext.GNUTranslations:
    """A PO file read as gettext reads a compiled one (plural rule from its header)."""
    po = polib.pofile(str(where / f"{lang}.po"))
    return gettext.GNUTranslations(io.BytesIO(po.to_binary()))


def t(key: str, lang: str, /, **values: Any) -> str:
    """The text for `key` in `lang` (else English), with its placeholders filled."""
    return for_language(lang)(key, **values)


def plural(key: str, count: int, lang: str, /, **values: Any) -> str:
    """The plural form of `key` for `count` in `lang`, with {count} filled in."""
    return for_language(lang).plural(key, count, **values)


def name(group: str, value: str, lang: str) -> str:
    """A vocabulary value (status, reason, kind...) in `lang`; the value itself if unknown."""
    return for_language(lang).name(group, value)


def label(group: str, value: str, lang: str) -> str:
    """A value inside a reply: as is in English (as replies always showed it), else its name."""
    return for_language(lang).label(group, value)
