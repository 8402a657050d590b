"""The window's start-up catch-all: whatever stops it is one clear message, never a
traceback or a window stuck on "Opening your practices…"."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


def log_file_hint() -> str:
    """Where the details are (the log file), or '' if there is no log file."""
    for handler in logging.getLogger().handlers:
        name = getattr(handler, "baseFilename", None)
        if name:
            return str(name)
    return ""


def failure_text(exc: BaseException) -> str:
    """The sentence shown when something unexpected stops the window from starting."""
    from mit_desktop.fsutil import os_error_message

    if isinstance(exc, OSError):
        what = os_error_message(exc)
    else:
        what = f"{type(exc).__name__}: {exc}"
    text = (f"MIT Desktop could not open your practices because of a problem it did not "
            f"expect ({what}). Your history has not been changed. Please close this message "
            "and start MIT Desktop again; if this keeps happening, show this message to "
            "someone who can help.")
    hint = log_file_hint()
    if hint:
        text += f" The details are in {hint}."
    return text


def report_startup_failure(exc: BaseException, parent: QWidget | None = None) -> None:
    """Show :func:`failure_text` in a window (the caller then closes)."""
    QMessageBox.critical(parent, QCoreApplication.translate("QMessageBox",
                                                            "MIT Desktop could not start"),
                         failure_text(exc))
