"""The page a check-in leads to when it asks for care (see ``mit_desktop.practice.checkin_support``):
grounding steps, the BAM quick practice, or talking to someone, with the numbers for where
the listener lives. Before a practice the listener may still go on with it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from mit_desktop.content.program import load_safety_text
from mit_desktop.practice.checkin_support import (
    MOOD_DROP_REASON,
    VERY_HIGH_STRESS_REASON,
    VERY_LOW_MOOD_REASON,
    SupportOffer,
)
from mit_desktop.ui.safety import CrisisPanel, _markdown_label
from mit_desktop.ui.widgets import FlowRow, button, label, named, scroll_page


class SupportScreen(QWidget):
    """``bamRequested``, ``goOn`` (before a practice: start it after all) and ``done``."""

    bamRequested = Signal()
    goOn = Signal()
    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        scroll, inner, layout = scroll_page(self, self.tr("Some care for right now"), margins=None)
        self.heading = label(self.tr("Some care for right now"), "heading", inner)
        layout.addWidget(self.heading)
        self.message = label("", "banner", inner)
        named(self.message, self.tr("Why this page is shown"))
        layout.addWidget(self.message)
        layout.addWidget(label(self.tr("You could try one of these. Each is a good choice."),
                               None, inner))
        layout.addWidget(label(self.tr("Ground yourself"), "title", inner))
        self.grounding = _markdown_label(_steps(load_safety_text("help_now").body), inner)
        named(self.grounding, self.tr("Grounding steps"))
        layout.addWidget(self.grounding)
        layout.addWidget(label(self.tr("A short reset"), "title", inner))
        self.bam_button = button(self.tr("Do the three-minute BAM practice"),
                                 self.tr("Do the three-minute BAM practice"),
                                 self.tr("Breathing, Awareness, Motivation: a short reset, "
                                         "sitting down."), None, inner)
        self.bam_button.clicked.connect(self.bamRequested.emit)
        layout.addWidget(self.bam_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(label(self.tr("Talk to someone"), "title", inner))
        layout.addWidget(label(self.tr("Someone you trust, your doctor or your clinician. If you "
                                       "are in crisis, call now:"), None, inner))
        self.crisis = CrisisPanel(inner)
        layout.addWidget(self.crisis)
        layout.addStretch(1)
        outer.addWidget(scroll, 1)
        row = FlowRow(self)
        self.back_button = button(self.tr("Back to Today"), self.tr("Back to Today"),
                                  self.tr("Leave this page when you are ready."), None, self)
        self.back_button.clicked.connect(self.done.emit)
        self.go_button = button(self.tr("Go on to the practice"), self.tr("Go on to the practice"),
                                self.tr("Start the practice after all."), None, self)
        self.go_button.clicked.connect(self.goOn.emit)
        row.add(self.back_button)
        row.add(self.go_button)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(row)
        outer.addLayout(bottom)

    def show_offer(self, offer: SupportOffer, region: str | None) -> None:
        """Fill the page for ``offer`` (why it is shown, and the numbers for ``region``)."""
        tr = self.tr
        words = {
            VERY_LOW_MOOD_REASON: tr("You said your mood is very low right now."),
            VERY_HIGH_STRESS_REASON: tr("You said you feel extremely stressed right now."),
            MOOD_DROP_REASON: tr("Your mood is a good deal lower than before the practice."),
        }
        lines = [words[r] for r in offer.reasons if r in words]
        if offer.phase == "before":
            lines.append(tr("A long practice with your eyes closed may not be the best help "
                            "just now. You can still go on with it if you wish."))
        else:
            lines.append(tr("Practicing can sometimes stir things up. That is not your fault."))
        self.message.setText(" ".join(lines))
        self.go_button.setVisible(offer.phase == "before")
        self.crisis.show_region(region)
        self.bam_button.setFocus()


def _steps(markdown: str) -> str:
    """The grounding steps of the Help now text (its list), without the paragraphs after."""
    lines = markdown.splitlines()
    kept = [line for line in lines if line.startswith(("- ", "  "))]
    return "\n".join(kept) if kept else markdown
