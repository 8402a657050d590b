"""A standard questionnaire (PHQ-9, GAD-7, WHO-5, SCS-SF), one question per screen.

Large text, one question and its answers (radio buttons: arrow keys move, Space or a
click chooses, Enter goes on), "Back" and "Next"; the whole form works from the
keyboard and scrolls rather than clips at 200 % text. The wording is the instrument's
own (``resources/measures``); only the words around it are written here.

PHQ-9 item 9 above "Not at all" shows, at once and before any further question or
score, the safety message (``resources/safety/questionnaire_item9.md``): grounding
steps, the crisis numbers for where the listener lives, and the advice to contact
their clinician today; the safety event is written at that moment
(:class:`~mit_desktop.practice.questionnaire.QuestionnaireRun`).

Every write runs on the database thread; the screen never waits for it.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.content.measures import Instrument, Score, needs_safety_message
from mit_desktop.content.program import load_safety_text
from mit_desktop.practice.questionnaire import QuestionnaireRun
from mit_desktop.ui.access import announce
from mit_desktop.ui.context import AppContext
from mit_desktop.ui.safety import CrisisPanel, RegionChooser, _markdown_label
from mit_desktop.ui.theme import MIN_TARGET_PX
from mit_desktop.ui.widgets import FlowRow, button, label, named, scroll_page

log = logging.getLogger(__name__)


class _Writer:
    """What :class:`QuestionnaireRun` writes, sent to the database thread (fire and forget;
    a failure is shown as a message)."""

    def __init__(self, ctx: AppContext, failed: Any) -> None:
        self.ctx, self.failed = ctx, failed

    def record_safety_event(self, *args: Any, **kwargs: Any) -> None:
        store = self.ctx.store
        self.ctx.db(lambda: store.record_safety_event(*args, **kwargs), None, self.failed)

    def record_measure(self, *args: Any, **kwargs: Any) -> None:
        store = self.ctx.store
        self.ctx.db(lambda: store.record_measure(*args, **kwargs),
                    lambda _id: self.ctx.historyChanged.emit(), self.failed)


def _scroll_page(parent: QWidget, name: str) -> tuple[QScrollArea, QVBoxLayout, QWidget]:
    scroll, inner, layout = scroll_page(parent, name, margins=(24, 16, 24, 16), spacing=14,
                                        focusable=False)
    return scroll, layout, inner


class QuestionnaireScreen(QWidget):
    """``done`` when the listener leaves (finished or "Not now"); ``regionChosen(code)``
    when they say where they live on the safety page; ``message(text)`` for a failure."""

    done = Signal()
    regionChosen = Signal(str)
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.run: QuestionnaireRun | None = None
        self.pages = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self._build_intro()
        self._build_question()
        self._build_safety()
        self._build_result()

    # -- building ------------------------------------------------------------------------

    def _build_intro(self) -> None:
        scroll, layout, inner = _scroll_page(self, self.tr("About this questionnaire"))
        self.intro_title = label("", "heading", inner)
        self.intro_text = label("", None, inner)
        self.intro_terms = label("", "muted", inner)
        for w in (self.intro_title, self.intro_text, self.intro_terms):
            layout.addWidget(w)
        row = FlowRow(inner)
        self.begin_button = button(self.tr("Begin"), self.tr("Begin the questionnaire"),
                                   self.tr("Shows the first question."), "primary", inner)
        self.not_now_button = button(self.tr("Not now"), self.tr("Not now"),
                                     self.tr("Back to Today; nothing is kept."), None, inner)
        self.begin_button.clicked.connect(self._begin)
        self.not_now_button.clicked.connect(self.done.emit)
        row.add(self.begin_button)
        row.add(self.not_now_button)
        layout.addWidget(row)
        layout.addStretch(1)
        self.pages.addWidget(scroll)
        self.intro_page = scroll

    def _build_question(self) -> None:
        scroll, layout, inner = _scroll_page(self, self.tr("Question"))
        self.progress_label = label("", "muted", inner)
        self.stem_label = label("", None, inner)
        self.question_label = label("", "heading", inner)
        for w in (self.progress_label, self.stem_label, self.question_label):
            layout.addWidget(w)
        self.options_box = QWidget(inner)
        self.options_layout = QVBoxLayout(self.options_box)
        self.options_layout.setContentsMargins(0, 0, 0, 0)
        self.options_layout.setSpacing(8)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idClicked.connect(self._chosen)
        self.option_buttons: list[QRadioButton] = []
        layout.addWidget(self.options_box)
        row = QHBoxLayout()
        self.back_button = button(self.tr("Back"), self.tr("Previous question"),
                                  self.tr("Go back one question; your answer is kept."), None,
                                  inner)
        self.next_button = button(self.tr("Next"), self.tr("Next question"),
                                  self.tr("Choose an answer first."), "primary", inner)
        self.stop_button = button(self.tr("Stop"), self.tr("Stop the questionnaire"),
                                  self.tr("Back to Today; the answers given here are not kept."),
                                  None, inner)
        self.back_button.clicked.connect(self._back)
        self.next_button.clicked.connect(self._next)
        self.stop_button.clicked.connect(self.done.emit)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.stop_button)
        row.addWidget(self.next_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.pages.addWidget(scroll)
        self.question_page = scroll

    def _build_safety(self) -> None:
        scroll, layout, inner = _scroll_page(self, self.tr("Thank you for telling us"))
        text = load_safety_text("questionnaire_item9")
        self.safety_title = label(text.title, "heading", inner)
        layout.addWidget(self.safety_title)
        self.safety_text = _markdown_label(text.body, inner)
        named(self.safety_text, self.tr("What to do now"))
        layout.addWidget(self.safety_text)
        self.chooser = RegionChooser(inner)
        self.chooser.chosen.connect(self._region_chosen)
        layout.addWidget(self.chooser)
        self.crisis = CrisisPanel(inner)
        layout.addWidget(self.crisis)
        self.safety_continue = button(self.tr("Continue"), self.tr("Continue the questionnaire"),
                                      self.tr("Go on when you are ready. There is no hurry."),
                                      "primary", inner)
        self.safety_continue.clicked.connect(self._safety_seen)
        layout.addWidget(self.safety_continue, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.pages.addWidget(scroll)
        self.safety_page = scroll

    def _build_result(self) -> None:
        scroll, layout, inner = _scroll_page(self, self.tr("Your result"))
        self.result_title = label("", "heading", inner)
        self.result_score = label("", "big", inner)
        named(self.result_score, self.tr("Score"))
        self.result_band = label("", "title", inner)
        self.result_note = label("", None, inner)
        self.result_after = label(self.tr("Your answers are kept in your history, for you and "
                                          "your clinician. A questionnaire is not a diagnosis; "
                                          "talk it over with your clinician."), "muted", inner)
        for w in (self.result_title, self.result_score, self.result_band, self.result_note,
                  self.result_after):
            layout.addWidget(w)
        self.result_done = button(self.tr("Back to Today"), self.tr("Back to Today"),
                                  self.tr("Your answers are kept."), "primary", inner)
        self.result_done.clicked.connect(self.done.emit)
        layout.addWidget(self.result_done, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.pages.addWidget(scroll)
        self.result_page = scroll

    # -- flow ----------------------------------------------------------------------------

    def start(self, instrument: Instrument, occasion: str = "") -> None:
        """Show the introduction of `instrument` for the current profile."""
        self.run = QuestionnaireRun(_Writer(self.ctx, self._failed), self.ctx.profile_id,
                                    instrument, occasion)
        self.intro_title.setText(instrument.title)
        count = len(instrument.items)
        self.intro_text.setText(self.tr(
            "{n} short questions about the last two weeks, one on each page. There are no "
            "right or wrong answers. It takes a few minutes.").format(n=count)
            if instrument.id != "scs_sf" else self.tr(
            "{n} short statements about how you treat yourself in difficult times, one on "
            "each page. There are no right or wrong answers.").format(n=count))
        self.intro_terms.setText(self.tr("Source: {source}.").format(source=instrument.source))
        self.pages.setCurrentWidget(self.intro_page)
        self.begin_button.setFocus()

    def _begin(self) -> None:
        self._show_question()

    def _show_question(self) -> None:
        run = self.run
        assert run is not None
        instrument = run.instrument
        self.progress_label.setText(self.tr("{short}: question {i} of {n}").format(
            short=instrument.short_name, i=run.position + 1, n=run.count))
        self.stem_label.setText(instrument.stem if not run.on_follow_up else "")
        self.stem_label.setVisible(not run.on_follow_up)
        self.question_label.setText(run.question)
        for b in self.option_buttons:
            self.group.removeButton(b)
            b.hide()
            b.deleteLater()
        self.option_buttons = []
        options = run.options
        for index, option in enumerate(options):
            words = option.label
            if instrument.scoring == "mean" and not run.on_follow_up:
                words = f"{option.value} – {option.label}" if option.label else str(option.value)
            b = QRadioButton(words, self.options_box)
            b.setMinimumHeight(MIN_TARGET_PX)
            named(b, words, self.tr("Answer {i} of {n} to: {q}").format(
                i=index + 1, n=len(options), q=run.question))
            self.group.addButton(b, option.value)
            self.options_layout.addWidget(b)
            b.show()
            self.option_buttons.append(b)
        current = run.current_answer
        if current is not None:
            self.group.button(current).setChecked(True)
        self.back_button.setEnabled(run.position > 0)
        self._update_next()
        self.pages.setCurrentWidget(self.question_page)
        first = self.group.button(current) if current is not None else self.option_buttons[0]
        first.setFocus()
        announce(self.question_label, f"{self.progress_label.text()}. {run.question}")

    def _chosen(self, value: int) -> None:
        self._update_next()

    def _update_next(self) -> None:
        chosen = self.group.checkedId() >= 0
        self.next_button.setEnabled(chosen)
        self.next_button.setAccessibleDescription(
            self.tr("Go on to the next question.") if chosen else
            self.tr("Choose an answer first."))

    def _next(self) -> None:
        run = self.run
        if run is None or self.group.checkedId() < 0:
            return
        value = self.group.checkedId()
        item = run.position + 1
        if not run.on_follow_up and needs_safety_message(run.instrument, item, value):
            run.answer(value)  # the safety event is on its way to the database
            self._show_safety()
            return
        run.answer(value)
        self._advance()

    def _advance(self) -> None:
        run = self.run
        assert run is not None
        if run.next():
            self._show_question()
        else:
            self._finish()

    def _back(self) -> None:
        if self.run is not None and self.run.back():
            self._show_question()

    def _show_safety(self) -> None:
        region = self.ctx.profile.region
        self.chooser.set_code(region)
        self.chooser.setVisible(not region)
        self.crisis.show_region(region)
        self.pages.setCurrentWidget(self.safety_page)
        self.safety_continue.setFocus()
        announce(self.safety_title, self.safety_title.text(), assertive=True)

    def _region_chosen(self, code: str) -> None:
        self.crisis.show_region(code)
        self.regionChosen.emit(code)

    def _safety_seen(self) -> None:
        if self.run is not None:
            self.run.safety_seen()
            self._advance()

    def _finish(self) -> None:
        run = self.run
        assert run is not None
        result = run.finish()
        self._show_result(run.instrument, result)

    def _show_result(self, instrument: Instrument, result: Score) -> None:
        self.result_title.setText(self.tr("{short}: thank you").format(short=instrument.short_name))
        low, high = instrument.score_range
        unit = instrument.score_unit
        self.result_score.setText(self.tr("Score {score}{unit} (from {low} to {high})").format(
            score=result.text, unit=unit, low=_num(low), high=_num(high)) if result.value
            is not None else result.reason)
        if result.band is not None:
            self.result_band.setText(result.band.label)
        elif instrument.bands_note:
            self.result_band.setText(instrument.bands_note)
        else:
            self.result_band.setText("")
        notes = [self.tr("Higher scores mean more {what}.").format(what=instrument.measures)]
        if result.low_items and instrument.low_item_note:
            notes.append(instrument.low_item_note)
        if self.run is not None and self.run.safety_recorded:
            notes.append(self.tr("Please remember to contact your therapist, doctor or "
                                 "counselor today. Help now (F1) has the numbers for where "
                                 "you live."))
        self.result_note.setText(" ".join(notes))
        self.pages.setCurrentWidget(self.result_page)
        self.result_done.setFocus()
        announce(self.result_score, f"{self.result_score.text()}. {self.result_band.text()}")

    def _failed(self, exc: BaseException) -> None:
        log.error("a questionnaire answer could not be saved", exc_info=exc)
        self.message.emit(self.tr("Your answers could not be saved: {why}").format(why=exc))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter on a chosen answer goes on; Escape on a question goes back to Today."""
        if self.pages.currentWidget() is self.question_page and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.group.checkedId() >= 0 \
                and isinstance(self.focusWidget(), QRadioButton):
            self._next()
            return
        super().keyPressEvent(event)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
