"""Statistics over the practice log, computed in SQL; the GUI only draws them.

Rules shared by every function here:

- A practice *counts* when some audio was heard (``listened_ms > 0``);
  completed, partial and interrupted practices all count.
- Its *day* is its local day (``timeutil.LOCAL_DAY_NUMBER_SQL``) with the profile's
  ``day_starts_at`` boundary: with 03:00 a practice at 00:30 counts for the
  day before. Weeks are ISO weeks starting on Monday.
- "Minutes" are listened time (``listened_ms``), not wall-clock time.
- A practice that continues an interrupted one (``resumed_from``) adds its
  minutes and its day but is not counted as a second practice.
- Every query is restricted to one profile.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from mit_desktop.history.settings import ProfileSettings
from mit_desktop.history.stats_sql import (
    DAY_NUMBER_SQL,
    WEEK_SQL,
    check_range,
    counted_cte,
    day_or_none,
    profile_params,
    range_params,
)
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import (
    day_number,
    from_day_number,
    local_day_of,
    week_start,
)


@dataclass(frozen=True)
class DayTotal:
    """Practices and listened milliseconds on one local day."""

    day: dt.date
    practices: int
    listened_ms: int


def daily_totals(
    store: HistoryStore,
    profile_id: int,
    first_day: dt.date,
    last_day: dt.date,
    settings: ProfileSettings | None = None,
) -> list[DayTotal]:
    """One :class:`DayTotal` for every day in ``[first_day, last_day]``, zeros included."""
    check_range(first_day, last_day)
    params = profile_params(store, profile_id, settings)
    params.update(range_params(first_day, last_day))
    sql = f"""
        WITH {counted_cte(ranged=True)}
        SELECT dn, sum(is_new), sum(listened_ms) FROM counted
        WHERE dn BETWEEN :first AND :last GROUP BY dn
    """
    found = {dn: (n, ms) for dn, n, ms in store.conn.execute(sql, params)}
    zero = (0, 0)
    return [DayTotal(from_day_number(dn), *found.get(dn, zero))
            for dn in range(params["first"], params["last"] + 1)]


@dataclass(frozen=True)
class WeekTotal:
    """One ISO week: distinct days practiced, practices, listened ms, dose reached."""

    week_start: dt.date
    days_practiced: int
    practices: int
    listened_ms: int
    met_minimum: bool
    met_target: bool


def weekly_totals(
    store: HistoryStore,
    profile_id: int,
    first_day: dt.date,
    last_day: dt.date,
    settings: ProfileSettings | None = None,
) -> list[WeekTotal]:
    """Every ISO week touching ``[first_day, last_day]`` (whole weeks counted), zeros included."""
    settings = settings or store.settings(profile_id)
    first, last = week_start(first_day), week_start(last_day) + dt.timedelta(days=6)
    check_range(first, last)
    params = profile_params(store, profile_id, settings)
    params.update(range_params(first, last))
    sql = f"""
        WITH RECURSIVE weeks(wk) AS (
            SELECT :first UNION ALL SELECT wk + 7 FROM weeks WHERE wk + 7 <= :last
        ), {counted_cte(ranged=True)},
        per_week AS (
            SELECT {WEEK_SQL.format(d="dn")} AS wk, count(DISTINCT dn) AS days,
                   sum(is_new) AS practices, sum(listened_ms) AS listened
            FROM counted WHERE dn BETWEEN :first AND :last GROUP BY 1
        )
        SELECT weeks.wk, coalesce(days, 0), coalesce(practices, 0), coalesce(listened, 0)
        FROM weeks LEFT JOIN per_week USING (wk) ORDER BY weeks.wk
    """
    return [
        WeekTotal(
            from_day_number(week),
            days,
            practices,
            listened,
            days >= settings.weekly_minimum_days,
            days >= settings.weekly_target_days,
        )
        for week, days, practices, listened in store.conn.execute(sql, params)
    ]


@dataclass(frozen=True)
class WeekProgress:
    """This week so far against the program's dose (about 5 days; 2 the minimum)."""

    today: dt.date
    week_start: dt.date
    days_practiced: int
    practices: int
    listened_ms: int
    practiced_today: bool
    target_days: int
    minimum_days: int


