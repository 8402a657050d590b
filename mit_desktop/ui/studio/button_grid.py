"""Buttons in as many columns as fit the width (one row when there is room, two or three
columns at large text), so none is cut and the rows never grow taller than needed."""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget


class ButtonGrid(QWidget):
    """Holds ``buttons`` in reading order, left to right then down."""

    def __init__(self, buttons: list[QPushButton], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons = buttons
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        self.columns = 0
        self.arrange(len(buttons))

    def arrange(self, columns: int) -> None:
        columns = max(1, min(columns, len(self.buttons)))
        if columns == self.columns:
            return
        self.columns = columns
        for b in self.buttons:
            self.grid.removeWidget(b)
        for i, b in enumerate(self.buttons):
            self.grid.addWidget(b, i // columns, i % columns)
        for column in range(len(self.buttons) + 1):  # each button at its own width
            self.grid.setColumnStretch(column, 1 if column == columns else 0)

    def fitting_columns(self, width: int) -> int:
        """The most columns whose widest buttons fit side by side in ``width`` pixels."""
        spacing = self.grid.horizontalSpacing()
        for columns in range(len(self.buttons), 0, -1):
            widest = [0] * columns
            for i, b in enumerate(self.buttons):
                widest[i % columns] = max(widest[i % columns], b.sizeHint().width())
            if sum(widest) + spacing * (columns - 1) <= width:
                return columns
        return 1

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        self.arrange(self.fitting_columns(event.size().width()))
        super().resizeEvent(event)
