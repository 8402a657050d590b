"""Drop-downs, number boxes and tick boxes under the program's theme: a number box steps
down with "−" on its left and up with "+" on its right, each a whole target (a mouse click on
either steps it), the drop-down arrow and the signs are drawn clearly in the theme's text
colour with no stray partial frame, and a ticked box shows a tick.

Clicks go through the window (as a real mouse's do), so they reach whichever child widget
lies under the pointer: with the arrows' area placed on the box's content, the box's own
text field lay over its arrows and a click on them did nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

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
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QStyleOptionSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.ui.theme import (
    IMAGES_DIR,
    MIN_TARGET_PX,
    apply_theme,
    colours,
    contrast_ratio,
    grown_px,
    style_sheet,
)


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
def test_a_click_on_a_number_box_sign_steps_it(qtbot, scale: int, high_contrast: bool) -> None:
    apply_theme(QApplication.instance(), scale, high_contrast)
    boxes = _number_boxes()
    form = _form(qtbot, *(box for box, _ in boxes))
    stepped = {}
    for box, value in boxes:
        start = value()
        step = grown_px(MIN_TARGET_PX, 56, scale)
        # near the outer corners and by the text: the whole target takes the click
        _click(form, box, QPoint(box.width() - 4, 4))
        after_up = value()
        _click(form, box, QPoint(4, box.height() - 4))
        _click(form, box, QPoint(step - 4, box.height() // 2))
        stepped[type(box).__name__] = (after_up - start, value() - after_up)
    assert stepped == {name: (1, -2) for name in stepped}


@pytest.mark.parametrize("scale", [100, 200])
def test_a_number_box_sign_is_a_whole_target(qtbot, scale: int) -> None:
    apply_theme(QApplication.instance(), scale, False)
    spin = QSpinBox()
    form = _form(qtbot, spin)
    assert form.isVisible()
    option = QStyleOptionSpinBox()
    spin.initStyleOption(option)
    style = spin.style()
    for control in (QStyle.SubControl.SC_SpinBoxDown, QStyle.SubControl.SC_SpinBoxUp):
        rect = style.subControlRect(QStyle.ComplexControl.CC_SpinBox, option, control, spin)
        assert rect.width() >= MIN_TARGET_PX and rect.height() == spin.height() >= MIN_TARGET_PX


def test_a_number_box_shows_its_text_between_its_signs(qtbot) -> None:
    apply_theme(QApplication.instance(), 100, False)
    time = QTimeEdit(QTime(19, 30))  # Settings' reminder times: typed, with no buttons
    time.setDisplayFormat("HH:mm")
    time.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
    spin = QSpinBox()
    spin.setRange(1, 360)
    spin.setSuffix(" minutes")
    form = _form(qtbot, time, spin)
    assert form.isVisible()
    assert time.lineEdit().width() >= time.width() - 12  # it was 1 px wide: no text showed
    edit = spin.lineEdit().geometry()
    assert MIN_TARGET_PX <= edit.left() and edit.right() < spin.width() - MIN_TARGET_PX
    assert edit.width() >= spin.fontMetrics().horizontalAdvance("360 minutes")


@pytest.mark.parametrize("high_contrast", [False, True])
def test_a_field_that_cannot_be_changed_has_a_dashed_frame(qtbot, high_contrast: bool) -> None:
    """The reminder dialog's times while reminders are off (and any field that cannot be
    changed) had the same whole frame as one that can; in high contrast, where muted text is
    white too, nothing told them apart. Now they have a dashed frame, like a button that
    cannot be pressed; a box with no buttons still shows its whole text."""
    apply_theme(QApplication.instance(), 100, high_contrast)

    def typed_time() -> QTimeEdit:
        typed = QTimeEdit(QTime(19, 30))
        typed.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        return typed

    makers = [lambda: QLineEdit("Ann"), QComboBox, QSpinBox, lambda: QTimeEdit(QTime(9, 0)),
              typed_time]
    pairs = [(make(), make()) for make in makers]
    form = _form(qtbot, *(w for pair in pairs for w in pair))
    assert form.isVisible()

    def breaks(widget: QWidget) -> int:
        """Pixels of the frame's top line (away from its rounded corners) not in its colour."""
        image = widget.grab().toImage()
        line = [image.pixelColor(x, 1).name() for x in range(12, widget.width() - 12)]
        return _breaks(line)

    for enabled, disabled in pairs:
        disabled.setEnabled(False)
        QApplication.processEvents()
        assert breaks(enabled) == 0, type(enabled).__name__
        assert breaks(disabled) >= 8, type(disabled).__name__
    for typed in pairs[-1]:
        assert cast(QTimeEdit, typed).lineEdit().width() >= typed.width() - 12


