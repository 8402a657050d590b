"""Small shared widgets: a 0-10 rating row of large buttons, a labelled volume slider,
helpers that set accessible names, and a progress bar with section and reflection marks.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.ui.theme import MIN_TARGET_PX, set_role


def named(widget: QWidget, name: str, description: str = "") -> QWidget:
    """Set a widget's accessible name and description (and tooltip); return it."""
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
        widget.setToolTip(description)
    return widget


def button(text: str, name: str | None = None, description: str = "", role: str | None = None,
           parent: QWidget | None = None) -> QPushButton:
    """A push button with an accessible name, description and optional style role."""
    b = QPushButton(text, parent)
    named(b, name or text.replace("&", ""), description)
    b.setMinimumHeight(MIN_TARGET_PX)
    b.setAutoDefault(True)  # Enter presses the focused button, outside dialogs too
    if role:
        set_role(b, role)
    return b


def label(text: str = "", role: str | None = None, parent: QWidget | None = None,
          wrap: bool = True) -> QLabel:
    lab = QLabel(text, parent)
    lab.setWordWrap(wrap)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        set_role(lab, role)
    return lab


def clock(position_ms: int) -> str:
    """m:ss (or h:mm:ss) for milliseconds."""
    seconds = max(0, int(position_ms)) // 1000
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class FlowRow(QWidget):
    """A row of widgets that turns into a column when they do not fit side by side
    (large text on a small screen), so nothing is clipped."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 10) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QBoxLayout

        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(spacing)
        self.items: list[QWidget] = []

    def add(self, widget: QWidget) -> QWidget:
        self.items.append(widget)
        self.box.addWidget(widget)
        return widget

    def _needed(self) -> int:
        return sum(w.sizeHint().width() for w in self.items if not w.isHidden()) + \
            self.box.spacing() * max(0, len(self.items) - 1)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtWidgets import QBoxLayout

        wanted = (QBoxLayout.Direction.TopToBottom if self._needed() > event.size().width()
                  else QBoxLayout.Direction.LeftToRight)
        if self.box.direction() != wanted:
            self.box.setDirection(wanted)
        super().resizeEvent(event)

    def minimumSizeHint(self):  # type: ignore[no-untyped-def]
        hint = super().minimumSizeHint()
        widest = max((w.minimumSizeHint().width() for w in self.items), default=0)
        hint.setWidth(widest)
        return hint


class RatingRow(QWidget):
    """A question and eleven large buttons 0-10 (arrow keys move, Space chooses)."""

    changed = Signal(object)  # int | None

    def __init__(self, question: str, low: str, high: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = label(question, "title", self)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: list[QPushButton] = []
        for value in range(11):
            b = QPushButton(str(value), self)
            b.setCheckable(True)
            set_role(b, "rating")
            b.setMinimumSize(MIN_TARGET_PX, MIN_TARGET_PX)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            extra = f" ({low})" if value == 0 else f" ({high})" if value == 10 else ""
            named(b, self.tr("{question}: {value} of 10{extra}").format(
                question=question, value=value, extra=extra),
                self.tr("Choose {value} on a scale from 0, {low}, to 10, {high}.").format(
                    value=value, low=low, high=high))
            self.group.addButton(b, value)
            self.buttons.append(b)
            row.addWidget(b)
        self.group.idClicked.connect(lambda v: self.changed.emit(v))
        layout.addLayout(row)
        ends = QHBoxLayout()
        ends.addWidget(label(self.tr("0 = {low}").format(low=low), "muted", self))
        ends.addStretch(1)
        high_label = label(self.tr("10 = {high}").format(high=high), "muted", self)
        high_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        ends.addWidget(high_label)
        layout.addLayout(ends)

    def value(self) -> int | None:
        v = self.group.checkedId()
        return None if v < 0 else v

    def set_value(self, value: int | None) -> None:
        if value is None:
            self.group.setExclusive(False)
            for b in self.buttons:
                b.setChecked(False)
            self.group.setExclusive(True)
        else:
            self.buttons[value].setChecked(True)

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


class ProgressMarks(QWidget):
    """Position in the session with section ticks (|) and reflection diamonds (◆).

    Clicking or the arrow keys ask to seek (``seekRequested``, ms). The marks differ
    in shape as well as colour.
    """

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
        named(self, self.tr("Progress"),
              self.tr("Where you are in the practice. Lines mark sections, diamonds mark "
                      "reflections. Left and right arrows move back and forward."))

    def set_state(self, position_ms: int, duration_ms: int | None, sections: list[int],
                  reflections: list[int]) -> None:
        self.position_ms, self.duration_ms = position_ms, duration_ms
        self.sections, self.reflections = sections, reflections
        self.update()

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
        if self.hasFocus():
            p.setPen(QPen(pal.highlight().color(), 3))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(self.rect().adjusted(1, 1, -2, -2))
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        rect = QRectF(14, 0, self.width() - 28, self.height())
        fraction = min(1.0, max(0.0, (event.position().x() - rect.left()) / rect.width()))
        self.seekRequested.emit(int(fraction * self._span()))
