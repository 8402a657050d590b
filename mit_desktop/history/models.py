"""Plain records returned by the store (frozen dataclasses, no behavior).

Times are integer epoch milliseconds (UTC); ``utc_offset_min`` is the local
offset from UTC, in minutes, when the row was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal["hands-free", "interactive"]
Source = Literal["player", "manual"]
Status = Literal["in_progress", "completed", "partial"]
Phase = Literal["before", "after"]
Kind = Literal["caregiver", "client"]

MODES: tuple[str, ...] = ("hands-free", "interactive")
SOURCES: tuple[str, ...] = ("player", "manual")
PHASES: tuple[str, ...] = ("before", "after")
KINDS: tuple[str, ...] = ("caregiver", "client")
SAFETY_EVENT_KINDS: tuple[str, ...] = ("need_to_stop", "support_offered")


@dataclass(frozen=True)
class Profile:
    """One person's history: a caregiver using the app, or one client of a therapist.

    ``variables`` personalize scripts (e.g. ``{"loved_one": "Mum"}``);
    ``notice_accepted_ms`` is when the first-run notice was accepted (None: not yet);
    ``region`` picks the crisis resources (e.g. ``"GB"``); ``settings`` is the raw
    JSON object (read it through ``HistoryStore.settings``).
    """

    id: int
    name: str
    kind: str
    created_ms: int
    variables: dict[str, str] = field(default_factory=dict)
    notice_accepted_ms: int | None = None
    region: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Practice:
    """One row of the append-only practice log.

    ``position_ms`` is how far into the session playback reached; ``listened_ms``
    how much audio was actually heard (pauses and skips excluded), which is what
    "minutes practiced" counts. ``status`` is ``in_progress`` until finished or
    closed; a practice left ``in_progress`` by a killed process is "interrupted".
    ``resumed_from`` links a practice that continued an interrupted one.
    ``speech_rate`` is the speaking speed it plays at (``ListeningSettings.rate``; None:
    not known), which a continued practice keeps: ``position_ms`` is a place at that speed.
    """

    id: int
    profile_id: int
    session_id: str
    session_hash: str
    mode: str
    source: str
    status: str
    started_ms: int
    utc_offset_min: int
    ended_ms: int | None
    checkpoint_ms: int | None
    position_ms: int
    listened_ms: int
    resumed_from: int | None
    speech_rate: float | None = None

    @property
    def completed(self) -> bool:
        """True when the listener reached the end (or logged it as complete)."""
        return self.status == "completed"

    @property
    def finished(self) -> bool:
        """True once the practice was finished or closed as partial."""
        return self.status != "in_progress"


@dataclass(frozen=True)
class CheckIn:
    """Mood and stress (0–10, either may be None) before or after one practice."""

    id: int
    practice_id: int
    phase: str
    recorded_ms: int
    mood: int | None
    stress: int | None


@dataclass(frozen=True)
class Reflection:
    """A saved answer to one reflection prompt of a practice."""

    id: int
    practice_id: int
    reflection_key: str
    prompt: str
    note: str
    rating: int | None
    body_map_id: int | None
    saved_ms: int


@dataclass(frozen=True)
class BodyMapRecord:
    """A stored body map: ``data`` is the opaque, versioned blob from ``mit_desktop.bodymap``."""

    id: int
    profile_id: int
    practice_id: int | None
    created_ms: int
    utc_offset_min: int
    emotion: str | None
    intensity: int | None
    data: bytes


@dataclass(frozen=True)
class SafetyEvent:
    """A safety event of one profile: ``need_to_stop`` or ``support_offered``.

    ``section`` and ``position_ms``: where in ``session_id`` "I need to stop" was pressed;
    ``grounding_used``: whether the listener then used the grounding steps (None: not
    said); ``detail``: what the event carries besides (for ``support_offered``, the
    ``phase`` and the ``reasons``).
    """

    id: int
    profile_id: int
    practice_id: int | None
    kind: str
    recorded_ms: int
    utc_offset_min: int
    session_id: str
    section: str
    position_ms: int | None
    grounding_used: bool | None
    detail: dict[str, Any] = field(default_factory=dict)
