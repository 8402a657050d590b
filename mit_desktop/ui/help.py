"""Help, one dialog with pages: "Help now" (grounding and the crisis numbers where the
listener lives; F1, the header and the tray open it here), "What is mentalizing?", what
each practice trains (``help_program``) and the keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from mit_desktop.ui.widgets import button, label, named, scroll_page

HELP_NOW, KEYBOARD = "help-now", "keyboard"


def shortcuts(widget: QWidget) -> list[tuple[str, str]]:
    """(keys, what they do), translated through `widget`."""
    tr = widget.tr
    return [
        (tr("Tab / Shift+Tab"), tr("Move to the next or previous control")),
        (tr("Enter"), tr("Press the highlighted button")),
        (tr("Space"), tr("Play or pause; on a reflection page, Continue (a highlighted "
                                 "button or box is pressed instead)")),
        (tr("Left / Right arrow"), tr("Back or forward 10 seconds")),
        (tr("Home / End"), tr("Back to the start of this section, or on to the next one")),
        (tr("Escape"), tr("I need to stop (during a practice)")),
        (tr("Ctrl+1 … Ctrl+4"), tr("Today, All practices, History, Settings")),
        (tr("Ctrl+5"), tr("Sessions I made: write your own sessions")),
        (tr("Ctrl+S, F5 … F8"), tr("In the script editor: save; hear the sentence, paragraph "
                                   "or section under the cursor; stop hearing")),
        (tr("F1"), tr("Help now: what to do, and whom to call, if you are upset; then the "
                      "rest of this help")),
        (tr("Ctrl+Z / Ctrl+Shift+Z"), tr("Undo or redo painting on the body map")),
        (tr("Ctrl+Q"), tr("Quit (a practice in progress can be continued later)")),
    ]


class HelpDialog(QDialog):
    """The help pages (see module docstring). ``regionChosen(code)`` when the listener says
    where they live on the Help now page."""

    regionChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, region: str | None = None) -> None:
        super().__init__(parent)
        from mit_desktop.ui.safety import HelpNowPage

        self.setWindowTitle(self.tr("Help"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        self.tabs = QTabWidget(self)
        named(self.tabs, self.tr("Help pages"))
        named(self.tabs.tabBar(), self.tr("Help pages"),
              self.tr("Choose a page of help."))
        self.help_now = HelpNowPage(self.tabs)
        self.help_now.show_for_region(region)
        self.help_now.regionChosen.connect(self.regionChosen)
        self.pages: dict[str, QWidget] = {}
        self.add_page(HELP_NOW, self.help_now, self.tr("Help now"))
        from mit_desktop.ui.help_program import (
            MENTALIZING,
            PRACTICES,
            mentalizing_page,
            practices_page,
        )

        self.add_page(MENTALIZING, mentalizing_page(self.tabs), self.tr("What is mentalizing?"))
        self.add_page(PRACTICES, practices_page(self.tabs), self.tr("The practices"))
        self.add_page(KEYBOARD, self._keyboard_page(), self.tr("Keyboard"))
        layout.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.close_button = button(self.tr("Close"), self.tr("Close help"), "", "primary", self)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.resize(760, 620)

    def add_page(self, key: str, page: QWidget, title: str) -> None:
        self.pages[key] = page
        self.tabs.addTab(page, title)

    def show_page(self, key: str) -> None:
        """Bring the page ``key`` (e.g. :data:`HELP_NOW`) to the front."""
        page = self.pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)

    def _keyboard_page(self) -> QWidget:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        layout.addWidget(label(self.tr("Keyboard shortcuts"), "heading", page))
        scroll, inner, inner_layout = scroll_page(page, self.tr("Keyboard shortcuts"),
                                                  margins=(0, 0, 0, 0))
        self.table = label("\n".join(f"{keys}:  {what}" for keys, what in shortcuts(self)), None,
                           inner)
        named(self.table, self.tr("List of keyboard shortcuts"))
        inner_layout.addWidget(self.table)
        layout.addWidget(scroll, 1)
        layout.addWidget(label(self.tr("Everything can be reached with Tab and Enter; no mouse "
                                       "is needed."), "muted", page))
        return page
