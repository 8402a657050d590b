"""Practice by program week, against the program's weekly plan (for the therapist's report).

Qt-free. With a program start date, week 1 is the start day and the six after it
(:func:`~mit_desktop.practice.program_weeks.program_week`). For each program week that
touches a date range this gives the week's planned practice (the therapist's assignment
for that week, else the program's module for it; none after the program's last week),
the days practised and minutes listened, the full practices against the weekly aim
(:mod:`mit_desktop.practice.dose`: only full program practices count), and how many
practices were of the week's planned modules. A week only partly inside the range is
counted inside the range only, and says so (``whole_week`` False).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mit_desktop.history import stats
from mit_desktop.history.store import HistoryStore
from mit_desktop.practice.dose import Dose, dose_between, heard_practices, program_session_modules
from mit_desktop.practice.program_weeks import program_week, week_days


@dataclass(frozen=True)
class ProgramWeekDose:
    """One program week (or its part inside the range): ``first_day``..``last_day`` the
    days counted; ``modules``/``title`` the planned practices (empty/"" after the
    program; a week may plan two, as week 1 does); ``assigned`` True when the therapist
    chose it; ``days_practiced`` days with any practice; ``listened_ms`` all listened
    time; ``dose`` full practices against the aim; ``planned_practices`` practices of the
    planned modules (any length)."""

    week: int
    first_day: dt.date
    last_day: dt.date
    whole_week: bool
    modules: tuple[str, ...]
    title: str
    assigned: bool
    days_practiced: int
    listened_ms: int
    dose: Dose
    planned_practices: int


def planned_modules(program: Any, assignments: dict[int, str], week: int
                    ) -> tuple[tuple[str, ...], bool]:
    """``(modules, assigned)`` planned for program week ``week``: the therapist's
    assignment, else the program's modules for that week, else (after the program) none."""
    if week in assignments:
        return (assignments[week],), True
    return tuple(dict.fromkeys(e.module for e in program.for_week(week))), False


def program_week_doses(store: HistoryStore, profile_id: int, first_day: dt.date,
                       last_day: dt.date, program: Any) -> list[ProgramWeekDose]:
    """Every program week touching ``[first_day, last_day]``, oldest first; empty without
    a start date or when the range ends before the program starts."""
    plan = store.program_plan(profile_id)
    if plan.start_day is None or last_day < plan.start_day:
        return []
    settings = store.settings(profile_id)
    modules = program_session_modules(program)
    titles: dict[str, str] = {}
    for entry in program.entries:
        titles.setdefault(entry.module, entry.title)
    first_week = max(1, program_week(plan.start_day, first_day))
    last_week = program_week(plan.start_day, last_day)
    result = []
    for week in range(first_week, last_week + 1):
        week_first, week_last = week_days(plan.start_day, week)
        first, last = max(week_first, first_day), min(week_last, last_day)
        days = stats.daily_totals(store, profile_id, first, last, settings)
        dose = dose_between(store, profile_id, first, last, modules, settings)
        planned, assigned = planned_modules(program, plan.assignments, week)
        done = sum(
            1 for p in heard_practices(store, profile_id, first, last, settings.day_boundary_min)
            if modules.get(p.session_id) in planned)
        result.append(ProgramWeekDose(
            week, first, last, (first, last) == (week_first, week_last), planned,
            "; ".join(titles.get(m, m) for m in planned), assigned,
            sum(1 for d in days if d.practices), sum(d.listened_ms for d in days), dose,
            done))
    return result
