"""The program paced by weeks: week maths, what Today offers, and the stored plan."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from mit_desktop.content.program import load_program
from mit_desktop.history import HistoryStore
from mit_desktop.history.errors import InvalidInputError
from mit_desktop.practice.program_weeks import choose_offer, next_in_order, program_week, week_days

PROGRAM = load_program()
WED = dt.date(2026, 12, 2)  # a group that meets on Wednesdays


def test_weeks_are_seven_days_from_the_start_day() -> None:
    assert program_week(WED, WED - dt.timedelta(days=1)) == 0
    assert program_week(WED, WED) == 1
    assert program_week(WED, WED + dt.timedelta(days=6)) == 1  # Tuesday: still week 1
    assert program_week(WED, WED + dt.timedelta(days=7)) == 2
    assert program_week(WED, WED + dt.timedelta(days=28)) == 5  # past a 4-week program
    assert week_days(WED, 2) == (dt.date(2026, 12, 9), dt.date(2026, 12, 15))
    with pytest.raises(ValueError):
        week_days(WED, 0)


def _offer(today: dt.date, start: dt.date | None = WED, practiced: Counter | None = None,
           assignments: dict | None = None, last: dict | None = None, completed=()):
    counts = practiced or Counter()
    return choose_offer(PROGRAM.entries, PROGRAM.weeks, today, start, assignments or {},
                        lambda first, last_day: counts, last or {}, completed)


def test_today_offers_this_weeks_module_all_week_long() -> None:
    for day in range(7):
        offer = _offer(WED + dt.timedelta(days=7 + day), practiced=Counter({"nesting-doll": day}))
        assert (offer.kind, offer.week, offer.entry.id) == ("week", 2, "nesting-doll")
        assert offer.times_this_week == day
        assert (offer.first_day, offer.last_day) == (dt.date(2026, 12, 9), dt.date(2026, 12, 15))
    assert _offer(WED + dt.timedelta(days=21)).entry.id == "life-globe"


def test_week_one_takes_turns_between_its_two_modules() -> None:
    assert _offer(WED).entry.id == "stretch-breathe"
    assert _offer(WED, practiced=Counter({"stretch-breathe": 1})).entry.id == "eye-center"
    both = Counter({"stretch-breathe": 1, "eye-center": 1})
    assert _offer(WED, practiced=both).entry.id == "stretch-breathe"


def test_the_therapist_can_assign_a_module_to_a_week() -> None:
    offer = _offer(WED + dt.timedelta(days=8), assignments={2: "situation-solver"})
    assert (offer.kind, offer.entry.id) == ("assigned", "situation-solver")
    later = _offer(WED + dt.timedelta(days=35), assignments={6: "nesting-doll"})
    assert (later.kind, later.week, later.entry.id) == ("assigned", 6, "nesting-doll")


def test_before_the_start_and_after_the_last_week() -> None:
    before = _offer(WED - dt.timedelta(days=2))
    assert (before.kind, before.week, before.entry.id) == ("before-start", 0, "stretch-breathe")
    last = {"stretch-breathe": dt.date(2026, 12, 20), "eye-center": dt.date(2026, 12, 5),
            "nesting-doll": dt.date(2026, 12, 14), "situation-solver": dt.date(2026, 12, 18),
            "life-globe": dt.date(2026, 12, 28)}
    after = _offer(WED + dt.timedelta(days=30), last=last)
    assert (after.kind, after.week, after.entry.id) == ("after", 5, "eye-center")
    assert not after.in_program


def test_without_a_start_date_the_program_order_is_kept() -> None:
    assert _offer(WED, start=None).kind == "no-plan"
    assert next_in_order(PROGRAM.entries, []).id == "stretch-breathe"
    done = ["eye-center", "stretch-breathe"]
    assert next_in_order(PROGRAM.entries, done).id == "nesting-doll"
    every = ["life-globe", "situation-solver", "nesting-doll", "eye-center", "stretch-breathe"]
    assert next_in_order(PROGRAM.entries, every).id == "stretch-breathe"


def test_the_plan_is_stored_per_profile() -> None:
    store = HistoryStore.open()
    try:
        ann, bob = store.create_profile("Ann"), store.create_profile("Bob")
        assert store.program_plan(ann).start_day is None
        store.set_program_start(ann, WED)
        store.assign_module(ann, 2, "situation-solver")
        assert store.program_plan(ann).start_day == WED
        assert store.program_plan(ann).assignments == {2: "situation-solver"}
        assert store.program_plan(bob).start_day is None and store.program_plan(bob).assignments == {}
        store.set_program_start(ann, dt.date(2026, 12, 7))  # moved
        assert store.program_plan(ann).start_day == dt.date(2026, 12, 7)
        store.assign_module(ann, 2, None)
        assert store.program_plan(ann).assignments == {}
        with pytest.raises(InvalidInputError, match="BAM is on the Today page"):
            store.assign_module(ann, 1, "bam")
        with pytest.raises(InvalidInputError, match="Unknown module"):
            store.assign_module(ann, 1, "nesting")
        with pytest.raises(InvalidInputError, match="program week"):
            store.assign_module(ann, 0, "nesting-doll")
        store.set_program_start(ann, None)
        assert store.program_plan(ann).start_day is None
        store.delete_profile(bob)
    finally:
        store.close()
