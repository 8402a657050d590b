"""Settings › Program: the day the program starts (week 1 begins), which week that makes
today, and a module a therapist assigns to a week in place of the program's. The week
maths is :mod:`mit_desktop.practice.program_weeks`; the plan is stored per profile
(``HistoryStore.program_plan``)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QWidget,
)

from mit_desktop.content.measures import load_instruments
from mit_desktop.content.program import load_program
from mit_desktop.history.measures import MeasureSchedule
from mit_desktop.history.program_plan import MAX_WEEK, ProgramPlan
from mit_desktop.history.timeutil import local_day_of
from mit_desktop.practice.measures_due import schedules_for
from mit_desktop.practice.program_weeks import program_week, week_days
from mit_desktop.ui.access import speak_date_time
from mit_desktop.ui.history.text import long_date
from mit_desktop.ui.widgets import busy_cursor, button, label, named

if TYPE_CHECKING:
    from mit_desktop.ui.context import AppContext

log = logging.getLogger(__name__)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ProgramSettings(QWidget):
    """The "Program" rows of the Settings page, laid into `form`. ``changed`` after a save."""

    changed = Signal()
    message = Signal(str)

    def __init__(self, ctx: AppContext, form: QFormLayout, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.hide()  # only a holder: its widgets live in the form
        self.plan: ProgramPlan | None = None
        self.today = dt.date.today()
        program = load_program()
        self.weeks = program.weeks
        self.course = [e for e in program.entries if e.week is not None]

        self.start = QDateEdit(parent)
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("d MMMM yyyy")
        start_label = label(self.tr("The program starts on:"), None, parent)
        start_label.setBuddy(self.start)
        about = self.tr("Week 1 begins on this day; each week is seven days from it, so a "
                        "group that meets on Wednesdays changes week on Wednesdays.")
        named(self.start, self.tr("The program starts on"), about)
        speak_date_time(self.start, about)
        form.addRow(start_label, self.start)
        row = QHBoxLayout()
        self.set_button = button(self.tr("Set the start"), self.tr("Set the start"),
                                 self.tr("Follow the program week by week from this day."),
                                 None, parent)
        self.set_button.clicked.connect(self._set_start)
        self.clear_button = button(self.tr("No start date"), self.tr("No start date"),
                                   self.tr("Stop following the weeks: Today offers the "
                                           "practices in program order."), None, parent)
        self.clear_button.clicked.connect(lambda: self._save_start(None))
        row.addWidget(self.set_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        form.addRow(row)
        self.status = label("", None, parent)
        named(self.status, self.tr("Program week"))
        form.addRow(self.status)

        self.week = QSpinBox(parent)
        self.week.setRange(1, MAX_WEEK)
        self.week.valueChanged.connect(self._show_assignment)
        week_label = label(self.tr("Week:"), None, parent)
        week_label.setBuddy(self.week)
        named(self.week, self.tr("Week"), self.tr("The program week to choose a practice for."))
        form.addRow(week_label, self.week)
        self.module = QComboBox(parent)
        # as wide as the form gives it, not as its longest practice name: at 200 % text that
        # pushed the Settings page into sideways scrolling
        self.module.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.module.setMinimumContentsLength(12)
        self.module.activated.connect(self._assign)
        module_label = label(self.tr("Practice for that week:"), None, parent)
        module_label.setBuddy(self.module)
        named(self.module, self.tr("Practice for that week"),
              self.tr("For a therapist: the practice Today offers through that week, in place "
                      "of the program's."))
        form.addRow(module_label, self.module)
        # the program's own practices for the week, in words that wrap (in the choice box
        # they were cut short at large text)
        self.program_label = label("", "muted", parent)
        form.addRow(self.program_label)
        self.guide_button = button(self.tr("Facilitator guide for this week…"),
                                   self.tr("Facilitator guide for this week"),
                                   self.tr("For group leaders: save a printable guide to the "
                                           "chosen week (its practice, what it trains, timings, "
                                           "discussion prompts and the safety steps), as a PDF "
                                           "or a web page."), None, parent)
        self.guide_button.clicked.connect(self._choose_guide_file)
        form.addRow(self.guide_button)
        self.guide_label = label("", "muted", parent)
        form.addRow(self.guide_label)
        self.guide_label.hide()
        self._build_schedule(form, parent)

    def _build_schedule(self, form: QFormLayout, parent: QWidget) -> None:
        """When Today offers each questionnaire (a therapist may change it)."""
        self.schedules: dict[str, MeasureSchedule] = {}
        self.instrument = QComboBox(parent)
        for instrument in load_instruments():
            self.instrument.addItem(f"{instrument.short_name} ({instrument.measures})",
                                    instrument.id)
        self.instrument.currentIndexChanged.connect(self._show_schedule)
        instrument_label = label(self.tr("Questionnaire:"), None, parent)
        instrument_label.setBuddy(self.instrument)
        named(self.instrument, self.tr("Questionnaire"),
              self.tr("For a therapist: choose a questionnaire to say when Today offers it."))
        form.addRow(instrument_label, self.instrument)
        self.at_start = QCheckBox(self.tr("At the start of the program"), parent)
        named(self.at_start, self.tr("Offer it at the start of the program"),
              self.tr("Today offers it until it is first answered."))
        self.every_weeks = QSpinBox(parent)
        self.every_weeks.setRange(0, 52)
        self.every_weeks.setSpecialValueText(self.tr("Not weekly"))
        self.every_weeks.setPrefix(self.tr("every "))
        self.every_weeks.setSuffix(self.tr(" weeks"))
        every_label = label(self.tr("During the program:"), None, parent)
        every_label.setBuddy(self.every_weeks)
        named(self.every_weeks, self.tr("During the program, every how many weeks"),
              self.tr("1 is every week; 0 is not during the program."))
        self.at_end = QCheckBox(self.tr("At the end of the program"), parent)
        named(self.at_end, self.tr("Offer it at the end of the program"),
              self.tr("Today offers it in the program's last week."))
        form.addRow(self.at_start)
        form.addRow(every_label, self.every_weeks)
        form.addRow(self.at_end)
        self.schedule_status = label("", "muted", parent)
        form.addRow(self.schedule_status)
        self.at_start.toggled.connect(self._save_schedule)
        self.at_end.toggled.connect(self._save_schedule)
        self.every_weeks.valueChanged.connect(self._save_schedule)

    # -- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        store, pid = self.ctx.store, self.ctx.profile_id

        def read() -> tuple[ProgramPlan, dt.date, dict[str, MeasureSchedule]]:
            settings = store.settings(pid)
            now = dt.datetime.now().astimezone()
            return (store.program_plan(pid), local_day_of(now, settings.day_boundary_min),
                    store.measure_schedules(pid))

        self.ctx.db(read, self._show, lambda exc: self.message.emit(str(exc)))

    def _show(self, loaded: tuple[ProgramPlan, dt.date, dict[str, MeasureSchedule]]) -> None:
        self.plan, self.today, changed = loaded
        ids = [self.instrument.itemData(i) for i in range(self.instrument.count())]
        self.schedules = {s.instrument: s for s in schedules_for(ids, changed)}
        self._show_schedule()
        start = self.plan.start_day
        self.start.setDate(_qdate(start or self.today))
        self.clear_button.setEnabled(start is not None)
        self.status.setText(self.status_text())
        week = program_week(start, self.today) if start else 0
        self.week.blockSignals(True)
        self.week.setValue(max(1, week))
        self.week.blockSignals(False)
        self._show_assignment()

    def status_text(self) -> str:
        """Which program week today is, in words."""
        start = self.plan.start_day if self.plan else None
        if start is None:
            return self.tr("No start date: Today offers the practices in program order.")
        week = program_week(start, self.today)
        if week == 0:
            return self.tr("The program starts on {day}.").format(day=long_date(start))
        first, last = week_days(start, week)
        days = self.tr("{first} to {last}").format(first=long_date(first), last=long_date(last))
        if week > self.weeks:
            return self.tr("Week {n} ({days}): the {w} weeks of the program are done.").format(
                n=week, days=days, w=self.weeks)
        return self.tr("Today is in week {n} of {w} ({days}).").format(n=week, w=self.weeks,
                                                                      days=days)

    def _show_assignment(self) -> None:
        week = self.week.value()
        own = [e.title for e in self.course if e.week == week]
        self.module.clear()
        self.module.addItem(self.tr("The program's practice") if own
                            else self.tr("The program's (the one not done for longest)"), None)
        self.program_label.setText(
            self.tr("The program's practice for week {n}: {titles}.").format(
                n=week, titles=", ".join(own)) if own else "")
        self.program_label.setVisible(bool(own))
        for entry in self.course:
            self.module.addItem(entry.title, entry.module)
        assigned = self.plan.assignments.get(week) if self.plan else None
        self.module.setCurrentIndex(max(0, self.module.findData(assigned)) if assigned else 0)

    def _show_schedule(self) -> None:
        schedule = self.schedules.get(self.instrument.currentData())
        if schedule is None:
            return
        self._showing = True
        self.at_start.setChecked(schedule.at_start)
        self.every_weeks.setValue(schedule.every_weeks)
        self.at_end.setChecked(schedule.at_end)
        self._showing = False

    # -- saving --------------------------------------------------------------------------

    def _save_schedule(self) -> None:
        if getattr(self, "_showing", False):
            return
        instrument = self.instrument.currentData()
        schedule = MeasureSchedule(instrument, self.at_start.isChecked(),
                                   self.every_weeks.value(), self.at_end.isChecked())
        if self.schedules.get(instrument) == schedule:
            return
        self.schedules[instrument] = schedule
        store, pid = self.ctx.store, self.ctx.profile_id
        self._write(lambda: store.set_measure_schedule(pid, schedule),
                    self.tr("{name}: schedule saved.").format(
                        name=self.instrument.currentText()))

    def _set_start(self) -> None:
        d = self.start.date()
        self._save_start(dt.date(d.year(), d.month(), d.day()))

    def _save_start(self, day: dt.date | None) -> None:
        store, pid = self.ctx.store, self.ctx.profile_id
        self._write(lambda: store.set_program_start(pid, day),
                    self.tr("The program starts on {day}.").format(day=long_date(day)) if day
                    else self.tr("The program no longer follows a start date."))

    def _assign(self) -> None:
        store, pid = self.ctx.store, self.ctx.profile_id
        week, module = self.week.value(), self.module.currentData()
        self._write(lambda: store.assign_module(pid, week, module),
                    self.tr("Week {n}: {title}.").format(n=week, title=self.module.currentText()))

    def guide_week(self) -> int:
        """The program week the guide is for: the chosen week, within the program."""
        return min(max(1, self.week.value()), self.weeks)

    def _choose_guide_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from mit_desktop.content.facilitator_guide import guide_file_name

        week = self.guide_week()
        suggested = str(Path.home() / f"{guide_file_name(week)}.pdf")
        path, chosen = QFileDialog.getSaveFileName(
            self.guide_button, self.tr("Save the facilitator guide"), suggested,
            self.tr("PDF files (*.pdf);;Web pages (*.html)"))
        if path:
            if not path.lower().endswith((".pdf", ".html", ".htm")):
                path += ".html" if "html" in chosen else ".pdf"
            self.save_guide(Path(path))

    def save_guide(self, path: Path) -> Path | None:
        """Write the chosen week's facilitator guide to `path` (``.pdf``, else HTML), with
        the crisis numbers of the profile's region; say how it went."""
        from mit_desktop.content.datafiles import ProgramDataError
        from mit_desktop.content.facilitator_guide import build_guide, render_html
        from mit_desktop.fsutil import atomic_write_text
        from mit_desktop.session.errors import SessionError
        from mit_desktop.ui.guide_pdf import write_guide_pdf

        week = self.guide_week()
        try:
            guide = build_guide(week, self.ctx.profile.region)
            text = render_html(guide, self.today)
            if path.suffix.lower() == ".pdf":
                with busy_cursor():
                    write_guide_pdf(text, self.tr("Facilitator guide, week {n}").format(n=week),
                                    path)
            else:
                atomic_write_text(path, text)
        except (ValueError, ProgramDataError, SessionError, OSError) as exc:
            log.warning("guide not saved: %s", exc)
            self.guide_label.setText(self.tr("The guide could not be saved: {why}").format(
                why=exc.strerror if isinstance(exc, OSError) and exc.strerror else exc))
            self.guide_label.show()
            return None
        self.guide_label.setText(self.tr("Guide for week {n} saved: {path}").format(
            n=week, path=path))
        self.guide_label.show()
        return path

    def _write(self, fn: Callable[[], object], ok: str) -> None:
        def done(_result: object) -> None:
            self.message.emit(ok)
            self.changed.emit()
            self.refresh()

        self.ctx.db(fn, done, lambda exc: self.message.emit(str(exc)))
