"""The window with a damaged, unusable or crafted history folder: it offers the newest good
backup every time until the user chooses, says what is wrong in one message, never sticks
on "Opening your practices…", makes the daily backup itself and lists backups in Settings.

Real SQLite files in the test's data folder; dialogs are answered by pressing their buttons.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from disk_helpers import fill_disk
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from mit_desktop import paths
from mit_desktop.history import HistoryStore

NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)


def press_when_shown(qtbot, starts_with: str, seen: list[str]) -> None:
    """Press the button whose text starts with ``starts_with`` in the next message box."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        for b in box.findChildren(QPushButton):
            if b.text().startswith(starts_with):
                b.click()
                return
        raise AssertionError(f"no button {starts_with!r} in {[b.text() for b in box.findChildren(QPushButton)]}")

    QTimer.singleShot(0, press)


def _damaged_history_with_backup() -> tuple[Path, bytes]:
    with HistoryStore.open() as store:
        store.create_profile("Ann")
        backup = store.backup_now("scheduled", NOW)
    garbage = b"\xde\xad\xbe\xef" * 2048
    paths.database_path().write_bytes(garbage)
    return backup, garbage


def _open(qtbot, state=None):
    from mit_desktop.ui.application import open_context
    from mit_desktop.ui.state import load_state

    return open_context(QApplication.instance(), state or load_state())


def test_damaged_history_is_offered_again_until_the_user_restores(qtbot, private_folders) -> None:
    backup, garbage = _damaged_history_with_backup()
    seen: list[str] = []
    for _ in range(2):  # "Close, and decide next time": nothing changes, asked again
        press_when_shown(qtbot, "Close", seen)
        assert _open(qtbot) is None
        assert paths.database_path().read_bytes() == garbage
    assert len(seen) == 2 and "Restore the backup" not in seen[0]  # (that is a button)
    assert "newest backup in good order" in seen[0]
    press_when_shown(qtbot, "Restore the backup of", seen)
    ctx = _open(qtbot)
    try:
        assert ctx is not None
        assert [p.name for p in ctx.store.list_profiles()] == ["Ann"]
        kept = ctx.store.set_aside
        assert kept is not None and kept.read_bytes() == garbage
        assert any(str(kept) in notice for notice in ctx.notices)
    finally:
        ctx.close()
        ctx.store.close()


def test_damaged_history_without_backup_can_start_empty_keeping_it(qtbot, private_folders) -> None:
    with HistoryStore.open() as store:
        store.create_profile("Ann")
    paths.database_path().write_bytes(b"\x00\x01" * 4096)
    seen: list[str] = []
    press_when_shown(qtbot, "Start a new", seen)
    ctx = _open(qtbot)
    try:
        assert "No backup in good order" in seen[0]
        assert ctx is not None and ctx.store.set_aside.read_bytes() == b"\x00\x01" * 4096
    finally:
        ctx.close()
        ctx.store.close()


def test_history_that_is_a_folder_gets_one_message_and_the_window_closes(
        qtbot, private_folders, monkeypatch) -> None:
    from mit_desktop.ui import recovery
    from mit_desktop.ui.application import create_window

    paths.database_path().mkdir(parents=True)
    shown = []
    monkeypatch.setattr(recovery, "ask_practise_without_saving",
                        lambda exc, parent=None: shown.append(str(exc)) or False)  # "Close"
    assert create_window(QApplication.instance()) is None
    assert len(shown) == 1 and "is a folder" in shown[0]


def test_an_unusable_history_still_lets_the_listener_practise_without_saving(
        qtbot, private_folders, monkeypatch) -> None:
    """What still works is offered: the practices play and can be answered, nothing is
    written anywhere, and the window says so."""
    from mit_desktop.history.errors import BackupError
    from mit_desktop.ui import recovery
    from mit_desktop.ui.application import create_window

    folder = paths.database_path()
    folder.mkdir(parents=True)  # the history file is a folder
    before = sorted(p.relative_to(private_folders) for p in private_folders.rglob("*"))
    monkeypatch.setattr(recovery, "ask_practise_without_saving", lambda exc, parent=None: True)
    window = create_window(QApplication.instance())
    assert window is not None
    qtbot.addWidget(window)
    try:
        store = window.ctx.store
        assert store.in_memory
        assert any("not being saved" in n for n in window.ctx.notices)
        practice = store.start_practice(window.ctx.profile_id, "bam", "0" * 64, "hands-free")
        store.save_reflection(practice, "r1", prompt="How?", note="kept in memory only",
                              profile_id=window.ctx.profile_id)
        assert store.list_backups() == []
        with pytest.raises(BackupError, match="not being saved"):
            store.backup_now()
    finally:
        window.flow.shutdown()
        window.ctx.close()
        window.ctx.store.close()
    after = sorted(p.relative_to(private_folders) for p in private_folders.rglob("*")
                   if "history" in p.name or p.suffix == ".sqlite3")
    assert [p for p in after if p not in before] == []  # no history file written anywhere


def test_an_unexpected_failure_while_opening_is_a_message_not_a_stuck_window(
        qtbot, monkeypatch) -> None:
    from mit_desktop.ui.main_window import MainWindow

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a[1:]))

    def opener():
        raise RecursionError("maximum recursion depth exceeded")

    window = MainWindow(None, opener)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert len(shown) == 1 and "could not open your practices" in shown[0][1]


