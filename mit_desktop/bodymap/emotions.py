"""Emotion words of the body-map study and the intensity scale.

An emotion is stored as a string: one of :data:`STUDY_EMOTIONS` (the 14 words of
Nummenmaa et al. 2014, lower-case English keys, in the study's order) or the
person's own words (free text). The UI translates the keys for display; the data
keeps the key so maps stay comparable across languages.
"""

from __future__ import annotations

STUDY_EMOTIONS: tuple[str, ...] = (
    "neutral", "fear", "anger", "disgust", "sadness", "happiness", "surprise",
    "anxiety", "love", "depression", "contempt", "pride", "shame", "jealousy",
)
INTENSITY_MIN = 0
INTENSITY_MAX = 10
MAX_FREE_TEXT = 200


def normalise_emotion(word: str | None) -> str | None:
    """Validate an emotion: a study key (any case) becomes the key; free text is trimmed.

    Returns None for no emotion (None or blank). Raises ValueError for free text
    longer than ``MAX_FREE_TEXT`` characters or containing line breaks.
    """
    if word is None:
        return None
    text = " ".join(str(word).split()) if "\n" not in str(word) else None
    if text is None:
        raise ValueError("the emotion must be a single line")
    if not text:
        return None
    if text.lower() in STUDY_EMOTIONS:
        return text.lower()
    if len(text) > MAX_FREE_TEXT:
        raise ValueError(f"the emotion may have at most {MAX_FREE_TEXT} characters")
    return text


def is_study_emotion(word: str | None) -> bool:
    """True if ``word`` is one of the 14 study emotions (as stored, lower case)."""
    return word in STUDY_EMOTIONS


def validate_intensity(value: int | None) -> int | None:
    """Intensity 0–10 (whole number) or None; ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or int(value) != value:
        raise ValueError("the intensity must be a whole number from 0 to 10")
    value = int(value)
    if not INTENSITY_MIN <= value <= INTENSITY_MAX:
        raise ValueError("the intensity must be from 0 to 10")
    return value