def test_a_number_box_asks_for_room_for_both_signs_and_its_text(qtbot) -> None:
    apply_theme(QApplication.instance(), 200, True)
    spin = QSpinBox()
    spin.setRange(-1, 10)
    spin.setSpecialValueText("Not rated")  # the mood and stress ratings of a practice by hand
    form = QWidget()
    layout = QHBoxLayout(form)
    layout.addWidget(spin)
    layout.addStretch(1)  # the box gets what it asks for, no more
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    text = spin.fontMetrics().horizontalAdvance("Not rated")
    assert spin.lineEdit().width() >= text
    assert spin.width() >= 2 * grown_px(MIN_TARGET_PX, 56, 200) + text


def _off(image: QImage, x: int, y: int, field: str) -> bool:
    return image.pixelColor(x, y).name() != field


def _breaks(line: list[str]) -> int:
    """Pixels of a frame's line (colour names) that stand out from its commonest colour: the
    gaps of a dashed frame; 0 for a whole one."""
    colour = max(set(line), key=line.count)
    return sum(contrast_ratio(m, colour) >= 1.5 for m in line)


def _check_mark_area(image: QImage, left: int, right: int, colour: str, field: str,
                     what: str) -> None:
    """Columns `left`..`right` of `image` hold a clear mark in `colour` and no frame line."""
    height = image.height()
    mark = [(x, y) for x in range(left, right) for y in range(4, height - 4)
            if contrast_ratio(image.pixelColor(x, y).name(), colour) < 1.2]
    assert len(mark) >= 30, f"{what}: no clear mark"
    # a frame line: a column (or row) of the area that is mostly not the field's colour
    columns = [x for x in range(left, right)
               if sum(_off(image, x, y, field) for y in range(4, height - 4))
               > 0.6 * (height - 8)]
    rows = [y for y in range(4, height - 4)
            if sum(_off(image, x, y, field) for x in range(left, right)) > 0.6 * (right - left)]
    assert (columns, rows) == ([], []), f"{what}: a line by the mark"


@pytest.mark.parametrize("high_contrast", [False, True])
@pytest.mark.parametrize("enabled", [True, False])
def test_arrows_and_signs_are_clear_and_have_no_stray_frame(qtbot, high_contrast: bool,
                                                            enabled: bool) -> None:
    apply_theme(QApplication.instance(), 100, high_contrast)
    c = colours(high_contrast)
    colour = c.fg if enabled else c.muted
    assert contrast_ratio(colour, c.base) >= 3.0
    combo = QComboBox()
    combo.addItems(["United Kingdom", "Somewhere else"])
    spin = QSpinBox()
    for box in (combo, spin):
        box.setEnabled(enabled)
    form = _form(qtbot, combo, spin)
    assert form.isVisible()
    image = combo.grab().toImage()  # the drop-down's arrow: its right 32 px, inside its border
    _check_mark_area(image, image.width() - 34, image.width() - 4, colour, c.base, "drop-down")
    image = spin.grab().toImage()
    step = grown_px(MIN_TARGET_PX, 56, 100)
    _check_mark_area(image, 4, step - 4, colour, c.base, "number box's minus")
    _check_mark_area(image, image.width() - step + 4, image.width() - 4, colour, c.base,
                     "number box's plus")
    # each sign's button is set off from the text by one whole line, top to bottom
    for near in (step, image.width() - step):
        whole = [x for x in range(near - 3, near + 3)
                 if sum(_off(image, x, y, c.base) for y in range(image.height()))
                 >= image.height() - 2]
        assert whole, f"no whole divider near x={near}"


def test_the_plus_and_the_minus_differ(qtbot) -> None:
    apply_theme(QApplication.instance(), 100, False)
    c = colours(False)
    spin = QSpinBox()
    form = _form(qtbot, spin)
    assert form.isVisible()
    image = spin.grab().toImage()
    step = grown_px(MIN_TARGET_PX, 56, 100)

    def tall(left: int, right: int) -> int:  # the height of the mark in the area
        ys = [y for x in range(left, right) for y in range(4, image.height() - 4)
              if contrast_ratio(image.pixelColor(x, y).name(), c.fg) < 1.2]
        return max(ys) - min(ys) + 1

    minus, plus = tall(4, step - 4), tall(image.width() - step + 4, image.width() - 4)
    assert minus <= 5 and plus >= 10, (minus, plus)


