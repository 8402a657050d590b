"""The event loop is never blocked by the history: with real background workers, a whole
practice makes no history-store call on the GUI thread."""

from __future__ import annotations

import inspect
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from mit_desktop.playback import events as ev

RENDER_TIMEOUT_MS = 60_000


class WatchedStore:
    """Forwards to the real store and records calls made on the GUI (main) thread."""

    def __init__(self, store) -> None:
        self._store = store
        self.on_gui_thread: list[str] = []
        self.watching = False

    def __getattr__(self, name: str):
        value = getattr(self._store, name)
        if not inspect.ismethod(value):
            return value

        def call(*args, **kwargs):
            if self.watching and threading.current_thread() is threading.main_thread():
                self.on_gui_thread.append(name)
            return value(*args, **kwargs)

        return call


def test_a_practice_makes_no_store_call_on_the_gui_thread(qtbot, store, tiny_session: Path,
                                                          monkeypatch) -> None:
    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.main_window import MainWindow
    from mit_desktop.ui.state import load_state
    from mit_desktop.ui.workers import TaskManager

    monkeypatch.setattr(TaskManager, "synchronous", False)
    store.accept_notice(store.create_profile("Ann"))
    watched = WatchedStore(store)
    ctx = AppContext(watched, load_state())
    ctx.set_profile(store.profile_by_name("Ann").id)
    qtbot.waitUntil(lambda: ctx.profile.name == "Ann", timeout=5000)
    ctx.prefs.pacing = 0.25
    ctx.prefs.mode = "interactive"
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    watched.watching = True
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.mood.buttons[5], Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.reflection,
                    timeout=RENDER_TIMEOUT_MS)
    QTest.keyClicks(window.reflection.note, "fine")
    QTest.mouseClick(window.reflection.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.checkin
                    and window.checkin.phase == "after", timeout=RENDER_TIMEOUT_MS)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    watched.watching = False
    ctx.tasks.wait()
    assert watched.on_gui_thread == []
    practice = store.list_practices(ctx.profile_id)[0]
    assert practice.completed and [r.note for r in store.reflections(practice.id)] == ["fine"]
    assert ctx.player.state == ev.FINISHED
    window.flow.shutdown()
    ctx.close()
