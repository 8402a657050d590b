"""Honest dose: what counts towards the weekly aim of the MIT program.

Qt-free. The program's dose is about five practices a week of about 23 minutes (the
four-week group pilot, J Affect Disord Rep 2021). Only a *full practice* counts towards
that aim: a practice of a program module (a program entry with a week: not BAM) with at
least :data:`FULL_PRACTICE_MS` (15 minutes) listened. Everything else is shown beside it,
never added to it:

- ``partial``: a program module heard for less than 15 minutes;
- ``bam``: the BAM quick practice (about 3 minutes, for a stressful moment);
- ``quiet``: quiet practice (generated sessions whose id starts with ``quiet-``);
- ``other``: the listener's own scripts and imported recordings.

A practice continued in a new row (``resumed_from``) is one practice: the listened time
of its rows is added up, and it belongs to the local day its first row started on (the
profile's day boundary applies, as in :mod:`mit_desktop.history.stats`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mit_desktop.history.practice_queries import practices_started_between
from mit_desktop.history.settings import ProfileSettings
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import local_day

log = logging.getLogger(__name__)

FULL_PRACTICE_MS = 15 * 60_000
"""Listened time from which a program module counts as a full practice (ms)."""
KINDS = ("full", "partial", "bam", "quiet", "other")
BAM_MODULE = "bam"
QUIET_PREFIX = "quiet-"
#: Margin around a day range when reading start times: time zones, the day boundary,
#: and a continued practice whose first row started up to a week earlier.
_MARGIN_MS = 9 * 86_400_000


def classify(session_id: str, listened_ms: int, session_modules: Mapping[str, str | None]) -> str:
    """The kind of one practice (see :data:`KINDS`).

    ``session_modules``: the program's session ids → module id, where a module without a
    week (BAM) maps to ``"bam"``; ids not in the mapping are not program practices.
    """
    if session_id.startswith(QUIET_PREFIX):
        return "quiet"
    module = session_modules.get(session_id)
    if module is None and session_id not in session_modules:
        return "other"
    if module == BAM_MODULE:
        return "bam"
    return "full" if listened_ms >= FULL_PRACTICE_MS else "partial"


def program_session_modules(program: Any) -> dict[str, str]:
    """session id → module id for a :class:`~mit_desktop.content.program.Program`; entries without a
    week (BAM) map to ``"bam"``."""
    return {e.id: (e.module if e.week is not None else BAM_MODULE) for e in program.entries}


@dataclass(frozen=True)
class Dose:
    """Practices of one profile over ``[first_day, last_day]`` (local days), by kind.

    ``target`` and ``minimum`` are full practices a week (the profile's
    ``weekly_target_days`` and ``weekly_minimum_days``: 5 and 2 unless changed).
    ``full_days``: distinct days with a full practice. ``listened_ms``: all listened time.
    """

    first_day: dt.date
    last_day: dt.date
    full: int
    partial: int
    bam: int
    quiet: int
    other: int
    full_days: int
    listened_ms: int
    target: int
    minimum: int

    @property
    def met_target(self) -> bool:
        """The weekly aim is reached: ``target`` full practices (never BAM or short ones)."""
        return self.full >= self.target > 0

    @property
    def met_minimum(self) -> bool:
        return self.full >= self.minimum > 0

    @property
    def anything(self) -> bool:
        return any((self.full, self.partial, self.bam, self.quiet, self.other))


@dataclass(frozen=True)
class HeardPractice:
    """One practice as the dose counts it: a chain of continued rows taken together."""

    session_id: str
    day: dt.date
    listened_ms: int


def heard_practices(store: HistoryStore, profile_id: int, first_day: dt.date, last_day: dt.date,
                    boundary_min: int) -> list[HeardPractice]:
    """The profile's practices with listened time above 0 whose local day (of the first row,
    with the day boundary ``boundary_min`` minutes after midnight) is in
    ``[first_day, last_day]``; a continued practice's rows are added up. Oldest first."""
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    epoch = dt.date(1970, 1, 1)
    from_ms = (first_day - epoch).days * 86_400_000 - _MARGIN_MS
    to_ms = ((last_day - epoch).days + 1) * 86_400_000 + _MARGIN_MS
    rows = practices_started_between(store, profile_id, from_ms, to_ms)
    by_id = {row[0]: row for row in rows}
    root_of: dict[int, int] = {}
    for row in rows:  # oldest first: a continued row's parent is already placed
        parent = row[5]
        root_of[row[0]] = root_of.get(parent, parent) if parent in by_id else row[0]
    listened: dict[int, int] = {}
    for row in rows:
        root = root_of[row[0]]
        listened[root] = listened.get(root, 0) + row[4]
    result = []
    for root, ms in listened.items():
        _id, session_id, started_ms, offset_min, _ms, _parent = by_id[root]
        day = local_day(started_ms, offset_min, boundary_min)
        if first_day <= day <= last_day and ms > 0:
            result.append(HeardPractice(session_id, day, ms))
    return result


def session_counts(store: HistoryStore, profile_id: int, first_day: dt.date, last_day: dt.date,
                   settings: ProfileSettings | None = None) -> dict[str, int]:
    """Session id → practices heard in ``[first_day, last_day]`` (any length)."""
    settings = settings or store.settings(profile_id)
    counts: dict[str, int] = {}
    for practice in heard_practices(store, profile_id, first_day, last_day,
                                    settings.day_boundary_min):
        counts[practice.session_id] = counts.get(practice.session_id, 0) + 1
    return counts


def dose_between(
    store: HistoryStore,
    profile_id: int,
    first_day: dt.date,
    last_day: dt.date,
    session_modules: Mapping[str, str | None],
    settings: ProfileSettings | None = None,
) -> Dose:
    """Count the profile's practices whose local day is in ``[first_day, last_day]``."""
    settings = settings or store.settings(profile_id)
    counts = dict.fromkeys(KINDS, 0)
    full_days: set[dt.date] = set()
    total_ms = 0
    for practice in heard_practices(store, profile_id, first_day, last_day,
                                    settings.day_boundary_min):
        kind = classify(practice.session_id, practice.listened_ms, session_modules)
        counts[kind] += 1
        total_ms += practice.listened_ms
        if kind == "full":
            full_days.add(practice.day)
    return Dose(first_day, last_day, counts["full"], counts["partial"], counts["bam"],
                counts["quiet"], counts["other"], len(full_days), total_ms,
                settings.weekly_target_days, settings.weekly_minimum_days)
