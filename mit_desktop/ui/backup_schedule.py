"""The window's automatic backups: one when the window opens if the newest is a day old,
then a check every hour while it stays open (``HistoryStore.backup_if_due`` backs up and
rotates on the database thread). Backups before an upgrade or a restore are the store's.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from mit_desktop.ui.context import AppContext

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 60 * 60 * 1000


class BackupSchedule(QObject):
    """``made(path)`` after a backup; ``failed(message)`` once if backups cannot be made."""

    made = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._warned = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        """Check now, and every hour from now on."""
        self.check()
        self.timer.start()

    def check(self) -> None:
        """Back up if due (on the database thread)."""
        store = self.ctx.store
        self.ctx.db(store.backup_if_due, self._done, self._failed)

    def _done(self, path: Path | None) -> None:
        self._warned = False
        if path is not None:
            log.info("daily backup made")
            self.made.emit(path)

    def _failed(self, exc: BaseException) -> None:
        from mit_desktop.history.errors import describe_write_failure

        log.warning("daily backup failed: %s", exc)
        if self._warned:
            return
        self._warned = True
        reason = describe_write_failure(exc, self.ctx.store.path.parent)
        self.failed.emit(self.tr(
            "Today's backup of your history could not be made: {reason} Your history itself "
            "is kept as before.").format(reason=reason))
