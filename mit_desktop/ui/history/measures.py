"""Questionnaire scores over time (PHQ-9, GAD-7, WHO-5, SCS-SF) with their bands, for the
History screen and the PDF report: one chart per instrument, the published bands as
shaded stripes named at the right, each score a filled dot joined by a line, and a
sentence saying the same in words (the chart's accessible description)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from mit_desktop.practice.measures_history import MeasureSeries, series_summary
from mit_desktop.ui.history.charts import DAY_S, _Chart, day_x
from mit_desktop.ui.history.text import tr

POINT_COLOUR = "#1f4f8f"
#: stripe colours, mildest first (light, so the dots and the band names stay readable)
BAND_BRUSHES = ("#e8f3e8", "#f6f3dc", "#fbe9d7", "#f8dcd5", "#f2cfcf")


class MeasureChart(_Chart):
    """One instrument's scores on the days from ``first`` to ``last``, over its bands."""

    def __init__(self, series: MeasureSeries, parent: QWidget | None = None) -> None:
        instrument = series.instrument
        unit = f" {instrument.score_unit}" if instrument.score_unit else ""
        super().__init__(parent, f"{instrument.short_name}{unit}")
        self.instrument = instrument
        self.setAccessibleName(tr("Chart of {instrument} scores").format(
            instrument=instrument.short_name))

    def show_series(self, series: MeasureSeries, first: dt.date, last: dt.date) -> None:
        self.clear()
        instrument = self.instrument
        low, high = instrument.score_range
        bands = list(instrument.bands)
        if instrument.higher_is == "better":
            bands.reverse()  # mildest (best) first, for the stripe colours
        for index, band in enumerate(bands):
            brush = BAND_BRUSHES[min(index, len(BAND_BRUSHES) - 1)]
            region = pg.LinearRegionItem(values=(band.low, band.high), orientation="horizontal",
                                         movable=False, brush=pg.mkBrush(brush),
                                         pen=pg.mkPen(None))
            region.setZValue(-10)
            self.addItem(region)
            text = pg.TextItem(band.label.split(" (")[0].split(":")[0], color="#333333",
                               anchor=(1, 0.5))
            text.setPos(day_x(last) + DAY_S * 0.5, (band.low + band.high) / 2)
            self.addItem(text)
        points = series.scored
        xs = [day_x(p.day) for p in points]
        ys = [float(p.score.value) for p in points if p.score.value is not None]
        self.series = {instrument.id: (xs, ys)}
        if xs:
            self.plot(xs, ys, pen=pg.mkPen(POINT_COLOUR, width=2), symbol="o", symbolSize=12,
                      symbolPen=pg.mkPen(POINT_COLOUR), symbolBrush=pg.mkBrush(POINT_COLOUR))
        self._x_range(first, last)
        margin = (high - low) * 0.05
        self.setYRange(low - margin, high + margin, padding=0)
        self.setAccessibleDescription(series_summary(series))


def measure_charts(series: Sequence[MeasureSeries], first: dt.date, last: dt.date,
                   parent: QWidget | None = None) -> list[MeasureChart]:
    """A chart for each instrument answered in the dates."""
    charts = []
    for each in series:
        chart = MeasureChart(each, parent)
        chart.show_series(each, first, last)
        charts.append(chart)
    return charts


def bands_text(series: MeasureSeries) -> str:
    """The instrument's bands in words (or why it has none), and its source."""
    instrument = series.instrument
    if instrument.bands:
        bands = "; ".join(f"{b.low:g}–{b.high:g} {b.label}" for b in instrument.bands)
    else:
        bands = instrument.bands_note
    return f"{instrument.title}. {bands}. {instrument.citation}"
