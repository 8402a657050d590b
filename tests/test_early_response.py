"""Early response: week-1 and weekly mood and stress change before→after practice, with
the number of practices each rests on, and plain words when there are too few."""

from __future__ import annotations

import datetime as dt

from mit_desktop.history.stats import MoodChange
from mit_desktop.practice.early_response import (
    MIN_PRACTICES,
    summary_lines,
    week_sentence,
    weekly_response,
)

START = dt.date(2026, 3, 2)


def _change(day: int, mood: tuple[int, int] | None, stress: tuple[int, int] | None
            ) -> MoodChange:
    mb, ma = mood or (None, None)
    sb, sa = stress or (None, None)
    return MoodChange(day, START + dt.timedelta(days=day), "s", mb, ma,
                      None if mood is None else ma - mb, sb, sa,
                      None if stress is None else sa - sb)


def test_week_one_and_later_weeks_average_the_change_and_count_the_practices() -> None:
    changes = [_change(0, (3, 5), (7, 4)), _change(1, (4, 5), (6, 5)), _change(3, (2, 5), None),
               _change(8, (5, 5), (5, 5)), _change(-2, (1, 9), (9, 1))]  # before the start
    week1, week2 = weekly_response(changes, START)
    assert (week1.week, week1.mood_practices, week1.mood_change) == (1, 3, 2.0)
    assert (week1.stress_practices, week1.stress_change) == (2, -2.0)
    assert week1.enough and not week2.enough
    assert week_sentence(week1) == (
        "Week 1 (2 Mar to 8 Mar 2026): on average mood 2.0 points higher after practice "
        "(over 3 practices); stress 2.0 points lower after practice (over 2 practices).")
    assert week_sentence(week2) == ("Week 2 (9 Mar to 15 Mar 2026): only 1 practice with a "
                                    "rating before and after, too few to read anything into.")


def test_without_a_start_date_weeks_count_from_the_first_rated_practice() -> None:
    changes = [_change(5 + i, (4, 6), (6, 4)) for i in range(MIN_PRACTICES)]
    [week1] = weekly_response(changes, None)
    assert week1.first_day == START + dt.timedelta(days=5) and week1.enough


def test_nothing_to_summarise_and_a_missing_week_one_are_said_plainly() -> None:
    assert summary_lines([])[0].startswith("No practice with a mood or stress rating")
    lines = summary_lines(weekly_response([_change(9, (4, 6), None)], START))
    assert lines[0] == "Week 1: no practice with a rating before and after."
