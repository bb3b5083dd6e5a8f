"""The emoji that mean something to Sereno, by every name platforms use."""

from __future__ import annotations

from enum import StrEnum


class Gesture(StrEnum):
    DONE = "done"
    SKIP = "skip"
    SNOOZE = "snooze"


_BY_NAME: dict[str, Gesture] = {
    "white_check_mark": Gesture.DONE,
    "heavy_check_mark": Gesture.DONE,
    "✅": Gesture.DONE,
    "✔️": Gesture.DONE,
    "✔": Gesture.DONE,
    "done": Gesture.DONE,
    "fast_forward": Gesture.SKIP,
    "⏩": Gesture.SKIP,
    "black_right_pointing_double_triangle_with_vertical_bar": Gesture.SKIP,
    "next_track_button": Gesture.SKIP,
    "⏭️": Gesture.SKIP,
    "⏭": Gesture.SKIP,
    "skip": Gesture.SKIP,
    "zzz": Gesture.SNOOZE,
    "💤": Gesture.SNOOZE,
    "sleeping": Gesture.SNOOZE,
    "😴": Gesture.SNOOZE,
    "snooze": Gesture.SNOOZE,
}


def gesture(emoji: str) -> Gesture | None:
    """Map a platform's emoji name or character to what it means, if anything."""
    return _BY_NAME.get(emoji.strip().strip(":"))
