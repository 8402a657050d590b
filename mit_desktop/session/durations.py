"""Parsing of durations (`500ms`, `8s`, `1.5s`, `2m`, `1m30s`) and clip times (`m:ss.fff`)."""

from __future__ import annotations

import re

_DURATION = re.compile(r"^(?:(?P<ms>\d+)ms|(?:(?P<m>\d+(?:\.\d+)?)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?)$")
_CLOCK = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:\.(?P<f>\d{1,3}))?$")


def parse_duration_ms(text: str) -> int:
    """Return the duration in whole milliseconds; ValueError with a readable reason otherwise."""
    match = _DURATION.match(text.strip())
    if not match or not text.strip() or not any(match.group(g) for g in ("ms", "m", "s")):
        raise ValueError(f"'{text}' is not a duration; write it like 500ms, 8s, 1.5s, 2m or 1m30s")
    if match.group("ms"):
        return int(match.group("ms"))
    minutes = float(match.group("m") or 0)
    seconds = float(match.group("s") or 0)
    return round((minutes * 60 + seconds) * 1000)


def parse_clip_time_ms(text: str) -> int:
    """A clip position: a duration (`1m5s`) or a clock time (`1:05`, `0:01:05.250`), in ms."""
    match = _CLOCK.match(text.strip())
    if match:
        hours = int(match.group("h") or 0)
        minutes = int(match.group("m"))
        seconds = int(match.group("s"))
        if seconds >= 60 or (match.group("h") is not None and minutes >= 60):
            raise ValueError(f"'{text}' is not a valid time; seconds and minutes go up to 59")
        fraction = (match.group("f") or "").ljust(3, "0")
        return ((hours * 60 + minutes) * 60 + seconds) * 1000 + int(fraction or 0)
    try:
        return parse_duration_ms(text)
    except ValueError:
        raise ValueError(
            f"'{text}' is not a time; write it like 0:05, 1:20.5, 1:02:03 or 1m30s"
        ) from None


def format_clock_ms(value_ms: int) -> str:
    """`m:ss.fff` (or `h:mm:ss.fff`) for a position in ms; the inverse of parse_clip_time_ms."""
    seconds, ms = divmod(int(value_ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    frac = f".{ms:03d}" if ms else ""
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}{frac}"
    return f"{minutes}:{seconds:02d}{frac}"
