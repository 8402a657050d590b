"""Larger shared controls: a 0-10 rating row of large buttons, a labelled volume slider,
and a progress bar with section and reflection marks (kept apart from ``widgets`` so the
window frame can be painted before they are loaded).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.ui.theme import MIN_TARGET_PX, colours, set_role
from mit_desktop.ui.widgets import clock, label, named

FOCUS_RING_PX = 4


class RatingRow(QGroupBox):
    """A question and eleven large buttons 0-10 (arrow keys move, Space chooses).

    For a screen reader the row is a group holding eleven radio buttons; the checked one is
    the value ("How is your mood?: 7 of 10"). The group's name is its question with the value
    ("How is your mood?: 7 of 10", "How is your mood?: not chosen yet"), renamed on every
    change (Qt sends a name-changed event), since a reader entering the row says the group's
    name but not which of its buttons is checked; its description says the value too. (A
    group box without a title or frame: it looks like a row.)
    """

    changed = Signal(object)  # int | None

    def __init__(self, question: str, low: str, high: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlat(True)
        self.setStyleSheet("QGroupBox { border: none; margin: 0px; padding: 0px; }")
        self.question = question
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = label(question, "title", self)
        layout.addWidget(self.label)
        self.low_label = label("", "muted", self)
        self.high_label = label("", "muted", self)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: list[QPushButton] = []
        for value in range(11):
            b = QPushButton(str(value), self)
            b.setCheckable(True)
            b.setAutoExclusive(True)  # a screen reader hears radio buttons: one choice of 11
            set_role(b, "rating")
            b.setMinimumSize(MIN_TARGET_PX, MIN_TARGET_PX)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.group.addButton(b, value)
            self.buttons.append(b)
            row.addWidget(b)
        self.group.idClicked.connect(self._chosen)
        layout.addLayout(row)
        ends = QHBoxLayout()
        ends.addWidget(self.low_label)
        ends.addStretch(1)
        self.high_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        ends.addWidget(self.high_label)
        layout.addLayout(ends)
        self.set_scale(question, low, high)

    def set_scale(self, question: str, low: str, high: str) -> None:
        """Say what is rated: the question and the words at 0 and at 10 (screen and screen reader)."""
        self.question = question
        self.label.setText(question)
        self.low_label.setText(self.tr("0 = {low}").format(low=low))
        self.high_label.setText(self.tr("10 = {high}").format(high=high))
        for value, b in enumerate(self.buttons):
            extra = f" ({low})" if value == 0 else f" ({high})" if value == 10 else ""
            named(b, self.tr("{question}: {value} of 10{extra}").format(
                question=question, value=value, extra=extra),
                self.tr("Choose {value} on a scale from 0, {low}, to 10, {high}.").format(
                    value=value, low=low, high=high))
        self._describe_value()

    def value(self) -> int | None:
        v = self.group.checkedId()
        return None if v < 0 else v

    def _chosen(self, value: int) -> None:
        self._describe_value()
        self.changed.emit(value)

    def _describe_value(self) -> None:
        """The row's name is its question and what is chosen; its description says it too."""
        value = self.value()
        self.setAccessibleName(
            self.tr("{question}: not chosen yet").format(question=self.question) if value is None
            else self.tr("{question}: {value} of 10").format(question=self.question, value=value))
        self.setAccessibleDescription(
            self.tr("Not chosen yet.") if value is None
            else self.tr("Chosen: {value} of 10.").format(value=value))

    def set_value(self, value: int | None) -> None:
        if value is None:
            self.group.setExclusive(False)
            for b in self.buttons:
                b.setChecked(False)
            self.group.setExclusive(True)
        else:
            self.buttons[value].setChecked(True)
        self._describe_value()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # arrows move between the numbers
        focused = self.focusWidget()
        if isinstance(focused, QAbstractButton) and focused in self.buttons and event.key() in (
                Qt.Key.Key_Left, Qt.Key.Key_Right):
            i = self.buttons.index(focused) + (1 if event.key() == Qt.Key.Key_Right else -1)
            if 0 <= i < len(self.buttons):
                self.buttons[i].setFocus()
            return
        super().keyPressEvent(event)


