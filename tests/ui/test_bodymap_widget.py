"""The body-map widget: painting by mouse, touch and pen, editing, keyboard, modes."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit, QSlider

from mit_desktop.bodymap import (
    BodyMap,
    Brush,
    Layer,
    RegionState,
    aggregate,
    body_map_from_embody,
    read_embody_csv,
    render_map_png,
)
from mit_desktop.bodymap.silhouette import region_mask
from mit_desktop.ui.bodymap import BodyMapWidget

SILHOUETTE_GREY = (224, 224, 230)


@pytest.fixture
def widget(qtbot):
    w = BodyMapWidget()
    qtbot.addWidget(w)
    w.resize(1100, 760)
    w.show()
    qtbot.waitExposed(w)
    return w


def at(w: BodyMapWidget, layer: Layer, u: float, v: float) -> QPoint:
    """Widget point of local map coordinates (u across 0-171, v down 0-522)."""
    panel = w.canvas.panel_rect(layer)
    x = panel.x() + u * panel.width() / 171
    return QPointF(x, panel.y() + v * panel.height() / 522).toPoint()


def chest_path(w: BodyMapWidget, layer: Layer, n: int = 12) -> list[QPoint]:
    return [at(w, layer, 60 + 50 * t, 170 + 10 * np.sin(3 * t)) for t in np.linspace(0, 1, n)]


def pixel(w: BodyMapWidget, point: QPoint) -> tuple[int, int, int]:
    c = w.canvas.grab().toImage().pixelColor(point)
    return c.red(), c.green(), c.blue()


def drag(w: BodyMapWidget, points: list[QPoint]) -> None:
    QTest.mousePress(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
    for p in points[1:]:
        QTest.mouseMove(w.canvas, p)
    QTest.mouseRelease(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       points[-1])


def test_mouse_painting_on_the_left_figure_is_warm_and_positive(widget, qtbot):
    path = chest_path(widget, Layer.ACTIVATION)
    middle = path[len(path) // 2]
    assert pixel(widget, middle) == SILHOUETTE_GREY
    with qtbot.waitSignal(widget.mapChanged, timeout=2000):
        drag(widget, path)
    strokes = widget.body_map().strokes
    assert len(strokes) == 1 and strokes[0].layer is Layer.ACTIVATION
    assert strokes[0].brush is Brush.MEDIUM
    assert widget.body_map().signed_map()[region_mask("chest")].max() > 0.03
    r, g, b = pixel(widget, middle)
    assert r > 200 and b < 120  # warm paint


def test_touch_painting_on_the_right_figure_is_cool_and_negative(widget, qtbot):
    device = QTest.createTouchDevice()
    path = chest_path(widget, Layer.DEACTIVATION)
    QTest.touchEvent(widget.canvas, device).press(0, path[0], widget.canvas).commit()
    for p in path[1:]:
        QTest.touchEvent(widget.canvas, device).move(0, p, widget.canvas).commit()
    with qtbot.waitSignal(widget.mapChanged, timeout=2000):
        QTest.touchEvent(widget.canvas, device).release(0, path[-1], widget.canvas).commit()
    strokes = widget.body_map().strokes
    assert len(strokes) == 1 and strokes[0].layer is Layer.DEACTIVATION
    assert widget.body_map().signed_map()[region_mask("chest")].min() < -0.03
    r, g, b = pixel(widget, path[len(path) // 2])
    assert b > 200 and r < 120  # cool paint


def test_pen_painting_records_a_stroke(widget):
    pen = QPointingDevice("test pen", 4711, QInputDevice.DeviceType.Stylus,
                          QPointingDevice.PointerType.Pen,
                          QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
                          1, 2)
    path = chest_path(widget, Layer.ACTIVATION)
    kinds = [QEvent.Type.TabletPress] + [QEvent.Type.TabletMove] * (len(path) - 2) + [
        QEvent.Type.TabletRelease]
    for kind, p in zip(kinds, path):
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else \
            Qt.MouseButton.LeftButton
        event = QTabletEvent(kind, pen, QPointF(p), QPointF(widget.canvas.mapToGlobal(p)), 0.6,
                             0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier,
                             Qt.MouseButton.LeftButton, buttons)
        QApplication.sendEvent(widget.canvas, event)
    assert len(widget.body_map().strokes) == 1
    assert len(widget.body_map().strokes[0].samples) == len(path)


def test_undo_redo_per_stroke_and_clear(widget, qtbot):
    drag(widget, chest_path(widget, Layer.ACTIVATION))
    widget.set_brush(Brush.SMALL)
    drag(widget, [at(widget, Layer.ACTIVATION, 60, 400), at(widget, Layer.ACTIVATION, 62, 460)])
    assert len(widget.body_map().strokes) == 2
    middle = chest_path(widget, Layer.ACTIVATION)[6]
    QTest.mouseClick(widget.undo_button, Qt.MouseButton.LeftButton)
    assert len(widget.body_map().strokes) == 1
    QTest.mouseClick(widget.undo_button, Qt.MouseButton.LeftButton)
    assert widget.body_map().strokes == () and not widget.undo_button.isEnabled()
    assert pixel(widget, middle) == SILHOUETTE_GREY
    QTest.mouseClick(widget.redo_button, Qt.MouseButton.LeftButton)
    assert len(widget.body_map().strokes) == 1 and pixel(widget, middle)[0] > 200
    QTest.mouseClick(widget.clear_button, Qt.MouseButton.LeftButton)
    assert widget.body_map().strokes == () and pixel(widget, middle) == SILHOUETTE_GREY
    QTest.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the clear
    assert len(widget.body_map().strokes) == 1


def test_eraser_removes_paint_under_it(widget):
    widget.set_brush(Brush.LARGE)
    path = chest_path(widget, Layer.ACTIVATION)
    drag(widget, path)
    before = len(widget.body_map().painted_points())
    widget.set_eraser(True)
    assert widget.eraser_button.isChecked()
    drag(widget, path)
    after = widget.body_map().painted_points()
    assert len(after) < before * 0.2
    assert pixel(widget, path[6])[2] > 200  # back to the light silhouette
    widget.undo()
    assert len(widget.body_map().painted_points()) == before


def test_clicking_a_brush_button_paints_with_that_brush_and_ends_erasing(widget):
    """Every click on Small/Medium/Large raised "True is not a valid Brush" and left Medium;
    a brush chosen while erasing kept erasing."""
    for brush in (Brush.SMALL, Brush.LARGE, Brush.MEDIUM):
        QTest.mouseClick(widget.brush_buttons[brush], Qt.MouseButton.LeftButton)
        assert widget.canvas.brush is brush and widget.brush_buttons[brush].isChecked()
    QTest.mouseClick(widget.eraser_button, Qt.MouseButton.LeftButton)
    assert widget.canvas.erasing
    QTest.mouseClick(widget.brush_buttons[Brush.SMALL], Qt.MouseButton.LeftButton)
    assert not widget.canvas.erasing and not widget.eraser_button.isChecked()
    assert widget.canvas.brush is Brush.SMALL
    path = chest_path(widget, Layer.ACTIVATION)
    drag(widget, path)
    [stroke] = widget.body_map().strokes
    assert stroke.brush is Brush.SMALL and stroke.kind.value == "paint"


def test_pointer_moves_repaint_only_the_changed_area_and_do_not_rasterise(widget, monkeypatch):
    import mit_desktop.bodymap.model as model

    calls = []
    original = model.signed_map_from_points
    monkeypatch.setattr(model, "signed_map_from_points",
                        lambda x, y: calls.append(1) or original(x, y))
    painted = []

    class Spy(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                painted.append(event.rect())
            return False

    spy = Spy()
    widget.canvas.installEventFilter(spy)
    path = chest_path(widget, Layer.ACTIVATION)
    QTest.mousePress(widget.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     path[0])
    QApplication.processEvents()
    painted.clear()
    QTest.mouseMove(widget.canvas, path[1])
    QApplication.processEvents()
    painted.clear()
    QTest.mouseMove(widget.canvas, path[2])
    QApplication.processEvents()
    assert painted, "the move repainted nothing"
    area = sum(r.width() * r.height() for r in painted)
    assert area < 0.1 * widget.canvas.width() * widget.canvas.height()
    assert calls == []  # no rasterisation while the pointer moves
    QTest.mouseRelease(widget.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       path[2])
    QApplication.processEvents()
    assert len(calls) == 1  # once, when the stroke ends
    widget.canvas.removeEventFilter(spy)


def test_keyboard_regions_set_more_less_nothing(widget, qtbot):
    more = widget.region_buttons[("chest", RegionState.MORE)]
    more.setFocus()
    with qtbot.waitSignal(widget.mapChanged, timeout=2000):
        QTest.keyClick(more, Qt.Key.Key_Space)
    assert widget.editor.region_state("chest") is RegionState.MORE
    assert widget.body_map().signed_map()[region_mask("chest")].mean() > 0.03
    QTest.keyClick(more, Qt.Key.Key_Right)  # arrows move within the row: now "less"
    assert widget.editor.region_state("chest") is RegionState.LESS
    assert widget.body_map().signed_map()[region_mask("chest")].mean() < -0.03
    nothing = widget.region_buttons[("chest", RegionState.NOTHING)]
    nothing.setFocus()
    QTest.keyClick(nothing, Qt.Key.Key_Space)
    assert not widget.body_map().signed_map().any()
    widget.undo()  # undo puts the radio buttons back too
    assert widget.region_buttons[("chest", RegionState.LESS)].isChecked()


def test_every_control_has_an_accessible_name(widget):
    controls = [c for kind in (QAbstractButton, QComboBox, QSlider, QLineEdit)
                for c in widget.findChildren(kind)]
    assert len(controls) > 40
    unnamed = [c for c in controls if not c.accessibleName()]
    assert unnamed == []
    names = {c.accessibleName() for c in controls}
    for expected in ("Small brush", "Medium brush", "Large brush", "Eraser", "Undo last change",
                     "Clear all painting", "Chest: more", "Feet: less", "Head: nothing",
                     "Feeling word", "Intensity from 0 to 10"):
        assert expected in names
    assert widget.canvas.accessibleName() == "Body map painting area"


def test_emotion_word_free_text_and_intensity(widget):
    combo = widget.emotion_combo
    assert combo.count() == 16  # prompt, 14 study words, own words
    combo.setCurrentIndex(combo.findData("fear"))
    assert widget.body_map().emotion == "fear"
    combo.setCurrentIndex(combo.findData(""))
    assert widget.free_text.isVisible()
    QTest.keyClicks(widget.free_text, "worried about mum")
    assert widget.body_map().emotion == "worried about mum"
    widget.intensity_slider.setValue(8)
    assert widget.body_map().intensity == 8
    assert "8 of 10" in widget.intensity_label.text()


def test_read_only_mode_shows_a_stored_map_and_ignores_input(widget):
    drag(widget, chest_path(widget, Layer.ACTIVATION))
    stored = BodyMap(strokes=widget.body_map().strokes, emotion="anxiety", intensity=7)
    other = BodyMapWidget()
    other.resize(900, 700)
    other.show()
    other.set_body_map(stored, read_only=True)
    assert other.is_read_only()
    assert not other.tools.isVisible() and not other.side_panel.isVisible()
    assert "Anxiety" in other.summary.text() and "7 of 10" in other.summary.text()
    path = chest_path(other, Layer.ACTIVATION)
    assert pixel(other, path[6])[0] > 200  # the stored paint is shown
    drag(other, [at(other, Layer.DEACTIVATION, 80, 300), at(other, Layer.DEACTIVATION, 90, 320)])
    assert len(other.body_map().strokes) == 1
    other.set_read_only(False)
    assert other.tools.isVisible()
    other.close()


def test_read_only_map_without_strokes_shows_the_signed_map(widget):
    signed = np.zeros((522, 171))
    signed[region_mask("stomach")] = 0.1
    widget.set_body_map(BodyMap(stored_map=signed), read_only=True)
    r, g, b = pixel(widget, at(widget, Layer.ACTIVATION, 85, 235))
    assert r > 200 and b < 120


def test_aggregate_view_shows_mean_count_and_scale(widget, tmp_path):
    from pathlib import Path

    data = Path(__file__).parents[1] / "bodymap" / "data" / "embody_984332_3.csv"
    maps = [body_map_from_embody(read_embody_csv(data)), BodyMap()]
    result = aggregate(maps)
    widget.show_aggregate(result)
    assert widget.is_read_only() and not widget.tools.isVisible()
    assert np.isclose(widget.canvas.vmax, np.abs(result.mean).max(), rtol=0.05)
    image = widget.canvas.grab().toImage()
    panel = widget.canvas.panel_rect(Layer.ACTIVATION)
    bar = image.pixelColor(int(panel.right() + 35), int(panel.top() + panel.height() * 0.3))
    assert bar.red() > 200  # the top of the scale is hot
    bar = image.pixelColor(int(panel.right() + 35), int(panel.top() + panel.height() * 0.7))
    assert bar.blue() > 200 and bar.red() < 100  # the bottom is cold
    shot = tmp_path / "aggregate.png"
    assert widget.grab().save(str(shot))


def test_core_png_is_readable_by_qt(tmp_path):
    path = tmp_path / "map.png"
    path.write_bytes(render_map_png(np.random.default_rng(1).normal(0, 1, (522, 171))))
    image = QImage(str(path))
    assert not image.isNull() and image.height() > 1000


def test_tab_moves_from_one_body_part_to_the_next(widget):
    widget.region_buttons[("chest", RegionState.NOTHING)].setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget().accessibleName().startswith("Stomach:")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget().accessibleName().startswith("Lower belly and hips:")


def test_intensity_not_set_yet_does_not_look_or_sound_like_zero(qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from mit_desktop.ui.bodymap import BodyMapWidget
    from mit_desktop.ui.theme import apply_theme

    apply_theme(QApplication.instance(), 100, False)
    widget = BodyMapWidget()
    qtbot.addWidget(widget)
    widget.show()
    slider = widget.intensity_slider
    unset = slider.grab().toImage()
    assert "not set" in slider.accessibleDescription().lower()
    slider.setValue(1)
    slider.setValue(0)  # chosen: 0
    assert widget.body_map().intensity == 0
    assert slider.accessibleDescription() == ""
    assert slider.grab().toImage() != unset  # the handle is drawn differently


def test_painting_says_what_it_added(qtbot) -> None:
    import numpy as np
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    from mit_desktop.bodymap import Layer
    from mit_desktop.ui import access
    from mit_desktop.ui.bodymap import BodyMapWidget

    heard: list[str] = []

    def listen(_widget, text: str, _assertive: bool) -> None:
        heard.append(text)

    access.listeners.append(listen)
    try:
        widget = BodyMapWidget()
        qtbot.addWidget(widget)
        widget.resize(900, 700)
        widget.show()
        qtbot.waitExposed(widget)
        canvas = widget.canvas
        panel = canvas.panel_rect(Layer.ACTIVATION)

        def at(u: float, v: float):
            return QPointF(panel.x() + u * panel.width() / 171,
                           panel.y() + v * panel.height() / 522).toPoint()

        points = [at(60 + 50 * t, 170) for t in np.linspace(0, 1, 10)]  # across the chest
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         points[0])
        for p in points[1:]:
            QTest.mouseMove(canvas, p)
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           points[-1])
        qtbot.waitUntil(lambda: bool(heard), timeout=2000)
        assert heard[-1].startswith("Painted on More:") and "Chest" in heard[-1]
    finally:
        access.listeners.remove(listen)
