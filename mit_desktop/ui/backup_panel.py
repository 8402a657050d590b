"""Settings → Your data → Backups: every backup kept, with its date and why it was made;
"Back up now"; and restoring a chosen backup (the history it replaces is backed up first,
so a restore can be undone by restoring that one)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.ui.recovery import describe_moment
from mit_desktop.ui.widgets import button, label, named

if TYPE_CHECKING:
    from mit_desktop.history.backups import BackupInfo
    from mit_desktop.ui.context import AppContext

log = logging.getLogger(__name__)


class BackupPanel(QWidget):
    """``message(text)`` for the status line; ``restored()`` after a backup was restored."""

    message = Signal(str)
    restored = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.infos: list[BackupInfo] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = label("", "muted", self)
        layout.addWidget(self.summary)
        self.list = QListWidget(self)
        named(self.list, self.tr("Backups"), self.tr(
            "Every backup kept, newest first: one a day while MIT Desktop is in use, and one "
            "before an upgrade or a restore."))
        self.list.setMaximumHeight(180)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.backup_button = button(self.tr("Back up now"), self.tr("Back up now"), self.tr(
            "Make a copy of your history in the backups folder."), None, self)
        self.backup_button.clicked.connect(self.back_up_now)
        row.addWidget(self.backup_button)
        self.restore_button = button(self.tr("Restore the chosen backup…"),
                                     self.tr("Restore the chosen backup"), self.tr(
            "Replace your history with the backup chosen in the list. The history as it is "
            "now is backed up first."), None, self)
        self.restore_button.clicked.connect(self.ask_restore)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout.addLayout(row)

    def reason_text(self, reason: str) -> str:
        """Why a backup was made, in words."""
        return {"scheduled": self.tr("daily"), "manual": self.tr("made by you"),
                "pre-migration": self.tr("before an upgrade"),
                "pre-restore": self.tr("before a restore")}.get(reason, reason)

    def refresh(self) -> None:
        store = self.ctx.store
        self.ctx.db(store.list_backups, self._show, lambda exc: self.message.emit(str(exc)))

    def _show(self, infos: list[BackupInfo]) -> None:
        self.infos = list(infos)
        self.list.clear()
        for info in self.infos:
            item = QListWidgetItem(f"{describe_moment(info.created)} — "
                                   f"{self.reason_text(info.reason)}")
            item.setData(Qt.ItemDataRole.UserRole, str(info.path))
            self.list.addItem(item)
        if self.infos:
            self.summary.setText(self.tr("{n} backup(s) kept, the newest from {when}.").format(
                n=len(self.infos), when=describe_moment(self.infos[0].created)))
        else:
            self.summary.setText(self.tr("No backup yet."))
        self.restore_button.setEnabled(bool(self.infos))

    def back_up_now(self) -> None:
        store = self.ctx.store

        def done(_path: Any) -> None:
            self.message.emit(self.tr("Backup made."))
            self.refresh()

        def failed(exc: BaseException) -> None:
            from mit_desktop.history.errors import describe_write_failure

            self.message.emit(self.tr("No backup could be made: {e}").format(
                e=describe_write_failure(exc, store.path.parent)))

        self.ctx.db(lambda: store.backup_now("manual"), done, failed)

    def chosen(self) -> BackupInfo | None:
        """The backup chosen in the list (the newest if none is chosen)."""
        row = self.list.currentRow() if self.list.selectedItems() else 0
        return self.infos[row] if 0 <= row < len(self.infos) else None

    def ask_restore(self) -> None:
        info = self.chosen()
        if info is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Restore a backup"), self.tr(
            "Replace your whole history (every profile) with the backup of {when}? What was "
            "recorded since then is not in it. Your history as it is now is backed up first, "
            "so you can go back to it.").format(when=describe_moment(info.created)),
            QMessageBox.StandardButton.NoButton, self)
        yes = box.addButton(self.tr("Restore"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        self.confirm_box = box
        box.finished.connect(lambda _r: self.restore(info) if box.clickedButton() is yes
                             else None)
        box.open()

    def restore(self, info: BackupInfo) -> None:
        """Restore ``info`` on the database thread, then ``restored``."""
        store = self.ctx.store

        def work() -> list[int]:
            store.restore_backup(info.path)
            return [p.id for p in store.list_profiles()]

        def done(ids: list[int]) -> None:
            self.message.emit(self.tr("Your history was restored from the backup of {when}; "
                                      "the history it replaced was backed up first.").format(
                when=describe_moment(info.created)))
            if self.ctx.profile_id not in ids:
                if ids:
                    self.ctx.set_profile(ids[0])
                else:
                    me = self.ctx.tr("Me")
                    self.ctx.db(lambda: store.create_profile(me, "caregiver"),
                                self.ctx.set_profile)
            else:
                self.ctx.reload_profile()
            self.restored.emit()
            self.refresh()

        self.ctx.db(work, done, lambda exc: self.message.emit(str(exc)))
