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

from PySide6.QtCore import QDateTime, QEvent, QLocale, QObject, QSize, Qt
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleValueChangeEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QDateEdit,
    QDateTimeEdit,
    QFrame,
    QSizePolicy,
    QTextEdit,
    QTimeEdit,
    QWidget,
)

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


def spoken_date_time(edit: QDateTimeEdit) -> str:
    """What a date, time or date-and-time box shows, in words: "Tuesday 1 December 2026",
    "09:30" or "Tuesday 1 December 2026, 14:30" (day and month names in the user's
    language)."""
    locale = QLocale()
    date = locale.toString(edit.date(), "dddd d MMMM yyyy")
    time = locale.toString(edit.time(), "HH:mm")
    if isinstance(edit, QTimeEdit):
        return time
    if isinstance(edit, QDateEdit):
        return date
    return f"{date}, {time}"


def date_time_number(edit: QDateTimeEdit, when: QDateTime | None = None) -> int:
    """``when`` (default: what the box shows) as one number in ISO 8601's basic form, the
    date's and time's digits in the order they are written: 20261201 for a date box on
    1 December 2026, 930 for a time box on 09:30, 202612010930 for both."""
    when = edit.dateTime() if when is None else when
    date, time = when.date(), when.time()
    day = date.year() * 10_000 + date.month() * 100 + date.day()
    minute = time.hour() * 100 + time.minute()
    if isinstance(edit, QTimeEdit):
        return minute
    if isinstance(edit, QDateEdit):
        return day
    return day * 10_000 + minute


def speak_date_time(edit: QDateTimeEdit, about: str = "") -> QDateTimeEdit:
    """Have a screen reader hear a date or time box as the text it shows; return it.

    Its accessible description becomes what it shows in words (:func:`spoken_date_time`),
    then ``about`` (what the box is for), and follows every change (Qt tells the reader the
    description changed). Its accessible value, which Qt left empty (over AT-SPI "0 of
    0..0"), becomes what it shows as a number (:func:`date_time_number`), within its first
    and last possible dates or times as numbers (brought up to date as well when the box
    takes the focus: a range can change without the date). Give the box its accessible
    name as well: what it is ("When you started")."""
    _DateTimeValue(edit, about)
    return edit


class _DateTimeValue(QObject):
    """Keeps a date or time box's description and accessible value true (see
    :func:`speak_date_time`); a child of the box, gone with it.

    Qt's spin-box interface reads the value from the box's properties "value", "minimum",
    "maximum" and "singleStep", which a date or time box does not have: they are set here.
    """

    def __init__(self, edit: QDateTimeEdit, about: str) -> None:
        super().__init__(edit)
        self.edit = edit
        self.about = about
        edit.dateTimeChanged.connect(self.refresh)
        edit.installEventFilter(self)
        self.refresh()

    def refresh(self) -> None:
        edit = self.edit
        edit.setAccessibleDescription(f"{spoken_date_time(edit)}. {self.about}".strip())
        edit.setProperty("minimum", date_time_number(edit, edit.minimumDateTime()))
        edit.setProperty("maximum", date_time_number(edit, edit.maximumDateTime()))
        edit.setProperty("singleStep", 1)
        number = date_time_number(edit)
        if edit.property("value") != number:
            edit.setProperty("value", number)
            QAccessible.updateAccessibility(QAccessibleValueChangeEvent(edit, number))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self.refresh()
        return False


class ReadingText(QTextEdit):
    """A long read-only text (Markdown or plain) that looks like a label but is one stop
    in the Tab order whose text a screen reader can walk line by line. Its height follows
    its text (it never scrolls itself; the page around it does).

    A read-only ``QTextEdit``, not a ``QTextBrowser``: Qt gives a text browser the role of
    a label, and Orca reads a focused label's name alone (Tab onto the safety notice said
    "Before you begin" and nothing more); a read-only text edit is read-only text, of which
    Orca says the name and the line at the caret, and reads on line by line with the arrows.
    """

    def __init__(self, name: str, parent: QWidget | None = None, markdown: str = "") -> None:
        super().__init__(parent)
        set_role(self, "reading")
        self.setAccessibleName(name)
        self.setReadOnly(True)
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

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()