class VolumeSlider(QWidget):
    """A labelled 0-150 % slider for one stem (voice, bells, ambience)."""

    changed = Signal(str, float)  # stem, linear gain

    def __init__(self, stem: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stem = stem
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = label(title, None, self, wrap=False)
        self.label.setMinimumWidth(40)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, 150)
        self.slider.setSingleStep(5)
        self.slider.setPageStep(25)
        self.slider.setMinimumWidth(120)
        named(self.slider, self.tr("{title} volume").format(title=title),
              self.tr("Louder to the right; 100 is normal."))
        self.value_label = label("100 %", "muted", self, wrap=False)
        self.value_label.setMinimumWidth(60)
        layout.addWidget(self.label)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.value_label)
        self.slider.valueChanged.connect(self._changed)
        self.label.setBuddy(self.slider)

    def _changed(self, value: int) -> None:
        self.value_label.setText(f"{value} %")
        self.changed.emit(self.stem, value / 100)

    def set_gain(self, gain: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(gain * 100))
        self.slider.blockSignals(False)
        self.value_label.setText(f"{round(gain * 100)} %")


class ProgressMarks(QAbstractSlider):
    """Position in the session with section ticks (|) and reflection diamonds (◆).

    Clicking or the arrow keys ask to seek (``seekRequested``, ms). The marks differ
    in shape as well as colour. A slider for a screen reader, whose value is the position
    in seconds (of the length in seconds, its maximum), refreshed every
    ``VALUE_STEP_S`` seconds of play and at once after a jump, so a reader resting on it
    is not talking every second; the description says it in minutes and seconds.
    """

    VALUE_STEP_S = 10

    seekRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.position_ms = 0
        self.duration_ms: int | None = None
        self.sections: list[int] = []
        self.reflections: list[int] = []
        self.setMinimumHeight(MIN_TARGET_PX)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setOrientation(Qt.Orientation.Horizontal)
        self.setRange(0, 0)
        self._help = self.tr("Where you are in the practice. Lines mark sections, diamonds "
                             "mark reflections. Left and right arrows move back and forward.")
        named(self, self.tr("Progress"), self._help)

    def set_state(self, position_ms: int, duration_ms: int | None, sections: list[int],
                  reflections: list[int]) -> None:
        self.position_ms, self.duration_ms = position_ms, duration_ms
        self.sections, self.reflections = sections, reflections

        said = (self.tr("{t} played of {total}.").format(t=clock(position_ms),
                                                           total=clock(duration_ms))
                if duration_ms else self.tr("{t} played.").format(t=clock(position_ms)))
        said += " " + self._help
        if said != self.accessibleDescription():  # (changes once a second at most)
            self.setAccessibleDescription(said)
        seconds = position_ms // 1000
        total = max(seconds, (duration_ms or 0) // 1000)
        if total != self.maximum():
            self.setRange(0, total)
        if abs(seconds - self.value()) >= self.VALUE_STEP_S or seconds < self.value() \
                or seconds == total:
            self.setValue(seconds)
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The player's keys seek (its shortcuts); the slider never moves by itself."""
        event.ignore()

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # (the page scrolls instead)

    def _span(self) -> int:
        known = max([self.position_ms, *self.sections, *self.reflections, 1])
        return max(self.duration_ms or 0, known)

    def _x(self, ms: int, rect: QRectF) -> float:
        return rect.left() + rect.width() * min(1.0, ms / self._span())

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        rect = QRectF(14, self.height() / 2 - 6, self.width() - 28, 12)
        p.setPen(QPen(pal.windowText().color(), 1.5))
        p.setBrush(pal.base())
        p.drawRoundedRect(rect, 6, 6)
        filled = QRectF(rect.left(), rect.top(), self._x(self.position_ms, rect) - rect.left(),
                        rect.height())
        p.setBrush(pal.highlight())
        p.drawRoundedRect(filled, 6, 6)
        p.setPen(QPen(pal.windowText().color(), 2))
        for ms in self.sections:
            x = self._x(ms, rect)
            p.drawLine(QPointF(x, rect.top() - 10), QPointF(x, rect.bottom() + 10))
        p.setBrush(pal.windowText())
        for ms in self.reflections:
            x, y = self._x(ms, rect), rect.center().y()
            p.drawPolygon(QPolygonF([QPointF(x, y - 9), QPointF(x + 7, y), QPointF(x, y + 9),
                                     QPointF(x - 7, y)]))
        if self.hasFocus():  # the theme's 4 px focus ring, drawn inside the edge
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            pen = QPen(QColor(colours().focus), FOCUS_RING_PX)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            half = FOCUS_RING_PX / 2
            p.drawRect(QRectF(half, half, self.width() - FOCUS_RING_PX,
                              self.height() - FOCUS_RING_PX))
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        rect = QRectF(14, 0, self.width() - 28, self.height())
        fraction = min(1.0, max(0.0, (event.position().x() - rect.left()) / rect.width()))
        self.seekRequested.emit(int(fraction * self._span()))
