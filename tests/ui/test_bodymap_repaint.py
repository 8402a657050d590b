"""The body map on a reflection page draws what it holds after keyboard scrolling.

A listener who held Tab or an arrow key saw a row of body parts drawn twice and radio
buttons half drawn: when the reflection page and the body map's own panel both scrolled
before the window painted again (keys come faster than the page paints), Qt moved pixels
that were not up to date yet. Pressing one key and letting the window paint never showed it;
a burst of keys without a paint between them does. After every burst, what the window shows
(``QScreen.grabWindow``: the pixels the screen gets, under xcb the X server's own) is
compared with a fresh rendering of the window (``QWidget.grab``).

Since the body parts panel became part of the page (issue 13: no scroll area inside a scroll
area), only the page scrolls, and the glitch can no longer be reproduced on the current
layout: with the repaint fix taken out again (``scroll_page``'s inner widget filling its own
background, as before d3bba34) bursts of 1, 2, 3, 4, 6 and 8 Tab, Backtab, Down, Up, PageDown
and PageUp from the note, the feeling word, the first and the last body part, at 100, 150
and 200 % text in 1024 × 768 and 1366 × 768, scrolled the page in 1,167 bursts (180 to 218
at each size) and left no stale pixel (offscreen, 1 December 2026). The test stays: the page still scrolls in every
burst (it fails if not) and any stale pixel fails it, and it fails on the code before the
fix (d3bba34^, where the panel still scrolled inside the page: 941 stale pixels after 4 × Tab
to "Hands: more")."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mit_desktop.bodymap import RegionState
from mit_desktop.practice.answers import AnswerTarget

TOLERANCE = 16  # a colour step: painting into the window and into a grab may round an edge


def _pixels(image: QImage) -> np.ndarray:
    """The image as an array of (height, width, 4) bytes, 32-bit RGB."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width()].copy()


def stale_pixels(window) -> int:  # type: ignore[no-untyped-def]
    """Pixels in which what the screen shows differs from a fresh rendering by more than
    a rounding step."""
    shown = _pixels(window.screen().grabWindow(window.winId()).toImage())
    fresh = _pixels(window.grab().toImage())
    assert shown.shape == fresh.shape
    far = np.abs(shown.astype(np.int16) - fresh.astype(np.int16))[..., :3] > TOLERANCE
    return int(far.any(axis=2).sum())


def test_stale_pixels_are_counted(window, qtbot) -> None:
    """The comparison sees pixels the screen did not get: a label changed with the
    window's updates off is still shown as it was."""
    window.show_page("today")
    for _ in range(3):
        QApplication.processEvents()
    assert stale_pixels(window) == 0
    window.setUpdatesEnabled(False)
    window.today.next_title.setText("A different title, never painted")
    assert stale_pixels(window) > 100
    window.setUpdatesEnabled(True)


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def test_keys_faster_than_painting_leave_nothing_stale(window, qtbot) -> None:
    window.resize(1024, 768)  # the page scrolls through the body parts
    window.reflection.show_reflection(AnswerTarget(window.ctx.profile_id, "reflection-1"),
                                      "What do you notice in your body?",
                                      ("note", "rating", "body-map"))
    window.show_page("reflection")
    qtbot.waitExposed(window)
    window.activateWindow()  # (under xcb the keys go to the active window only)
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    _settle()
    page = window.reflection.scroll_area.verticalScrollBar()
    body = window.reflection._body
    first = body.region_buttons[("head", RegionState.MORE)]
    scrolled = 0
    stale = []
    for burst in (4, 3, 2):
        first.setFocus()
        _settle()
        for key in [Qt.Key.Key_Tab] * 4 + [Qt.Key.Key_Backtab] * 4:
            before = page.value()
            for _ in range(burst):  # no paint between these keys, as when a key is held
                QTest.keyClick(QApplication.focusWidget(), key)
            _settle()
            scrolled += page.value() != before
            n = stale_pixels(window)
            if n:
                stale.append(f"{burst} × {key.name} to {QApplication.focusWidget().accessibleName()}"
                             f": {n} stale pixels")
    assert scrolled > 0, "the page did not scroll in a burst of keys"
    assert stale == []
