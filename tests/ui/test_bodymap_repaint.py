"""The body map on a reflection page draws what it holds after keyboard scrolling: once a
focus ring's edge stayed behind when the arrows scrolled the body parts (a row drawn twice,
half-drawn radio buttons). What the window shows (its backing store, as the screen gets
it) is compared with a fresh rendering of the same window after every key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QRadioButton

from mit_desktop.practice.answers import AnswerTarget


def _image(pixmap) -> QImage:  # type: ignore[no-untyped-def]
    return pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)


def stale_pixels(window) -> int:  # type: ignore[no-untyped-def]
    """Pixels in which what is on the screen differs from a fresh rendering."""
    shown = _image(window.screen().grabWindow(window.winId()))
    fresh = _image(window.grab())
    assert shown.size() == fresh.size()
    if shown == fresh:
        return 0
    return sum(1 for y in range(fresh.height()) for x in range(fresh.width())
               if _far(shown.pixel(x, y), fresh.pixel(x, y)))


def _far(a: int, b: int) -> bool:
    """Another colour, not the same one antialiased a step apart (painting into the
    window and into a grab can round an edge differently by one)."""
    return any(abs(((a >> shift) & 255) - ((b >> shift) & 255)) > TOLERANCE
               for shift in (0, 8, 16))


TOLERANCE = 16


def test_keyboard_scrolling_leaves_nothing_half_drawn(window, qtbot) -> None:
    window.resize(1024, 768)
    window.reflection.show_reflection(AnswerTarget(window.ctx.profile_id, "reflection-1"),
                                      "What do you notice in your body?",
                                      ("note", "rating", "body-map"))
    window.show_page("reflection")
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    for _ in range(5):
        QApplication.processEvents()
    body = window.reflection._body
    body.findChildren(QRadioButton)[0].setFocus()
    keys = [Qt.Key.Key_Tab] * 30 + [Qt.Key.Key_Down] * 10 + [Qt.Key.Key_PageDown] * 3 \
        + [Qt.Key.Key_Up] * 10 + [Qt.Key.Key_PageUp] * 3
    scrolled = set()
    stale = []
    for i, key in enumerate(keys):
        QTest.keyClick(QApplication.focusWidget(), key)
        for _ in range(3):
            QApplication.processEvents()
        scrolled.add((window.reflection.scroll_area.verticalScrollBar().value(),
                      body.side_scroll.verticalScrollBar().value()))
        n = stale_pixels(window)
        if n:
            stale.append(f"key {i + 1} ({key.name}): {n} stale pixels")
    assert len(scrolled) > 5  # the keys did scroll
    assert stale == []
