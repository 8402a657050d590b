"""The SQL pieces the statistics and the diary share: the CTE of a profile's counted
practices with their local day numbers, a week's first day number, and the query
parameters of a profile (its day boundary) and of a day range (with a window of start
times that lets an index skip the rest of the log). Rules: see :mod:`mit_desktop.history.stats`.
"""

from __future__ import annotations

import datetime as dt

from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.settings import ProfileSettings
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import (
    LOCAL_DAY_NUMBER_SQL,
    day_number,
    from_day_number,
)

MAX_RANGE_DAYS = 3700


#: Local days are grouped and compared as integer day numbers (``timeutil.day_number``);
#: only the rows returned are turned into dates. A week starts on the Monday, the day
#: number ``dn - (dn + 3) % 7`` (1970-01-01 was a Thursday).
DAY_NUMBER_SQL = LOCAL_DAY_NUMBER_SQL.format(t="started_ms")


WEEK_SQL = "({d} - ({d} + 3) % 7)"


#: How far a practice's local day can be from its UTC day (offsets and the day boundary).
MARGIN_MS = 2 * 86_400_000


def counted_cte(ranged: bool = False) -> str:
    """CTE ``counted`` of the profile's counted practices with their day number ``dn``.

    Needs ``:p`` and ``:boundary_min``; ``ranged`` also ``:from_ms``/``:to_ms``, a
    generous window of start times that lets the index skip the rest of the log.
    """
    window = "AND started_ms >= :from_ms AND started_ms < :to_ms" if ranged else ""
    return f"""
counted AS (
    SELECT id, session_id, listened_ms, (resumed_from IS NULL) AS is_new, {DAY_NUMBER_SQL} AS dn
    FROM practices WHERE profile_id = :p AND listened_ms > 0 {window}
)"""


def day_or_none(number: int | None) -> dt.date | None:
    return None if number is None else from_day_number(number)


def profile_params(store: HistoryStore, profile_id: int, settings: ProfileSettings | None) -> dict:
    settings = settings or store.settings(profile_id)
    return {"p": profile_id, "boundary_min": settings.day_boundary_min}


def range_params(first_day: dt.date | None, last_day: dt.date | None) -> dict:
    """``:first``/``:last`` day numbers (None: open) and the start-time window around them."""
    first = None if first_day is None else day_number(first_day)
    last = None if last_day is None else day_number(last_day)
    return {
        "first": first,
        "last": last,
        "from_ms": -(2**62) if first is None else first * 86_400_000 - MARGIN_MS,
        "to_ms": 2**62 if last is None else (last + 1) * 86_400_000 + MARGIN_MS,
    }


def check_range(first_day: dt.date, last_day: dt.date) -> None:
    if last_day < first_day:
        raise InvalidInputError("The end of a date range cannot be before its start.")
    if (last_day - first_day).days > MAX_RANGE_DAYS:
        raise InvalidInputError(f"A date range can span at most {MAX_RANGE_DAYS} days.")
