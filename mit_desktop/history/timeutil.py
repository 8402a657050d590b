"""Clock and local-day arithmetic shared by the store, statistics and reminders.

A practice's *local day* is the calendar date of ``started_ms + utc_offset_min
- day_boundary_min`` — with a 03:00 boundary a practice at 00:30 belongs to the
day before. :data:`LOCAL_DAY_SQL` is the same rule in SQL, so Python and SQL
always agree.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

Clock = Callable[[], int]

#: SQL for a row's local day (``'YYYY-MM-DD'``); needs the parameter ``:boundary_min``
#: and columns ``{t}`` (epoch ms) and ``utc_offset_min`` — format with ``t=``.
LOCAL_DAY_SQL = "date(({t} / 1000) + (utc_offset_min - :boundary_min) * 60, 'unixepoch')"

#: The same local day as an integer *day number* (days since 1970-01-01): integer
#: arithmetic only, so statistics can group and compare days without date strings.
#: Valid for instants after 1970 (SQLite's ``/`` truncates toward zero).
LOCAL_DAY_NUMBER_SQL = "((({t} / 1000) + (utc_offset_min - :boundary_min) * 60) / 86400)"

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def day_number(day: dt.date) -> int:
    """A date as a day number (days since 1970-01-01), as :data:`LOCAL_DAY_NUMBER_SQL` gives."""
    return day.toordinal() - _EPOCH_ORDINAL


def from_day_number(number: int) -> dt.date:
    """The date of a day number (inverse of :func:`day_number`)."""
    return dt.date.fromordinal(_EPOCH_ORDINAL + number)


def system_clock() -> int:
    """Now, in integer epoch milliseconds."""
    return time.time_ns() // 1_000_000


def utc_offset_min(epoch_ms: int, tz: dt.tzinfo | None = None) -> int:
    """Offset from UTC in minutes at ``epoch_ms`` in ``tz`` (None: the computer's zone)."""
    moment = dt.datetime.fromtimestamp(epoch_ms / 1000, tz=dt.UTC)
    local = moment.astimezone(tz) if tz is not None else moment.astimezone()
    offset = local.utcoffset() or dt.timedelta(0)
    return int(offset.total_seconds() // 60)


def local_day(epoch_ms: int, offset_min: int, boundary_min: int) -> dt.date:
    """The local day of an instant (same rule as :data:`LOCAL_DAY_SQL`)."""
    seconds = epoch_ms // 1000 + (offset_min - boundary_min) * 60
    return (dt.datetime(1970, 1, 1) + dt.timedelta(seconds=seconds)).date()


def local_day_of(moment: dt.datetime, boundary_min: int) -> dt.date:
    """The local day of an aware (or naive local) datetime with the day boundary applied."""
    return (moment.replace(tzinfo=None) - dt.timedelta(minutes=boundary_min)).date()


def to_ms(moment: dt.datetime) -> int:
    """Aware datetime → epoch milliseconds (naive is taken as the computer's zone)."""
    return int(moment.timestamp() * 1000)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())
