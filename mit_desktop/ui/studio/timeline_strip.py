"""The timeline strip under the script: each sentence, pause, bell, reflection and recording
as a coloured stretch where it falls (estimated, :mod:`mit_desktop.authoring.strip`),
section starts as tall marks, and the items of the line with the cursor outlined.

Keyboard: Tab reaches it; Left and Right go from item to item (each is described in the
label beside it and to a screen reader), Enter puts the editor's cursor on that item's
line. A click does the same for the item under the mouse."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from mit_desktop.authoring.strip import (
    BELL,
    CLIP,
    GAP,
    PAUSE,
    REFLECTION,
    SPEECH,
    Strip,
    StripItem,
    describe,
    item_at_x,
    strip_layout,
    x_for_ms,
)
from mit_desktop.ui.theme import MIN_TARGET_PX, colours

#: the fill of each kind (normal theme); in high contrast every kind is outlined as well
KIND_COLOURS = {SPEECH: "#2d5f8b", PAUSE: "#c9c2b3", BELL: "#b35f00", REFLECTION: "#2e7d4f",
                CLIP: "#6a4c93"}
KIND_WORDS = {SPEECH: "sentences", PAUSE: "pauses", BELL: "bells", REFLECTION: "reflections",
              CLIP: "recordings"}


class TimelineStrip(QWidget):
    """``lineRequested(line)``: the user chose an item (Enter or a click); ``itemChosen(text)``:
    the item chosen with the arrows, described in words."""

    lineRequested = Signal(int)
    itemChosen = Signal(str)

    MARGIN = 4  # room for the focus ring

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strip: Strip | None = None
        self.current: tuple[StripItem, ...] = ()
        self.chosen = -1
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(MIN_TARGET_PX)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Timeline of the practice"))
        self.setAccessibleDescription(self.tr(
            "Where each sentence, pause, bell and reflection falls. Left and Right go from one "
            "to the next; Enter shows it in the script."))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(400, MIN_TARGET_PX + 8)

    def set_strip(self, strip: Strip | None) -> None:
        self.strip = strip
        items = self._items()
        self.chosen = min(self.chosen, len(items) - 1)
        self.update()

    def set_current(self, items: tuple[StripItem, ...]) -> None:
        """Outline ``items`` (those of the line with the cursor)."""
        self.current = items
        self.update()

    def _items(self) -> list[StripItem]:
        return [i for i in self.strip.items if i.kind != GAP] if self.strip else []

    def _width(self) -> int:
        return max(1, self.width() - 2 * self.MARGIN)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        c = colours()
        high = c.bg == "#000000"
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(c.base))
        p.setPen(QPen(QColor(c.border), 1))
        p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        top, height = self.MARGIN + 6, self.height() - 2 * self.MARGIN - 12
        if self.strip is not None and self.strip.duration_ms > 0:
            width = self._width()
            for placed in strip_layout(self.strip, width):
                rect = QRect(self.MARGIN + placed.x, top, placed.width, height)
                fill = QColor(c.fg if high and placed.item.kind == SPEECH else
                              KIND_COLOURS[placed.item.kind] if not high else c.bg)
                p.fillRect(rect, fill)
                if high:
                    p.setPen(QPen(QColor(c.accent), 1))
                    p.drawRect(rect.adjusted(0, 0, -1, -1))
            p.setPen(QPen(QColor(c.fg), 2))
            for section in self.strip.sections:
                x = self.MARGIN + x_for_ms(section.start_ms, self.strip.duration_ms, width)
                p.drawLine(x, self.MARGIN, x, self.height() - self.MARGIN)
            marked = list(self.current)
            items = self._items()
            if 0 <= self.chosen < len(items):
                marked.append(items[self.chosen])
            p.setPen(QPen(QColor(c.focus), 3))
            for item in marked:
                x0 = x_for_ms(item.start_ms, self.strip.duration_ms, width)
                x1 = max(x0 + 3, x_for_ms(item.end_ms, self.strip.duration_ms, width))
                p.drawRect(QRect(self.MARGIN + x0 - 1, top - 3, x1 - x0 + 2, height + 6))
        if self.hasFocus():
            p.setPen(QPen(QColor(c.focus), 3))
            p.drawRect(self.rect().adjusted(1, 1, -2, -2))
        p.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        items = self._items()
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End) and items:
            if key == Qt.Key.Key_Home:
                self.chosen = 0
            elif key == Qt.Key.Key_End:
                self.chosen = len(items) - 1
            else:
                step = 1 if key == Qt.Key.Key_Right else -1
                self.chosen = max(0, min(len(items) - 1, self.chosen + step))
            self._announce(items[self.chosen])
            self.update()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and 0 <= self.chosen < len(items):
            self.lineRequested.emit(items[self.chosen].line)
            return
        super().keyPressEvent(event)

    def _announce(self, item: StripItem) -> None:
        text = describe(item)
        self.setAccessibleDescription(text)
        self.itemChosen.emit(text)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self.strip is None:
            return
        placed = strip_layout(self.strip, self._width())
        item = item_at_x(placed, int(event.position().x()) - self.MARGIN)
        if item is not None:
            items = self._items()
            self.chosen = items.index(item) if item in items else -1
            self._announce(item)
            self.update()
            self.lineRequested.emit(item.line)
