"""The Reflection screen: the prompt, large, and the inputs the script asks for
(note, 0-10 rating, body map). Notes are saved as drafts within about a second of
typing stopping, so nothing typed is lost. Continue (button, Space or Enter outside
the note) saves the answer and goes on.

Each showing is bound to one :class:`~mit_desktop.practice.answers.AnswerTarget`
(profile, practice, reflection). Drafts and the answer are emitted with that
target, every input is cleared when the next reflection is shown, and once a
reflection is answered or left nothing more is emitted for it: a note can only
ever be saved where it was typed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from mit_desktop.bodymap import BodyMap
from mit_desktop.practice.answers import AnswerTarget, ReflectionAnswer, answer_for
from mit_desktop.session.model import RatingScale
from mit_desktop.ui.controls import RatingRow
from mit_desktop.ui.widgets import button, label, named, scroll_page

if TYPE_CHECKING:
    from mit_desktop.ui.bodymap import BodyMapWidget

log = logging.getLogger(__name__)

DRAFT_DELAY_MS = 800  # a draft is written this long after typing stops (goal: within 2 s)


class ReflectionScreen(QWidget):
    """Shows one reflection point; emits ``answered(target, answer)`` on Continue."""

    answered = Signal(object, object)  # AnswerTarget, ReflectionAnswer
    draftChanged = Signal(object, str)  # AnswerTarget, text (debounced)
    stopRequested = Signal()  # "I need to stop" is on this page too

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target: AnswerTarget | None = None  # None: nothing is emitted for this page
        self.key = ""
        self.prompt = ""
        self.inputs: tuple[str, ...] = ()
        self.scale: RatingScale | None = None
        self._body: BodyMapWidget | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        top = QHBoxLayout()
        heading = QVBoxLayout()
        self.step_label = label("", "muted", self)
        heading.addWidget(self.step_label)
        self.prompt_label = label("", "prompt", self)
        named(self.prompt_label, self.tr("Reflection prompt"))
        heading.addWidget(self.prompt_label)
        top.addLayout(heading, 1)
        self.stop_button = button(self.tr("I need to stop"), self.tr("I need to stop"),
                                  self.tr("Stops the practice and shows help."), "danger", self)
        self.stop_button.setMinimumWidth(200)
        self.stop_button.clicked.connect(self._stop)
        top.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)
        self.hint = label(self.tr("Take your time. Everything here is optional; you can simply "
                                  "rest and press Continue."), "muted", self)
        outer.addWidget(self.hint)

        self.scroll_area, inner, self.inner_layout = scroll_page(self, self.tr("Reflection inputs"),
                                                            margins=(0, 0, 0, 0))
        self.note_label = label(self.tr("Your note"), "title", inner)
        self.note = QPlainTextEdit(inner)
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(90)
        self.note.setMaximumHeight(130)
        self.note.setPlaceholderText(self.tr("Write a few words, if you like…"))
        named(self.note, self.tr("Your note"),
              self.tr("What you noticed. It is saved as you type."))
        self.note_label.setBuddy(self.note)
        self.saved_label = label("", "muted", inner)
        self.rating = RatingRow(self.tr("Your rating, from 0 to 10"), self.tr("the least"),
                                self.tr("the most"), inner)
        self.body_holder = QVBoxLayout()
        for w in (self.note_label, self.note, self.saved_label, self.rating):
            self.inner_layout.addWidget(w)
        self.inner_layout.addLayout(self.body_holder)
        self.inner_layout.addStretch(1)
        outer.addWidget(self.scroll_area, 1)

        row = QHBoxLayout()
        self.countdown_label = label("", "muted", self)
        row.addWidget(self.countdown_label, 1)
        self.continue_button = button(self.tr("Continue"), self.tr("Continue"),
                                      self.tr("Save what you wrote and go on with the practice "
                                              "(Space or Enter)."), "primary", self)
        self.continue_button.setMinimumWidth(200)
        self.continue_button.clicked.connect(self.accept)
        row.addWidget(self.continue_button)
        outer.addLayout(row)

        # Escape is "I need to stop" here as on the player (Help promises it)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._stop,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.flush_draft)
        self.note.textChanged.connect(self._draft_timer.start)

    # -- showing --------------------------------------------------------------------

    def show_reflection(self, target: AnswerTarget, prompt: str, inputs: tuple[str, ...],
                        step: str = "", continue_text: str | None = None,
                        scale: RatingScale | None = None) -> None:
        """Fill the screen for one reflection; `inputs` from the script's reflect line,
        `scale` what its rating measures (a script that does not say gets a neutral 0-10).

        The reflection shown before is left first (its draft kept under its own
        target); every input starts empty. A draft of ``target`` is put in with
        :meth:`restore_draft` once it has been read.
        """
        self.leave()
        self.target, self.key = target, target.key
        self.prompt, self.inputs = prompt, tuple(inputs)
        self.step_label.setText(step)
        self.step_label.setVisible(bool(step))
        self.prompt_label.setText(prompt)
        # the question is heard at once, and is in the description of the controls that
        # take the focus here, for readers that do not speak announcements
        from mit_desktop.ui.access import announce

        announce(self.prompt_label, f"{step}. {prompt}" if step else prompt)
        self.note.setAccessibleDescription(self.tr("{q} What you noticed. It is saved as you "
                                                   "type.").format(q=prompt))
        self.continue_button.setAccessibleDescription(self.tr(
            "{q} Save what you wrote and go on with the practice (Space or Enter).").format(
            q=prompt))
        self.scale = scale
        if scale is not None:
            self.rating.set_scale(scale.question, scale.low, scale.high)
        else:
            self.rating.set_scale(self.tr("Your rating for this question, from 0 to 10"),
                                  self.tr("the least"), self.tr("the most"))
        wants_note, wants_rating = "note" in inputs, "rating" in inputs
        for w in (self.note_label, self.note, self.saved_label):
            w.setVisible(wants_note)
        self.rating.setVisible(wants_rating)
        self._set_body_map("body-map" in inputs)
        self.continue_button.setText(continue_text or self.tr("Continue"))
        self.countdown_label.setText("")
        first = self.note if wants_note else self.continue_button
        first.setFocus()

    def restore_draft(self, target: AnswerTarget, text: str) -> None:
        """Put a kept draft back into the note, if ``target`` is still the one shown, it
        asks for a note, and nothing has been typed meanwhile."""
        if target is not self.target or "note" not in self.inputs or not text:
            return
        if self.note.toPlainText():
            return
        self.note.blockSignals(True)
        self.note.setPlainText(text)
        self.note.blockSignals(False)
        self.note.moveCursor(QTextCursor.MoveOperation.End)  # typing goes on after it
        self.saved_label.setText(self.tr("Your earlier note is back."))

    def leave(self) -> None:
        """Stop showing the current reflection: its draft is kept under its own target,
        nothing more is emitted for it, and every input is cleared."""
        self.flush_draft()
        self.target, self.key, self.prompt, self.inputs = None, "", "", ()
        self._clear_inputs()

    def _clear_inputs(self) -> None:
        self._draft_timer.stop()
        self.note.blockSignals(True)
        self.note.clear()
        self.note.blockSignals(False)
        self.saved_label.setText("")
        self.rating.set_value(None)
        self._set_body_map(False)

    def has_input(self) -> bool:
        """True when something was entered on the reflection shown."""
        return self.target is not None and not self.answer().is_empty

    def _set_body_map(self, wanted: bool) -> None:
        if self._body is not None:
            self._body.setParent(None)
            self._body.deleteLater()
            self._body = None
        if not wanted:
            return
        from mit_desktop.ui.bodymap import BodyMapWidget

        self._body = BodyMapWidget(self)
        self._body.setMinimumHeight(520)
        named(self._body, self.tr("Body map"),
              self.tr("Paint where you feel more (left figure) or less (right figure)."))
        self.body_holder.addWidget(self._body)
        self._body_in_reading_order(self._body)

    def _body_in_reading_order(self, body: QWidget) -> None:
        """The body map is made after Continue; put its controls before Continue in the Tab
        order, after the rating, where it is on screen."""
        inside: list[QWidget] = []
        w = body.nextInFocusChain()
        while w is not None and w is not body and len(inside) < 2000:
            if body.isAncestorOf(w) and w.focusPolicy() != Qt.FocusPolicy.NoFocus:
                inside.append(w)
            w = w.nextInFocusChain()
        previous: QWidget = self.rating.buttons[-1]
        for w in inside:
            QWidget.setTabOrder(previous, w)
            previous = w
        QWidget.setTabOrder(previous, self.continue_button)

    @property
    def body_map_widget(self) -> QWidget | None:
        return self._body

    def set_countdown(self, seconds: int | None) -> None:
        self.countdown_label.setText(
            "" if seconds is None else self.tr("The practice goes on in {s} s").format(s=seconds))

    # -- answering -----------------------------------------------------------------------

    def flush_draft(self) -> None:
        """Hand the note to the store now, for the reflection shown (called by the timer
        and before leaving)."""
        self._draft_timer.stop()
        if self.target is not None and "note" in self.inputs:
            text = self.note.toPlainText()
            self.draftChanged.emit(self.target, text)
            if text:
                self.saved_label.setText(self.tr("Draft kept."))

    def answer(self) -> ReflectionAnswer:
        """What was entered, for the inputs this reflection asks for only."""
        body: BodyMap | None = None
        if self._body is not None:
            body = self._body.body_map()
        return answer_for(self.inputs, self.key, self.prompt, self.note.toPlainText(),
                          self.rating.value(), body)

    def accept(self) -> None:
        """Continue: the answer is emitted once for its target, then the page is cleared."""
        target = self.target
        if target is None:
            return
        self.flush_draft()
        answer = self.answer()
        self.target = None  # answered: no later flush may write a draft for it again
        self.answered.emit(target, answer)
        if self.target is None:
            self.leave()

    def _stop(self) -> None:
        self.flush_draft()
        self.stopRequested.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.accept()
            return
        super().keyPressEvent(event)
