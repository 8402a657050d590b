"""What the History screen shows, read in one job on the database lane (no widgets).

:class:`Asked` is what the screen asks for, taken on the GUI thread; :func:`read_history`
runs on the database lane and returns a :class:`Reading` that the screen then draws.
Dates are local days of the profile (its day boundary); `today` is read with the rest, so a
preset ("last 4 weeks") ends on the profile's today as the store sees it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from mit_desktop.history import stats
from mit_desktop.history.diary import (
    DiaryEntry,
    body_maps_by_id,
    practiced_session_ids,
    reflection_diary,
)
from mit_desktop.history.stats_sql import MAX_RANGE_DAYS
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import local_day_of, week_start
from mit_desktop.ui.history.data import SessionCatalog
from mit_desktop.ui.history.safety import safety_events_in
from mit_desktop.ui.history.text import store_now

#: Date-range presets: key → number of whole weeks ending with this week (None: all time).
PRESET_WEEKS: dict[str, int | None] = {"4w": 4, "3m": 13, "12m": 52, "all": None}


@dataclass(frozen=True)
class Asked:
    """What the screen shows, taken on the GUI thread for a reading on the database lane."""

    profile_id: int
    first: dt.date
    last: dt.date
    by_week: bool  # minutes per week, else per day
    session_filter: str | None
    module_filter: str | None
    diary_limit: int
    preset: str = "custom"  # a preset just chosen: its dates are worked out on the lane
    seq: int = 0  # which refresh asked (a reading for an older one is dropped)


@dataclass(frozen=True)
class Reading:
    """Everything one refresh shows, read from the store in one job on the database lane."""

    asked: Asked
    name: str
    therapist_copy: bool
    catalog: SessionCatalog
    week: tuple[Any, Any, Any]  # (days, WeekProgress, Dose) for the week strip
    minutes: list[Any]  # weekly or daily totals
    changes: list[Any]  # every mood and stress change (the early response reads them all)
    plan_start: dt.date | None
    series: list[Any]  # questionnaire series in the dates
    events: list[Any]  # safety events in the dates
    boundary_min: int
    diary: tuple[list[DiaryEntry], Any, bool]  # entries, their body maps, whether there is more
    today: dt.date  # the profile's day (its day boundary) when it was read


def read_minutes(store: HistoryStore, asked: Asked) -> list[Any]:
    if asked.by_week:
        return list(stats.weekly_totals(store, asked.profile_id, asked.first, asked.last))
    return list(stats.daily_totals(store, asked.profile_id, asked.first, asked.last))


def read_diary(store: HistoryStore, asked: Asked, catalog: SessionCatalog
                ) -> tuple[list[DiaryEntry], Any, bool]:
    entries = reflection_diary(
        store, asked.profile_id, session_id=asked.session_filter,
        module_id=asked.module_filter, session_modules=catalog.session_modules(),
        first_day=asked.first, last_day=asked.last, limit=asked.diary_limit + 1)
    has_more = len(entries) > asked.diary_limit
    entries = entries[:asked.diary_limit]
    maps = body_maps_by_id(store, asked.profile_id,
                           [e.body_map_id for e in entries if e.body_map_id is not None])
    return entries, maps, has_more


def preset_dates(store: HistoryStore, profile_id: int, key: str, today: dt.date
                 ) -> tuple[dt.date, dt.date] | None:
    """(database lane) The first and last day of the date-range preset `key` ("4w", "3m",
    "12m", "all") ending `today`; None for chosen dates ("custom")."""
    weeks = PRESET_WEEKS.get(key)
    if key == "all":
        first = stats.totals(store, profile_id)["first_day"] or today
        first = max(first, today - dt.timedelta(days=MAX_RANGE_DAYS - 7))
    elif weeks is not None:
        first = week_start(today) - dt.timedelta(weeks=weeks - 1)
    else:
        return None
    return first, today


def _dates_of(store: HistoryStore, asked: Asked) -> tuple[Asked, dt.date]:
    """(database lane) `asked` with a preset's dates filled in (and per week past three
    months), and the profile's today."""
    settings = store.settings(asked.profile_id)
    today = local_day_of(store_now(store), settings.day_boundary_min)
    dates = preset_dates(store, asked.profile_id, asked.preset, today)
    if dates is None:
        return asked, today
    first, last = dates
    return replace(asked, first=first, last=last, by_week=(last - first).days > 92), today


def read_history(store: HistoryStore, asked: Asked, base_catalog: SessionCatalog) -> Reading:
    """(database lane) What the history screen shows, for `asked` (a preset's dates worked
    out here, from the profile's today)."""
    from mit_desktop.content.program import load_program
    from mit_desktop.history.bundle import is_therapist_copy
    from mit_desktop.practice.dose import dose_between, program_session_modules
    from mit_desktop.practice.measures_history import measure_series

    asked, today = _dates_of(store, asked)
    pid = asked.profile_id
    profile = store.get_profile(pid)
    catalog = base_catalog.with_sessions(practiced_session_ids(store, pid))
    settings = store.settings(pid)
    progress = stats.week_progress(store, pid, store_now(store), settings)
    week_end = progress.week_start + dt.timedelta(days=6)
    days = stats.daily_totals(store, pid, progress.week_start, week_end, settings)
    dose = dose_between(store, pid, progress.week_start, week_end,
                        program_session_modules(load_program()), settings)
    boundary = settings.day_boundary_min
    return Reading(
        asked, profile.name, is_therapist_copy(store, pid), catalog, (days, progress, dose),
        read_minutes(store, asked), list(stats.mood_changes(store, pid)),
        store.program_plan(pid).start_day,
        list(measure_series(store, pid, asked.first, asked.last, boundary)),
        list(safety_events_in(store, pid, asked.first, asked.last)), boundary,
        read_diary(store, asked, catalog), today)
