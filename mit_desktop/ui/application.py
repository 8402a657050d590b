"""The Qt application: creates the QApplication and the main window."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from mit_desktop.ui.main_window import MainWindow


def run() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("MIT Desktop")
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 10) * 1.3)  # larger text for older eyes
    app.setFont(font)
    window = MainWindow()
    window.show()
    return app.exec()
