"""The least a session can last, from its script alone (and its recordings' lengths, when known).

Pauses, reflections and bells last what they say; speech is counted at the fastest
any voice speaks (:data:`~mit_desktop.session.limits.FASTEST_WORD_MS` a word), so
the figure never exceeds what a listener hears at the normal pace. Used to hold a
session to :data:`~mit_desktop.session.limits.MAX_SESSION_MS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from mit_desktop.session.limits import BELL_STRIKE_MS, FASTEST_WORD_MS
from mit_desktop.session.model import Bell, Clip, Cue, Paragraph, Pause, Reflect


def least_cue_ms(cue: Cue, clip_ms: Mapping[Path, int] | None = None) -> int:
    """The least time `cue` takes, in ms. A clip counts its from/to span, or its length
    in `clip_ms` (ms, by path) when it plays to the end or from the start; 0 if unknown."""
    if isinstance(cue, (Pause, Reflect)):
        return cue.duration_ms
    if isinstance(cue, Bell):
        return cue.strikes * BELL_STRIKE_MS
    if isinstance(cue, Paragraph):
        return len(cue.text.split()) * FASTEST_WORD_MS
    if isinstance(cue, Clip):
        length = (clip_ms or {}).get(cue.path)
        start = (cue.from_us or 0) // 1000
        end = cue.to_us // 1000 if cue.to_us is not None else length
        return max(0, end - start) if end is not None else 0
    return 0


def first_cue_past(cues: Iterable[Cue], limit_ms: int,
                   clip_ms: Mapping[Path, int] | None = None) -> Cue | None:
    """The cue by which the session has lasted more than `limit_ms`, or None if it never does."""
    total = 0
    for cue in cues:
        total += least_cue_ms(cue, clip_ms)
        if total > limit_ms:
            return cue
    return None
