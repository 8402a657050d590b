"""Honest dose: only full program practices (a program module, 15 minutes or more heard)
count towards the weekly aim; BAM, quiet, shorter and own practices are counted apart."""

from __future__ import annotations

import datetime as dt

import pytest

from mit_desktop.content.program import load_program
from mit_desktop.history import HistoryStore
from mit_desktop.practice.dose import (
    FULL_PRACTICE_MS,
    classify,
    dose_between,
    program_session_modules,
)

UTC = dt.UTC
MONDAY = dt.date(2026, 3, 16)
MODULES = program_session_modules(load_program())
MIN = 60_000


class Clock:
    def __init__(self) -> None:
        self.ms = int(dt.datetime(2026, 3, 23, 12, tzinfo=UTC).timestamp() * 1000)

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
def store():
    s = HistoryStore.open(clock=Clock(), tz=UTC)
    yield s
    s.close()


def _at(day: int, hour: int) -> int:
    return int(dt.datetime(2026, 3, day, hour, tzinfo=UTC).timestamp() * 1000)


def _practice(store: HistoryStore, pid: int, session: str, start_ms: int, listened_ms: int,
              resume_of: int | None = None) -> int:
    practice = store.start_practice(pid, session, "h", "hands-free", started_ms=start_ms,
                                    resume_of=resume_of)
    store.checkpoint(practice, listened_ms, listened_ms)
    store._open_here.discard(practice)  # as if the window had closed mid-way
    return practice


def _week(store: HistoryStore, pid: int):
    return dose_between(store, pid, MONDAY, MONDAY + dt.timedelta(days=6), MODULES)


def test_the_program_mapping_names_bam_apart() -> None:
    assert MODULES["bam"] == "bam" and MODULES["nesting-doll"] == "nesting-doll"
    assert classify("nesting-doll", FULL_PRACTICE_MS, MODULES) == "full"
    assert classify("nesting-doll", FULL_PRACTICE_MS - 1, MODULES) == "partial"
    assert classify("bam", 30 * MIN, MODULES) == "bam"
    assert classify("quiet-10", 10 * MIN, MODULES) == "quiet"
    assert classify("my-own", 30 * MIN, MODULES) == "other"


def test_five_short_practices_never_reach_the_aim(store: HistoryStore) -> None:
    pid = store.create_profile("Ann")
    for day in range(16, 21):
        _practice(store, pid, "bam", _at(day, 9), 3 * MIN)
    dose = _week(store, pid)
    assert (dose.full, dose.bam) == (0, 5)
    assert not dose.met_target and not dose.met_minimum and dose.anything


def test_full_partial_bam_quiet_and_own_practices_are_counted_apart(store: HistoryStore) -> None:
    pid = store.create_profile("Ann")
    _practice(store, pid, "eye-center", _at(16, 9), 22 * MIN)
    _practice(store, pid, "nesting-doll", _at(16, 19), 15 * MIN)  # exactly 15: full
    _practice(store, pid, "situation-solver", _at(17, 9), 14 * MIN)
    _practice(store, pid, "bam", _at(17, 12), 3 * MIN)
    _practice(store, pid, "quiet-10", _at(18, 9), 10 * MIN)
    _practice(store, pid, "my-own", _at(18, 12), 30 * MIN)
    _practice(store, pid, "life-globe", _at(23, 9), 25 * MIN)  # next week
    _practice(store, pid, "life-globe", _at(15, 9), 25 * MIN)  # the week before
    other = store.create_profile("Bob")
    _practice(store, other, "life-globe", _at(17, 9), 25 * MIN)
    dose = _week(store, pid)
    assert (dose.full, dose.partial, dose.bam, dose.quiet, dose.other) == (2, 1, 1, 1, 1)
    assert dose.full_days == 1 and dose.target == 5 and dose.minimum == 2
    assert dose.met_minimum and not dose.met_target
    assert dose.listened_ms == (22 + 15 + 14 + 3 + 10 + 30) * MIN


def test_a_continued_practice_is_one_practice_with_its_minutes_added(store: HistoryStore) -> None:
    pid = store.create_profile("Ann")
    first = _practice(store, pid, "life-globe", _at(16, 9), 9 * MIN)
    _practice(store, pid, "life-globe", _at(16, 10), 8 * MIN, resume_of=first)
    dose = _week(store, pid)
    assert (dose.full, dose.partial) == (1, 0)  # 9 + 8 minutes: one full practice


def test_the_aim_is_five_full_practices_unless_the_profile_says_otherwise(
        store: HistoryStore) -> None:
    pid = store.create_profile("Ann")
    for day in range(16, 21):
        _practice(store, pid, "nesting-doll", _at(day, 9), 20 * MIN)
    assert _week(store, pid).met_target
    store.update_settings(pid, weekly_target_days=6)
    assert not _week(store, pid).met_target
