"""Safety events: "I need to stop", and the support offered after a check-in.

Each is its own row in ``safety_events`` (schema step ``m004``), never mixed with the
practice's pauses or its partial ending: a therapist can see when, and where in which
session, the listener needed to stop, and whether they then used the grounding steps.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from mit_desktop.history.base import check_ms, check_text
from mit_desktop.history.errors import InvalidInputError, UnknownPracticeError
from mit_desktop.history.models import SAFETY_EVENT_KINDS, SafetyEvent
from mit_desktop.history.profiles import ProfilesMixin
from mit_desktop.history.timeutil import local_day, utc_offset_min

_COLUMNS = ("id, profile_id, practice_id, kind, recorded_ms, utc_offset_min, session_id, "
            "section, position_ms, grounding_used, detail")


class SafetyEventsMixin(ProfilesMixin):
    """Record and read safety events (part of :class:`HistoryStore`)."""

    def record_safety_event(
        self,
        profile_id: int,
        kind: str,
        *,
        practice_id: int | None = None,
        session_id: str = "",
        section: str = "",
        position_ms: int | None = None,
        detail: dict[str, Any] | None = None,
        recorded_ms: int | None = None,
    ) -> int:
        """Write one event; return its id.

        ``kind``: ``need_to_stop`` (with the ``section`` title and ``position_ms`` where
        it happened) or ``support_offered`` (``detail``: why, e.g. ``{"phase": "after",
        "reasons": ["mood_drop"]}``). ``practice_id`` may be None when the practice's row
        was not written yet (stopped before the sound started).
        """
        self._profile_row(profile_id)
        self._refuse_therapist_copy(profile_id)
        if kind not in SAFETY_EVENT_KINDS:
            raise InvalidInputError(f"A safety event is one of {', '.join(SAFETY_EVENT_KINDS)}.")
        if practice_id is not None:
            row = self.conn.execute("SELECT profile_id FROM practices WHERE id = ?",
                                    (practice_id,)).fetchone()
            if row is None or row[0] != profile_id:
                raise UnknownPracticeError(f"There is no practice number {practice_id} here.")
        if position_ms is not None:
            check_ms(position_ms, "position_ms")
        check_text(section, "The section")
        now = self._now_ms(recorded_ms)
        cursor = self.conn.execute(
            f"INSERT INTO safety_events ({_COLUMNS.split(', ', 1)[1]}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            (profile_id, practice_id, kind, now, utc_offset_min(now, self.tz), session_id,
             section, position_ms, json.dumps(detail or {})),
        )
        return int(cursor.lastrowid or 0)

    def set_grounding_used(self, event_id: int, used: bool) -> None:
        """Record whether the listener used the grounding steps after "I need to stop"."""
        if not isinstance(used, bool):
            raise InvalidInputError("Whether the grounding steps were used is yes or no.")
        self._refuse_imported("safety_event", event_id, "record of a time they needed to stop")
        cursor = self.conn.execute(
            "UPDATE safety_events SET grounding_used = ? WHERE id = ? AND kind = 'need_to_stop'",
            (int(used), event_id))
        if cursor.rowcount != 1:
            raise InvalidInputError(f"There is no 'I need to stop' event number {event_id}.")

    def safety_events(self, profile_id: int, since_ms: int | None = None,
                      until_ms: int | None = None) -> list[SafetyEvent]:
        """The profile's safety events, oldest first (optionally within [since, until))."""
        self._profile_row(profile_id)
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM safety_events WHERE profile_id = ? AND recorded_ms >= ? "
            "AND recorded_ms < ? ORDER BY recorded_ms, id",
            (profile_id, since_ms if since_ms is not None else 0,
             until_ms if until_ms is not None else 2**62)).fetchall()
        return [_event(row) for row in rows]


def _event(row: tuple[Any, ...]) -> SafetyEvent:
    (event_id, profile_id, practice_id, kind, recorded_ms, offset, session_id, section,
     position_ms, grounding, detail) = row
    return SafetyEvent(event_id, profile_id, practice_id, kind, recorded_ms, offset, session_id,
                       section, position_ms, None if grounding is None else bool(grounding),
                       json.loads(detail))


def events_between(events: list[SafetyEvent], first_day: dt.date, last_day: dt.date,
                   boundary_min: int = 0) -> list[SafetyEvent]:
    """The events whose local day (with the profile's day boundary) is in [first, last]."""
    return [e for e in events
            if first_day <= local_day(e.recorded_ms, e.utc_offset_min, boundary_min) <= last_day]
