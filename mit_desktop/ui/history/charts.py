"""Charts of the history screen, drawn with pyqtgraph (its axes and ticks, no hand-drawing).

- :class:`MinutesChart`: bars of listened minutes per day or per week.
- :class:`RatingChart`: mood (or stress) before and after each practice —
  open circles before, filled triangles after, a line from one to the other,
  so shape and not only colour tells them apart.

The charts are for looking, not for handling: zooming, panning and the
context menu are off. Each keeps the numbers it draws in ``series`` (for tests
and for a text alternative) and has an accessible name and description.
:func:`chart_image` renders a chart to a QImage (for the PDF report).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QWidget

from mit_desktop.history.stats import DayTotal, MoodChange, WeekTotal
from mit_desktop.ui.history.text import tr

log = logging.getLogger(__name__)

DAY_S = 86_400
BAR_COLOUR = QColor("#3f6fb5")
BEFORE_COLOUR = QColor("#5b5b73")
AFTER_COLOUR = QColor("#c2571a")

Series = dict[str, tuple[list[float], list[float]]]


def day_x(day: dt.date) -> float:
    """A day's position on a date axis: noon UTC of that calendar date, in epoch seconds."""
    return float((day - dt.date(1970, 1, 1)).days * DAY_S + DAY_S // 2)


class _Chart(pg.PlotWidget):
    """A read-only plot with a date axis, large ticks and no mouse interaction."""

    def __init__(self, parent: QWidget | None, y_label: str) -> None:
        super().__init__(parent, background="w",
                         axisItems={"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=0)})
        self.series: Series = {}
        self.setMinimumHeight(max(220, self.fontMetrics().height() * 11))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # (its drawing surface too: Tab once stopped on it, unnamed and without a focus ring;
        # the text under each chart says what it shows)
        self.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        item = self.getPlotItem()
        item.showGrid(x=False, y=True, alpha=0.25)
        self._y_label = y_label
        self.apply_font(self.font())

    def apply_font(self, font: QFont) -> None:
        """Use ``font`` for ticks and labels (follows the program's text size)."""
        item = self.getPlotItem()
        size = f"{font.pointSizeF():.0f}pt"
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setTickFont(font)
            axis.setTextPen(pg.mkPen("#222222"))
            axis.setPen(pg.mkPen("#444444"))
            axis.setStyle(hideOverlappingLabels=False)  # keep 0 and 10 at the ends
        item.getAxis("left").setLabel(self._y_label, **{"font-size": size, "color": "#222222"})
        item.getAxis("left").setWidth(int(font.pointSizeF() * 4.5) + 20)
        item.getAxis("bottom").setHeight(int(QFontMetrics(font).height() * 2.2))

    def _x_range(self, first: dt.date, last: dt.date) -> None:
        self.setXRange(day_x(first) - DAY_S * 0.6, day_x(last) + DAY_S * 0.6, padding=0)


class MinutesChart(_Chart):
    """Listened minutes per day or per week, as bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, tr("Minutes"))
        self.setAccessibleName(tr("Chart of minutes practiced"))

    def show_days(self, totals: Sequence[DayTotal]) -> None:
        """One bar per day (days without practice have no bar)."""
        xs = [day_x(t.day) for t in totals]
        ys = [t.listened_ms / 60_000 for t in totals]
        self._draw(xs, ys, width=DAY_S * 0.75, key="minutes_per_day")
        if totals:
            self._x_range(totals[0].day, totals[-1].day)
        total = sum(ys)
        days = sum(1 for y in ys if y > 0)
        self.setAccessibleDescription(
            tr("{total} minutes on {days} days").format(total=round(total), days=days))

    def show_weeks(self, weeks: Sequence[WeekTotal]) -> None:
        """One bar per ISO week, centred on the week."""
        xs = [day_x(w.week_start) + 3 * DAY_S for w in weeks]
        ys = [w.listened_ms / 60_000 for w in weeks]
        self._draw(xs, ys, width=DAY_S * 5.5, key="minutes_per_week")
        if weeks:
            self._x_range(weeks[0].week_start, weeks[-1].week_start + dt.timedelta(days=6))
        self.setAccessibleDescription(
            tr("{total} minutes over {count} weeks").format(total=round(sum(ys)), count=len(ys)))

    def _draw(self, xs: list[float], ys: list[float], width: float, key: str) -> None:
        self.clear()
        self.series = {key: (xs, ys)}
        if xs:
            self.addItem(pg.BarGraphItem(x=xs, height=ys, width=width,
                                         brush=pg.mkBrush(BAR_COLOUR), pen=pg.mkPen(None)))
        top = max(10.0, math.ceil(max(ys, default=0.0) / 10) * 10)
        self.setYRange(-top * 0.06, top * 1.06, padding=0)  # room for the end labels


class RatingChart(_Chart):
    """Mood or stress (0–10) before and after each practice that has both ratings."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        if kind not in ("mood", "stress"):
            raise ValueError("a rating chart shows 'mood' or 'stress'")
        self.kind = kind
        super().__init__(parent, tr("Mood (0-10)") if kind == "mood" else tr("Stress (0-10)"))
        self.setAccessibleName(tr("Chart of mood before and after practice") if kind == "mood"
                               else tr("Chart of stress before and after practice"))
        self.getPlotItem().getAxis("left").setTicks([[(v, str(v)) for v in range(0, 11, 2)]])

    def show_changes(self, changes: Sequence[MoodChange], first: dt.date, last: dt.date) -> None:
        """Plot the before/after pairs of ``changes`` on the days from ``first`` to ``last``.

        Practices on the same day are spread a little across that day so their
        points do not hide each other.
        """
        self.clear()
        xs, before, after = [], [], []
        per_day: dict[dt.date, int] = {}
        counts: dict[dt.date, int] = {}
        for change in changes:
            counts[change.day] = counts.get(change.day, 0) + 1
        for change in changes:
            b, a = self._pair(change)
            if b is None or a is None:
                continue
            index = per_day.get(change.day, 0)
            per_day[change.day] = index + 1
            n = counts[change.day]
            offset = 0.0 if n == 1 else (index / (n - 1) - 0.5) * DAY_S * 0.6
            xs.append(day_x(change.day) + offset)
            before.append(float(b))
            after.append(float(a))
        self.series = {f"{self.kind}_before": (xs, before), f"{self.kind}_after": (xs, after)}
        if xs:
            seg_x = [x for x in xs for _ in (0, 1)]
            seg_y = [v for pair in zip(before, after, strict=True) for v in pair]
            self.plot(seg_x, seg_y, connect="pairs", pen=pg.mkPen("#9a9aa8", width=2))
            self.plot(xs, before, pen=None, symbol="o", symbolSize=13,
                      symbolPen=pg.mkPen(BEFORE_COLOUR, width=2.5), symbolBrush=pg.mkBrush("w"))
            self.plot(xs, after, pen=None, symbol="t1", symbolSize=15,
                      symbolPen=pg.mkPen(AFTER_COLOUR, width=1.5),
                      symbolBrush=pg.mkBrush(AFTER_COLOUR))
        self._x_range(first, last)
        self.setYRange(-0.9, 10.9, padding=0)  # room for the 0 and 10 labels
        self.setAccessibleDescription(rating_summary(self.kind, before, after))

    def _pair(self, change: MoodChange) -> tuple[int | None, int | None]:
        if self.kind == "mood":
            return change.mood_before, change.mood_after
        return change.stress_before, change.stress_after


def legend_html() -> str:
    """The key to the rating charts, as rich text for a label: shape and colour, and words."""
    before = html.escape(tr("before practice"))
    after = html.escape(tr("after practice"))
    return (f'<span style="color:{BEFORE_COLOUR.name()}; font-size: large;">\u25cb</span> '
            f"{before} &nbsp;&nbsp;&nbsp; "
            f'<span style="color:{AFTER_COLOUR.name()}; font-size: large;">\u25b2</span> {after}')


def rating_summary(kind: str, before: Sequence[float], after: Sequence[float]) -> str:
    """A plain sentence about the average change, e.g. "… 1.5 points higher after practice"."""
    if not before:
        return (tr("No mood ratings before and after practice in these dates.") if kind == "mood"
                else tr("No stress ratings before and after practice in these dates."))
    mean = sum(a - b for b, a in zip(before, after, strict=True)) / len(before)
    count = str(len(before))
    if abs(mean) < 0.05:
        text = (tr("Over {count} practices, mood was on average the same after practice.")
                if kind == "mood" else
                tr("Over {count} practices, stress was on average the same after practice."))
        return text.format(count=count)
    if kind == "mood":
        text = (tr("Over {count} practices, mood was on average {points} points higher after "
                   "practice.")
                if mean > 0 else
                tr("Over {count} practices, mood was on average {points} points lower after "
                   "practice."))
    else:
        text = (tr("Over {count} practices, stress was on average {points} points lower after "
                   "practice.")
                if mean < 0 else
                tr("Over {count} practices, stress was on average {points} points higher after "
                   "practice."))
    return text.format(count=count, points=f"{abs(mean):.1f}")


def chart_image(chart: _Chart, width: int, height: int) -> QImage:
    """Render ``chart`` (shown or not) to a ``width`` × ``height`` image with pyqtgraph's exporter.

    The chart is laid out at half that size and exported at twice the scale, so
    its text stays readable when the picture is printed at page width.
    """
    from pyqtgraph.exporters import ImageExporter

    chart.resize(width // 2, height // 2)
    chart.getPlotItem().resize(width / 2, height / 2)
    exporter = ImageExporter(chart.getPlotItem())
    exporter.parameters()["width"] = int(width)
    exporter.parameters()["background"] = QColor("white")
    image = exporter.export(toBytes=True)
    if not isinstance(image, QImage) or image.isNull():
        raise RuntimeError("the chart could not be drawn")
    return image
