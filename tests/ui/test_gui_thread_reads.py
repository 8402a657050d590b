"""The window reads the history only on the database lane: with real background workers,
start-up, every section, a questionnaire begun, History with every date preset, the
report, the export, the bundle and its import, a body map opened from the diary, the
manual-log dialog and the reminder settings dialog make no SQL statement on the GUI
thread.

Every statement the store's connection runs is traced where it runs (SQLite calls the
trace callback on the thread executing the statement), so a read hidden in a helper that
takes the store counts as much as a method called on it."""

from __future__ import annotations

import threading
import traceback
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from mit_desktop.bodymap import BodyMap, to_bytes

WAIT_MS = 20_000


@pytest.fixture
def real_lane(monkeypatch: pytest.MonkeyPatch) -> None:
    from mit_desktop.ui.workers import TaskManager

    monkeypatch.setattr(TaskManager, "synchronous", False)


def _window_caller() -> str:
    """The innermost function of the window's code on the stack (which screen read)."""
    for frame in traceback.extract_stack()[::-1]:
        if "mit_desktop/ui/" in frame.filename:
            return f"{frame.filename.split('mit_desktop/')[-1]}:{frame.name}"
    return "?"


def _history_with_a_body_map(store) -> int:
    """Ann, who practised once and painted a body map with her reflection."""
    import numpy as np

    from mit_desktop.bodymap.silhouette import body_mask

    pid = store.create_profile("Ann")
    store.accept_notice(pid)
    practice = store.start_practice(pid, "stretch-breathe", "hash", "interactive")
    store.finish_practice(practice, True, 60_000, 60_000)
    signed = np.zeros((522, 171))
    signed[150:200, 60:110] = 0.7
    signed[~body_mask()] = 0.0
    body_map = store.add_body_map(pid, to_bytes(BodyMap(stored_map=signed, emotion="love",
                                                        intensity=5)),
                                  emotion="love", intensity=5, practice_id=practice)
    store.save_reflection(practice, "r1", prompt="What do you notice?", note="warm",
                          rating=6, body_map_id=body_map)
    return pid


def test_no_store_statement_runs_on_the_gui_thread(qtbot, store, real_lane, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from mit_desktop.ui import state as ui_state
    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.history import export as history_export
    from mit_desktop.ui.main_window import MainWindow

    pid = _history_with_a_body_map(store)
    on_gui_thread: list[str] = []

    def traced(sql: str) -> None:
        if threading.current_thread() is threading.main_thread():
            on_gui_thread.append(f"{_window_caller()}: {sql.split(chr(10))[0][:80]}")

    store.conn.set_trace_callback(traced)
    try:
        ctx = AppContext(store, ui_state.load_state())  # start-up: the first profile
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.ready and ctx.profile_id == pid, timeout=WAIT_MS)
        for key in ("library", "settings", "studio", "today"):
            window.show_page(key)
        window.start_questionnaire("phq9")
        qtbot.waitUntil(lambda: window.current_page() is window.questionnaire, timeout=WAIT_MS)
        window.questionnaire.begin_button.click()
        window.show_page("history")
        view = window.history
        qtbot.waitUntil(lambda: view.title_label.text() == "Practice of Ann", timeout=WAIT_MS)
        for preset in ("3m", "12m", "all", "4w"):
            view.range_combo.setCurrentIndex(view.range_combo.findData(preset))
            qtbot.waitUntil(lambda: view.report_button.isEnabled(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: len(view.diary.cards) == 1, timeout=WAIT_MS)

        view.diary.cards[0].map_button.click()
        qtbot.waitUntil(lambda: view.map_dialog is not None and view.map_dialog.isVisible(),
                        timeout=WAIT_MS)
        view.map_dialog.close()

        report = tmp_path / "ann.pdf"
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *a, **k: (str(report), "")))
        view.choose_report_file()
        qtbot.waitUntil(lambda: report.exists() and "Report saved" in view.report_label.text(),
                        timeout=WAIT_MS)

        exported = tmp_path / "ann.json"
        monkeypatch.setattr(history_export, "ask_path", lambda parent, suggested: exported)
        view.choose_export_file()
        qtbot.waitUntil(lambda: "exported to" in view.report_label.text(), timeout=WAIT_MS)
        assert exported.exists()

        bundle = tmp_path / "ann.mitbundle"
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *a, **k: (str(bundle), "")))
        view.choose_bundle_file()
        qtbot.waitUntil(lambda: getattr(view, "passphrase_dialog", None) is not None,
                        timeout=WAIT_MS)
        view.passphrase_dialog.reject()
        view.save_bundle(bundle)
        qtbot.waitUntil(lambda: "bundle was saved" in view.report_label.text(),
                        timeout=WAIT_MS)
        suggested: list[str] = []
        monkeypatch.setattr(QFileDialog, "getOpenFileName",
                            staticmethod(lambda *a, **k: (str(bundle), "")))
        monkeypatch.setattr(QInputDialog, "getText", staticmethod(
            lambda *a, text="", **k: suggested.append(text) or ("", False)))
        view.choose_bundle_to_import()
        qtbot.waitUntil(lambda: suggested == ["Ann"], timeout=WAIT_MS)

        manual = view.open_manual_log()
        manual.reject()

        assert window.reminders is not None
        dialog = window.reminders.open_settings()
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=WAIT_MS)
        dialog.reject()

        assert ctx.tasks.wait()
        qtbot.wait(50)  # the last results delivered on the GUI thread
    finally:
        store.conn.set_trace_callback(None)
    window.flow.shutdown()
    ctx.close()
    assert on_gui_thread == [], "\n".join(on_gui_thread)
