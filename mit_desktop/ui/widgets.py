"""Small shared helpers: buttons and labels with accessible names, a time format, a
scrolling page, a row that becomes a column when its contents do not fit, and the wait
cursor (see ``controls`` for the rest).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PySide6.QtCore import QSize
    from PySide6.QtGui import QResizeEvent

from mit_desktop.ui.theme import MIN_TARGET_PX, set_role


@contextmanager
def busy_cursor() -> Iterator[None]:
    """The wait cursor over the whole program while the GUI thread does something that can
    take seconds (laying out and printing a long report), so the user sees it is working."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def named(widget: QWidget, name: str, description: str = "") -> QWidget:
    """Set a widget's accessible name and description (and tooltip); return it.

    A label keeps its text as its name (on Linux a screen reader hears a label's name and
    nothing else, so a fixed name would hide its text); ``name``, what the label is, becomes
    its description.
    """
    if isinstance(widget, QLabel):
        widget.setAccessibleName("")
        widget.setAccessibleDescription(f"{name}. {description}" if description else name)
        return widget
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
        widget.setToolTip(description)
    return widget


def scroll_page(parent: QWidget, name: str = "", *,
                margins: tuple[int, int, int, int] | None = (0, 0, 8, 0),
                spacing: int | None = None,
                horizontal: bool = True, focusable: bool = True
                ) -> tuple[QScrollArea, QWidget, QVBoxLayout]:
    """A page that scrolls when its contents do not fit (large text, a small screen):
    ``(scroll, inner, layout)``, a frameless QScrollArea that resizes ``inner`` to its width,
    named ``name`` for a screen reader, and ``inner``'s vertical layout (``margins`` left,
    top, right, bottom in px; ``margins`` and ``spacing`` None: the style's). ``horizontal=False``:
    never a horizontal scroll bar (the contents wrap); ``focusable=False``: the scroll area
    itself is not a Tab stop (its contents are).

    ``inner`` does not fill its own background (the scroll area's viewport paints the same
    colour behind it), so Qt repaints what a scroll shows instead of moving the pixels already
    drawn. Moving them left stale pixels when a page and a scroll area inside it both
    scrolled before the next paint (keys faster than painting, as when Tab is held through
    the body map's parts): a row drawn twice, radio buttons half drawn."""
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    if not horizontal:
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if not focusable:
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if name:
        named(scroll, name)
    inner = QWidget(scroll)
    layout = QVBoxLayout(inner)
    if margins is not None:
        layout.setContentsMargins(*margins)
    if spacing is not None:
        layout.setSpacing(spacing)
    scroll.setWidget(inner)
    inner.setAutoFillBackground(False)  # (setWidget turns it on)
    return scroll, inner, layout


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


def _plain_text() -> Qt.TextFormat:
    """Qt.TextFormat.PlainText, imported on first use: the Qt namespace costs 15 ms at
    start-up and the window frame is painted without it."""
    from PySide6.QtCore import Qt

    return Qt.TextFormat.PlainText


def label(text: str = "", role: str | None = None, parent: QWidget | None = None,
          wrap: bool = True) -> QLabel:
    lab = QLabel(text, parent)
    lab.setWordWrap(wrap)
    lab.setTextFormat(_plain_text())
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

    def _fit(self, width: int) -> None:
        """Side by side if the widgets' size hints fit in `width` px, else one above another."""
        from PySide6.QtWidgets import QBoxLayout

        wanted = (QBoxLayout.Direction.TopToBottom if self._needed() > width
                  else QBoxLayout.Direction.LeftToRight)
        if self.box.direction() != wanted:
            self.box.setDirection(wanted)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit(event.size().width())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        # A new text size or theme changes what the widgets need but not this row's width:
        # without this the row stayed side by side and cut their text until a resize.
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.StyleChange,
                            QEvent.Type.FontChange):
            self._fit(self.width())
        return super().event(event)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        widest = max((w.minimumSizeHint().width() for w in self.items), default=0)
        hint.setWidth(widest)
        return hint

