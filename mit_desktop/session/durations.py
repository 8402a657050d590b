"""Parsing of durations (`500ms`, `8s`, `1.5s`, `2m`, `1m30s`) and clip times (`m:ss.ffffff`).

Clip positions are kept in whole microseconds, so a time written with Audacity's six
decimals (`0:01.234567`, `1.234567s`) reaches the timeline unrounded; the timeline turns
it into a sample with :func:`us_to_sample`.

Only the ASCII digits 0-9 count (not '²' or '٣'), and numbers are kept short, so
arithmetic is exact and never overflows: a duration or time with a number of more
than :data:`MAX_DIGITS` digits is refused as far too long.
"""

from __future__ import annotations

import re
from decimal import Decimal

from mit_desktop.session.limits import MAX_CUE_MS, format_limit_ms, shown

MAX_DIGITS = 9
"""Digits before the point in any one number of a duration (more is never a sensible length)."""

_NUM = rf"[0-9]{{1,{MAX_DIGITS}}}(?:\.[0-9]{{1,9}})?"
_DURATION = re.compile(
    rf"(?:(?P<ms>[0-9]{{1,{MAX_DIGITS}}})ms|(?:(?P<m>{_NUM})m)?(?:(?P<s>{_NUM})s)?)",
    re.ASCII,
)
_CLOCK = re.compile(
    r"(?:(?P<h>[0-9]{1,3}):)?(?P<m>[0-9]{1,2}):(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{1,6}))?", re.ASCII)
_LONG_NUMBER = re.compile(rf"[0-9]{{{MAX_DIGITS + 1},}}", re.ASCII)
_HINT = "write it like 500ms, 8s, 1.5s, 2m or 1m30s"
_CLOCK_HINT = "write it like 0:05, 1:20.5, 1:02:03, 0:01.234567 or 1m30s"


def parse_duration_ms(text: str) -> int:
    """Return the duration in whole milliseconds; ValueError with a readable reason otherwise."""
    return round(_parse_duration_us(text) / 1000)


def _parse_duration_us(text: str) -> int:
    token = text.strip()
    match = _DURATION.fullmatch(token)
    if not match or not token or not any(match.group(g) for g in ("ms", "m", "s")):
        if _LONG_NUMBER.search(token):
            raise ValueError(f"'{shown(token)}' is far too long to be a duration: a pause or "
                             f"reflection may last at most {format_limit_ms(MAX_CUE_MS)}; {_HINT}")
        raise ValueError(f"'{shown(token)}' is not a duration; {_HINT} (with the digits 0-9)")
    if match.group("ms"):
        return int(match.group("ms")) * 1000
    minutes = Decimal(match.group("m") or 0)
    seconds = Decimal(match.group("s") or 0)
    return int(((minutes * 60 + seconds) * 1_000_000).to_integral_value())


def parse_clip_time_us(text: str) -> int:
    """A clip position: a duration (`1m5s`, `1.234567s`) or a clock time (`1:05`,
    `0:01:05.250`, `0:01.234567`), in whole microseconds (finer digits than six are an error)."""
    token = text.strip()
    match = _CLOCK.fullmatch(token)
    if match:
        hours = int(match.group("h") or 0)
        minutes = int(match.group("m"))
        seconds = int(match.group("s"))
        if seconds >= 60 or (match.group("h") is not None and minutes >= 60):
            raise ValueError(f"'{shown(token)}' is not a valid time; seconds and minutes go up to 59")
        fraction = (match.group("f") or "").ljust(6, "0")
        return ((hours * 60 + minutes) * 60 + seconds) * 1_000_000 + int(fraction or 0)
    try:
        return _parse_duration_us(token)
    except ValueError:
        if _LONG_NUMBER.search(token):
            raise ValueError(f"'{shown(token)}' is far too long to be a time in a recording; "
                             f"{_CLOCK_HINT}") from None
        raise ValueError(f"'{shown(token)}' is not a time; {_CLOCK_HINT}") from None


def parse_clip_time_ms(text: str) -> int:
    """:func:`parse_clip_time_us` rounded to whole milliseconds."""
    return round(parse_clip_time_us(text) / 1000)


def seconds_to_us(text: str) -> int:
    """A decimal number of seconds (`12.345678`, `12,5`) in whole microseconds, exactly
    (no binary floating point); ValueError if it is not a number (or has more than 12
    digits before the point: no recording is that long)."""
    token = text.strip().replace(",", ".")
    if not re.fullmatch(r"[+-]?(?:[0-9]{1,12}(?:\.[0-9]*)?|\.[0-9]+)", token, re.ASCII):
        raise ValueError(f"'{shown(text)}' is not a number of seconds")
    value = Decimal(token[:64])
    return int((value * 1_000_000).to_integral_value())


def us_to_sample(value_us: int, sample_rate: int) -> int:
    """The sample at `value_us` microseconds: round(t × rate), halves rounding up (exact
    integer arithmetic, no grid)."""
    return (2 * value_us * sample_rate + 1_000_000) // 2_000_000


def format_clock_ms(value_ms: int) -> str:
    """`m:ss.fff` (or `h:mm:ss.fff`) for a position in ms; the inverse of parse_clip_time_ms."""
    return format_clock_us(int(value_ms) * 1000)


def format_clock_us(value_us: int) -> str:
    """`m:ss`, `m:ss.fff` or `m:ss.ffffff` (hours first when there are any) for a position in
    microseconds: three decimals when it is a whole millisecond, else six; the inverse of
    parse_clip_time_us."""
    seconds, us = divmod(int(value_us), 1_000_000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if not us:
        frac = ""
    elif us % 1000 == 0:
        frac = f".{us // 1000:03d}"
    else:
        frac = f".{us:06d}"
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}{frac}"
    return f"{minutes}:{seconds:02d}{frac}"
