"""What a therapist's report shows, read from the store in one go (on the database lane in
the window): the numbers, reflections and body maps of one profile and a date range, with
every body map picture already drawn (numpy: the costliest part of a long report).
:func:`mit_desktop.ui.history.report.lay_out_report` then lays it out (charts and a
``QTextDocument``, on the GUI thread). No Qt here."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mit_desktop.bodymap.aggregate import aggregate
from mit_desktop.bodymap.render import render_map_image
from mit_desktop.bodymap.serialize import BodyMapFormatError, read_signed_map
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

log = logging.getLogger(__name__)

MAX_REFLECTIONS = 500


@dataclass(frozen=True)
class AveragePicture:
    """The mean body map of one feeling over ``count`` maps, drawn (RGB uint8, one picture
    px per map px, ``n=count`` written above it)."""

    emotion: str
    count: int
    rgb: np.ndarray


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
    pictures: dict[int, np.ndarray]  # those maps drawn (RGB uint8); one unreadable is left out
    emotion_rows: list[Any]  # practice.body_map_table rows: every feeling painted
    averages: list[AveragePicture]  # each feeling's mean map, most maps first, then by name

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
    maps = body_maps_by_id(store, profile_id,
                           [e.body_map_id for e in entries if e.body_map_id is not None])
    map_ids = body_map_ids(store, profile_id, first_day=first_day, last_day=last_day)
    all_maps = body_maps_by_id(store, profile_id, list(map_ids))
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
        maps=maps, pictures=_pictures(maps.values()),
        emotion_rows=list(emotion_rows(store, profile_id, first_day, last_day)),
        averages=_averages(all_maps[i] for i in map_ids if i in all_maps))


def _pictures(records: Iterable[BodyMapRecord]) -> dict[int, np.ndarray]:
    """Each record's map drawn at one picture px per map px, by id; a map that cannot be
    read is left out of the report (logged without its content)."""
    pictures = {}
    for record in records:
        try:
            pictures[record.id] = render_map_image(read_signed_map(record.data), scale=1)
        except (BodyMapFormatError, ValueError) as exc:
            log.warning("body map left out of the report: %s", exc)
    return pictures


def _averages(records: Iterable[BodyMapRecord]) -> list[AveragePicture]:
    """The mean map of each named feeling among ``records``, drawn; most maps first, then
    by name. A map that cannot be read is left out of its feeling's average (logged), as
    the table of feelings leaves it out (:mod:`mit_desktop.bodymap.emotion_table`)."""
    by_emotion: dict[str, list[bytes]] = {}
    for record in records:
        if record.emotion:
            by_emotion.setdefault(record.emotion, []).append(record.data)
    means = []
    for emotion, blobs in by_emotion.items():
        try:
            mean = aggregate(blobs)
        except (BodyMapFormatError, ValueError):
            readable = [blob for blob in blobs if _can_average(blob, emotion)]
            if not readable:
                continue
            mean = aggregate(readable)
        means.append((emotion, mean))
    means.sort(key=lambda item: (-item[1].count, item[0]))
    return [AveragePicture(emotion, mean.count,
                           render_map_image(mean.mean, count=mean.count, scale=1))
            for emotion, mean in means]


def _can_average(blob: bytes, emotion: str) -> bool:
    try:
        aggregate([blob])
    except (BodyMapFormatError, ValueError) as exc:
        log.warning("a body map of %s left out of its average in the report: %s", emotion, exc)
        return False
    return True
