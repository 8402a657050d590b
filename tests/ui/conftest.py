"""GUI tests run without a display: choose Qt's offscreen platform before Qt loads.

Fixtures build the real window over a temporary history store, with background jobs
run synchronously (like Picard's fake thread pool) and the null audio backend.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TINY_SCRIPT = """+++
id = "tiny"
title = "Tiny practice"
summary = "Two short sentences and one reflection."
safety = "Stop whenever you like."
+++

# Arriving

Breathe in.
[reflect 1s note rating body-map: What do you notice in your body?]

# Ending

Breathe out.
"""


@pytest.fixture(autouse=True)
def restore_app_look(qapp) -> Iterator[None]:
    """Put the application's font, palette and style sheet back after each test, so a test
    that applies the theme (as the program does) cannot change the next test's sizes."""
    font, palette, sheet = qapp.font(), qapp.palette(), qapp.styleSheet()
    yield
    _close_left_over_windows(qapp)
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    qapp.setPalette(palette)


def _close_left_over_windows(qapp) -> None:
    """Delete every top-level widget a test left behind (dialogs, closed windows) and collect
    Python garbage now, so neither happens later in the middle of another test's re-styling
    (Qt walks every widget then; a wrapper freed during that walk crashed a full run)."""
    import shiboken6
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if shiboken6.isValid(widget):  # deleting one may already have deleted another
            widget.deleteLater()
    qapp.processEvents()
    gc.collect()
    qapp.processEvents()


@pytest.fixture
def tiny_session(private_folders: Path) -> Path:
    """A tiny session script in the user's sessions folder (quick to render with Piper)."""
    folder = private_folders / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tiny.session.md"
    path.write_text(TINY_SCRIPT, encoding="utf-8")
    return path


@pytest.fixture
def sync_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    from mit_desktop.ui.workers import TaskManager

    monkeypatch.setattr(TaskManager, "synchronous", True)


@pytest.fixture
def store(private_folders: Path) -> Iterator[object]:
    from mit_desktop.history import HistoryStore

    s = HistoryStore.open()
    yield s
    s.close()


@pytest.fixture
def window(qtbot, store, sync_tasks) -> Iterator[object]:
    """The main window, shown, with a quick listening pace."""
    from PySide6.QtWidgets import QApplication

    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.main_window import MainWindow
    from mit_desktop.ui.state import load_state
    from mit_desktop.ui.theme import apply_theme

    apply_theme(QApplication.instance(), 100, False)  # as the program starts
    ctx = AppContext(store, load_state())
    ctx.prefs.pacing = 0.25
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1100, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.flow.shutdown()
    ctx.close()
