"""Per-profile settings: day boundary, weekly target, streaks, reminder times.

Stored as a JSON object in ``profiles.settings`` with times as ``"HH:MM"``
strings; unknown keys are kept (a newer version may have written them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from mit_desktop.history.errors import InvalidInputError


@dataclass(frozen=True)
class ProfileSettings:
    """Settings with the program's defaults.

    ``day_starts_at``: local time at which a new day begins for statistics
    (03:00: a practice at 00:30 counts for the day before). ``weekly_target_days``
    and ``weekly_minimum_days``: days practiced per week aimed for (about 5)
    and the least counted as a dose (2). ``streaks_enabled``: show streaks only
    when the user asked for them. Reminders: two a day; ``None`` turns one off.
    """

    day_starts_at: dt.time = dt.time(3, 0)
    weekly_target_days: int = 5
    weekly_minimum_days: int = 2
    streaks_enabled: bool = False
    reminders_enabled: bool = True
    morning_reminder: dt.time | None = dt.time(9, 0)
    evening_reminder: dt.time | None = dt.time(19, 0)

    @property
    def day_boundary_min(self) -> int:
        """``day_starts_at`` in minutes after local midnight."""
        return self.day_starts_at.hour * 60 + self.day_starts_at.minute


_TIME_FIELDS = {"day_starts_at", "morning_reminder", "evening_reminder"}
_INT_FIELDS = {"weekly_target_days", "weekly_minimum_days"}
_BOOL_FIELDS = {"streaks_enabled", "reminders_enabled"}
FIELDS = tuple(f.name for f in dataclasses.fields(ProfileSettings))


def parse_time(value: Any, name: str) -> dt.time:
    """``"HH:MM"`` (or a ``datetime.time``) → ``datetime.time``; InvalidInputError otherwise."""
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, str):
        try:
            hours, minutes = value.strip().split(":")
            return dt.time(int(hours), int(minutes))
        except ValueError:
            pass
    raise InvalidInputError(f"{name} must be a time like 07:30, not {value!r}.")


def _validate(name: str, value: Any) -> Any:
    if name in _TIME_FIELDS:
        if value is None and name != "day_starts_at":
            return None
        return parse_time(value, name)
    if name in _INT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 7:
            raise InvalidInputError(f"{name} must be a whole number of days from 0 to 7.")
        return value
    if name in _BOOL_FIELDS:
        if not isinstance(value, bool):
            raise InvalidInputError(f"{name} must be true or false.")
        return value
    raise InvalidInputError(f"Unknown setting {name!r}; known settings: {', '.join(FIELDS)}.")


def from_json(raw: dict[str, Any]) -> ProfileSettings:
    """Settings from the stored JSON object; unknown or invalid keys fall back to defaults."""
    values: dict[str, Any] = {}
    for name in FIELDS:
        if name in raw:
            try:
                values[name] = _validate(name, raw[name])
            except InvalidInputError:
                continue
    settings = ProfileSettings(**values)
    if settings.weekly_minimum_days > settings.weekly_target_days:
        settings = dataclasses.replace(settings, weekly_minimum_days=settings.weekly_target_days)
    return settings


def merged_json(raw: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``raw`` with validated ``changes`` applied, ready to store (times as ``"HH:MM"``)."""
    result = dict(raw)
    for name, value in changes.items():
        checked = _validate(name, value)
        result[name] = checked.strftime("%H:%M") if isinstance(checked, dt.time) else checked
    target = result.get("weekly_target_days", ProfileSettings.weekly_target_days)
    minimum = result.get("weekly_minimum_days", ProfileSettings.weekly_minimum_days)
    if minimum > target:
        raise InvalidInputError("The weekly minimum cannot be above the weekly target.")
    return result
