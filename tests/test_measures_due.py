"""Which questionnaire Today offers: at the start, weekly, at the end; never twice."""

from __future__ import annotations

import datetime as dt

from mit_desktop.history.measures import MeasureResponse, MeasureSchedule
from mit_desktop.practice.measures_due import DEFAULT_SCHEDULES, due_measures, schedules_for

START = dt.date(2026, 3, 2)
WEEKS = 4


def _answered(instrument: str, day: dt.date) -> MeasureResponse:
    ms = int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
             .timestamp() * 1000)
    return MeasureResponse(1, 1, instrument, ms, 0, (0,), None, "")


def _due(responses, today, start=START, schedules=None):
    schedules = schedules or [DEFAULT_SCHEDULES["phq9"], DEFAULT_SCHEDULES["scs_sf"]]
    return [(d.instrument, d.occasion)
            for d in due_measures(schedules, responses, today, start, WEEKS)]


def test_start_is_offered_until_answered_even_before_the_program_begins() -> None:
    assert _due([], START - dt.timedelta(days=3)) == [("phq9", "start"), ("scs_sf", "start")]
    assert _due([], START, start=None) == [("phq9", "start"), ("scs_sf", "start")]
    done = [_answered("phq9", START), _answered("scs_sf", START)]
    assert _due(done, START + dt.timedelta(days=6)) == []


def test_weekly_once_a_week_from_week_two() -> None:
    done = [_answered("phq9", START), _answered("scs_sf", START)]
    week2 = START + dt.timedelta(days=7)
    assert _due(done, week2) == [("phq9", "weekly")]
    done.append(_answered("phq9", week2 + dt.timedelta(days=2)))
    assert _due(done, week2 + dt.timedelta(days=3)) == []
    assert _due(done, week2 + dt.timedelta(days=7)) == [("phq9", "weekly")]


def test_end_in_the_last_week_and_a_few_weeks_after_then_nothing() -> None:
    done = [_answered("phq9", START), _answered("scs_sf", START)]
    last_week = START + dt.timedelta(days=7 * (WEEKS - 1))
    assert _due(done, last_week) == [("phq9", "end"), ("scs_sf", "end")]
    done += [_answered("phq9", last_week), _answered("scs_sf", last_week + dt.timedelta(days=1))]
    assert _due(done, last_week + dt.timedelta(days=9)) == []
    assert _due(done[:2], START + dt.timedelta(days=7 * (WEEKS + 4))) == []


def test_a_therapists_schedule_replaces_the_default() -> None:
    changed = {"phq9": MeasureSchedule("phq9", False, 2, False)}
    schedules = schedules_for(["phq9"], changed)
    done = [_answered("phq9", START)]
    assert _due(done, START + dt.timedelta(days=7), schedules=schedules) == []
    assert _due(done, START + dt.timedelta(days=14), schedules=schedules) == [("phq9", "weekly")]
    done.append(_answered("phq9", START + dt.timedelta(days=15)))  # weeks 3-4 answered
    assert _due(done, START + dt.timedelta(days=7 * (WEEKS - 1)), schedules=schedules) == []


def test_without_a_start_date_weekly_counts_seven_days_from_the_last_answer() -> None:
    done = [_answered("phq9", START), _answered("scs_sf", START)]
    assert _due(done, START + dt.timedelta(days=6), start=None) == []
    assert _due(done, START + dt.timedelta(days=7), start=None) == [("phq9", "weekly")]


def test_without_the_start_occasion_a_weekly_one_waits_for_its_first_period() -> None:
    schedules = [MeasureSchedule("scs_sf", False, 2, False)]
    assert _due([], START, schedules=schedules) == []
    assert _due([], START + dt.timedelta(days=7), schedules=schedules) == []
    assert _due([], START + dt.timedelta(days=14), schedules=schedules) == [("scs_sf", "weekly")]
