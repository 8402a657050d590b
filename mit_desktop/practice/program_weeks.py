"""The program paced by weeks: which week of the program a day is in, and what Today offers.

Qt-free. A profile's program starts on a local day the listener (or their therapist)
sets. Week 1 is that day and the six after it, week 2 the next seven days, and so on,
so a group that meets on Wednesdays changes week on Wednesdays. During a week, Today
offers that week's module again and again, as a weekly group program does (home practice
of the week's module between classes); a therapist may assign a module to a week, which
then takes the place of the program's. After the program's last week Today keeps
offering the modules in turn (the one practiced least recently first), and BAM stays one
click away at all times.

Without a start date, Today offers the next practice in program order (the first not yet
done, then round again) and suggests setting a start date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: What an :class:`Offer` is: ``no-plan`` (no start date: program order), ``before-start``
#: (the program starts later: week 1 offered as a preview), ``week`` (this week's module),
#: ``assigned`` (the therapist's module for this week), ``after`` (the program's weeks
#: are over: the module practiced least recently).
OFFER_KINDS = ("no-plan", "before-start", "week", "assigned", "after")


def program_week(start_day: dt.date, day: dt.date) -> int:
    """The program week of `day` (1 = the start day and the six after it); 0 before the
    start. Weeks past the program's length keep counting (5, 6, …)."""
    if day < start_day:
        return 0
    return (day - start_day).days // 7 + 1


def week_days(start_day: dt.date, week: int) -> tuple[dt.date, dt.date]:
    """First and last local day of program week `week` (1-based)."""
    if week < 1:
        raise ValueError("program weeks start at 1")
    first = start_day + dt.timedelta(days=7 * (week - 1))
    return first, first + dt.timedelta(days=6)


@dataclass(frozen=True)
class Offer:
    """What Today offers, and why.

    ``entry``: the program entry (``id``, ``title``, ``module``, ``week``, ``summary``), or
    None when the program has no full practice. ``kind``: one of :data:`OFFER_KINDS`.
    ``week``: the program week of today (0 before the start, None without a plan);
    ``first_day``/``last_day``: that week's days (None without a plan or before the
    start). ``times_this_week``: how often `entry` was practiced in this program week
    (counted practices, listened time above 0). ``weeks``: the program's length;
    ``start_day``: the plan's first day (None without a plan).
    """

    entry: Any
    kind: str
    week: int | None
    first_day: dt.date | None
    last_day: dt.date | None
    times_this_week: int
    weeks: int
    start_day: dt.date | None = None

    @property
    def in_program(self) -> bool:
        return self.kind in ("week", "assigned")


def _course(entries: Sequence[Any]) -> list[Any]:
    return [e for e in entries if e.week is not None]


def _by_module(course: Sequence[Any], module: str) -> Any:
    for entry in course:
        if entry.module == module:
            return entry
    return None


def next_in_order(entries: Sequence[Any], completed_newest_first: Sequence[str]) -> Any:
    """Program order without a plan: the first full practice not yet completed, else the
    one after the most recently completed."""
    course = _course(entries)
    if not course:
        return None
    done = set(completed_newest_first)
    for entry in course:
        if entry.id not in done:
            return entry
    ids = [e.id for e in course]
    last = completed_newest_first[0]
    return course[(ids.index(last) + 1) % len(course)] if last in ids else course[0]


def choose_offer(
    entries: Sequence[Any],
    weeks: int,
    today: dt.date,
    start_day: dt.date | None,
    assignments: Mapping[int, str],
    counts_between: Any,
    last_practiced: Mapping[str, dt.date],
    completed_newest_first: Sequence[str] = (),
) -> Offer:
    """What Today offers on `today` (a local day).

    ``entries``: the program's entries in order; ``weeks``: its length; ``start_day``:
    the profile's start (None: no plan); ``assignments``: program week → module id set by
    the therapist; ``counts_between(first_day, last_day)`` → session id → counted
    practices in those days; ``last_practiced``: session id → the last local day it was
    practiced; ``completed_newest_first``: completed session ids, newest first (used only
    without a plan).

    Within a week with several modules (week 1), the one practiced fewest times this week
    comes first, ties in program order, so they take turns.
    """
    course = _course(entries)
    if start_day is None:
        return Offer(next_in_order(entries, completed_newest_first), "no-plan", None, None,
                     None, 0, weeks)
    week = program_week(start_day, today)
    if week == 0:
        first = course[0] if course else None
        return Offer(first, "before-start", 0, None, None, 0, weeks, start_day)
    first_day, last_day = week_days(start_day, week)
    counts: Mapping[str, int] = counts_between(first_day, last_day)
    assigned = assignments.get(week)
    entry = _by_module(course, assigned) if assigned else None
    if entry is not None:
        kind, candidates = "assigned", [entry]
    elif week <= weeks:
        kind, candidates = "week", [e for e in course if e.week == week]
    else:
        kind, candidates = "after", []
    if not candidates:
        if kind == "week" or not course:  # a week without a module of its own
            kind = "after"
        if not course:
            return Offer(None, kind, week, first_day, last_day, 0, weeks, start_day)
        never = dt.date.min
        order = {e.id: i for i, e in enumerate(course)}
        choice = min(course, key=lambda e: (last_practiced.get(e.id, never), order[e.id]))
        return Offer(choice, kind, week, first_day, last_day, counts.get(choice.id, 0), weeks,
                     start_day)
    order = {e.id: i for i, e in enumerate(candidates)}
    choice = min(candidates, key=lambda e: (counts.get(e.id, 0), order[e.id]))
    return Offer(choice, kind, week, first_day, last_day, counts.get(choice.id, 0), weeks,
                 start_day)


def today_offer(store: Any, profile_id: int, program: Any, today: dt.date,
                settings: Any = None, history_limit: int = 500) -> Offer:
    """What Today offers the profile on local day `today`, read from the history store
    (its plan, and the last `history_limit` practices); Qt-free, as the CLI shows it."""
    from mit_desktop.history.timeutil import local_day
    from mit_desktop.practice.dose import session_counts

    settings = settings or store.settings(profile_id)
    practices = store.list_practices(profile_id, limit=history_limit)
    completed = [p.session_id for p in practices if p.completed]
    last_practiced: dict[str, dt.date] = {}
    for p in practices:
        if p.listened_ms > 0:
            day = local_day(p.started_ms, p.utc_offset_min, settings.day_boundary_min)
            last_practiced[p.session_id] = max(day, last_practiced.get(p.session_id, day))
    plan = store.program_plan(profile_id)
    return choose_offer(program.entries, program.weeks, today, plan.start_day, plan.assignments,
                        lambda a, b: session_counts(store, profile_id, a, b, settings),
                        last_practiced, completed)
