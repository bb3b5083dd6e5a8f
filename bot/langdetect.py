"""Language detection with lingua, behind the core's `LanguageDetector` port."""

from __future__ import annotations

from collections.abc import Sequence

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder


def _language(code: str) -> Language:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code.strip().lower()))
    except ValueError:
        raise ValueError(f"lingua does not know the language code {code!r}") from None


class LinguaDetector:
    """Detect which of a few languages a text is in; build once and reuse (models preload)."""

    def __init__(self, languages: Sequence[str]) -> None:
        if not languages:
            raise ValueError("LinguaDetector needs at least one language code")
        self._languages = tuple(dict.fromkeys(_language(code) for code in languages))
        self._detector = (
            LanguageDetectorBuilder.from_languages(*self._languages)
            .with_preloaded_language_models()
            .build()
            if len(self._languages) > 1
            else None
        )

    @property
    def languages(self) -> tuple[str, ...]:
        """The ISO 639-1 codes this detector chooses among."""
        return tuple(lang.iso_code_639_1.name.lower() for lang in self._languages)

    def detect(self, text: str) -> tuple[str | None, float]:
        """Return the most likely language code and its confidence, or (None, 0.0)."""
        if not any(char.isalpha() for char in text):
            return None, 0.0
        if self._detector is None:
            return self.languages[0], 1.0
        values = self._detector.compute_language_confidence_values(text)
        if not values or values[0].value <= 0.0:
            return None, 0.0
        best = values[0]
        return best.language.iso_code_639_1.name.lower(), float(best.value)
