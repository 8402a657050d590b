"""Safety: the first-run notice (accepted once per profile) and the "I need to stop"
screen with grounding suggestions and the crisis resources for the profile's region.
The texts and numbers are data (``resources/safety``, ``crisis_resources.toml``).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from mit_desktop.program import CrisisRegion, load_safety_text, resources_for_region
from mit_desktop.ui.widgets import button, label, named

log = logging.getLogger(__name__)


def region_code(profile_region: str | None) -> str:
    """The profile's region, or the computer's locale (``en_GB`` -> GB) when none is set."""
    return profile_region or QLocale.system().name()


def _markdown_label(markdown: str, parent: QWidget) -> QWidget:
    lab = label("", None, parent)
    lab.setTextFormat(Qt.TextFormat.MarkdownText)
    lab.setText(markdown)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def crisis_lines(region: CrisisRegion) -> list[str]:
    """One plain line per service: name, how to call or text, hours."""
    lines = []
    for s in region.services:
        parts = [s.name]
        if s.phone and s.text and s.phone == s.text:
            parts.append(f"call or text {s.phone}")
        else:
            if s.phone:
                parts.append(f"call {s.phone}")
            if s.text:
                parts.append(f"text {s.text}")
        if s.hours:
            parts.append(s.hours)
        lines.append(" – ".join(parts))
    return lines


class FirstRunDialog(QDialog):
    """The notice shown before a profile's first practice; accept it once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        text = load_safety_text("first_run")
        self.setWindowTitle(text.title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(label(text.title, "heading", self))
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        named(scroll, self.tr("Safety information"))
        self.body = _markdown_label(text.body, scroll)
        named(self.body, self.tr("Safety information"))
        scroll.setWidget(self.body)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.accept_button = button(self.tr("I understand"), self.tr("I understand"),
                                    self.tr("Confirm you have read this notice. It is shown once "
                                            "for each profile."), "primary", self)
        self.accept_button.setDefault(True)
        self.accept_button.clicked.connect(self.accept)
        row.addWidget(self.accept_button)
        layout.addLayout(row)
        self.resize(760, 640)


class StopScreen(QWidget):
    """Shown after "I need to stop": grounding, then whom to contact in the region."""

    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        named(scroll, self.tr("Help after stopping"))
        inner = QWidget(scroll)
        layout = QVBoxLayout(inner)
        text = load_safety_text("stop_screen")
        self.title = label(text.title, "heading", inner)
        layout.addWidget(self.title)
        self.grounding = _markdown_label(text.body, inner)
        named(self.grounding, self.tr("Grounding suggestions"))
        layout.addWidget(self.grounding)
        self.region_label = label("", "title", inner)
        layout.addWidget(self.region_label)
        self.crisis_label = label("", "crisis", inner)
        self.crisis_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        named(self.crisis_label, self.tr("Crisis help for your region"))
        layout.addWidget(self.crisis_label)
        self.notes_label = label("", None, inner)
        named(self.notes_label, self.tr("About these services"))
        layout.addWidget(self.notes_label)
        self.kept_label = label(self.tr("What you listened to so far has been kept in your "
                                        "history. You can come back another time, or not at all."),
                                "muted", inner)
        layout.addWidget(self.kept_label)
        layout.addStretch(1)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.done_button = button(self.tr("Back to Today"), self.tr("Back to Today"),
                                  self.tr("Leave this page when you are ready."), None, self)
        self.done_button.clicked.connect(self.done.emit)
        row.addWidget(self.done_button)
        outer.addLayout(row)

    def show_for_region(self, code: str | None) -> CrisisRegion:
        """Fill in the crisis services for ``code`` (a region or locale code)."""
        region = resources_for_region(region_code(code))
        self.region_label.setText(self.tr("Help in {region}").format(region=region.name)
                                  if not region.is_fallback else self.tr("Help"))
        self.crisis_label.setText("\n".join(crisis_lines(region)))
        self.notes_label.setText("\n".join(s.notes for s in region.services if s.notes))
        self.done_button.setFocus()
        return region
