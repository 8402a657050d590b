"""Which questionnaire is due today, by the program's schedule (Qt-free).

A schedule per instrument says: at the start of the program, every N program weeks, at
the end (the program's last week). A therapist may change it
(:meth:`HistoryStore.set_measure_schedule`); otherwise :data:`DEFAULT_SCHEDULES` apply:
PHQ-9, GAD-7 and WHO-5 at the start, weekly and at the end; the SCS-SF (twelve
statements about oneself, slower to change) at the start and the end only.

Rules, on local days (the profile's day boundary):

- ``start``: never answered yet and the schedule asks for it at the start (also before
  the program's first day, and without a start date at all): the baseline.
- ``end``: today is in the program's last week or later (up to four weeks after), and
  the instrument was not answered since that week began.
- ``weekly``: in program weeks 2…last, every ``every_weeks`` weeks counted from week 1,
  when it was not answered since the current period began. Without a start date: when
  the last answer is ``7 × every_weeks`` days old or more.

Today offers the due instruments quietly (one line, "Not today" hides it until the next
day); nothing reminds or repeats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mit_desktop.history.measures import MeasureResponse, MeasureSchedule
from mit_desktop.history.timeutil import local_day
from mit_desktop.practice.program_weeks import program_week, week_days

if TYPE_CHECKING:
    from mit_desktop.history.store import HistoryStore

DEFAULT_SCHEDULES: dict[str, MeasureSchedule] = {
    "phq9": MeasureSchedule("phq9", True, 1, True),
    "gad7": MeasureSchedule("gad7", True, 1, True),
    "who5": MeasureSchedule("who5", True, 1, True),
    "scs_sf": MeasureSchedule("scs_sf", True, 0, True),
}
#: After the program's last week, the end questionnaire is offered this many weeks more.
END_GRACE_WEEKS = 4


@dataclass(frozen=True)
class DueMeasure:
    """An instrument due today and the occasion it is due for (``start``, ``weekly``, ``end``)."""

    instrument: str
    occasion: str


def schedules_for(instrument_ids: Iterable[str],
                  changed: Mapping[str, MeasureSchedule]) -> list[MeasureSchedule]:
    """The schedule of each instrument: the therapist's if set, else the default."""
    return [changed.get(i) or DEFAULT_SCHEDULES.get(i) or MeasureSchedule(i, True, 0, True)
            for i in instrument_ids]


def due_measures(
    schedules: Sequence[MeasureSchedule],
    responses: Sequence[MeasureResponse],
    today: dt.date,
    start_day: dt.date | None,
    weeks: int,
    boundary_min: int = 0,
) -> list[DueMeasure]:
    """The instruments due on local day `today`, in the order of `schedules` (see the
    module docstring). ``weeks``: the program's length; ``start_day``: None without a plan."""
    last_day_by: dict[str, dt.date] = {}
    for response in responses:
        day = local_day(response.recorded_ms, response.utc_offset_min, boundary_min)
        last_day_by[response.instrument] = max(day, last_day_by.get(response.instrument, day))
    due = []
    for schedule in schedules:
        occasion = _occasion(schedule, last_day_by.get(schedule.instrument), today, start_day,
                             weeks)
        if occasion:
            due.append(DueMeasure(schedule.instrument, occasion))
    return due


def _occasion(schedule: MeasureSchedule, last: dt.date | None, today: dt.date,
              start_day: dt.date | None, weeks: int) -> str:
    if last is None and schedule.at_start:
        return "start"
    if start_day is None:
        if schedule.every_weeks and (last is None
                                     or (today - last).days >= 7 * schedule.every_weeks):
            return "weekly"
        return ""
    last = last or dt.date.min
    week = program_week(start_day, today)
    if schedule.at_end and weeks <= week < weeks + END_GRACE_WEEKS:
        end_first, _ = week_days(start_day, weeks)
        if last < end_first:
            return "end"
        return ""
    if schedule.every_weeks and 2 <= week <= weeks:
        period = (week - 1) // schedule.every_weeks
        period_first, _ = week_days(start_day, period * schedule.every_weeks + 1)
        if period >= 1 and last < period_first:
            return "weekly"
    return ""


def due_today(store: HistoryStore, profile_id: int, instrument_ids: Sequence[str], weeks: int,
              today: dt.date) -> list[DueMeasure]:
    """:func:`due_measures` read from the history store (its plan, schedules, answers)."""
    settings = store.settings(profile_id)
    plan = store.program_plan(profile_id)
    schedules = schedules_for(instrument_ids, store.measure_schedules(profile_id))
    responses = store.measure_responses(profile_id)
    return due_measures(schedules, responses, today, plan.start_day, weeks,
                        settings.day_boundary_min)
