"""What a screen reader hears: announcements of live changes, and long texts a reader can
walk line by line.

On Linux (AT-SPI) a ``QLabel`` exposes no text of its own, only its accessible name, so a
label's accessible name is left empty and Qt gives its text as the name (and fires a
name-changed event when the text changes); what the label is goes in its description
(see :func:`mit_desktop.ui.widgets.named`). Changes a listener must hear at once (the
reflection question, "Paused", a sound problem, a message) are announced with
:func:`announce`. Long texts (safety notices, the stop screen, help) are
:class:`ReadingText`: read-only text with a text interface, which a reader can read by
line, word or character.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

from mit_desktop.ui.theme import set_role

log = logging.getLogger(__name__)

#: called with (widget, text, assertive) for every announcement: a test or a log can listen
listeners: list[Callable[[QObject, str, bool], None]] = []


def announce(widget: QObject, text: str, assertive: bool = False) -> None:
    """Have a screen reader say ``text`` now (``assertive``: interrupting what it says,
    for sound problems and "I need to stop"; else after it)."""
    if not text:
        return
    event = QAccessibleAnnouncementEvent(widget, text)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive if assertive
                        else QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)
    for listener in list(listeners):
        listener(widget, text, assertive)


class ReadingText(QTextBrowser):
    """A long read-only text (Markdown or plain) that looks like a label but is one stop
    in the Tab order whose text a screen reader can walk line by line. Its height follows
    its text (it never scrolls itself; the page around it does)."""

    def __init__(self, name: str, parent: QWidget | None = None, markdown: str = "") -> None:
        super().__init__(parent)
        set_role(self, "reading")
        self.setAccessibleName(name)
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTabChangesFocus(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.document().contentsChanged.connect(self.updateGeometry)
        if markdown:
            self.setMarkdown(markdown)

    def text(self) -> str:
        """The text as a reader hears it."""
        return self.toPlainText()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        doc = self.document().clone()
        margins = self.contentsMargins()
        doc.setTextWidth(max(40, width - margins.left() - margins.right()))
        return math.ceil(doc.size().height()) + margins.top() + margins.bottom() + 2

    def sizeHint(self) -> QSize:
        width = max(200, self.width())
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.heightForWidth(max(200, self.width())))

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()
