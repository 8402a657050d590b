"""What a user with low vision sees: a focus ring on every control, and text and controls
that meet WCAG 2.2 AA contrast (AAA, 7:1, in the high-contrast theme) on every screen.

The checks look at rendered pixels (``QWidget.grab``), so they see what the style sheet,
the palette and the style really draw, not what the code meant to draw.
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)
from screen_walk import walk
from test_keyboard_and_access import interactive_widgets

from mit_desktop.ui.theme import apply_theme, colours, contrast_ratio


def _hex(image: QImage, x: int, y: int) -> str:
    return image.pixelColor(x, y).name()


def seen(w: QWidget) -> QImage:
    """What the window shows where ``w`` is (a transparent control over its background)."""
    parent = w.parentWidget()
    while parent is not None:  # scrolled into view, as Tab would, and all of it (a list's
        if isinstance(parent, QScrollArea):  # own ensureWidgetVisible shows its current row)
            at = w.mapTo(parent.widget(), QPoint(w.width() // 2, w.height() // 2))
            parent.ensureVisible(at.x(), at.y(), w.width() // 2 + 12, w.height() // 2 + 12)
        parent = parent.parentWidget()
    QApplication.processEvents()
    top = w.window()
    return top.grab(QRect(w.mapTo(top, QPoint(0, 0)), w.size())).toImage()


@pytest.mark.parametrize("high_contrast", [False, True])
def test_theme_colours_meet_wcag_contrast(high_contrast: bool) -> None:
    c = colours(high_contrast)
    text_min = 7.0 if high_contrast else 4.5
    text_pairs = {"text": (c.fg, c.bg), "text in fields": (c.fg, c.base),
                  "secondary text": (c.muted, c.bg), "text on primary": (c.on_accent, c.accent),
                  "stop button": (c.danger, c.danger_bg), "banner": (c.fg, c.banner),
                  "hint in empty field": (c.placeholder, c.base),
                  "error message": (c.danger, c.bg)}
    control_pairs = {"control border": (c.border, c.bg), "checked choice": (c.accent, c.bg),
                     "focus ring on window": (c.focus, c.bg),
                     "focus ring over a border": (c.focus, c.border),
                     "focus ring over a primary button": (c.focus, c.accent),
                     "focus ring over a stop button": (c.focus, c.danger_border),
                     "stop button border": (c.danger_border, c.danger_bg),
                     "banner border": (c.banner_border, c.bg)}
    low = {k: round(contrast_ratio(*v), 2) for k, v in text_pairs.items()
           if contrast_ratio(*v) < text_min}
    low.update({k: round(contrast_ratio(*v), 2) for k, v in control_pairs.items()
                if contrast_ratio(*v) < 3.0})
    assert low == {}


def test_contrast_ratio_matches_wcag_examples() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


def _ring_sides(before: QImage, after: QImage, visible: QRect) -> dict[str, int]:
    """For each side of a control that is on screen, the widest band of pixels (within the
    outer 16 px, from the middle of the side inwards) where the focused picture differs
    from the unfocused one by at least 3:1. Sides scrolled out of view are not measured."""
    w, h = before.width(), before.height()
    depth = 16
    sides = {"left": [(x, h // 2) for x in range(min(depth, w))],
             "right": [(w - 1 - x, h // 2) for x in range(min(depth, w))],
             "top": [(w // 2, y) for y in range(min(depth, h))],
             "bottom": [(w // 2, h - 1 - y) for y in range(min(depth, h))]}
    found = {}
    for side, points in sides.items():
        if not all(visible.contains(x, y) for x, y in points[:4]):
            continue
        run = best = 0
        for x, y in points:
            if contrast_ratio(_hex(before, x, y), _hex(after, x, y)) >= 3.0:
                run += 1
                best = max(best, run)
            else:
                run = 0
        found[side] = best
    return found


def _focusable(page: QWidget) -> list[QWidget]:
    return [w for w in interactive_widgets(page)
            if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and w.width() > 12 and w.height() > 12]


@pytest.mark.parametrize("high_contrast", [False, True])
def test_every_focusable_control_shows_a_3px_focus_ring(window, qtbot, high_contrast) -> None:
    apply_theme(QApplication.instance(), 100, high_contrast)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    faint = []
    checked = 0

    def check(screen: str, w: QWidget) -> None:
        nonlocal checked
        window.setFocus()  # away from the control
        w.clearFocus()
        QApplication.processEvents()
        before = seen(w)
        w.setFocus(Qt.FocusReason.TabFocusReason)
        QApplication.processEvents()
        if not w.hasFocus():
            return  # a control that takes no focus now (inside a closed part)
        after = seen(w)
        checked += 1
        depths = _ring_sides(before, after, w.visibleRegion().boundingRect())
        if len(depths) < 2 or min(depths.values()) < 3:
            faint.append(f"{screen}: {type(w).__name__} {w.accessibleName()!r} {depths}")

    for screen, page in walk(window):
        for w in _focusable(page):
            check(screen, w)
    window.show_page("today")
    for w in [*window.nav_buttons.values(), window.profile_combo, window.help_now_button,
              window.help_button]:
        check("header", w)
    assert checked > 60
    assert faint == [], "\n".join(faint)


def _text_colour_contrast(image: QImage, area: QRect) -> tuple[float, str, str]:
    """The background (the commonest colour) and the text colour (the colour most unlike
    it that covers at least 8 pixels) inside ``area``, and their contrast."""
    counts: Counter[str] = Counter()
    for y in range(max(0, area.top()), min(image.height(), area.bottom() + 1)):
        for x in range(max(0, area.left()), min(image.width(), area.right() + 1)):
            counts[_hex(image, x, y)] += 1
    background = counts.most_common(1)[0][0]
    solid = [c for c, n in counts.items() if n >= 8 and c != background]
    if not solid:
        return 21.0, background, background
    text = max(solid, key=lambda c: contrast_ratio(c, background))
    return contrast_ratio(text, background), text, background


def _text_areas(page: QWidget) -> list[tuple[str, QWidget, QRect]]:
    """Widgets that show text, with the part of each where the text is drawn."""
    found = []
    for w in page.findChildren(QWidget):
        if not w.isVisible() or w.width() < 10 or w.height() < 10:
            continue
        if isinstance(w, QLabel) and w.text().strip() and w.pixmap().isNull():
            found.append((w.text()[:30], w, w.contentsRect().adjusted(2, 2, -2, -2)))
        elif isinstance(w, QAbstractButton) and w.text().strip():
            found.append((w.text()[:30], w, w.rect().adjusted(5, 5, -5, -5)))
        elif isinstance(w, QListWidget):
            for i in range(w.count()):
                rect = w.visualItemRect(w.item(i))
                if rect.isValid() and not rect.isEmpty():
                    offset = w.viewport().mapTo(w, QPoint(0, 0))
                    found.append((w.item(i).text()[:30], w,
                                  rect.translated(offset).adjusted(3, 3, -3, -3)))
        elif isinstance(w, (QLineEdit, QPlainTextEdit)) and w.placeholderText() and \
                not (w.text() if isinstance(w, QLineEdit) else w.toPlainText()):
            found.append((w.placeholderText()[:30], w, w.rect().adjusted(10, 5, -10, -5)))
        elif isinstance(w, QComboBox):
            found.append((w.currentText()[:30], w, w.rect().adjusted(5, 5, -36, -5)))
    return found


@pytest.mark.parametrize("high_contrast", [False, True])
def test_text_on_every_screen_meets_contrast(window, qtbot, high_contrast) -> None:
    """The selected row of a list once showed near-white on light grey (1.1:1)."""
    apply_theme(QApplication.instance(), 100, high_contrast)
    minimum = 7.0 if high_contrast else 4.5
    low = []
    shown = 0
    for screen, page in walk(window):
        if screen == "library":
            page.session_list.setCurrentRow(1)  # a selected row, focus elsewhere
            window.nav_buttons["today"].setFocus()
        if screen == "player":
            window.player.section_list.addItems(["Arriving", "Ending"])
            window.player.section_list.setCurrentRow(0)
        for what, w, area in _text_areas(page):
            image = seen(w)
            ratio, text, background = _text_colour_contrast(image, area)
            shown += 1
            if ratio < minimum:
                low.append(f"{screen}: {type(w).__name__} {what!r} {text} on {background} "
                           f"{ratio:.2f}:1")
    assert shown > 40
    assert low == [], "\n".join(low)


def test_time_boxes_in_settings_show_their_time(window, qtbot) -> None:
    """The style sheet once left the time boxes' text field 1 pixel wide: they showed nothing."""
    from PySide6.QtWidgets import QTimeEdit

    window.show_page("settings")
    boxes = window.settings.findChildren(QTimeEdit)
    assert len(boxes) >= 3
    for box in boxes:
        editor = box.lineEdit()
        needed = editor.fontMetrics().horizontalAdvance(editor.text())
        assert editor.text() and editor.width() >= needed, box.accessibleName()
