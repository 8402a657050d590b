"""Early response: how mood and stress changed from before to after practice, week by week,
with week 1 first (Qt-free).

The 2014 caregiver study behind the program reported that the week-1 change in feeling
states during practice went with later practice and outcome. This module only summarises
that change for the therapist and the listener; it predicts nothing.

Weeks are the program's weeks when the profile has a start date (week 1 = the start day
and the six after it); otherwise they count from the first practice with both check-ins.
A week's summary rests on the practices with a rating both before and after; with fewer
than :data:`MIN_PRACTICES` it says plainly there are too few to read anything into.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from mit_desktop.history.stats import MoodChange
from mit_desktop.practice.program_weeks import program_week, week_days

#: Fewer practices with before-and-after ratings than this in a week: too few to read.
MIN_PRACTICES = 3


@dataclass(frozen=True)
class WeekResponse:
    """One week's average change after practice (after − before, points on 0–10).

    ``mood_practices``/``stress_practices``: how many practices each average rests on;
    a change is None when none had both ratings.
    """

    week: int
    first_day: dt.date
    last_day: dt.date
    mood_practices: int
    mood_change: float | None
    stress_practices: int
    stress_change: float | None

    @property
    def enough(self) -> bool:
        """True when the mood or the stress average rests on enough practices."""
        return max(self.mood_practices, self.stress_practices) >= MIN_PRACTICES


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def weekly_response(changes: Sequence[MoodChange],
                    start_day: dt.date | None) -> list[WeekResponse]:
    """Each week with at least one before-and-after pair, in order (see module docstring).
    Practices before the program's start are left out."""
    pairs = [c for c in changes if c.mood_change is not None or c.stress_change is not None]
    if not pairs:
        return []
    origin = start_day or min(c.day for c in pairs)
    by_week: dict[int, list[MoodChange]] = {}
    for change in pairs:
        week = program_week(origin, change.day)
        if week >= 1:
            by_week.setdefault(week, []).append(change)
    result = []
    for week in sorted(by_week):
        first, last = week_days(origin, week)
        moods = [c.mood_change for c in by_week[week] if c.mood_change is not None]
        stresses = [c.stress_change for c in by_week[week] if c.stress_change is not None]
        result.append(WeekResponse(week, first, last, len(moods), _mean(moods), len(stresses),
                                   _mean(stresses)))
    return result


def _change_words(what: str, change: float | None, count: int, lower_is_better: bool) -> str:
    if change is None:
        return f"no {what} ratings before and after"
    if abs(change) < 0.05:
        direction = "the same after practice"
    else:
        direction = (f"{abs(change):.1f} points {'higher' if change > 0 else 'lower'} "
                     "after practice")
    return f"{what} {direction} (over {count} practice{'s' if count != 1 else ''})"


def week_sentence(response: WeekResponse) -> str:
    """One week in plain English words, saying so when there are too few practices."""
    days = f"{response.first_day:%-d %b} to {response.last_day:%-d %b %Y}"
    head = f"Week {response.week} ({days})"
    count = max(response.mood_practices, response.stress_practices)
    if not response.enough:
        return (f"{head}: only {count} practice{'s' if count != 1 else ''} with a rating "
                f"before and after, too few to read anything into.")
    mood = _change_words("mood", response.mood_change, response.mood_practices, False)
    stress = _change_words("stress", response.stress_change, response.stress_practices, True)
    return f"{head}: on average {mood}; {stress}."


def summary_lines(responses: Sequence[WeekResponse]) -> list[str]:
    """Week 1 first (or a sentence saying there is none yet), then every later week."""
    if not responses:
        return ["No practice with a mood or stress rating before and after yet: nothing to "
                "summarise."]
    lines = []
    if responses[0].week != 1:
        lines.append("Week 1: no practice with a rating before and after.")
    lines.extend(week_sentence(r) for r in responses)
    return lines
