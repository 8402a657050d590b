"""Check-in: mood and stress, 0-10, before and after a practice. One screen, large
controls, every part skippable. Before a practice it also asks how to listen.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.session.timeline import HANDS_FREE, INTERACTIVE
from mit_desktop.ui.controls import RatingRow
from mit_desktop.ui.widgets import FlowRow, button, label, named, scroll_page


def _before_session_text() -> str:
    """``resources/safety/before_session.md`` as plain text (its title left out)."""
    from mit_desktop.content.program import load_safety_text, plain_text

    return plain_text(load_safety_text("before_session").body)


class CheckInScreen(QWidget):
    """``submitted(phase, mood, stress, mode)``; skipping submits (None, None)."""

    submitted = Signal(str, object, object, str)
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phase = "before"
        self.resuming = False
        # the questions scroll at large text sizes; Back, Skip and Start listening stay in
        # view below them (at 200 % "Start listening" was below the fold)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        self.scroll_area, body, layout = scroll_page(self, spacing=14, focusable=False)
        outer.addWidget(self.scroll_area, 1)
        self.heading = label("", "heading", self)
        layout.addWidget(self.heading)
        self.session_label = label("", "title", self)
        layout.addWidget(self.session_label)
        self.safety_label = label("", "banner", self)
        named(self.safety_label, self.tr("Safety note for this practice"))
        layout.addWidget(self.safety_label)
        self.trains_heading = label(self.tr("What this practice trains"), "title", self)
        self.trains_label = label("", None, self)
        named(self.trains_label, self.tr("What this practice trains"))
        layout.addWidget(self.trains_heading)
        layout.addWidget(self.trains_label)
        self.before_label = label(_before_session_text(), "muted", self)
        named(self.before_label, self.tr("Before every practice"))
        layout.addWidget(self.before_label)
        self.intro = label("", "muted", self)
        layout.addWidget(self.intro)
        self.mood = RatingRow(self.tr("How is your mood?"), self.tr("very low"),
                              self.tr("very good"), self)
        self.stress = RatingRow(self.tr("How stressed do you feel?"), self.tr("not at all"),
                                self.tr("extremely"), self)
        layout.addWidget(self.mood)
        layout.addWidget(self.stress)

        self.mode_box = FlowRow(self)
        self.mode_box.add(label(self.tr("How to listen:"), None, self.mode_box, wrap=False))
        self.hands_free = QRadioButton(self.tr("Hands-free (pauses are timed)"), self.mode_box)
        named(self.hands_free, self.tr("Hands-free"),
              self.tr("The practice plays through; reflections are timed pauses and you can "
                      "answer at the end."))
        self.interactive = QRadioButton(self.tr("Stop at each reflection"), self.mode_box)
        named(self.interactive, self.tr("Stop at each reflection"),
              self.tr("The practice waits at each reflection until you press Continue."))
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.hands_free)
        self.mode_group.addButton(self.interactive)
        self.mode_box.add(self.hands_free)
        self.mode_box.add(self.interactive)
        layout.addWidget(self.mode_box)
        layout.addStretch(1)

        row = QHBoxLayout()
        self.back_button = button(self.tr("Back"), self.tr("Back"),
                                  self.tr("Go back without starting."), None, self)
        self.back_button.clicked.connect(self.back.emit)
        self.skip_button = button(self.tr("Skip"), self.tr("Skip the check-in"),
                                  self.tr("Go on without answering."), None, self)
        self.skip_button.clicked.connect(lambda: self._submit(skip=True))
        self.go_button = button(self.tr("Start listening"), None, "", "primary", self)
        self._go_does = ""  # what the button does (its description follows what the page says)
        self.go_button.clicked.connect(lambda: self._submit(skip=False))
        self.go_button.setMinimumWidth(220)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.skip_button)
        row.addWidget(self.go_button)
        outer.addLayout(row)

    def show_phase(self, phase: str, title: str = "", safety: str = "", mode: str = HANDS_FREE,
                   can_choose_mode: bool = True, resuming: bool = False) -> None:
        """Prepare the screen for ``before`` or ``after`` a practice.

        ``resuming``: the practice continues an interrupted one, whose "before"
        answers are kept; mood and stress are not asked again.
        """
        self.phase = phase
        self.resuming = resuming and phase == "before"
        self.mood.set_value(None)
        self.stress.set_value(None)
        self.mood.setVisible(not self.resuming)
        self.stress.setVisible(not self.resuming)
        self.session_label.setText(title)
        self.session_label.setVisible(bool(title))
        self.safety_label.setText(safety)
        self.safety_label.setVisible(bool(safety) and phase == "before")
        self.before_label.setVisible(phase == "before")
        self.show_training("")
        (self.interactive if mode == INTERACTIVE else self.hands_free).setChecked(True)
        self.mode_box.setVisible(phase == "before" and can_choose_mode)
        self.back_button.setVisible(phase == "before")
        if phase == "before":
            # (not "Before you begin": the first-run notice before it has that title)
            self.heading.setText(self.tr("Before you listen"))
            self.intro.setText(
                self.tr("You are continuing where you left off; your answers from before are "
                        "kept.") if self.resuming else
                self.tr("If you like, notice how you are right now. You can skip this."))
            self.go_button.setText(self.tr("Start listening"))
            named(self.go_button, self.tr("Start listening"),
                  self.tr("Save your answers (if any) and start the practice."))
        else:
            self.heading.setText(self.tr("Well done"))
            self.intro.setText(self.tr("How are you now? You can skip this."))
            self.go_button.setText(self.tr("Save and finish"))
            named(self.go_button, self.tr("Save and finish"),
                  self.tr("Save your answers (if any) and return to Today."))
        self._go_does = self.go_button.toolTip()
        self._describe_go()
        self.go_button.setFocus()

    def show_session(self, title: str, safety: str) -> None:
        """The practice is known: its title and safety note (shown before it only)."""
        self.session_label.setText(title)
        self.session_label.setVisible(bool(title))
        self.safety_label.setText(safety)
        self.safety_label.setVisible(bool(safety) and self.phase == "before")
        self._describe_go()

    def _describe_go(self) -> None:
        """Give the button that has the focus when the page opens what the page says
        (heading, practice, its safety note, what it trains, the advice before every
        practice, the invitation) before what the button does: under Orca only the focused
        button was heard, never the safety note of the practice above it."""
        shown = [w.text() for w in (self.heading, self.session_label, self.safety_label,
                                    self.trains_label, self.before_label, self.intro)
                 if w.text().strip() and w.isVisibleTo(self)]
        said = " ".join(text.strip() if text.strip()[-1] in ".!?:…" else f"{text.strip()}."
                        for text in shown)
        self.go_button.setAccessibleDescription(f"{said} {self._go_does}".strip())

    def show_training(self, text: str) -> None:
        """Show "What this practice trains" with `text` (before the first practice of a
        module); an empty `text` hides it."""
        self.trains_label.setText(text)
        self.trains_label.setAccessibleDescription(text)
        self.trains_heading.setVisible(bool(text))
        self.trains_label.setVisible(bool(text))
        self._describe_go()

    def mode(self) -> str:
        return INTERACTIVE if self.interactive.isChecked() else HANDS_FREE

    def _submit(self, skip: bool) -> None:
        mood = None if skip or self.resuming else self.mood.value()
        stress = None if skip or self.resuming else self.stress.value()
        self.submitted.emit(self.phase, mood, stress, self.mode())