def test_the_window_makes_the_daily_backup_and_settings_lists_it(window, qtbot, store) -> None:
    made = store.list_backups()
    assert [b.reason for b in made] == ["scheduled"]
    window.show_page("settings")
    panel = window.settings.backup_panel
    assert panel.list.count() == 1
    local = made[0].created.astimezone()
    assert f"{local.day} {local:%B %Y}" in panel.list.item(0).text()
    assert "daily" in panel.list.item(0).text()
    window.backups.check()  # an hour later: not due again the same day
    assert len(store.list_backups()) == 1


def test_settings_restores_a_chosen_backup_and_keeps_the_replaced_history(
        window, qtbot, store) -> None:
    store.create_profile("Later")
    window.show_page("settings")
    panel = window.settings.backup_panel
    panel.list.setCurrentRow(0)  # the daily backup, made before "Later" existed
    seen: list[str] = []
    press_when_shown(qtbot, "Restore", seen)
    panel.ask_restore()
    qtbot.waitUntil(lambda: "Later" not in [p.name for p in store.list_profiles()], timeout=5000)
    reasons = [b.reason for b in store.list_backups()]
    assert "pre-restore" in reasons
    pre = next(b for b in store.list_backups() if b.reason == "pre-restore")
    with HistoryStore.open(pre.path.parent.parent / "x" / "h.sqlite3") as probe:
        probe.restore_backup(pre.path)
        assert "Later" in [p.name for p in probe.list_profiles()]


@pytest.mark.parametrize("content", [
    "[" * 100_000,  # deeply nested: RecursionError in json
    '{"text_scale": 1e999}',  # infinity
    '{"listening": {"1": {"rate": "fast"}}}',
    '["a list"]',
    '{"listening": ["x"]}',
])
def test_crafted_window_settings_are_set_aside_with_a_message(
        qtbot, private_folders, content: str) -> None:
    from mit_desktop.ui.state import load_state

    private_folders.mkdir(parents=True, exist_ok=True)
    (private_folders / "gui-state.json").write_text(content)
    state = load_state()
    assert state.text_scale == 100 and state.listening == {}
    assert "could not be read" in state.load_notice
    assert not (private_folders / "gui-state.json").exists()
    assert (private_folders / "gui-state.json.bad-1").read_text() == content
    ctx = _open(qtbot, state)
    try:
        assert any("could not be read" in n for n in ctx.notices)
    finally:
        ctx.close()
        ctx.store.close()


def test_a_second_start_brings_the_running_window_forward(window, qtbot) -> None:
    from mit_desktop.ui.single_window import ask_running_window_to_show

    with qtbot.waitSignal(window.window_server.showRequested, timeout=5000):
        assert ask_running_window_to_show()


def test_a_second_start_with_no_window_answering_says_so(qtbot, store, monkeypatch) -> None:
    from mit_desktop.ui.application import create_window

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[1:]))
    assert create_window(QApplication.instance()) is None
    assert shown and "already open" in shown[0][0]


def test_the_window_says_when_the_data_folder_is_full(
        qtbot, full_disk: Path, monkeypatch, sync_tasks) -> None:
    from PySide6.QtWidgets import QApplication

    from mit_desktop.history import HistoryStore
    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.main_window import MainWindow
    from mit_desktop.ui.state import load_state
    from mit_desktop.ui.theme import apply_theme

    monkeypatch.setenv("MIT_DESKTOP_DATA_DIR", str(full_disk / "data"))
    store = HistoryStore.open()
    apply_theme(QApplication.instance(), 100, False)
    ctx = AppContext(store, load_state())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    try:
        fill_disk(full_disk)
        window.settings.backup_panel.back_up_now()
        banner = window.message_label.text()
        assert "No backup could be made" in banner and "disk is full" in banner
        window.flow._record_failed(sqlite3.OperationalError("database or disk is full"))
        qtbot.waitUntil(lambda: "could not be saved" in window.message_label.text(),
                        timeout=3000)
        text = window.message_label.text()
        assert "is full" in text and str(full_disk / "data") in text
    finally:
        window.flow.shutdown()
        ctx.close()
        store.close()


def test_a_failure_before_the_window_exists_is_one_message_and_exit_1(
        qtbot, monkeypatch) -> None:
    from mit_desktop.ui import application

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a[1:]))

    def broken_theme(*_a, **_k):
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr(application, "apply_theme", broken_theme)
    assert application.run() == 1
    assert len(shown) == 1 and "OverflowError" in shown[0][1]


def test_the_window_says_once_when_the_speech_cache_cannot_be_written(window, qtbot) -> None:
    speech = window.ctx.player.engine.speech
    window.check_cache_note()
    assert not window.message_label.isVisible()  # nothing wrong yet
    speech.cache_problem = "The disk is full: could not write /x/speech/ab/ab.s16."
    window.check_cache_note()
    assert "cache of prepared sound cannot be written" in window.message_label.text()
    assert "The disk is full" in window.message_label.text()
    window.show_message("")
    window.check_cache_note()
    assert window.message_label.text() == ""  # said once
