"""Reminders: one timer for the next reminder, the evening skipped after a practice,
the tray icon only where there is a tray, reminder settings and start at login."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QSystemTrayIcon
from sql_trace import sql_traced

from mit_desktop import autostart
from mit_desktop.history.store import HistoryStore
from mit_desktop.ui.reminders.tray import (
    GRACE_MS,
    MAX_WAIT_MS,
    ReminderScheduler,
    ReminderSettingsDialog,
    ReminderTray,
)

UTC = dt.UTC
THURSDAY = dt.date(2026, 3, 19)


def moment(hour: int, minute: int = 0, day: dt.date = THURSDAY, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), UTC)


class Clock:
    """Epoch ms that move only when the test moves them."""

    def __init__(self, when: dt.datetime) -> None:
        self.set(when)

    def set(self, when: dt.datetime) -> None:
        self.ms = int(when.timestamp() * 1000)

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
def clock() -> Clock:
    return Clock(moment(8, 50))


@pytest.fixture
def store(private_folders: Path, clock: Clock):
    opened = HistoryStore.open(clock=clock, tz=UTC)
    yield opened
    opened.close()


@pytest.fixture
def pid(store: HistoryStore) -> int:
    return store.create_profile("Ann")  # defaults: 09:00 and 19:00, day starts 03:00


@pytest.fixture
def scheduler(qtbot, store: HistoryStore, pid: int):
    made = ReminderScheduler(store, pid)
    shown: list[str] = []
    made.reminderDue.connect(shown.append)
    made.shown = shown  # type: ignore[attr-defined]
    yield made
    made.stop()


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    return folder


def fire(scheduler: ReminderScheduler) -> None:
    """What the event loop does when the single-shot timer runs out."""
    assert scheduler.timer.isActive()
    scheduler.timer.stop()
    scheduler.timer.timeout.emit()


def practice(store: HistoryStore, clock: Clock, pid: int, start: dt.datetime) -> None:
    keep = clock.ms
    clock.set(start + dt.timedelta(minutes=20))
    store.log_manual_practice(pid, "bam", int(start.timestamp() * 1000), 4 * 60_000)
    clock.ms = keep


def test_timer_is_set_for_the_next_reminder(scheduler: ReminderScheduler) -> None:
    scheduler.rearm()
    assert scheduler.due is not None
    assert (scheduler.due.kind, scheduler.due.at) == ("morning", moment(9))
    assert scheduler.timer.isSingleShot() and scheduler.timer.isActive()
    assert scheduler.timer.interval() == 10 * 60_000


def test_long_waits_are_cut_so_a_changed_clock_is_noticed(
    scheduler: ReminderScheduler, clock: Clock
) -> None:
    clock.set(moment(3, 30))
    scheduler.rearm()
    assert scheduler.due.at == moment(9)
    assert scheduler.timer.interval() == MAX_WAIT_MS == 15 * 60_000


def test_an_early_wake_up_shows_nothing_and_waits_again(
    scheduler: ReminderScheduler, clock: Clock
) -> None:
    clock.set(moment(3, 30))
    scheduler.rearm()
    clock.set(moment(3, 45))
    fire(scheduler)
    assert scheduler.shown == []
    assert scheduler.due.at == moment(9) and scheduler.timer.interval() == MAX_WAIT_MS


def test_morning_reminder_is_shown_then_the_evening_is_next(
    scheduler: ReminderScheduler, clock: Clock
) -> None:
    scheduler.rearm()
    clock.set(moment(9, 0, second=1))
    fire(scheduler)
    assert scheduler.shown == ["morning"]
    assert (scheduler.due.kind, scheduler.due.at) == ("evening", moment(19))


def test_evening_reminder_is_shown_when_there_was_no_practice(
    scheduler: ReminderScheduler, clock: Clock
) -> None:
    clock.set(moment(18, 59))
    scheduler.rearm()
    assert scheduler.timer.interval() == 60_000
    clock.set(moment(19))
    fire(scheduler)
    assert scheduler.shown == ["evening"]
    tomorrow = THURSDAY + dt.timedelta(days=1)
    assert (scheduler.due.kind, scheduler.due.at) == ("morning", moment(9, day=tomorrow))


def test_evening_reminder_is_skipped_after_a_practice_made_since_the_timer_was_set(
    scheduler: ReminderScheduler, store: HistoryStore, clock: Clock, pid: int
) -> None:
    clock.set(moment(18, 50))
    scheduler.rearm()
    assert scheduler.due.kind == "evening"
    practice(store, clock, pid, moment(12))  # e.g. logged by hand, or a player in between
    clock.set(moment(19))
    fire(scheduler)
    assert scheduler.shown == []
    tomorrow = THURSDAY + dt.timedelta(days=1)
    assert (scheduler.due.kind, scheduler.due.at) == ("morning", moment(9, day=tomorrow))


def test_a_practice_after_midnight_counts_for_the_day_before(
    scheduler: ReminderScheduler, store: HistoryStore, clock: Clock, pid: int
) -> None:
    practice(store, clock, pid, moment(1, 30))  # before the 03:00 day boundary: Wednesday's
    clock.set(moment(18, 50))
    scheduler.rearm()
    assert scheduler.due.kind == "evening"  # Thursday evening still due


def test_a_reminder_found_long_after_its_time_is_dropped_quietly(
    scheduler: ReminderScheduler, clock: Clock
) -> None:
    scheduler.rearm()
    clock.ms += 10 * 60_000 + GRACE_MS + 60_000  # the computer slept past 09:00
    fire(scheduler)
    assert scheduler.shown == []
    assert scheduler.due.kind == "evening"


def test_a_reminder_a_little_late_is_still_shown(
    scheduler: ReminderScheduler, clock: Clock
) -> None:
    scheduler.rearm()
    clock.set(moment(9, 40))
    fire(scheduler)
    assert scheduler.shown == ["morning"]


def test_no_timer_when_reminders_are_off(
    scheduler: ReminderScheduler, store: HistoryStore, pid: int
) -> None:
    store.update_settings(pid, reminders_enabled=False)
    scheduler.rearm()
    assert scheduler.due is None and not scheduler.timer.isActive()


def test_without_a_system_tray_reminders_appear_in_the_window(
    qtbot, store: HistoryStore, pid: int
) -> None:
    """They were once silently never shown."""
    store.update_settings(pid, reminders_enabled=True)
    tray = ReminderTray(store, pid, tray_available=lambda: False)
    assert not tray.active and tray.icon is None
    assert tray.scheduler.timer.isActive()  # still scheduled
    shown: list[str] = []
    tray.inWindowReminder.connect(shown.append)
    tray.notify("morning")
    assert len(shown) == 1 and shown[0].strip()


@pytest.fixture
def tray(qtbot, store: HistoryStore, pid: int, config_home: Path):
    made = ReminderTray(store, pid, tray_available=lambda: True)
    messages: list[tuple[str, str]] = []

    def show_message(title: str, text: str, *args: object) -> None:
        messages.append((title, text))

    made.icon.showMessage = show_message  # type: ignore[method-assign]
    made.messages = messages  # type: ignore[attr-defined]
    yield made
    made.scheduler.stop()
    made.icon.hide()


def test_tray_shows_the_reminder_as_a_notification(
    tray: ReminderTray, clock: Clock
) -> None:
    assert isinstance(tray.icon, QSystemTrayIcon) and tray.icon.isVisible()
    assert tray.scheduler.due.kind == "morning" and tray.scheduler.timer.isActive()
    clock.set(moment(9))
    fire(tray.scheduler)
    assert len(tray.messages) == 1
    title, text = tray.messages[0]
    assert title == "A moment for yourself" and "practice" in text
    for pressing in ("must", "missed", "streak", "don't forget"):
        assert pressing not in text.lower()


def test_clicking_the_notification_opens_the_program(qtbot, tray: ReminderTray) -> None:
    with qtbot.waitSignal(tray.openRequested):
        tray.icon.messageClicked.emit()
    with qtbot.waitSignal(tray.openRequested):
        tray.open_action.trigger()
    with qtbot.waitSignal(tray.helpNowRequested):  # the window opens Help now
        tray.help_now_action.trigger()


def test_tray_menu_turns_start_at_login_on_and_off(tray: ReminderTray, config_home: Path) -> None:
    entry = config_home / "autostart" / "mit-desktop.desktop"
    assert [a.text() for a in tray.menu.actions()] == [
        "Help now", "Open MIT Desktop", "Reminder times…", "Start when I log in"]
    assert not tray.autostart_action.isChecked()
    tray.autostart_action.trigger()
    assert entry.is_file() and "Exec=" in entry.read_text()
    tray.autostart_action.trigger()
    assert not entry.exists()


def test_settings_dialog_changes_times_and_rearms(
    qtbot, tray: ReminderTray, store: HistoryStore, pid: int, clock: Clock, config_home: Path
) -> None:
    dialog = tray.open_settings()
    qtbot.addWidget(dialog)
    assert dialog.morning_time.time() == QTime(9, 0) and dialog.evening_box.isChecked()
    for widget in (dialog.enabled_box, dialog.morning_box, dialog.morning_time,
                   dialog.evening_box, dialog.evening_time, dialog.autostart_box,
                   dialog.save_button):
        assert widget.accessibleName()
    dialog.morning_time.setTime(QTime(8, 55))
    dialog.evening_box.setChecked(False)
    assert not dialog.evening_time.isEnabled() and dialog.morning_time.isEnabled()
    dialog.autostart_box.setChecked(True)
    with qtbot.waitSignal(tray.settingsChanged):
        dialog.save_button.click()
    settings = store.settings(pid)
    assert settings.morning_reminder == dt.time(8, 55) and settings.evening_reminder is None
    assert autostart.is_enabled() and tray.autostart_action.isChecked()
    assert tray.scheduler.due.at == moment(8, 55) and tray.scheduler.timer.interval() == 5 * 60_000
    clock.set(moment(9, 0))
    tray.rearm()
    assert tray.scheduler.due.at == moment(8, 55, day=THURSDAY + dt.timedelta(days=1))


def test_settings_dialog_turns_reminders_off(
    qtbot, store: HistoryStore, pid: int, config_home: Path
) -> None:
    dialog = ReminderSettingsDialog(store, pid)
    qtbot.addWidget(dialog)
    dialog.enabled_box.setChecked(False)
    assert not dialog.morning_box.isEnabled() and not dialog.morning_time.isEnabled()
    dialog.save()
    assert store.settings(pid).reminders_enabled is False
    scheduler = ReminderScheduler(store, pid)
    scheduler.rearm()
    assert scheduler.due is None


def test_settings_dialog_reads_on_the_lane_and_waits_for_it(
    qtbot, store: HistoryStore, pid: int, config_home: Path
) -> None:
    """The dialog opens at once with its choices disabled and "Loading…"; its settings are
    read in a job on the database lane; nothing can be saved before they are shown."""
    store.update_settings(pid, morning_reminder="07:40")
    queued: list = []
    with sql_traced(store) as statements:
        dialog = ReminderSettingsDialog(
            store, pid, run_db=lambda fn, done, failed: queued.append((fn, done, failed)))
        qtbot.addWidget(dialog)
        assert statements == [] and len(queued) == 1
    assert not dialog.save_button.isEnabled() and not dialog.enabled_box.isEnabled()
    assert not dialog.morning_time.isEnabled() and dialog.loading_label.text() == "Loading…"
    dialog.save()
    assert len(queued) == 1  # nothing written over settings not yet seen
    fn, done, _failed = queued.pop()
    done(fn())
    assert dialog.save_button.isEnabled() and dialog.morning_time.isEnabled()
    assert dialog.morning_time.time() == QTime(7, 40) and dialog.loading_label.isHidden()


def test_a_window_without_a_tray_says_so_and_shows_reminders_inside(window, qtbot) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon

    if QSystemTrayIcon.isSystemTrayAvailable():  # (the offscreen platform has none)
        pytest.fail("this test needs a platform without a system tray (offscreen)")
    window.show_page("settings")
    assert window.settings.no_tray_note.isVisible()
    window.reminders.notify("evening")
    assert window.message_label.isVisible() and window.message_label.text().strip()


def test_the_next_reminder_is_read_on_the_database_lane(qtbot, store: HistoryStore,
                                                        pid: int) -> None:
    queued: list = []
    scheduler = ReminderScheduler(store, pid, run_db=lambda fn, done, failed: queued.append(
        (fn, done, failed)))
    with sql_traced(store) as statements:
        scheduler.rearm()
        assert statements == [] and len(queued) == 1 and scheduler.due is None
        fn, done, _failed = queued.pop()
        due = fn()  # what the database lane runs
        assert statements
    done(due)
    assert scheduler.due is not None and (scheduler.due.kind, scheduler.due.at) == (
        "morning", moment(9))
    assert scheduler.timer.isActive()
    scheduler.stop()
