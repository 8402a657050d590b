"""The Qt application: one instance at a time, theme, the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from mit_desktop.history import (
    AlreadyRunningError,
    CorruptDatabaseError,
    HistoryError,
    HistoryStore,
    NewerDatabaseError,
)
from mit_desktop.ui.context import AppContext
from mit_desktop.ui.main_window import MainWindow
from mit_desktop.ui.state import load_state
from mit_desktop.ui.theme import apply_theme

log = logging.getLogger(__name__)


def open_store(app: QApplication) -> HistoryStore | None:
    """Open the history; a second instance or a damaged file gets a polite message."""
    try:
        return HistoryStore.open()
    except AlreadyRunningError:
        QMessageBox.information(None, app.tr("MIT Desktop is already open"), app.tr(
            "MIT Desktop is already open in another window. Please use that window "
            "(look for it in the task bar)."))
    except CorruptDatabaseError as exc:
        QMessageBox.warning(None, app.tr("Your history needs attention"), str(exc))
    except NewerDatabaseError as exc:
        QMessageBox.warning(None, app.tr("A newer MIT Desktop is needed"), str(exc))
    except HistoryError as exc:
        QMessageBox.warning(None, app.tr("The history could not be opened"), str(exc))
    return None


def create_window(app: QApplication) -> MainWindow | None:
    """Theme, store, context, window (not shown). None if the store could not be opened."""
    app.setApplicationName("MIT Desktop")
    state = load_state()
    apply_theme(app, state.text_scale, state.high_contrast)
    store = open_store(app)
    if store is None:
        return None
    ctx = AppContext(store, state)
    window = MainWindow(ctx)
    app.aboutToQuit.connect(lambda: _shutdown(ctx))
    return window


def _shutdown(ctx: AppContext) -> None:
    ctx.close()
    ctx.store.close()


def run() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    window = create_window(app)
    if window is None:
        return 0
    window.show()
    return app.exec()
