# Over 400 lines: the History screen's layout and the wiring of its panels (the panels are their own modules).
"""The history screen: this week, minutes, mood and stress, the reflection diary, body maps.

``HistoryView(store, profile_id)`` is a scrollable page the main window embeds.
Every number comes from ``mit_desktop.history.stats`` (SQL in the core):
:meth:`HistoryView.refresh` reads them in one job on the database lane (``run_db``:
``reading.read_history``), a fixed handful of queries per refresh, never one per row, and
redraws when they are back.

Layout, top to bottom: a heading with "Log a practice"; the week strip; the
date range (presets or chosen dates) that the charts, the diary and the
body-map summary share; minutes per day or week; mood and stress before and
after practice, each with a sentence saying what the chart shows; the
reflection diary with its filters; the average body map of a feeling.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.history.diary import DiaryEntry
from mit_desktop.history.errors import HistoryError
from mit_desktop.history.store import HistoryStore
from mit_desktop.ui.access import speak_date_time
from mit_desktop.ui.history.aggregate import AggregatePanel
from mit_desktop.ui.history.charts import MinutesChart, RatingChart, legend_html, rating_summary
from mit_desktop.ui.history.data import SessionCatalog, load_catalog
from mit_desktop.ui.history.diary import PAGE_SIZE, BodyMapDialog, DiaryPanel
from mit_desktop.ui.history.manual import ManualPracticeDialog
from mit_desktop.ui.history.reading import (
    PRESET_WEEKS,
    Asked,
    Reading,
    read_diary,
    read_history,
    read_minutes,
)
from mit_desktop.ui.history.report import lay_out_report, write_report_pdf
from mit_desktop.ui.history.report_data import ReportData, read_report
from mit_desktop.ui.history.safety import event_text
from mit_desktop.ui.history.text import long_date, pydate, qdate, tr
from mit_desktop.ui.history.week import WeekStrip
from mit_desktop.ui.widgets import busy_cursor, scroll_page
from mit_desktop.ui.workers import DbRunner, run_here

log = logging.getLogger(__name__)

class HistoryView(QWidget):
    """One profile's practice history (see module docstring).

    ``practiceLogged(practice_id)`` is emitted after a manual practice was saved.
    """

    practiceLogged = Signal(int)
    bundleImported = Signal()  # a bundle was imported (a client's profile may be new)

    def __init__(self, store: HistoryStore, profile_id: int, parent: QWidget | None = None,
                 *, catalog: SessionCatalog | None = None, run_db: DbRunner = run_here) -> None:
        super().__init__(parent)
        self.store = store
        self.run_db = run_db  # writes (a logged practice) go through the database thread
        self.profile_id = profile_id
        self.base_catalog = catalog if catalog is not None else load_catalog()
        self.catalog = self.base_catalog
        self.diary_limit = PAGE_SIZE
        self.manual_dialog: ManualPracticeDialog | None = None
        self.map_dialog: BodyMapDialog | None = None
        self._updating = False
        self._seq = 0  # the newest refresh asked for
        self._range_pending = False  # a preset was chosen: its dates come with the reading
        self._shown_profile: int | None = None  # whose reading is on screen
        self._shown_name = ""
        self._today = dt.date.today()  # the profile's today, from the newest reading
        self.setAccessibleName(tr("Practice history"))

        self.scroll_area, page, self.page_layout = scroll_page(self, tr("Practice history"),
                                                          margins=(24, 16, 24, 24), spacing=14)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)
        self._build_header(page)
        self.week_strip = WeekStrip(page)
        self.page_layout.addWidget(self.week_strip)
        self._build_range(page)
        self._build_charts(page)
        self._heading(page, tr("Questionnaires"))
        self.measures_box = QWidget(page)
        self.measures_layout = QVBoxLayout(self.measures_box)
        self.measures_layout.setContentsMargins(0, 0, 0, 0)
        self.measures_label = QLabel(page)
        self.measures_label.setWordWrap(True)
        self.measures_charts: list[QWidget] = []
        self.page_layout.addWidget(self.measures_box)
        self.page_layout.addWidget(self.measures_label)
        self._heading(page, tr("Times you needed to stop, and help offered"))
        self.safety_label = QLabel(page)
        self.safety_label.setWordWrap(True)
        self.safety_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # its text is its name (a fixed name hid it from a screen reader); what it is, its
        # description
        self.safety_label.setAccessibleDescription(tr("Times you needed to stop, and help "
                                                      "offered"))
        self.page_layout.addWidget(self.safety_label)
        self.error_label = QLabel(page)
        self.error_label.setWordWrap(True)
        self.error_label.setProperty("role", "error")  # the theme's colour (high contrast too)
        self.error_label.hide()
        self.page_layout.addWidget(self.error_label)
        self._heading(page, tr("Reflection diary"))
        self.diary = DiaryPanel(page)
        self.diary.open_map = self.open_body_map
        self.diary.filtersChanged.connect(self._diary_filters_changed)
        self.diary.moreRequested.connect(self._more_diary)
        self.page_layout.addWidget(self.diary)
        self._heading(page, tr("Body maps by feeling"))
        self.aggregate_panel = AggregatePanel(page, run_db=run_db)
        self.page_layout.addWidget(self.aggregate_panel)
        self.page_layout.addStretch(1)
        self._apply_preset("4w")
        self.refresh()

    # --- building ---------------------------------------------------------------
    def _heading(self, parent: QWidget, text: str, scale: float = 1.3) -> QLabel:
        label = QLabel(text, parent)
        font = QFont(self.font())
        font.setPointSizeF(self.font().pointSizeF() * scale)
        font.setBold(True)
        label.setFont(font)
        label.setWordWrap(True)
        self.page_layout.addWidget(label)
        return label

    def _build_header(self, page: QWidget) -> None:
        row = QHBoxLayout()
        self.title_label = QLabel(tr("Your practice"), page)
        font = QFont(self.font())
        font.setPointSizeF(self.font().pointSizeF() * 1.6)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        row.addWidget(self.title_label, 1)
        self.page_layout.addLayout(row)
        self.log_button = QPushButton(tr("Add a practice done away from the computer"), page)
        self.log_button.setAccessibleName(tr("Add a practice done away from the computer"))
        self.log_button.setAccessibleDescription(self._log_help())
        self.log_button.setMinimumHeight(48)
        self.log_button.clicked.connect(self.open_manual_log)
        self.page_layout.addWidget(self.log_button, 0, Qt.AlignmentFlag.AlignLeft)
        # a therapist's copy of a client's practice (imported from bundles) is read-only
        self.read_only_label = QLabel(page)
        self.read_only_label.setWordWrap(True)
        self.read_only_label.hide()
        self.page_layout.addWidget(self.read_only_label)
        self.therapist_copy = False

    def _build_range(self, page: QWidget) -> None:
        self._heading(page, tr("Your practice over time"))
        row = QHBoxLayout()
        row.setSpacing(10)
        self.range_combo = QComboBox(page)
        self.range_combo.setAccessibleName(tr("Which dates to show"))
        self.range_combo.setAccessibleDescription(tr("Choose which dates the charts, texts and "
                                                     "reflections below show."))
        for key, text in (("4w", tr("The last 4 weeks")), ("3m", tr("The last 3 months")),
                          ("12m", tr("The last 12 months")), ("all", tr("All my practice")),
                          ("custom", tr("Dates I choose"))):
            self.range_combo.addItem(text, key)
        self.range_combo.currentIndexChanged.connect(self._preset_chosen)
        self.from_edit = QDateEdit(page)
        self.from_edit.setAccessibleName(tr("Show from this date"))
        self.to_edit = QDateEdit(page)
        self.to_edit.setAccessibleName(tr("Show up to this date"))
        for edit, about in (
                (self.from_edit, tr("The first day shown. Up and down arrows change the date.")),
                (self.to_edit, tr("The last day shown. Up and down arrows change the date."))):
            speak_date_time(edit, about)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.dateChanged.connect(self._dates_edited)
        for widget in (self.range_combo, self.from_edit, self.to_edit):
            widget.setMinimumHeight(40)
        show = QLabel(tr("Show:"), page)
        show.setBuddy(self.range_combo)
        row.addWidget(show)
        row.addWidget(self.range_combo)
        row.addStretch(1)
        self.page_layout.addLayout(row)
        row = QHBoxLayout()
        row.setSpacing(10)
        from_label = QLabel(tr("From"), page)
        from_label.setBuddy(self.from_edit)
        row.addWidget(from_label)
        row.addWidget(self.from_edit)
        to_label = QLabel(tr("to"), page)
        to_label.setBuddy(self.to_edit)
        row.addWidget(to_label)
        row.addWidget(self.to_edit)
        row.addStretch(1)
        self.page_layout.addLayout(row)
        self.report_button = QPushButton(tr("Save a report of these dates (PDF)…"), page)
        self.report_button.setAccessibleName(tr("Save a report of these dates as a PDF file"))
        self.report_button.setAccessibleDescription(tr("Save these dates as a PDF file you can "
                                                       "print or bring to your therapist."))
        self.report_button.setMinimumHeight(44)
        self.report_button.clicked.connect(self.choose_report_file)
        self.page_layout.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.export_button = QPushButton(tr("Export this history (CSV or JSON)…"), page)
        self.export_button.setAccessibleName(tr("Export this profile's whole history"))
        self.export_button.setToolTip(tr("Every practice, reflection, check-in and body map "
                                         "of this profile, for a therapist or a spreadsheet."))
        self.export_button.setAccessibleDescription(self.export_button.toolTip())
        self.export_button.setMinimumHeight(44)
        self.export_button.clicked.connect(self.choose_export_file)
        self.page_layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.bundle_button = QPushButton(tr("Bundle these dates for my therapist…"), page)
        self.bundle_button.setAccessibleName(tr("Save a practice bundle of these dates for "
                                                "your therapist"))
        self.bundle_button.setAccessibleDescription(tr(
            "One file with the practices, check-ins, reflections, body maps, questionnaires "
            "and times you needed to stop in these dates, for your therapist to open in MIT "
            "Desktop."))
        self.bundle_button.setToolTip(self.bundle_button.accessibleDescription())
        self.bundle_button.setMinimumHeight(44)
        self.bundle_button.clicked.connect(self.choose_bundle_file)
        self.page_layout.addWidget(self.bundle_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.import_button = QPushButton(tr("Import a client's bundle…"), page)
        self.import_button.setAccessibleName(tr("Import a client's practice bundle"))
        self.import_button.setAccessibleDescription(tr(
            "For a therapist: read a client's bundle into their profile. The same bundle twice "
            "adds nothing; a newer one adds only what is new."))
        self.import_button.setToolTip(self.import_button.accessibleDescription())
        self.import_button.setMinimumHeight(44)
        self.import_button.clicked.connect(self.choose_bundle_to_import)
        self.page_layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.report_label = QLabel(page)
        self.report_label.setWordWrap(True)
        self.report_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_label.setAccessibleName(tr("What happened to the report"))
        self.report_label.hide()
        self.page_layout.addWidget(self.report_label)

    def _build_charts(self, page: QWidget) -> None:
        row = QHBoxLayout()
        minutes_heading = QLabel(tr("Minutes of practice"), page)
        bold = QFont(self.font())
        bold.setBold(True)
        minutes_heading.setFont(bold)
        row.addWidget(minutes_heading, 1)
        self.period_combo = QComboBox(page)
        self.period_combo.setAccessibleName(tr("Minutes per day or per week"))
        self.period_combo.setAccessibleDescription(tr("Show the minutes of practice for each day "
                                                      "or added up for each week."))
        self.period_combo.addItem(tr("Per day"), "day")
        self.period_combo.addItem(tr("Per week"), "week")
        self.period_combo.setMinimumHeight(40)
        self.period_combo.currentIndexChanged.connect(self._refresh_minutes)
        row.addWidget(self.period_combo)
        self.page_layout.addLayout(row)
        self.minutes_chart = MinutesChart(page)
        self.page_layout.addWidget(self.minutes_chart)
        self.minutes_label = QLabel(page)
        self.minutes_label.setWordWrap(True)
        self.page_layout.addWidget(self.minutes_label)

        heading = QLabel(tr("Mood and stress, before and after each practice"), page)
        heading.setFont(bold)
        heading.setWordWrap(True)
        self.page_layout.addWidget(heading)
        self.legend_label = QLabel(legend_html(), page)
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.setAccessibleName(tr("Key: open circles are before practice, filled "
                                               "triangles after practice"))
        self.page_layout.addWidget(self.legend_label)
        self.mood_chart = RatingChart("mood", page)
        self.mood_label = QLabel(page)
        self.stress_chart = RatingChart("stress", page)
        self.stress_label = QLabel(page)
        for chart, label in ((self.mood_chart, self.mood_label),
                             (self.stress_chart, self.stress_label)):
            label.setWordWrap(True)
            self.page_layout.addWidget(chart)
            self.page_layout.addWidget(label)
        self.early_heading = QLabel(tr("Week by week: the change during practice"), page)
        self.early_heading.setFont(bold)
        self.page_layout.addWidget(self.early_heading)
        self.early_label = QLabel(page)
        self.early_label.setWordWrap(True)
        self.page_layout.addWidget(self.early_label)

    # --- date range ---------------------------------------------------------------
    def today(self) -> dt.date:
        """Today's local day with the profile's day boundary, as the newest reading found it
        (read on the database lane; the computer's date before the first reading)."""
        return self._today

    @property
    def loading(self) -> bool:
        """True until the reading of the current profile and of a date preset just chosen
        is on screen: the actions that use the dates or the profile's name wait for it."""
        return self._range_pending or self._shown_profile != self.profile_id

    def _show_loading(self) -> None:
        """Disable what would act on dates or a name not yet read ("Loading…" for a
        profile just chosen); enabled again when its reading is shown."""
        waiting = self.loading
        for widget in (self.from_edit, self.to_edit, self.report_button, self.export_button,
                       self.bundle_button, self.import_button):
            widget.setEnabled(not waiting)
        if self._shown_profile != self.profile_id:
            self.title_label.setText(tr("Loading…"))

    def date_range(self) -> tuple[dt.date, dt.date]:
        """The first and last day shown by the charts, the diary and the body-map summary."""
        return pydate(self.from_edit.date()), pydate(self.to_edit.date())

    def set_date_range(self, first: dt.date, last: dt.date) -> None:
        """Show ``first`` to ``last`` (chosen dates) and refresh."""
        if last < first:
            raise ValueError("the end of the range is before its start")
        self._range_pending = False
        self._set_dates(first, last)
        self._select_preset("custom")
        self.refresh()

    def _set_dates(self, first: dt.date, last: dt.date) -> None:
        self._updating = True
        try:
            self.to_edit.setMinimumDate(qdate(dt.date(2000, 1, 1)))
            self.from_edit.setDate(qdate(first))
            self.to_edit.setDate(qdate(last))
            self.to_edit.setMinimumDate(qdate(first))
        finally:
            self._updating = False

    def _select_preset(self, key: str) -> None:
        self._updating = True
        try:
            self.range_combo.setCurrentIndex(self.range_combo.findData(key))
        finally:
            self._updating = False

    def _apply_preset(self, key: str) -> None:
        """Choose the preset `key`; its dates (from the profile's today) are worked out on
        the database lane with the next :meth:`refresh`, and shown with its reading."""
        if key not in PRESET_WEEKS:
            return
        self._select_preset(key)
        self._range_pending = True
        self._show_loading()

    def _preset_chosen(self) -> None:
        if self._updating:
            return
        key = self.range_combo.currentData()
        if key != "custom":
            self._apply_preset(key)
            self.refresh()

    def _dates_edited(self) -> None:
        if self._updating:
            return
        first, last = self.date_range()
        self._range_pending = False
        self._set_dates(first, max(first, last))
        self._select_preset("custom")
        self.refresh()

    # --- profile and refresh --------------------------------------------------------
    def set_profile(self, profile_id: int) -> None:
        """Show another profile (filters reset to all, last 4 weeks)."""
        self.profile_id = profile_id
        self.diary_limit = PAGE_SIZE
        self.diary.set_filters(None, None, emit=False)
        self._apply_preset("4w")
        self.refresh()

    def refresh(self) -> None:
        """Read everything again from the store (on the database lane) and redraw."""
        self._seq += 1
        asked, store, catalog = self._asked(), self.store, self.base_catalog
        self.run_db(lambda: read_history(store, asked, catalog), self._show, self._read_failed)

    def _asked(self) -> Asked:
        """What the screen shows now (GUI thread), for a reading on the database lane."""
        first, last = self.date_range()
        preset = self.range_combo.currentData() if self._range_pending else "custom"
        return Asked(self.profile_id, first, last, self.period_combo.currentData() == "week",
                      self.diary.session_filter(), self.diary.module_filter(),
                      self.diary_limit, preset, self._seq)

    def _show(self, reading: Reading) -> None:
        asked = reading.asked
        if asked.profile_id != self.profile_id or asked.seq != self._seq:
            return  # another profile or dates were chosen since: their own reading follows
        if asked.preset != "custom":  # the preset's dates, worked out on the lane
            self._set_dates(asked.first, asked.last)
            self._updating = True
            try:
                self.period_combo.setCurrentIndex(1 if asked.by_week else 0)
            finally:
                self._updating = False
        self._range_pending = False
        self._shown_profile, self._shown_name, self._today = (asked.profile_id, reading.name,
                                                              reading.today)
        self._show_loading()
        self.title_label.setText(tr("Practice of {name}").format(name=reading.name))
        self._show_read_only(reading.name, reading.therapist_copy)
        self.catalog = reading.catalog
        self.diary.set_catalog(self.catalog)
        self.week_strip.show_week(*reading.week)
        if not self._updating:
            self._show_minutes(reading.asked, reading.minutes)
        self._show_moods(reading.asked, reading.changes, reading.plan_start)
        self._show_measures(reading.asked, reading.series)
        self._show_safety(reading.events, reading.boundary_min)
        self.diary.show_entries(*reading.diary)
        self.aggregate_panel.set_source(self.store, self.profile_id, reading.asked.first,
                                        reading.asked.last)
        self.error_label.hide()

    def _read_failed(self, exc: BaseException) -> None:
        """A reading failed: say why (the actions stay disabled until one succeeds, as they
        would act on dates or a profile not read)."""
        if self._shown_profile != self.profile_id:
            self.title_label.setText(tr("Your practice"))  # not "Loading…" for ever
        if not isinstance(exc, HistoryError):
            log.error("history view could not be refreshed", exc_info=exc)
            return
        log.warning("history view could not be refreshed: %s", exc)
        self.error_label.setText(str(exc))
        self.error_label.show()

    @staticmethod
    def _log_help() -> str:
        return tr("Write down a practice you did without the computer, with its date and "
                  "length.")

    def _show_read_only(self, name: str, therapist_copy: bool) -> None:
        """Say, and keep to it, that a therapist's copy of a client's practice is read-only."""
        self.therapist_copy = therapist_copy
        self.log_button.setEnabled(not self.therapist_copy)
        if self.therapist_copy:
            why = tr("This is your copy of {name}'s practice, imported from their bundles. It is "
                     "read-only: practices, notes, body maps and questionnaires cannot be "
                     "added, changed or deleted here, so it always shows exactly what {name} "
                     "recorded. A newer bundle from {name} brings anything new.").format(name=name)
            self.read_only_label.setText(why)
            self.read_only_label.setAccessibleName(why)
            self.log_button.setAccessibleDescription(why)
            self.log_button.setToolTip(why)
        else:
            self.log_button.setAccessibleDescription(self._log_help())
            self.log_button.setToolTip("")
        self.read_only_label.setVisible(self.therapist_copy)

    def _refresh_minutes(self) -> None:
        """(the period changed) Minutes per day or per week, read on the database lane."""
        if self._updating:
            return
        if self._range_pending:  # the preset's dates are not known yet: read everything
            self.refresh()
            return
        asked, store = self._asked(), self.store
        self.run_db(lambda: read_minutes(store, asked), lambda rows: self._show_minutes(
            asked, rows), self._read_failed)

    def _show_minutes(self, asked: Asked, rows: list[Any]) -> None:
        if asked.by_week:
            self.minutes_chart.show_weeks(rows)
        else:
            self.minutes_chart.show_days(rows)
        practices = sum(row.practices for row in rows)
        listened = sum(row.listened_ms for row in rows)
        text = (tr("{practices} practices, {minutes} minutes in all, from {first} to {last}.").format(
            practices=practices, minutes=round(listened / 60_000), first=long_date(asked.first),
            last=long_date(asked.last)))
        self.minutes_label.setText(text)

    def _show_moods(self, asked: Asked, all_changes: list[Any], start: dt.date | None) -> None:
        from mit_desktop.practice.early_response import summary_lines, weekly_response

        first, last = asked.first, asked.last
        changes = [c for c in all_changes if first <= c.day <= last]
        for chart, label in ((self.mood_chart, self.mood_label),
                             (self.stress_chart, self.stress_label)):
            chart.show_changes(changes, first, last)
            before, after = chart.series[f"{chart.kind}_before"][1], \
                chart.series[f"{chart.kind}_after"][1]
            label.setText(rating_summary(chart.kind, before, after))
        responses = [r for r in weekly_response(all_changes, start)
                     if r.week == 1 or r.last_day >= first and r.first_day <= last]
        self.early_label.setText("\n".join(summary_lines(responses)))

    def _show_measures(self, asked: Asked, series: list[Any]) -> None:
        """A chart with its bands, and a sentence, for each questionnaire in the dates."""
        from mit_desktop.practice.measures_history import series_summary
        from mit_desktop.ui.history.measures import bands_text, measure_charts

        for widget in self.measures_charts:
            self.measures_layout.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.measures_charts = []
        for each, chart in zip(series, measure_charts(series, asked.first, asked.last,
                                                      self.measures_box)):
            words = QLabel(series_summary(each) + "\n" + bands_text(each), self.measures_box)
            words.setWordWrap(True)
            for widget in (chart, words):
                self.measures_layout.addWidget(widget)
                self.measures_charts.append(widget)
        self.measures_label.setText("" if series else tr(
            "No questionnaires answered in these dates. Today offers them when the program "
            "asks for one."))
        self.measures_label.setVisible(not series)

    def _show_safety(self, events: list[Any], boundary_min: int) -> None:
        lines = [event_text(e, self.catalog, boundary_min) for e in events]
        self.safety_label.setText("\n".join(lines) if lines else
                                  tr("None in these dates. “I need to stop” and the help offered "
                                     "after a check-in are listed here."))

    def _refresh_diary(self) -> None:
        """(the filters changed, or more was asked for) The diary, read on the database lane."""
        if self._range_pending:  # the preset's dates are not known yet: read everything
            self.refresh()
            return
        asked, store, catalog = self._asked(), self.store, self.catalog
        self.run_db(lambda: read_diary(store, asked, catalog),
                    lambda diary: self.diary.show_entries(*diary), self._read_failed)

    def _diary_filters_changed(self) -> None:
        self.diary_limit = PAGE_SIZE
        self._refresh_diary()

    def _more_diary(self) -> None:
        self.diary_limit += PAGE_SIZE
        self._refresh_diary()

    # --- dialogs ---------------------------------------------------------------------
    def open_manual_log(self) -> ManualPracticeDialog:
        """Open the dialog for a practice done away from the computer (non-blocking)."""
        dialog = ManualPracticeDialog(self.store, self.profile_id, self.catalog, self,
                                      run_db=self.run_db)
        dialog.accepted.connect(lambda: self._manual_saved(dialog))
        dialog.setModal(True)
        self.manual_dialog = dialog
        dialog.open()
        return dialog

    def _manual_saved(self, dialog: ManualPracticeDialog) -> None:
        self.refresh()
        if dialog.practice_id is not None:
            self.practiceLogged.emit(dialog.practice_id)

    def choose_report_file(self) -> None:
        """Ask where to save the PDF report of the shown dates, then save it."""
        if self.loading:
            return
        first, last = self.date_range()
        name = self._shown_name
        suggested = str(Path.home() / f"{name} {first.isoformat()} to {last.isoformat()}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the report"), suggested,
                                              tr("PDF files (*.pdf)"))
        if path:
            self.save_report(Path(path if path.lower().endswith(".pdf") else path + ".pdf"))

    def choose_export_file(self) -> None:
        """Ask where to export this profile's history (CSV in a zip, or JSON), then do it."""
        from mit_desktop.ui.history.export import ask_path, export_history, suggested_path

        if self.loading:
            return
        store, pid = self.store, self.profile_id
        out = ask_path(self, suggested_path(self._shown_name, self.today().isoformat()))
        if out is None:
            return
        self._say(tr("Exporting…"))
        self.run_db(lambda: export_history(store, pid, out), lambda done: self._say(done[1]),
                    lambda exc: self._say(tr("The export could not be saved: {exc}").format(
                        exc=exc)))

    def _say(self, sentence: str) -> None:
        self.report_label.setText(sentence)
        self.report_label.show()

    def choose_bundle_file(self) -> None:
        """Ask where to save the practice bundle of the shown dates, then save it."""
        if self.loading:
            return
        first, last = self.date_range()
        name = self._shown_name
        suggested = str(Path.home() / f"{name} {first.isoformat()} to {last.isoformat()}.mitbundle")
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the practice bundle"), suggested,
                                              tr("Practice bundles (*.mitbundle)"))
        if not path:
            return
        target = Path(path if path.endswith(".mitbundle") else path + ".mitbundle")
        from mit_desktop.ui.history.passphrase import ExportPassphraseDialog

        dialog = ExportPassphraseDialog(self)
        self.passphrase_dialog: ExportPassphraseDialog | None = dialog

        def finished(result: int) -> None:
            if result == ExportPassphraseDialog.DialogCode.Accepted:
                self.save_bundle(target, passphrase=dialog.passphrase())
            else:
                self._say(tr("The bundle was not saved."))
            self.passphrase_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def save_bundle(self, path: Path, passphrase: str | None = None) -> None:
        """Write the bundle of the shown dates to ``path`` (protected by ``passphrase``
        when given); say how it went."""
        from mit_desktop.history.bundle import export_bundle

        first, last = self.date_range()
        pid, store = self.profile_id, self.store

        def done(counts: dict[str, int]) -> None:
            how = (tr("It is protected by your passphrase: tell it to your therapist in "
                      "person or by phone, not with the file.") if passphrase else
                   tr("Give it to your therapist on a medium you both trust: it has no "
                      "passphrase."))
            self._say(tr("The bundle was saved as {path} ({practice} practices, {measure} "
                         "questionnaires).").format(
                path=path, practice=counts.get("practice", 0),
                measure=counts.get("measure", 0)) + " " + how)

        self.run_db(lambda: export_bundle(store, pid, path, first, last,
                                          passphrase=passphrase), done,
                    lambda exc: self._say(tr("The bundle could not be saved: {exc}").format(
                        exc=exc)))

    def choose_bundle_to_import(self) -> None:
        """Ask for a bundle and the client's profile, then import it."""
        from PySide6.QtWidgets import QInputDialog

        path, _ = QFileDialog.getOpenFileName(self, tr("Import a practice bundle"),
                                              str(Path.home()),
                                              tr("Practice bundles (*.mitbundle)"))
        if not path:
            return
        if self.loading:
            return
        suggested = self._shown_name
        name, ok = QInputDialog.getText(self, tr("Whose practice is it?"),
                                        tr("Import into the profile:"), text=suggested)
        if not (ok and name.strip()):
            return
        passphrase = None
        from mit_desktop.history.bundle import is_protected

        if is_protected(Path(path)):
            from mit_desktop.ui.history.passphrase import ask_import_passphrase

            passphrase = ask_import_passphrase(self, Path(path).name)
            if passphrase is None:
                self._say(tr("Nothing was imported: the bundle is protected and no "
                             "passphrase was given."))
                return
        self.import_bundle(Path(path), name.strip(), passphrase=passphrase)

    def import_bundle(self, path: Path, profile_name: str, *, confirmed: bool = False,
                      passphrase: str | None = None) -> None:
        """Import ``path`` (opened with ``passphrase`` if it is protected) into
        ``profile_name``; if that profile holds someone else's practice, ask first. Says
        what was added, or why nothing was."""
        from mit_desktop.history.bundle import ImportResult, OtherClientError, import_bundle

        def done(result: ImportResult) -> None:
            if not result.added_total:
                self._say(tr("Nothing new: everything in this bundle was already in {name}'s "
                             "history.").format(name=profile_name))
            else:
                self._say(tr("Imported into {name}: {count} new records (practices, check-ins, "
                             "reflections, body maps, questionnaires, safety events).").format(
                                 name=profile_name, count=result.added_total))
            self.refresh()
            self.bundleImported.emit()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, OtherClientError) and not confirmed:
                answer = QMessageBox.question(
                    self, tr("Someone else's practice?"),
                    str(exc) + "\n\n" + tr("Import anyway?"),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No)
                if answer == QMessageBox.StandardButton.Yes:
                    self.import_bundle(path, profile_name, confirmed=True,
                                       passphrase=passphrase)
                else:
                    self._say(tr("Nothing was imported."))
                return
            self._say(str(exc))

        store = self.store
        self.run_db(lambda: import_bundle(store, path, profile_name,
                                          allow_other_client=confirmed,
                                          passphrase=passphrase), done, failed)

    def save_report(self, path: Path) -> None:
        """Write the PDF report of the shown dates to ``path`` (read on the database lane,
        laid out here); say how it went."""
        first, last = self.date_range()
        store, pid, catalog = self.store, self.profile_id, self.base_catalog

        def write(data: ReportData) -> None:
            try:
                with busy_cursor():  # a year's report holds this thread about 2 s
                    written = write_report_pdf(lay_out_report(data), path)
            except (HistoryError, OSError) as exc:
                failed(exc)
                return
            self._say(tr("Report saved: {written}").format(written=written))

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, (HistoryError, OSError)):
                log.error("report not saved", exc_info=exc)
            else:
                log.warning("report not saved: %s", exc)
            self._say(tr("The report could not be saved: {exc}").format(exc=exc))

        self._say(tr("Making the report…"))
        self.run_db(lambda: read_report(store, pid, first, last, catalog=catalog), write, failed)

    def open_body_map(self, entry: DiaryEntry) -> BodyMapDialog | None:
        """Open the body map of a diary entry read-only (non-blocking): the one read with
        the diary's entries (nothing is read again)."""
        if entry.body_map_id is None:
            return None
        record = self.diary.maps.get(entry.body_map_id)
        if record is None:
            return None
        self.map_dialog = BodyMapDialog(record, long_date(entry.day), self)
        self.map_dialog.open()
        return self.map_dialog
