"""Log a practice done away from the computer (from a CD, a phone, or from memory).

:class:`ManualPracticeDialog` asks which session, when, for how many minutes,
whether it was finished, and — optionally — mood and stress before and after.
Saving calls ``store.log_manual_practice`` and ``store.record_check_in``; a
mistake the person can fix (a time in the future) is shown in the dialog.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.history.errors import HistoryError
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import to_ms
from mit_desktop.ui.access import speak_date_time
from mit_desktop.ui.history.data import SessionCatalog
from mit_desktop.ui.history.text import store_now, tr
from mit_desktop.ui.workers import DbRunner, run_here

log = logging.getLogger(__name__)

NOT_RATED = -1


@dataclass(frozen=True)
class ManualPractice:
    """What the dialog collected; ratings are 0–10 or None (not rated)."""

    session_id: str
    started: dt.datetime
    minutes: int
    completed: bool
    mood_before: int | None = None
    mood_after: int | None = None
    stress_before: int | None = None
    stress_after: int | None = None


def save_manual_practice(store: HistoryStore, profile_id: int, practice: ManualPractice) -> int:
    """Write ``practice`` and its check-ins to the store in one transaction (all or none);
    return the practice id."""
    with store.transaction():
        return _write_manual_practice(store, profile_id, practice)


def _write_manual_practice(store: HistoryStore, profile_id: int, practice: ManualPractice) -> int:
    practice_id = store.log_manual_practice(
        profile_id, practice.session_id, to_ms(practice.started), practice.minutes * 60_000,
        completed=practice.completed)
    started_ms = to_ms(practice.started)
    phases = (("before", practice.mood_before, practice.stress_before, started_ms),
              ("after", practice.mood_after, practice.stress_after,
               started_ms + practice.minutes * 60_000))
    for phase, mood, stress, at_ms in phases:
        if mood is not None or stress is not None:
            store.record_check_in(practice_id, phase, mood=mood, stress=stress,
                                  recorded_ms=at_ms)
    log.info("manual practice %s logged for profile %s", practice_id, profile_id)
    return practice_id


def _rating_box(parent: QWidget, accessible: str) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(NOT_RATED, 10)
    box.setSpecialValueText(tr("Not rated"))
    box.setValue(NOT_RATED)
    box.setAccessibleName(accessible)
    box.setMinimumHeight(40)
    return box


class ManualPracticeDialog(QDialog):
    """Ask for a practice done away from the computer and save it to the store."""

    def __init__(self, store: HistoryStore, profile_id: int, catalog: SessionCatalog,
                 parent: QWidget | None = None, *, run_db: DbRunner = run_here) -> None:
        super().__init__(parent)
        self.store, self.profile_id = store, profile_id
        self.run_db = run_db  # the write goes to the database thread, in order with the rest
        self.practice_id: int | None = None
        self.setWindowTitle(tr("Log a practice"))
        self.setAccessibleName(tr("Log a practice done away from the computer"))
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Did you practice away from the computer? Add it here so it counts."),
                       self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.session_combo = QComboBox(self)
        self.session_combo.setAccessibleName(tr("Which practice"))
        for info in catalog.sessions:
            self.session_combo.addItem(info.title, info.id)
        now = store_now(store)
        offset = now.utcoffset() or dt.timedelta(0)
        zone = (QTimeZone.systemTimeZone() if store.tz is None
                else QTimeZone(int(offset.total_seconds())))
        self._zone = now.tzinfo
        self.when_edit = QDateTimeEdit(self)
        self.when_edit.setTimeZone(zone)
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("d MMM yyyy  HH:mm")
        current = QDateTime.fromMSecsSinceEpoch(store.clock(), zone)
        self.when_edit.setMaximumDateTime(current)
        self.when_edit.setDateTime(current.addSecs(-30 * 60))
        self.when_edit.setAccessibleName(tr("When you started"))
        speak_date_time(self.when_edit)
        self.minutes_box = QSpinBox(self)
        self.minutes_box.setRange(1, 360)
        self.minutes_box.setValue(20)
        self.minutes_box.setSuffix(tr(" minutes"))
        self.minutes_box.setAccessibleName(tr("How many minutes"))
        self.completed_box = QCheckBox(tr("I finished it"), self)
        self.completed_box.setChecked(True)
        self.completed_box.setAccessibleName(tr("I finished the practice"))
        for widget in (self.session_combo, self.when_edit, self.minutes_box):
            widget.setMinimumHeight(40)
        form.addRow(tr("Practice:"), self.session_combo)
        form.addRow(tr("Started:"), self.when_edit)
        form.addRow(tr("Length:"), self.minutes_box)
        form.addRow("", self.completed_box)
        layout.addLayout(form)

        ratings = QGroupBox(tr("How you felt (if you remember)"), self)
        grid = QGridLayout(ratings)
        grid.addWidget(QLabel(tr("Before"), ratings), 0, 1)
        grid.addWidget(QLabel(tr("After"), ratings), 0, 2)
        self.mood_before = _rating_box(ratings, tr("Mood before, 0 to 10"))
        self.mood_after = _rating_box(ratings, tr("Mood after, 0 to 10"))
        self.stress_before = _rating_box(ratings, tr("Stress before, 0 to 10"))
        self.stress_after = _rating_box(ratings, tr("Stress after, 0 to 10"))
        grid.addWidget(QLabel(tr("Mood (0-10)"), ratings), 1, 0)
        grid.addWidget(self.mood_before, 1, 1)
        grid.addWidget(self.mood_after, 1, 2)
        grid.addWidget(QLabel(tr("Stress (0-10)"), ratings), 2, 0)
        grid.addWidget(self.stress_before, 2, 1)
        grid.addWidget(self.stress_after, 2, 2)
        layout.addWidget(ratings)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setProperty("role", "error")  # the theme's colour (high contrast too)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(tr("Save"))
        save.setAccessibleName(tr("Save this practice"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Cancel"))
        cancel.setAccessibleName(tr("Cancel without saving"))
        for button in (save, cancel):
            button.setMinimumHeight(44)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    @staticmethod
    def _rating(box: QSpinBox) -> int | None:
        return None if box.value() == NOT_RATED else box.value()

    def practice(self) -> ManualPractice:
        """The practice as entered."""
        started = dt.datetime.fromtimestamp(
            self.when_edit.dateTime().toMSecsSinceEpoch() / 1000, self._zone)
        return ManualPractice(
            session_id=self.session_combo.currentData(),
            started=started,
            minutes=self.minutes_box.value(),
            completed=self.completed_box.isChecked(),
            mood_before=self._rating(self.mood_before),
            mood_after=self._rating(self.mood_after),
            stress_before=self._rating(self.stress_before),
            stress_after=self._rating(self.stress_after),
        )

    def save(self) -> None:
        """Write the practice; close on success, show the problem otherwise."""
        if self.session_combo.currentData() is None:
            self._show_error(tr("Please choose which practice you did."))
            return
        store, profile_id, practice = self.store, self.profile_id, self.practice()
        self.save_button_enabled(False)

        def saved(practice_id: int) -> None:
            self.practice_id = practice_id
            self.accept()

        def failed(exc: BaseException) -> None:
            self.save_button_enabled(True)
            if isinstance(exc, HistoryError):
                self._show_error(str(exc))
            else:
                log.error("a logged practice could not be saved", exc_info=exc)
                self._show_error(tr("The practice could not be saved. Please try again."))

        self.run_db(lambda: save_manual_practice(store, profile_id, practice), saved, failed)

    def save_button_enabled(self, enabled: bool) -> None:
        """Save is off while the write runs (a second click would log it twice)."""
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(enabled)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
