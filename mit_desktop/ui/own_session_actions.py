"""The library's actions on the user's own sessions: rename, the reflections' inputs, delete
(content.own_sessions does the work; this asks and says what happened)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.content.library import LibraryEntry
from mit_desktop.content.own_sessions import (
    OwnSessionError,
    delete_session,
    rename_session,
    set_reflection_inputs,
)
from mit_desktop.session.parser import parse_session
from mit_desktop.ui.widgets import label

#: the library screen (not imported: ui.screens imports this module): a QWidget with
#: ``message`` (a signal), ``refresh()`` and ``inputs_dialog``
LibraryScreen = Any

log = logging.getLogger(__name__)

INPUT_WORDS = (("note", "A note in your own words"), ("rating", "A rating from 0 to 10"),
               ("body-map", "The body map"))


class InputsDialog(QDialog):
    """What every reflection of a practice offers: note, rating, body map."""

    def __init__(self, current: set[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("What each reflection asks for"))
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("At each reflection of this practice, offer:"), None, self,
                               wrap=True))
        self.boxes: dict[str, QCheckBox] = {}
        for name, words in INPUT_WORDS:
            box = QCheckBox(self.tr(words), self)
            box.setChecked(name in current)
            self.boxes[name] = box
            layout.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, ...]:
        return tuple(name for name, box in self.boxes.items() if box.isChecked())


def rename(screen: LibraryScreen, entry: LibraryEntry) -> None:
    title, ok = QInputDialog.getText(screen, screen.tr("Rename"),
                                     screen.tr("A name for this practice:"), text=entry.title)
    if not ok:
        return
    try:
        rename_session(entry.path, title)
    except OwnSessionError as exc:
        screen.message.emit(str(exc))
        return
    screen.message.emit(screen.tr("Renamed."))
    screen.refresh()


def edit_inputs(screen: LibraryScreen, entry: LibraryEntry) -> None:
    try:
        reflections = parse_session(entry.path).reflections
    except Exception as exc:  # noqa: BLE001 - a script the user broke: say so
        screen.message.emit(str(exc))
        return
    current = {name for r in reflections for name in r.inputs}
    dialog = InputsDialog(current, screen)
    screen.inputs_dialog = dialog
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    try:
        n = set_reflection_inputs(entry.path, dialog.chosen())
    except OwnSessionError as exc:
        screen.message.emit(str(exc))
        return
    screen.message.emit(screen.tr("Saved for {n} reflection(s).").format(n=n))
    screen.refresh()


def delete(screen: LibraryScreen, entry: LibraryEntry) -> None:
    answer = QMessageBox.question(
        screen, screen.tr("Delete this practice?"),
        screen.tr("Delete “{title}” and its imported recording? Your history of it is kept.")
        .format(title=entry.title))
    if answer != QMessageBox.StandardButton.Yes:
        return
    try:
        delete_session(entry.path, entry.path.parent)  # its own folder's recordings
    except (OwnSessionError, Exception) as exc:  # noqa: BLE001 - said in words
        screen.message.emit(str(exc))
        return
    screen.message.emit(screen.tr("Deleted “{title}”.").format(title=entry.title))
    screen.refresh()
