"""Each questionnaire's scores over time, for History and the therapist's report (Qt-free).

Scores are computed from the stored item answers with the instrument's own rules
(:func:`mit_desktop.content.measures.score`); a form that is not scored (an unanswered
item) is listed with its reason and left off the chart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mit_desktop.content.measures import Instrument, Score, load_instruments, score
from mit_desktop.history.timeutil import local_day


@dataclass(frozen=True)
class MeasurePoint:
    """One answered questionnaire: its local ``day``, ``score`` and ``occasion``."""

    day: dt.date
    recorded_ms: int
    score: Score
    occasion: str


@dataclass(frozen=True)
class MeasureSeries:
    """One instrument's answers between two days, oldest first."""

    instrument: Instrument
    points: tuple[MeasurePoint, ...]

    @property
    def scored(self) -> list[MeasurePoint]:
        return [p for p in self.points if p.score.value is not None]


def measure_series(store: Any, profile_id: int, first: dt.date, last: dt.date,
                   boundary_min: int = 0) -> list[MeasureSeries]:
    """Every instrument's answers on the local days ``first`` to ``last`` (instruments with
    none are left out), in the instruments' order."""
    by_instrument: dict[str, list[MeasurePoint]] = {}
    instruments = {i.id: i for i in load_instruments()}
    for response in store.measure_responses(profile_id):
        instrument = instruments.get(response.instrument)
        day = local_day(response.recorded_ms, response.utc_offset_min, boundary_min)
        if instrument is None or not first <= day <= last:
            continue
        try:
            result = score(instrument, response.answers)
        except ValueError as exc:
            result = Score(instrument.id, None, None, None, str(exc))
        by_instrument.setdefault(instrument.id, []).append(
            MeasurePoint(day, response.recorded_ms, result, response.occasion))
    return [MeasureSeries(instruments[i], tuple(points))
            for i, points in ((i, by_instrument.get(i)) for i in instruments) if points]


def series_summary(series: MeasureSeries) -> str:
    """A plain sentence: first and last score with their bands (English; the GUI translates
    the parts it words itself)."""
    scored = series.scored
    name = series.instrument.short_name
    unit = series.instrument.score_unit
    if not scored:
        return f"{name}: answered {len(series.points)} times, not scored ({series.points[0].score.reason})"

    def said(point: MeasurePoint) -> str:
        band = f" ({point.score.band.label})" if point.score.band else ""
        return f"{point.score.text}{unit}{band} on {point.day.isoformat()}"

    if len(scored) == 1:
        return f"{name}: {said(scored[0])}."
    return f"{name}: {said(scored[0])}, then {said(scored[-1])}; answered {len(scored)} times."
