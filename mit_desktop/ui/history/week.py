"""The week strip: this week's seven days, practiced days marked, in gentle words.

A practiced day shows a tick *and* a green tile; a day without practice shows
an open circle on a light tile; days still to come show a dash. Colour is never
the only signal, and every day has an accessible name ("Tuesday 3 March:
practiced, 22 minutes"). The summary counts full practices against the program's aim
("2 of 5 full practices this week", :mod:`mit_desktop.practice.dose`) without streaks or warnings.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mit_desktop.history.stats import DayTotal, WeekProgress
from mit_desktop.practice.dose import Dose
from mit_desktop.ui.history.text import long_date, minutes_text, qdate, tr

log = logging.getLogger(__name__)

PRACTICED_MARK = "\u2713"  # ✓
OPEN_MARK = "\u25cb"  # ○
FUTURE_MARK = "\u2013"  # –

# text 7:1 or more on its tile (AAA, so the high-contrast theme needs no other colours)
_STYLES = {
    "practiced": "background: #1b5e20; color: white; border: 2px solid #0d3b12;",
    "open": "background: #f1f1ee; color: #333333; border: 2px solid #c8c8c0;",
    "future": "background: #fafaf8; color: #555555; border: 2px dashed #8c8c84;",
}


def week_summary(progress: WeekProgress, dose: Dose) -> str:
    """"2 of 5 full practices this week, on 3 days"."""
    text = (tr("{full} of {target} full practices this week, on 1 day")
            if progress.days_practiced == 1
            else tr("{full} of {target} full practices this week, on {days} days"))
    return text.format(full=dose.full, target=dose.target, days=progress.days_practiced)


def week_encouragement(progress: WeekProgress, dose: Dose) -> str:
    """One kind sentence about the week, never a warning. The aim is reached only with
    full practices (a program practice heard for 15 minutes or more), never with BAM or
    short ones."""
    if dose.met_target:
        return tr("You have reached this week's aim. Well done.")
    if progress.practiced_today:
        return tr("You practiced today. Every practice counts.")
    if progress.days_practiced == 0:
        return tr("A new week. A practice is here whenever you are ready.")
    return tr("Every practice counts, even a short one.")


class DayTile(QLabel):
    """One day of the strip: weekday, date number and a mark."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("Wed") + 24)
        self.state = "open"
        self.mark = OPEN_MARK

    def show_day(self, total: DayTotal, today: dt.date) -> None:
        """Show ``total``'s day as practiced, not practiced, or still to come."""
        day = total.day
        if total.listened_ms > 0:
            self.state, self.mark = "practiced", PRACTICED_MARK
            status = tr("practiced, {minutes}").format(minutes=minutes_text(total.listened_ms))
        elif day > today:
            self.state, self.mark = "future", FUTURE_MARK
            status = tr("still to come")
        else:
            self.state, self.mark = "open", OPEN_MARK
            status = tr("no practice")
        weekday = qdate(day).toString("ddd")
        border = " border-width: 4px;" if day == today else ""
        self.setStyleSheet(f"QLabel {{ {_STYLES[self.state]}{border} border-radius: 8px;"
                           " padding: 6px; }")
        self.setText(f"{weekday}\n{day.day}\n{self.mark}")
        today_note = tr(" (today)") if day == today else ""
        self.setAccessibleName(f"{long_date(day)}{today_note}: {status}")
        self.setToolTip(self.accessibleName())


class WeekStrip(QFrame):
    """Seven :class:`DayTile` s and the week's summary sentence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(tr("This week"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.summary_label = QLabel(self)
        bold = QFont(self.font())
        bold.setPointSizeF(self.font().pointSizeF() * 1.25)
        bold.setBold(True)
        self.summary_label.setFont(bold)
        self.summary_label.setWordWrap(True)
        self.detail_label = QLabel(self)
        self.detail_label.setWordWrap(True)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.tiles = [DayTile(self) for _ in range(7)]
        for tile in self.tiles:
            row.addWidget(tile, 1)
        outer.addWidget(self.summary_label)
        outer.addLayout(row)
        outer.addWidget(self.detail_label)

    def show_week(self, days: list[DayTotal], progress: WeekProgress, dose: Dose) -> None:
        """Show the seven ``days`` (Monday first), the week's ``progress`` and its ``dose``
        (full practices against the aim)."""
        if len(days) != 7:
            raise ValueError("a week strip shows exactly seven days")
        for tile, total in zip(self.tiles, days, strict=True):
            tile.show_day(total, progress.today)
        self.summary_label.setText(week_summary(progress, dose))
        minutes = minutes_text(progress.listened_ms)
        self.detail_label.setText(
            tr("{minutes} of practice this week. {week_encouragement}").format(
                minutes=minutes, week_encouragement=week_encouragement(progress, dose)))
        self.summary_label.setAccessibleName(self.summary_label.text())
