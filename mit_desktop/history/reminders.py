"""Reminder logic (no timers, no notifications): which reminder is due next.

The program sends two reminders a day, morning and evening; the evening one
is skipped when the listener has already practiced that day. The GUI asks
:func:`next_reminder`, sets one timer for its ``at``, and asks again when the
timer fires (a practice may have happened in between).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from mit_desktop.history.settings import ProfileSettings
from mit_desktop.history.timeutil import local_day_of


@dataclass(frozen=True)
class DueReminder:
    """The next reminder: ``kind`` is ``"morning"`` or ``"evening"``; ``at`` is aware local time."""

    kind: str
    at: dt.datetime
    day: dt.date


def next_reminder(
    settings: ProfileSettings,
    practice_days: Collection[dt.date],
    now: dt.datetime,
    *,
    horizon_days: int = 8,
) -> DueReminder | None:
    """The first reminder at or after ``now`` that should be shown, or None.

    ``now`` must be aware (its zone is the local zone); ``practice_days`` are
    local days (with the profile's day boundary) on which the profile practiced.
    An evening reminder is skipped when its day is in ``practice_days``; a
    morning reminder is never skipped. Returns None when reminders are off or
    both times are unset.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not settings.reminders_enabled:
        return None
    slots = [
        (kind, time)
        for kind, time in (("morning", settings.morning_reminder),
                           ("evening", settings.evening_reminder))
        if time is not None
    ]
    if not slots:
        return None
    boundary = settings.day_boundary_min
    practiced = set(practice_days)
    for offset in range(-1, horizon_days):
        date = now.date() + dt.timedelta(days=offset)
        for kind, time in sorted(slots, key=lambda slot: slot[1]):
            at = _local(date, time, now.tzinfo)
            if at < now:
                continue
            day = local_day_of(at, boundary)
            if kind == "evening" and day in practiced:
                continue
            return DueReminder(kind, at, day)
    return None


def _local(date: dt.date, time: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """Wall-clock ``date time`` in ``tz`` (through UTC, so DST gaps resolve forward)."""
    naive = dt.datetime.combine(date, time)
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(dt.UTC).astimezone(tz)
