"""The help screen: every keyboard shortcut, in plain words."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from mit_desktop.ui.widgets import button, label, named


def shortcuts(widget: QWidget) -> list[tuple[str, str]]:
    """(keys, what they do), translated through `widget`."""
    tr = widget.tr
    return [
        (tr("Tab / Shift+Tab"), tr("Move to the next or previous control")),
        (tr("Enter"), tr("Press the highlighted button")),
        (tr("Space"), tr("Play or pause; on a reflection page, Continue (a highlighted "
                                 "button or box is pressed instead)")),
        (tr("Left / Right arrow"), tr("Back or forward 10 seconds")),
        (tr("Escape"), tr("I need to stop (during a practice)")),
        (tr("Ctrl+1 … Ctrl+4"), tr("Today, All practices, History, Settings")),
        (tr("F1"), tr("This help")),
        (tr("Ctrl+Z / Ctrl+Shift+Z"), tr("Undo or redo painting on the body map")),
        (tr("Ctrl+Q"), tr("Quit (a practice in progress can be continued later)")),
    ]


class HelpDialog(QDialog):
    """Lists the keyboard shortcuts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(label(self.tr("Keyboard shortcuts"), "heading", self))
        rows = shortcuts(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        named(scroll, self.tr("Keyboard shortcuts"))
        self.table = label("\n".join(f"{keys}:  {what}" for keys, what in rows), None, scroll)
        named(self.table, self.tr("List of keyboard shortcuts"))
        scroll.setWidget(self.table)
        layout.addWidget(scroll, 1)
        layout.addWidget(label(self.tr("Everything can be reached with Tab and Enter; no mouse "
                                       "is needed."), "muted", self))
        row = QHBoxLayout()
        row.addStretch(1)
        self.close_button = button(self.tr("Close"), self.tr("Close help"), "", "primary", self)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.resize(760, 620)
