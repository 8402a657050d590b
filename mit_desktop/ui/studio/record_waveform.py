"""The waveform of a whole take with its proposed reflection points and section starts.

Drawn only: what it shows is also in the proposal list beside it (which a screen reader
reads), and every change can be made there too. On the view itself: click a mark to
choose it, drag it to move it; with the keyboard, Left/Right choose the previous/next
mark, Shift+Left/Right move it by 100 ms (Ctrl: by 1 s), Delete or Space keeps or drops
it. Marks differ in shape, not only colour: a reflection point is a diamond, a section
start a square; a dropped mark is drawn dashed.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from mit_desktop.recording.silences import SECTION, Proposal
from mit_desktop.ui.theme import colours
from mit_desktop.ui.widgets import named

GRAB_PX = 8
STEP_MS = 100
BIG_STEP_MS = 1000
RING_CLEAR_PX = 4  # no outline this near the sides: the 3 px focus ring is drawn there


class WaveformView(QWidget):
    """``changed()`` when a proposal was moved, kept or dropped; ``selected(index)``."""

    changed = Signal()
    selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        named(self, self.tr("Waveform of the take"),
              self.tr("Left and Right choose a point, Shift with them moves it, Delete keeps "
                      "or drops it. The list below holds the same points."))
        self.outline = np.zeros(0, dtype=np.float32)
        self.duration_ms = 0
        self.proposals: list[Proposal] = []
        self.current = -1
        self._dragging = False

    def set_take(self, outline: np.ndarray, duration_ms: int) -> None:
        """Show a take by its outline (`silences.TakeSummary.outline`: peak per column)."""
        self.outline = np.asarray(outline, dtype=np.float32)
        self.duration_ms = duration_ms
        self.update()

    def set_proposals(self, proposals: list[Proposal], current: int = -1) -> None:
        self.proposals = list(proposals)
        self.current = current if 0 <= current < len(proposals) else (0 if proposals else -1)
        self.update()

    # -- geometry --------------------------------------------------------------------

    def x_of(self, ms: int) -> float:
        return 0.0 if self.duration_ms <= 0 else ms / self.duration_ms * (self.width() - 1)

    def ms_of(self, x: float) -> int:
        if self.width() <= 1:
            return 0
        return int(round(max(0.0, min(1.0, x / (self.width() - 1))) * self.duration_ms))

    # -- changes ---------------------------------------------------------------------

    def choose(self, index: int) -> None:
        if not self.proposals:
            return
        self.current = max(0, min(index, len(self.proposals) - 1))
        self.selected.emit(self.current)
        self.update()

    def move_current(self, at_ms: int) -> None:
        if 0 <= self.current < len(self.proposals):
            at_ms = max(0, min(self.duration_ms, at_ms))
            self.proposals[self.current] = self.proposals[self.current].moved(at_ms)
            self.changed.emit()
            self.update()

    def toggle_current(self) -> None:
        if 0 <= self.current < len(self.proposals):
            p = self.proposals[self.current]
            from dataclasses import replace

            self.proposals[self.current] = replace(p, accepted=not p.accepted)
            self.changed.emit()
            self.update()

    # -- input -----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and self.proposals:
            sign = -1 if key == Qt.Key.Key_Left else 1
            if mods & Qt.KeyboardModifier.ShiftModifier:
                step = BIG_STEP_MS if mods & Qt.KeyboardModifier.ControlModifier else STEP_MS
                self.move_current(self.proposals[self.current].at_ms + sign * step)
            else:
                self.choose(self.current + sign)
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Space, Qt.Key.Key_Backspace):
            self.toggle_current()
            return
        super().keyPressEvent(event)

    def _nearest(self, x: float) -> int:
        best, best_px = -1, float(GRAB_PX) + 1
        for i, p in enumerate(self.proposals):
            px = abs(self.x_of(p.at_ms) - x)
            if px < best_px:
                best, best_px = i, px
        return best

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self._nearest(event.position().x())
        if index >= 0:
            self.choose(index)
            self._dragging = True
        self.setFocus()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self.move_current(self.ms_of(event.position().x()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = False

    # -- drawing ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        c = colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(c.base))
        w, h = self.width(), self.height()
        mid = h / 2
        if len(self.outline) and w > 1:
            columns = np.linspace(0, len(self.outline), w + 1).astype(int)
            peaks = np.maximum.reduceat(self.outline, np.minimum(columns[:-1], len(self.outline) - 1))
            painter.setPen(QPen(QColor(c.muted), 1))
            for column, peak in enumerate(peaks):
                if column < RING_CLEAR_PX or column >= w - RING_CLEAR_PX:
                    continue  # the focus ring's band stays clear, so the ring shows all round
                half = float(peak) * (mid - 4)
                painter.drawLine(QPointF(column, mid - half), QPointF(column, mid + half))
        for i, p in enumerate(self.proposals):
            x = self.x_of(p.at_ms)
            chosen = i == self.current
            colour = QColor(c.focus if chosen and self.hasFocus() else c.accent)
            pen = QPen(colour, 3 if chosen else 2)
            if not p.accepted:
                pen.setStyle(Qt.PenStyle.DashLine)
                pen.setColor(QColor(c.border))
            painter.setPen(pen)
            painter.drawLine(QPointF(x, 12), QPointF(x, h - 2))
            painter.setBrush(pen.color() if p.accepted else Qt.BrushStyle.NoBrush)
            size = 7 if chosen else 5
            if p.kind == SECTION:
                painter.drawRect(QRectF(x - size, 0, 2 * size, 2 * size))
            else:
                painter.drawPolygon(QPolygonF([QPointF(x, 0), QPointF(x + size, size),
                                               QPointF(x, 2 * size), QPointF(x - size, size)]))
        if self.hasFocus():
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(c.focus), 3))
            painter.drawRect(QRectF(1.5, 1.5, w - 3, h - 3))
        painter.end()