def week_progress(
    store: HistoryStore, profile_id: int, now: dt.datetime, settings: ProfileSettings | None = None
) -> WeekProgress:
    """Progress in the week containing ``now``'s local day (``now``: aware local time)."""
    settings = settings or store.settings(profile_id)
    today = local_day_of(now, settings.day_boundary_min)
    week = weekly_totals(store, profile_id, today, today, settings)[0]
    day = daily_totals(store, profile_id, today, today, settings)[0]
    return WeekProgress(
        today=today,
        week_start=week.week_start,
        days_practiced=week.days_practiced,
        practices=week.practices,
        listened_ms=week.listened_ms,
        practiced_today=day.listened_ms > 0,
        target_days=settings.weekly_target_days,
        minimum_days=settings.weekly_minimum_days,
    )


def practice_days(
    store: HistoryStore,
    profile_id: int,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    settings: ProfileSettings | None = None,
) -> set[dt.date]:
    """The local days on which the profile practiced (for reminders and calendars)."""
    params = profile_params(store, profile_id, settings)
    params.update(range_params(first_day, last_day))
    sql = f"""
        WITH {counted_cte(ranged=True)}
        SELECT DISTINCT dn FROM counted
        WHERE (:first IS NULL OR dn >= :first) AND (:last IS NULL OR dn <= :last)
    """
    return {from_day_number(row[0]) for row in store.conn.execute(sql, params)}


def current_streak(
    store: HistoryStore, profile_id: int, now: dt.datetime, settings: ProfileSettings | None = None
) -> int | None:
    """Consecutive days practiced up to today (or yesterday, if not yet today).

    Returns None unless the profile turned streaks on (``streaks_enabled``).
    """
    settings = settings or store.settings(profile_id)
    if not settings.streaks_enabled:
        return None
    today = local_day_of(now, settings.day_boundary_min)
    params = profile_params(store, profile_id, settings)
    params["today"] = day_number(today)
    sql = f"""
        WITH {counted_cte()},
        d AS (SELECT DISTINCT dn FROM counted WHERE dn <= :today),
        g AS (SELECT dn, dn - row_number() OVER (ORDER BY dn) AS grp FROM d)
        SELECT count(*), max(dn) FROM g GROUP BY grp ORDER BY max(dn) DESC LIMIT 1
    """
    row = store.conn.execute(sql, params).fetchone()
    if row is None:
        return 0
    length, last = row
    return int(length) if last >= day_number(today) - 1 else 0


@dataclass(frozen=True)
class MoodChange:
    """Mood and stress before and after one practice; ``*_change`` = after − before."""

    practice_id: int
    day: dt.date
    session_id: str
    mood_before: int | None
    mood_after: int | None
    mood_change: int | None
    stress_before: int | None
    stress_after: int | None
    stress_change: int | None


_MOOD_PAIRS = f"""
    pairs AS (
        SELECT p.id, {DAY_NUMBER_SQL} AS dn, p.session_id,
               b.mood AS mb, a.mood AS ma, a.mood - b.mood AS md,
               b.stress AS sb, a.stress AS sa, a.stress - b.stress AS sd
        FROM practices p
        JOIN check_ins b INDEXED BY check_ins_cover ON b.practice_id = p.id AND b.phase = 'before'
        JOIN check_ins a INDEXED BY check_ins_cover ON a.practice_id = p.id AND a.phase = 'after'
        WHERE p.profile_id = :p
    )"""


def mood_changes(
    store: HistoryStore, profile_id: int, settings: ProfileSettings | None = None
) -> list[MoodChange]:
    """Every practice with a before and an after check-in, oldest first.

    A change is None when one side lacks that rating (e.g. stress not asked).
    """
    params = profile_params(store, profile_id, settings)
    sql = f"""
        WITH {_MOOD_PAIRS}
        SELECT id, dn, session_id, mb, ma, md, sb, sa, sd FROM pairs
        WHERE md IS NOT NULL OR sd IS NOT NULL ORDER BY dn, id
    """
    return [
        MoodChange(row[0], from_day_number(row[1]), *row[2:])
        for row in store.conn.execute(sql, params)
    ]


@dataclass(frozen=True)
class MoodTrendWeek:
    """Mean within-practice change of mood and stress over one ISO week."""

    week_start: dt.date
    practices: int
    mean_mood_change: float | None
    mean_stress_change: float | None


