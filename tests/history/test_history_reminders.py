"""Reminder logic: morning and evening, evening skipped on days already practiced."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mit_desktop.history.reminders import next_reminder
from mit_desktop.history.settings import ProfileSettings

TZ = ZoneInfo("Europe/Berlin")
S = ProfileSettings()  # 09:00 and 19:00, day starts 03:00


def at(day: int, hour: int, minute: int = 0, month: int = 6) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def test_morning_then_evening_then_next_morning() -> None:
    assert next_reminder(S, set(), at(10, 7)).at == at(10, 9)
    reminder = next_reminder(S, set(), at(10, 12))
    assert (reminder.kind, reminder.at, reminder.day) == (
        "evening", at(10, 19), dt.date(2026, 6, 10))
    reminder = next_reminder(S, set(), at(10, 20))
    assert (reminder.kind, reminder.at) == ("morning", at(11, 9))


def test_evening_skipped_when_already_practiced_that_day() -> None:
    reminder = next_reminder(S, {dt.date(2026, 6, 10)}, at(10, 12))
    assert (reminder.kind, reminder.at) == ("morning", at(11, 9))
    # practicing yesterday does not skip today's evening reminder
    reminder = next_reminder(S, {dt.date(2026, 6, 9)}, at(10, 12))
    assert (reminder.kind, reminder.at) == ("evening", at(10, 19))


def test_reminder_due_exactly_now_is_returned() -> None:
    assert next_reminder(S, set(), at(10, 19)).at == at(10, 19)


def test_morning_is_never_skipped() -> None:
    days = {dt.date(2026, 6, d) for d in range(1, 30)}
    reminder = next_reminder(S, days, at(10, 8))
    assert (reminder.kind, reminder.at) == ("morning", at(10, 9))


def test_late_evening_reminder_belongs_to_the_day_before_after_midnight() -> None:
    late = dataclasses.replace(S, evening_reminder=dt.time(1, 30), morning_reminder=None)
    # 01:30 on the 11th is still the 10th (day starts 03:00): practiced on the 10th → skipped
    reminder = next_reminder(late, {dt.date(2026, 6, 10)}, at(10, 22))
    assert reminder.at == at(12, 1, 30)
    assert reminder.day == dt.date(2026, 6, 11)


def test_off_and_unset() -> None:
    assert next_reminder(dataclasses.replace(S, reminders_enabled=False), set(), at(10, 7)) is None
    none = dataclasses.replace(S, morning_reminder=None, evening_reminder=None)
    assert next_reminder(none, set(), at(10, 7)) is None
    only_evening = dataclasses.replace(S, morning_reminder=None)
    every_day = {dt.date(2026, 6, 1) + dt.timedelta(days=i) for i in range(40)}
    assert next_reminder(only_evening, every_day, at(10, 7)) is None


def test_daylight_saving_day_keeps_wall_clock_time() -> None:
    # clocks go forward in Berlin on 2026-03-29
    reminder = next_reminder(S, set(), dt.datetime(2026, 3, 28, 20, tzinfo=TZ))
    assert reminder.at == dt.datetime(2026, 3, 29, 9, tzinfo=TZ)
    assert reminder.at.utcoffset() == dt.timedelta(hours=2)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        next_reminder(S, set(), dt.datetime(2026, 6, 10, 7))
