"""Practice reminders: a tray icon that shows a gentle desktop notification twice a day.

:class:`ReminderScheduler` (no tray, testable) asks
``history.reminders.next_reminder`` which reminder is next, sets one
single-shot QTimer for it and, when the timer fires, asks again *as of the
reminder's time* with fresh practice days: if the answer is still that
reminder it is shown (so an evening reminder is dropped when a practice
happened since the timer was set), then the timer is re-armed. The timer never
waits longer than :data:`MAX_WAIT_MS`, so a changed clock, a new time zone or
a computer that slept is noticed within minutes; a reminder found more than
:data:`GRACE_MS` late (the computer was asleep) is skipped quietly.

:class:`ReminderTray` puts an icon in the system tray, if there is one, with a
small menu: open the program, reminder times, start at login. Where the desktop
has no tray, reminders are still scheduled and shown inside the window while it
is open (``inWindowReminder``), and Settings says so. :class:`ReminderSettingsDialog` edits
the profile's reminder settings.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QMenu,
    QSystemTrayIcon,
)

from mit_desktop import autostart
from mit_desktop.history import stats
from mit_desktop.history.errors import HistoryError
from mit_desktop.history.reminders import DueReminder, next_reminder
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import local_day_of
from mit_desktop.ui.history.text import store_now, tr
from mit_desktop.ui.reminders.settings_dialog import ReminderSettingsDialog
from mit_desktop.ui.workers import DbRunner, run_here

log = logging.getLogger(__name__)

MAX_WAIT_MS = 15 * 60 * 1000
GRACE_MS = 2 * 60 * 60 * 1000
NOTIFICATION_MS = 15_000


def reminder_text(kind: str) -> tuple[str, str]:
    """Title and message of a reminder; kind, never pressing."""
    if kind == "morning":
        return (tr("A moment for yourself"),
                tr("Good morning. When you have a quiet moment today, a practice is ready "
                   "for you."))
    return (tr("A moment for yourself"),
            tr("If there is time before the day ends, a practice is ready. Even the short "
               "BAM practice counts."))


class ReminderScheduler(QObject):
    """Keeps one timer for the profile's next reminder; emits ``reminderDue(kind)``.

    ``now`` returns aware local time (default: the store's clock).
    """

    reminderDue = Signal(str)

    def __init__(self, store: HistoryStore, profile_id: int, parent: QObject | None = None,
                 *, now: Callable[[], dt.datetime] | None = None,
                 run_db: DbRunner = run_here) -> None:
        super().__init__(parent)
        self.store = store
        self.profile_id = profile_id
        self.run_db = run_db  # the store is read on the database lane
        self._now = now or (lambda: store_now(store))
        self.due: DueReminder | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._fired)

    def set_profile(self, profile_id: int) -> None:
        """Remind for another profile (re-arms)."""
        self.profile_id = profile_id
        self.rearm()

    def rearm(self, after: dt.datetime | None = None) -> None:
        """Find the next reminder (at or after ``after``, default now; read on the database
        lane) and set the timer."""
        self.timer.stop()
        now = self._now()
        moment = after if after is not None else now
        store, profile_id = self.store, self.profile_id

        def unavailable(exc: BaseException) -> None:
            _log_read_failure("reminders unavailable", exc)
            self.due = None

        self.run_db(lambda: next_reminder_of(store, profile_id, moment),
                    lambda due: self._arm(due, now), unavailable)

    def _arm(self, due: DueReminder | None, now: dt.datetime) -> None:
        self.due = due
        if self.due is None:
            log.debug("no reminder to schedule")
            return
        wait_ms = int((self.due.at - now).total_seconds() * 1000)
        self.timer.start(max(0, min(wait_ms, MAX_WAIT_MS)))
        log.debug("next reminder %s at %s (timer %d ms)", self.due.kind, self.due.at,
                  self.timer.interval())

    def stop(self) -> None:
        """No more reminders until :meth:`rearm`."""
        self.timer.stop()
        self.due = None

    def _fired(self) -> None:
        due, now = self.due, self._now()
        if due is None or now < due.at:
            self.rearm()  # an intermediate wake-up, or the clock moved back
            return
        store, profile_id = self.store, self.profile_id

        def failed(exc: BaseException) -> None:
            _log_read_failure("reminder check failed", exc)
            self._show_if_still_due(due, now, None)

        self.run_db(lambda: next_reminder_of(store, profile_id, due.at),
                    lambda still: self._show_if_still_due(due, now, still), failed)

    def _show_if_still_due(self, due: DueReminder, now: dt.datetime,
                           still: DueReminder | None) -> None:
        late_ms = (now - due.at).total_seconds() * 1000
        if still is not None and (still.kind, still.at) == (due.kind, due.at):
            if late_ms <= GRACE_MS:
                log.info("%s reminder shown", due.kind)
                self.reminderDue.emit(due.kind)
            else:
                log.info("%s reminder skipped: %d minutes late", due.kind, late_ms // 60_000)
        else:
            log.info("%s reminder skipped: already practiced", due.kind)
        self.rearm(after=max(now, due.at + dt.timedelta(seconds=1)))


def _log_read_failure(what: str, exc: BaseException) -> None:
    """A history the store cannot read is a warning; anything else, an error with its trace."""
    if isinstance(exc, HistoryError):
        log.warning("%s: %s", what, exc)
    else:
        log.error(what, exc_info=exc)


def next_reminder_of(store: HistoryStore, profile_id: int, moment: dt.datetime
                     ) -> DueReminder | None:
    """(database lane) The profile's next reminder at or after ``moment``, None if none."""
    settings = store.settings(profile_id)
    today = local_day_of(moment, settings.day_boundary_min)
    days = stats.practice_days(store, profile_id, first_day=today - dt.timedelta(days=1),
                               settings=settings)
    return next_reminder(settings, days, moment)


def _tray_icon_image() -> QIcon:
    """A simple round icon (a warm circle with a light centre), drawn so no file is needed."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#c2571a"))
    painter.setPen(QColor("#7a3510"))
    painter.drawEllipse(4, 4, 56, 56)
    painter.setBrush(QColor("#fff3e6"))
    painter.drawEllipse(22, 22, 20, 20)
    painter.end()
    return QIcon(pixmap)


class ReminderTray(QObject):
    """The tray icon, its menu and the notifications (see module docstring).

    ``openRequested`` asks the main window to show itself; ``settingsChanged``
    follows a change made in :class:`ReminderSettingsDialog`.
    """

    openRequested = Signal()
    settingsChanged = Signal()
    helpNowRequested = Signal()
    inWindowReminder = Signal(str)  # the reminder's words, where there is no tray

    def __init__(self, store: HistoryStore, profile_id: int, parent: QObject | None = None,
                 *, tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
                 now: Callable[[], dt.datetime] | None = None,
                 run_db: DbRunner = run_here) -> None:
        super().__init__(parent)
        self.store = store
        self.run_db = run_db  # the settings dialog writes through the database thread
        self.scheduler = ReminderScheduler(store, profile_id, self, now=now, run_db=run_db)
        self.icon: QSystemTrayIcon | None = None
        self.menu: QMenu | None = None
        self.dialog: ReminderSettingsDialog | None = None
        if not tray_available():
            log.info("no system tray: reminders are shown inside the window while it is open")
            self.scheduler.reminderDue.connect(self.notify)
            self.scheduler.rearm()
            return
        self.icon = QSystemTrayIcon(_tray_icon_image(), self)
        self.icon.setToolTip(tr("MIT Desktop"))
        self.menu = QMenu()
        self.help_now_action = QAction(tr("Help now"), self.menu)
        self.help_now_action.triggered.connect(self.helpNowRequested)
        self.open_action = QAction(tr("Open MIT Desktop"), self.menu)
        self.open_action.triggered.connect(self.openRequested)
        self.settings_action = QAction(tr("Reminder times…"), self.menu)
        self.settings_action.triggered.connect(self.open_settings)
        self.autostart_action = QAction(tr("Start when I log in"), self.menu)
        self.autostart_action.setCheckable(True)
        self.autostart_action.setChecked(autostart.is_enabled())
        self.autostart_action.toggled.connect(self._set_autostart)
        for action in (self.help_now_action, self.open_action, self.settings_action,
                       self.autostart_action):
            self.menu.addAction(action)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self.openRequested)
        self.scheduler.reminderDue.connect(self.notify)
        self.icon.show()
        self.scheduler.rearm()

    @property
    def active(self) -> bool:
        """True when a tray icon exists (and so reminders are scheduled)."""
        return self.icon is not None

    def set_profile(self, profile_id: int) -> None:
        """Remind for another profile."""
        self.scheduler.set_profile(profile_id)

    def rearm(self) -> None:
        """Ask again for the next reminder (after a practice or a settings change). Without
        a tray the reminder re-checks when it is due (a practice since then drops it), so
        nothing is read here, on the GUI thread, at the end of a practice."""
        if self.active:
            self.scheduler.rearm()

    def notify(self, kind: str) -> None:
        """Show the ``kind`` reminder as a desktop notification (no tray: in the window)."""
        title, text = reminder_text(kind)
        if self.icon is None:
            self.inWindowReminder.emit(f"{title} {text}")
            return
        self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information,
                              NOTIFICATION_MS)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.openRequested.emit()

    def _set_autostart(self, on: bool) -> None:
        try:
            autostart.set_enabled(on)
        except OSError as exc:
            log.warning("start at login could not be changed: %s", exc)
            self.autostart_action.blockSignals(True)
            self.autostart_action.setChecked(autostart.is_enabled())
            self.autostart_action.blockSignals(False)

    def open_settings(self) -> ReminderSettingsDialog:
        """Open the reminder settings (non-blocking)."""
        self.dialog = ReminderSettingsDialog(self.store, self.scheduler.profile_id,
                                             run_db=self.run_db)
        self.dialog.accepted.connect(self._settings_saved)
        self.dialog.open()
        return self.dialog

    def _settings_saved(self) -> None:
        if self.icon is not None:
            self.autostart_action.blockSignals(True)
            self.autostart_action.setChecked(autostart.is_enabled())
            self.autostart_action.blockSignals(False)
        self.rearm()
        self.settingsChanged.emit()
