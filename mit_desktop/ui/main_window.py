"""The main window: for now, the library of bundled sessions (the full GUI is issue 7)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.library import LibraryEntry, list_sessions


class MainWindow(QMainWindow):
    """Lists the MIT program's sessions in program order, with their length and summary."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("MIT Desktop"))
        self.resize(820, 640)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(16)

        heading = QLabel(self.tr("Your practices"), central)
        heading.setStyleSheet("font-size: 20pt; font-weight: 600;")
        layout.addWidget(heading)

        self.session_list = QListWidget(central)
        self.session_list.setAccessibleName(self.tr("Sessions"))
        self.session_list.setWordWrap(True)
        self.session_list.setSpacing(6)
        layout.addWidget(self.session_list, 1)

        self.errors_label = QLabel(central)
        self.errors_label.setWordWrap(True)
        self.errors_label.setStyleSheet("color: #8a1c1c;")
        layout.addWidget(self.errors_label)

        notice = QLabel(self.tr("MIT Desktop supports, and does not replace, care from a clinician."), central)
        notice.setWordWrap(True)
        notice.setStyleSheet("color: #444;")
        layout.addWidget(notice)
        self.setCentralWidget(central)
        self.reload()

    def reload(self) -> None:
        """Read the library again and show it."""
        entries, errors = list_sessions()
        self.session_list.clear()
        for entry in entries:
            self.session_list.addItem(self._item(entry))
        if errors:
            self.errors_label.setText(self.tr("Some sessions could not be read:\n") +
                                      "\n".join(str(e) for e in errors))
        self.errors_label.setVisible(bool(errors))

    def _item(self, entry: LibraryEntry) -> QListWidgetItem:
        minutes = self.tr(" · about {n} minutes").format(n=round(entry.minutes)) if entry.minutes else ""
        item = QListWidgetItem(f"{entry.title}{minutes}\n{entry.summary}")
        item.setData(Qt.ItemDataRole.UserRole, entry.id)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{entry.title}. {entry.summary}")
        return item
