"""Opening the history in the window, and what the window offers when it cannot.

A damaged history (or an empty file while backups exist, or another program's
database) is never replaced silently: every start asks, until the user chooses,
whether to restore the newest good backup (one click; the damaged file is kept
beside it) or to start a new, empty history (the damaged file is kept too), or to
close and decide later. A history that cannot be used at all (a folder, a device,
read-only, the disk full) gets one clear message and the offer of what still works:
practising without saving (the history kept in memory for this run). Nothing here ever
leaves the window stuck on "Opening your practices…".
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

if TYPE_CHECKING:
    from mit_desktop.history import CorruptDatabaseError, HistoryStore

log = logging.getLogger(__name__)

RESTORE, START_NEW, CLOSE = "restore", "start-new", "close"


def backup_date(path: object) -> str:
    """The local date and time a backup was made, in words ("1 December 2026, 09:12")."""
    from pathlib import Path

    from mit_desktop.history import backups

    found = [b for b in backups.list_backups(Path(str(path)).parent) if b.path == Path(str(path))]
    if not found:
        return Path(str(path)).name
    return describe_moment(found[0].created)


def describe_moment(moment: dt.datetime) -> str:
    local = moment.astimezone()
    return f"{local.day} {local:%B %Y}, {local:%H:%M}"


def ask_what_to_do(exc: CorruptDatabaseError, parent: QWidget | None = None) -> str:
    """The choice after a damaged history: RESTORE, START_NEW or CLOSE (asks in a dialog)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(box.tr("Your history needs attention"))
    box.setText(box.tr("Your practice history could not be opened: {detail}. Nothing has been "
                       "changed.").format(detail=exc.detail))
    restore = None
    if exc.newest_backup is not None:
        when = backup_date(exc.newest_backup)
        box.setInformativeText(box.tr(
            "The newest backup in good order is from {when}. Restore it to carry on; practices "
            "since then are not in it. The damaged file is kept, unchanged, beside it "
            "({folder}).").format(when=when, folder=exc.path.parent))
        restore = box.addButton(box.tr("Restore the backup of {when}").format(when=when),
                                QMessageBox.ButtonRole.AcceptRole)
    else:
        box.setInformativeText(box.tr(
            "No backup in good order was found. You can start a new, empty history; the "
            "damaged file is kept, unchanged, beside it ({folder}).").format(
            folder=exc.path.parent))
    new = box.addButton(box.tr("Start a new, empty history"), QMessageBox.ButtonRole.ActionRole)
    close = box.addButton(box.tr("Close, and decide next time"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore or close)
    box.setEscapeButton(close)
    box.exec()
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return RESTORE
    if clicked is new:
        return START_NEW
    return CLOSE


def ask_practise_without_saving(exc: Exception, parent: QWidget | None = None) -> bool:
    """The history file cannot be used at all: say why, and offer what still works (practising
    without saving). True if the listener chose to practise."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(box.tr("MIT Desktop cannot open your history"))
    box.setText(str(exc))
    box.setInformativeText(box.tr(
        "You can still practise now: the practices play as usual, but nothing you do or write "
        "is saved, and it is gone when you close MIT Desktop. Or close, fix what the message "
        "says, and start again."))
    practise = box.addButton(box.tr("Practise without saving"),
                             QMessageBox.ButtonRole.AcceptRole)
    close = box.addButton(box.tr("Close"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(practise)
    box.setEscapeButton(close)
    box.exec()
    return box.clickedButton() is practise


def recover(exc: CorruptDatabaseError, choice: str) -> tuple[HistoryStore | None, str]:
    """Carry out ``choice`` for a damaged history: (the open store or None, a notice)."""
    from mit_desktop.history import HistoryStore

    if choice not in (RESTORE, START_NEW):
        return None, ""
    store = HistoryStore.open(set_aside_damaged=True)
    try:
        if choice == RESTORE and exc.newest_backup is not None:
            store.restore_backup(exc.newest_backup, keep_current=False)
            notice = QApplication.translate(
                "recovery", "Your history was restored from the backup of {when}. The damaged "
                "file is kept as {kept}.").format(when=backup_date(exc.newest_backup),
                                                  kept=store.set_aside)
        else:
            notice = QApplication.translate(
                "recovery", "A new, empty history was started. The damaged file is kept as "
                "{kept}.").format(kept=store.set_aside)
    except BaseException:
        store.close()
        raise
    log.info("history recovered (%s); damaged file kept as %s", choice, store.set_aside)
    return store, notice


def open_store(app: QApplication, notices: list[str] | None = None) -> HistoryStore | None:
    """Open the history; a second window, a damaged or unusable file get a clear message.

    Returns None when the window cannot go on (it then closes). ``notices`` receives
    sentences to show once the window is open (what a recovery did).
    """
    from mit_desktop.history import (
        AlreadyRunningError,
        CorruptDatabaseError,
        HistoryError,
        HistoryStore,
        NewerDatabaseError,
        UnusableHistoryError,
    )

    try:
        return HistoryStore.open()
    except AlreadyRunningError:
        from mit_desktop.ui.single_window import ask_running_window_to_show

        if not ask_running_window_to_show():
            QMessageBox.information(None, app.tr("MIT Desktop is already open"), app.tr(
                "MIT Desktop is already open in another window. Please use that window "
                "(look for it in the task bar)."))
    except CorruptDatabaseError as exc:
        try:
            store, notice = recover(exc, ask_what_to_do(exc))
        except HistoryError as again:
            QMessageBox.warning(None, app.tr("The history could not be opened"), str(again))
            return None
        if notice and notices is not None:
            notices.append(notice)
        return store
    except NewerDatabaseError as exc:
        QMessageBox.warning(None, app.tr("A newer MIT Desktop is needed"), str(exc))
    except UnusableHistoryError as exc:
        if ask_practise_without_saving(exc):
            if notices is not None:
                notices.append(app.tr(
                    "Your practices are not being saved this time ({problem}). You can practise "
                    "as usual; what you enter is gone when you close MIT Desktop.").format(
                    problem=exc))
            return HistoryStore.open_in_memory()
    except HistoryError as exc:
        QMessageBox.warning(None, app.tr("The history could not be opened"), str(exc))
    return None
