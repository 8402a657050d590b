"""The reminder settings: reminders on or off, the morning and evening times, and start at
login. The profile's settings are read, and saved, on the database lane."""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from mit_desktop import autostart
from mit_desktop.history.errors import HistoryError
from mit_desktop.history.settings import ProfileSettings
from mit_desktop.history.store import HistoryStore
from mit_desktop.ui.access import speak_date_time
from mit_desktop.ui.history.text import tr
from mit_desktop.ui.workers import DbRunner, run_here

log = logging.getLogger(__name__)


def _qtime(value: dt.time | None, default: dt.time) -> QTime:
    value = value or default
    return QTime(value.hour, value.minute)


class ReminderSettingsDialog(QDialog):
    """Reminders on or off, the morning and evening times, and start at login.

    The profile's settings are read on the database lane (``run_db``) as it opens; until
    they are back the choices are disabled and it says "Loading…", so nothing can be saved
    over settings not yet seen."""

    def __init__(self, store: HistoryStore, profile_id: int,
                 parent: QWidget | None = None, *, run_db: DbRunner = run_here) -> None:
        super().__init__(parent)
        self.store, self.profile_id = store, profile_id
        self.run_db = run_db
        self.setWindowTitle(tr("Reminders"))
        self.setAccessibleName(tr("Reminder settings"))
        layout = QVBoxLayout(self)
        intro = QLabel(tr("A gentle reminder in the morning and in the evening. There is no "
                          "evening reminder on a day you have already practiced."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.enabled_box = QCheckBox(tr("Remind me to practice"), self)
        self.enabled_box.setAccessibleName(tr("Remind me to practice"))
        self.morning_box = QCheckBox(tr("In the morning at"), self)
        self.morning_box.setAccessibleName(tr("Morning reminder on"))
        self.morning_time = QTimeEdit(_qtime(None, dt.time(9, 0)), self)
        self.morning_time.setAccessibleName(tr("Time of the morning reminder"))
        self.evening_box = QCheckBox(tr("In the evening at"), self)
        self.evening_box.setAccessibleName(tr("Evening reminder on"))
        self.evening_time = QTimeEdit(_qtime(None, dt.time(19, 0)), self)
        self.evening_time.setAccessibleName(tr("Time of the evening reminder"))
        for edit in (self.morning_time, self.evening_time):
            edit.setDisplayFormat("HH:mm")
            edit.setMinimumHeight(40)
            speak_date_time(edit)
        self.autostart_box = QCheckBox(tr("Start MIT Desktop when I log in"), self)
        self.autostart_box.setAccessibleName(tr("Start MIT Desktop when I log in"))
        self.autostart_box.setChecked(autostart.is_enabled())
        self.morning_box.toggled.connect(self.morning_time.setEnabled)
        self.evening_box.toggled.connect(self.evening_time.setEnabled)
        self.enabled_box.toggled.connect(self._sync_enabled)
        form.addRow(self.enabled_box)
        form.addRow(self.morning_box, self.morning_time)
        form.addRow(self.evening_box, self.evening_time)
        form.addRow(self.autostart_box)
        layout.addLayout(form)
        self.loading_label = QLabel(tr("Loading…"), self)
        layout.addWidget(self.loading_label)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setProperty("role", "error")  # the theme's colour (high contrast too)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(tr("Save"))
        self.save_button.setAccessibleName(tr("Save the reminder settings"))
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Cancel"))
        cancel.setAccessibleName(tr("Cancel without saving"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.loaded = False
        for widget in (self.enabled_box, self.morning_box, self.morning_time, self.evening_box,
                       self.evening_time, self.save_button):
            widget.setEnabled(False)
        self.run_db(lambda: store.settings(profile_id), self._fill, self._read_failed)

    def _fill(self, settings: ProfileSettings) -> None:
        """(GUI thread) Show the settings read on the database lane; the choices open."""
        self.enabled_box.setChecked(settings.reminders_enabled)
        self.morning_box.setChecked(settings.morning_reminder is not None)
        self.morning_time.setTime(_qtime(settings.morning_reminder, dt.time(9, 0)))
        self.evening_box.setChecked(settings.evening_reminder is not None)
        self.evening_time.setTime(_qtime(settings.evening_reminder, dt.time(19, 0)))
        self.loaded = True
        self.loading_label.hide()
        self.enabled_box.setEnabled(True)
        self.save_button.setEnabled(True)
        self._sync_enabled()

    def _read_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, HistoryError):
            log.error("reminder settings could not be read", exc_info=exc)
        self.loading_label.hide()
        self.error_label.setText(str(exc) if isinstance(exc, HistoryError)
                                 else tr("The settings could not be read. Please try again."))
        self.error_label.show()

    def _sync_enabled(self) -> None:
        on = self.loaded and self.enabled_box.isChecked()
        for box, edit in ((self.morning_box, self.morning_time),
                          (self.evening_box, self.evening_time)):
            box.setEnabled(on)
            edit.setEnabled(on and box.isChecked())

    def save(self) -> None:
        """Store the settings and the start-at-login choice; close on success (nothing
        before the settings were read)."""
        if not self.loaded:
            return
        changes = {
            "reminders_enabled": self.enabled_box.isChecked(),
            "morning_reminder": (self.morning_time.time().toString("HH:mm")
                                 if self.morning_box.isChecked() else None),
            "evening_reminder": (self.evening_time.time().toString("HH:mm")
                                 if self.evening_box.isChecked() else None),
        }
        store, profile_id, start_at_login = self.store, self.profile_id, self.autostart_box.isChecked()

        def write() -> None:
            store.update_settings(profile_id, **changes)
            autostart.set_enabled(start_at_login)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, (HistoryError, OSError)):
                log.error("reminder settings could not be saved", exc_info=exc)
            self.error_label.setText(str(exc) if isinstance(exc, (HistoryError, OSError))
                                     else tr("The settings could not be saved. Please try again."))
            self.error_label.show()

        self.run_db(write, lambda _none: self.accept(), failed)
