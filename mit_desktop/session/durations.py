"""Parsing of durations (`500ms`, `8s`, `1.5s`, `2m`, `1m30s`) and clip times (`m:ss.ffffff`).

Clip positions are kept in whole microseconds, so a time written with Audacity's six
decimals (`0:01.234567`, `1.234567s`) reaches the timeline unrounded; the timeline turns
it into a sample with :func:`us_to_sample`.
"""

from __future__ import annotations

import re
from decimal import Decimal

_DURATION = re.compile(r"^(?:(?P<ms>\d+)ms|(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?)$")
_CLOCK = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:\.(?P<f>\d{1,6}))?$")
_CLOCK_HINT = "write it like 0:05, 1:20.5, 1:02:03, 0:01.234567 or 1m30s"


def parse_duration_ms(text: str) -> int:
    """Return the duration in whole milliseconds; ValueError with a readable reason otherwise."""
    return round(_parse_duration_us(text) / 1000)


def _parse_duration_us(text: str) -> int:
    match = _DURATION.match(text.strip())
    if not match or not text.strip() or not any(match.group(g) for g in ("ms", "m", "s")):
        raise ValueError(f"'{text}' is not a duration; write it like 500ms, 8s, 1.5s, 2m or 1m30s")
    if match.group("ms"):
        return int(match.group("ms")) * 1000
    minutes = Decimal(match.group("m") or 0)
    seconds = Decimal(match.group("s") or 0)
    return int(((minutes * 60 + seconds) * 1_000_000).to_integral_value())


def parse_clip_time_us(text: str) -> int:
    """A clip position: a duration (`1m5s`, `1.234567s`) or a clock time (`1:05`,
    `0:01:05.250`, `0:01.234567`), in whole microseconds (finer digits than six are an error)."""
    match = _CLOCK.match(text.strip())
    if match:
        hours = int(match.group("h") or 0)
        minutes = int(match.group("m"))
        seconds = int(match.group("s"))
        if seconds >= 60 or (match.group("h") is not None and minutes >= 60):
            raise ValueError(f"'{text}' is not a valid time; seconds and minutes go up to 59")
        fraction = (match.group("f") or "").ljust(6, "0")
        return ((hours * 60 + minutes) * 60 + seconds) * 1_000_000 + int(fraction or 0)
    try:
        return _parse_duration_us(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a time; {_CLOCK_HINT}") from None


def parse_clip_time_ms(text: str) -> int:
    """:func:`parse_clip_time_us` rounded to whole milliseconds."""
    return round(parse_clip_time_us(text) / 1000)


def seconds_to_us(text: str) -> int:
    """A decimal number of seconds (`12.345678`, `12,5`) in whole microseconds, exactly
    (no binary floating point); ValueError if it is not a number."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except ArithmeticError:
        raise ValueError(f"'{text}' is not a number of seconds") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not a number of seconds")
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
