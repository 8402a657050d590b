"""The Qt application: one instance at a time, theme, the main window.

Start-up is progressive: the window frame is painted first (as fast as a bare Qt
window), then the history is opened and the screens are built. The heavy modules
(numpy, the player, sqlite-utils) are imported only then.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from mit_desktop.ui.main_window import MainWindow
from mit_desktop.ui.state import GuiState, load_state
from mit_desktop.ui.theme import apply_theme

if TYPE_CHECKING:
    from mit_desktop.history import HistoryStore
    from mit_desktop.ui.context import AppContext

log = logging.getLogger(__name__)


def open_store(app: QApplication, notices: list[str] | None = None) -> HistoryStore | None:
    """Open the history (see ``recovery.open_store``): None if the window cannot go on."""
    from mit_desktop.ui.recovery import open_store as open_with_recovery

    return open_with_recovery(app, notices)


def open_context(app: QApplication, state: GuiState) -> AppContext | None:
    """The history store and shared services; None if the store could not be opened."""
    from mit_desktop.ui.context import AppContext

    notices: list[str] = []
    store = open_store(app, notices)
    if store is None:
        return None
    try:
        ctx = AppContext(store, state)
    except BaseException:
        store.close()
        raise
    ctx.notices = ([state.load_notice] if state.load_notice else []) + notices
    app.aboutToQuit.connect(lambda: _shutdown(ctx))
    return ctx


def _prepare(app: QApplication) -> GuiState:
    app.setApplicationName("MIT Desktop")
    state = load_state()
    apply_theme(app, state.text_scale, state.high_contrast)
    return state


def start(app: QApplication) -> MainWindow:
    """The window, to be shown; it opens the history right after its first paint."""
    state = _prepare(app)
    return MainWindow(None, lambda: open_context(app, state))


def create_window(app: QApplication) -> MainWindow | None:
    """Everything at once (tests): None if the store could not be opened."""
    state = _prepare(app)
    ctx = open_context(app, state)
    return MainWindow(ctx) if ctx is not None else None


def _shutdown(ctx: AppContext) -> None:
    ctx.close()
    ctx.store.close()


def run() -> int:
    """Start the window and run until it closes; whatever stops it from starting is one
    message in a window (exit code 1), never a traceback."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    try:
        window = start(app)
        window.show()
    except Exception as exc:  # noqa: BLE001 - the start-up catch-all
        from mit_desktop.ui.startup import report_startup_failure

        log.exception("the window could not start")
        report_startup_failure(exc)
        return 1
    code = app.exec()
    log.info("exiting (%s)", code)
    return code
