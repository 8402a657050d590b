"""What a therapist's report shows, read from the store in one go (on the database lane in
the window): the numbers, reflections and body maps of one profile and a date range.
:func:`mit_desktop.ui.history.report.lay_out_report` then draws it (charts and a
``QTextDocument``, on the GUI thread). No Qt here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mit_desktop.content.program import load_program
from mit_desktop.history import stats
from mit_desktop.history.diary import (
    DiaryEntry,
    body_map_ids,
    body_maps_by_id,
    practiced_session_ids,
    reflection_diary,
)
from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.models import BodyMapRecord, SafetyEvent
from mit_desktop.history.program_plan import ProgramPlan
from mit_desktop.history.settings import ProfileSettings
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import local_day_of
from mit_desktop.practice.dose import Dose, dose_between, program_session_modules
from mit_desktop.ui.history.data import SessionCatalog, load_catalog
from mit_desktop.ui.history.safety import safety_events_in
from mit_desktop.ui.history.text import store_now

MAX_REFLECTIONS = 500


@dataclass(frozen=True)
class ReportData:
    """Everything the report of ``profile_id`` from ``first_day`` to ``last_day`` (local
    days) shows; ``made`` is the day it was read (the profile's day boundary)."""

    profile_id: int
    profile_name: str
    first_day: dt.date
    last_day: dt.date
    made: dt.date
    settings: ProfileSettings
    catalog: SessionCatalog
    days: list[stats.DayTotal]
    weeks: list[stats.WeekTotal]
    doses: list[Dose]  # one for each of `weeks`
    all_changes: list[stats.MoodChange]  # every change (the early response reads them all)
    plan: ProgramPlan
    program_weeks: list[Any]  # practice.program_week_dose.ProgramWeekDose
    series: list[Any]  # practice.measures_history.MeasureSeries in the dates
    events: list[SafetyEvent]
    entries: list[DiaryEntry]  # oldest first, at most MAX_REFLECTIONS
    maps: dict[int, BodyMapRecord]  # the entries' body maps by id
    emotion_rows: list[Any]  # practice.body_map_table rows: every feeling painted
    map_ids: list[int]  # every body map of the dates, for the averages
    all_maps: dict[int, BodyMapRecord]  # those maps by id

    @property
    def changes(self) -> list[stats.MoodChange]:
        """The mood and stress changes inside the dates."""
        return [c for c in self.all_changes if self.first_day <= c.day <= self.last_day]


def read_report(store: HistoryStore, profile_id: int, first_day: dt.date, last_day: dt.date,
                *, catalog: SessionCatalog | None = None) -> ReportData:
    """(database lane) Read what the report of ``profile_id`` shows, for ``first_day`` to
    ``last_day``; :class:`InvalidInputError` if the dates are the wrong way round."""
    from mit_desktop.practice.body_map_table import emotion_rows
    from mit_desktop.practice.measures_history import measure_series
    from mit_desktop.practice.program_week_dose import program_week_doses

    if last_day < first_day:
        raise InvalidInputError("The end of the report's dates cannot be before its start.")
    profile = store.get_profile(profile_id)
    settings = store.settings(profile_id)
    catalog = (catalog or load_catalog()).with_sessions(practiced_session_ids(store, profile_id))
    weeks = list(stats.weekly_totals(store, profile_id, first_day, last_day, settings))
    modules = program_session_modules(load_program())
    entries = reflection_diary(store, profile_id, first_day=first_day, last_day=last_day,
                               limit=MAX_REFLECTIONS, settings=settings)
    entries.reverse()  # oldest first reads like a diary
    map_ids = body_map_ids(store, profile_id, first_day=first_day, last_day=last_day)
    return ReportData(
        profile_id=profile_id, profile_name=profile.name, first_day=first_day,
        last_day=last_day, made=local_day_of(store_now(store), settings.day_boundary_min),
        settings=settings, catalog=catalog,
        days=list(stats.daily_totals(store, profile_id, first_day, last_day, settings)),
        weeks=weeks,
        doses=[dose_between(store, profile_id, w.week_start,
                            w.week_start + dt.timedelta(days=6), modules, settings)
               for w in weeks],
        all_changes=list(stats.mood_changes(store, profile_id, settings)),
        plan=store.program_plan(profile_id),
        program_weeks=list(program_week_doses(store, profile_id, first_day, last_day,
                                              load_program())),
        series=list(measure_series(store, profile_id, first_day, last_day,
                                   settings.day_boundary_min)),
        events=list(safety_events_in(store, profile_id, first_day, last_day)),
        entries=entries,
        maps=body_maps_by_id(store, profile_id,
                             [e.body_map_id for e in entries if e.body_map_id is not None]),
        emotion_rows=list(emotion_rows(store, profile_id, first_day, last_day)),
        map_ids=list(map_ids), all_maps=body_maps_by_id(store, profile_id, list(map_ids)))
