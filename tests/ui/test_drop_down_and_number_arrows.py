"""Drop-downs, number boxes and tick boxes under the program's theme: a mouse click on a
number box's arrow steps it, each arrow is drawn clearly in the theme's text colour with no
stray partial frame around it, and a ticked box shows a tick.

Clicks go through the window (as a real mouse's do), so they reach whichever child widget
lies under the pointer: with the arrows' area placed on the box's content, the box's own
text field lay over its arrows and a click on them did nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QPoint, Qt, QTime
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.ui.theme import IMAGES_DIR, apply_theme, colours, contrast_ratio, style_sheet


def _form(qtbot, *controls: QWidget) -> QWidget:
    form = QWidget()
    layout = QVBoxLayout(form)
    for control in controls:
        layout.addWidget(control)
    qtbot.addWidget(form)
    form.resize(420, 90 * len(controls))
    form.show()
    qtbot.waitExposed(form)
    return form


def _click(form: QWidget, box: QWidget, at: QPoint) -> None:
    QTest.mouseClick(form.windowHandle(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, box.mapTo(form, at))
    QApplication.processEvents()


def _number_boxes() -> list[tuple[QAbstractSpinBox, object]]:
    """Each kind of number box the program shows, with a way to read its value."""
    spin = QSpinBox()
    spin.setRange(0, 10)
    spin.setValue(5)
    time = QTimeEdit(QTime(9, 0))  # reminders; the hour is the first section
    date = QDateEdit(QDate(2026, 6, 15))  # history's range
    date.setCurrentSection(QDateTimeEdit.Section.DaySection)
    when = QDateTimeEdit(QDateTime(QDate(2026, 6, 15), QTime(9, 0)))  # a practice by hand
    when.setCurrentSection(QDateTimeEdit.Section.DaySection)
    return [(spin, spin.value), (time, lambda: time.time().hour()),
            (date, lambda: date.date().day()), (when, lambda: when.dateTime().date().day())]


@pytest.mark.parametrize("scale, high_contrast", [(100, False), (200, True)])
def test_a_click_on_a_number_box_arrow_steps_it(qtbot, scale: int, high_contrast: bool) -> None:
    apply_theme(QApplication.instance(), scale, high_contrast)
    boxes = _number_boxes()
    form = _form(qtbot, *(box for box, _ in boxes))
    stepped = {}
    for box, value in boxes:
        start = value()
        right = box.width() - 14  # the middle of the 28 px wide arrows
        _click(form, box, QPoint(right, 6))
        after_up = value()
        _click(form, box, QPoint(right, box.height() - 6))
        _click(form, box, QPoint(right, box.height() - 6))
        stepped[type(box).__name__] = (after_up - start, value() - after_up)
    assert stepped == {name: (1, -2) for name in stepped}


def test_a_number_box_without_arrows_shows_its_whole_text(qtbot) -> None:
    apply_theme(QApplication.instance(), 100, False)
    time = QTimeEdit(QTime(19, 30))  # Settings' reminder times: typed, with no arrows
    time.setDisplayFormat("HH:mm")
    time.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
    spin = QSpinBox()
    form = _form(qtbot, time, spin)
    assert form.isVisible()
    assert time.lineEdit().width() >= time.width() - 12  # it was 1 px wide: no text showed
    assert spin.width() - 40 <= spin.lineEdit().width() <= spin.width() - 28  # not over arrows


def _arrow_area(box: QWidget) -> tuple[QImage, int, int, int]:
    """The pixels of a box's arrow area (its right 32 px, inside its 2 px border)."""
    image = box.grab().toImage()
    return image, image.width() - 34, image.width() - 4, image.height()


def _off(image: QImage, x: int, y: int, field: str) -> bool:
    return image.pixelColor(x, y).name() != field


@pytest.mark.parametrize("high_contrast", [False, True])
@pytest.mark.parametrize("enabled", [True, False])
def test_arrows_are_clear_and_have_no_stray_frame(qtbot, high_contrast: bool,
                                                  enabled: bool) -> None:
    apply_theme(QApplication.instance(), 100, high_contrast)
    c = colours(high_contrast)
    combo = QComboBox()
    combo.addItems(["United Kingdom", "Somewhere else"])
    spin = QSpinBox()
    for box in (combo, spin):
        box.setEnabled(enabled)
    form = _form(qtbot, combo, spin)  # noqa: F841 (kept alive: it holds the boxes)
    for box in (combo, spin):
        image, left, right, height = _arrow_area(box)
        colour = c.fg if enabled else c.muted
        # the arrow: pixels in the arrow's own colour, which stands out from the field
        arrow = [(x, y) for x in range(left, right) for y in range(4, height - 4)
                 if contrast_ratio(image.pixelColor(x, y).name(), colour) < 1.2]
        assert len(arrow) >= 30, f"{type(box).__name__}: no clear arrow"
        assert contrast_ratio(colour, c.base) >= 3.0
        # a frame line: a column (or row) of the area that is mostly not the field's colour
        columns = [x for x in range(left, right)
                   if sum(_off(image, x, y, c.base) for y in range(4, height - 4))
                   > 0.6 * (height - 8)]
        rows = [y for y in range(4, height - 4)
                if sum(_off(image, x, y, c.base) for x in range(left, right))
                > 0.6 * (right - left)]
        assert (columns, rows) == ([], []), f"{type(box).__name__}: a line by the arrow"


@pytest.mark.parametrize("high_contrast", [False, True])
def test_every_picture_the_style_sheet_names_is_bundled_in_its_colour(
        high_contrast: bool) -> None:
    sheet = style_sheet(100, high_contrast)
    named = set(re.findall(r'url\("([^"]+)"\)', sheet))
    c = colours(high_contrast)
    assert {Path(p).name for p in named} == {
        *(f"arrow-{d}-{h[1:]}.svg" for d in ("up", "down") for h in {c.fg, c.muted}),
        f"check-{c.on_accent[1:]}.svg"}
    for path in map(Path, named):
        assert path.parent == IMAGES_DIR
        fill = re.search(r'(?:fill|stroke)="(#[0-9a-f]{6})"', path.read_text(encoding="utf-8"))
        assert fill is not None and path.stem.endswith(fill.group(1)[1:])


@pytest.mark.parametrize("high_contrast", [False, True])
def test_a_ticked_box_shows_a_tick(qtbot, high_contrast: bool) -> None:
    apply_theme(QApplication.instance(), 100, high_contrast)
    c = colours(high_contrast)
    box = QCheckBox("I finished it")
    form = _form(qtbot, box)
    assert form.isVisible()

    box.setChecked(True)
    QApplication.processEvents()
    image = box.grab().toImage()
    option = QStyleOptionButton()
    box.initStyleOption(option)
    inside = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option,
                                        box).adjusted(3, 3, -3, -3)  # within its border
    assert inside.width() >= 16
    marks = [image.pixelColor(x, y).name() for x in range(inside.left(), inside.right() + 1)
             for y in range(inside.top(), inside.bottom() + 1)]
    ticked = sum(contrast_ratio(m, c.on_accent) < 1.2 for m in marks)
    filled = sum(contrast_ratio(m, c.accent) < 1.2 for m in marks)
    assert ticked >= 25 and filled >= 100  # a tick in the text-on-accent colour on the fill
    assert contrast_ratio(c.on_accent, c.accent) >= 3.0