@pytest.mark.parametrize("high_contrast", [False, True])
def test_every_picture_the_style_sheet_names_is_bundled_in_its_colour(
        high_contrast: bool) -> None:
    sheet = style_sheet(100, high_contrast)
    named = set(re.findall(r'url\("([^"]+)"\)', sheet))
    c = colours(high_contrast)
    assert {Path(p).name for p in named} == {
        *(f"{shape}-{h[1:]}.svg" for shape in ("arrow-down", "minus", "plus")
          for h in {c.fg, c.muted}),
        *(f"check-{h[1:]}.svg" for h in {c.on_accent, c.muted})}
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


@pytest.mark.parametrize("high_contrast", [False, True])
def test_a_ticked_box_that_cannot_be_changed_looks_it(qtbot, high_contrast: bool) -> None:
    """While reminders are off, the reminder dialog's Morning and Evening boxes cannot be
    changed: they looked like any ticked box (the accent fill), as if they were on. A box that
    cannot be changed has a dashed frame and a tick in the muted colour, with no fill."""
    apply_theme(QApplication.instance(), 100, high_contrast)
    c = colours(high_contrast)
    boxes = [QCheckBox("In the morning at"), QCheckBox("In the evening at")]
    form = _form(qtbot, *boxes)
    assert form.isVisible()
    for box in boxes:
        box.setChecked(True)
    boxes[1].setEnabled(False)
    QApplication.processEvents()
    drawn = []
    for box in boxes:
        option = QStyleOptionButton()
        box.initStyleOption(option)
        frame = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
        image = box.grab().toImage()
        inside = [image.pixelColor(x, y).name() for x in range(frame.left() + 3, frame.right() - 2)
                  for y in range(frame.top() + 3, frame.bottom() - 2)]
        top_edge = [image.pixelColor(x, frame.top() + 1).name()
                    for x in range(frame.left() + 4, frame.right() - 3)]
        drawn.append((inside.count(c.accent), inside.count(c.base),
                       sum(contrast_ratio(m, c.muted) < 1.2 for m in inside),
                       _breaks(top_edge)))
    (enabled_fill, _, _, enabled_gaps), (disabled_fill, unfilled, tick, disabled_gaps) = drawn
    assert enabled_fill >= 100 and enabled_gaps == 0  # on: filled, a whole frame
    assert disabled_fill == 0 and unfilled >= 100  # cannot be changed: no fill,
    assert tick >= 25 and disabled_gaps >= 4  # a muted tick and a dashed frame


@pytest.mark.parametrize("high_contrast", [False, True])
def test_a_ticked_item_of_a_list_shows_a_tick_box_like_the_others(qtbot,
                                                                   high_contrast: bool) -> None:
    """The recorder's proposed reflection points are ticked in a list: Qt drew their boxes
    about 12 px wide, with a thin tick, beside the program's 24 px tick boxes."""
    apply_theme(QApplication.instance(), 100, high_contrast)
    c = colours(high_contrast)
    points = QListWidget()
    for text, state in (("Reflection point at 0:09.3", Qt.CheckState.Checked),
                        ("Section start at 0:24.7", Qt.CheckState.Unchecked)):
        item = QListWidgetItem(text, points)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(state)
    form = _form(qtbot, points)
    assert form.isVisible()
    image = points.viewport().grab().toImage()

    def box_of(row: int, colour: str) -> tuple[int, int, list[tuple[int, int]]]:
        """Width and height of what is drawn in `colour` near the row's start, and where."""
        rect = points.visualItemRect(points.item(row))
        at = [(x, y) for x in range(rect.left(), rect.left() + 50)
              for y in range(rect.top(), rect.bottom() + 1)
              if contrast_ratio(image.pixelColor(x, y).name(), colour) < 1.2]
        if not at:
            return 0, 0, []
        xs, ys = [x for x, _ in at], [y for _, y in at]
        return max(xs) - min(xs) + 1, max(ys) - min(ys) + 1, at

    width, height, fill = box_of(0, c.accent)  # the ticked box: filled, a tick on the fill
    assert width >= 20 and height >= 20, (width, height)
    left, top = min(x for x, _ in fill), min(y for _, y in fill)
    tick = sum(contrast_ratio(image.pixelColor(x, y).name(), c.on_accent) < 1.2
               for x in range(left, left + width) for y in range(top, top + height))
    assert tick >= 25
    width, height, _ = box_of(1, c.fg)  # the other: the outline of a 24 px box
    assert width >= 22 and height >= 22, (width, height)