def mood_trend(
    store: HistoryStore, profile_id: int, settings: ProfileSettings | None = None
) -> list[MoodTrendWeek]:
    """Weeks that have at least one before/after pair, oldest first."""
    params = profile_params(store, profile_id, settings)
    sql = f"""
        WITH {_MOOD_PAIRS}
        SELECT {WEEK_SQL.format(d="dn")} AS week, count(*), avg(md), avg(sd) FROM pairs
        WHERE md IS NOT NULL OR sd IS NOT NULL GROUP BY week ORDER BY week
    """
    return [
        MoodTrendWeek(from_day_number(week), n, mood, stress)
        for week, n, mood, stress in store.conn.execute(sql, params)
    ]


@dataclass(frozen=True)
class ModuleCoverage:
    """How much of one module was practiced; ``module_id`` None gathers unmapped sessions."""

    module_id: str | None
    practices: int
    listened_ms: int
    first_day: dt.date | None
    last_day: dt.date | None


def module_coverage(
    store: HistoryStore,
    profile_id: int,
    session_modules: Mapping[str, str],
    settings: ProfileSettings | None = None,
) -> list[ModuleCoverage]:
    """Per module (from ``session_modules``: session id → module id), in mapping order.

    Every module in the mapping appears, practiced or not; practices of
    sessions missing from the mapping are gathered in one last entry with
    ``module_id=None`` (only if there are any).
    """
    params = profile_params(store, profile_id, settings)
    params["mapping"] = json.dumps(dict(session_modules))
    sql = f"""
        WITH {counted_cte()},
        per_session AS (
            SELECT session_id, sum(is_new) AS practices, sum(listened_ms) AS listened,
                   min(dn) AS first_dn, max(dn) AS last_dn
            FROM counted GROUP BY session_id
        ),
        mapping AS MATERIALIZED (
            SELECT key AS session_id, value AS module_id, id AS ord FROM json_each(:mapping)
        ),
        modules AS (SELECT module_id, min(ord) AS ord FROM mapping GROUP BY module_id),
        tagged AS (
            SELECT m.module_id, s.* FROM per_session s LEFT JOIN mapping m USING (session_id)
        )
        SELECT modules.module_id, coalesce(sum(t.practices), 0), coalesce(sum(t.listened), 0),
               min(t.first_dn), max(t.last_dn), modules.ord
        FROM modules LEFT JOIN tagged t ON t.module_id = modules.module_id
        GROUP BY modules.module_id
        UNION ALL
        SELECT NULL, sum(practices), sum(listened), min(first_dn), max(last_dn), 1e18
        FROM tagged WHERE module_id IS NULL HAVING count(*) > 0
        ORDER BY 6
    """
    return [
        ModuleCoverage(module, n, ms, day_or_none(first), day_or_none(last))
        for module, n, ms, first, last, _ord in store.conn.execute(sql, params)
    ]


def totals(store: HistoryStore, profile_id: int, settings: ProfileSettings | None = None) -> dict:
    """All-time counts.

    Keys: ``practices``, ``listened_ms``, ``days_practiced``, ``first_day``, ``last_day``.
    """
    params = profile_params(store, profile_id, settings)
    sql = f"""
        WITH {counted_cte()}
        SELECT coalesce(sum(is_new), 0), coalesce(sum(listened_ms), 0), count(DISTINCT dn),
               min(dn), max(dn)
        FROM counted
    """
    n, ms, days, first, last = store.conn.execute(sql, params).fetchone()
    return {
        "practices": n,
        "listened_ms": ms,
        "days_practiced": days,
        "first_day": day_or_none(first),
        "last_day": day_or_none(last),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _record(item: Any) -> dict:
    """A flat stats record as a JSON-ready dict (``dataclasses.asdict`` without its deep copy)."""
    return {f.name: _jsonable(getattr(item, f.name)) for f in fields(item)}


def summary(store: HistoryStore, profile_id: int, now: dt.datetime, weeks: int = 8) -> dict:
    """Everything the overview shows, JSON-ready (dates as ISO strings).

    Keys: ``totals``, ``this_week`` (:class:`WeekProgress`), ``weeks`` (the last
    ``weeks`` ISO weeks, oldest first), ``mood_trend``, ``streak`` (None if off).
    """
    settings = store.settings(profile_id)
    progress = week_progress(store, profile_id, now, settings)
    first = progress.week_start - dt.timedelta(weeks=weeks - 1)
    return {
        "totals": _jsonable(totals(store, profile_id, settings)),
        "this_week": _record(progress),
        "weeks": [_record(w) for w in weekly_totals(store, profile_id, first, progress.today,
                                                    settings)],
        "mood_trend": [_record(t) for t in mood_trend(store, profile_id, settings)],
        "streak": current_streak(store, profile_id, now, settings),
    }
