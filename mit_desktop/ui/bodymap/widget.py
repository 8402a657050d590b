# Over 400 lines: the body-map screen's panels and its keyboard path (canvas and colouring are apart).
"""The body-map widget: paint where a feeling is felt, or pick body parts by keyboard.

Two silhouettes side by side — "More" (left, warm colours) and "Less" (right, cool
colours), as in the emBODY method — fill the available space and scale with the
window. Mouse, touch and pen paint with a soft brush in three sizes; an eraser,
undo/redo per stroke and clear sit in a row of large buttons. People who cannot
paint set named body regions to more / less / nothing with the keyboard. An
emotion word (the 14 of the study or their own words) and an intensity 0–10
complete the map.

The widget is a thin layer over :class:`mit_desktop.bodymap.BodyMapEditor`. Each
pointer move turns into a few painted points; only the screen rectangle their
blur touches is recoloured and repainted. The signed map is computed once the
stroke ends (deferred to the event loop), never on a pointer move.

Modes: editing (default), read-only (:meth:`BodyMapWidget.set_body_map` with
``read_only=True``) and an aggregate view (:meth:`BodyMapWidget.show_aggregate`),
which shows a mean map on one silhouette with the hot/cold colour map, a scale bar
and the number of maps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QIcon,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.bodymap import (
    STUDY_EMOTIONS,
    Aggregate,
    BodyMap,
    BodyMapEditor,
    Brush,
    Layer,
    RegionState,
    Stroke,
    StrokeKind,
)
from mit_desktop.bodymap.layout import MAP_COLS, MAP_ROWS
from mit_desktop.bodymap.silhouette import REGION_KEYS
from mit_desktop.ui.bodymap.canvas import MIN_CONTROL_HEIGHT, BodyCanvas

log = logging.getLogger(__name__)


def _circle_icon(diameter: int, dashed: bool = False) -> QIcon:
    pixmap = QPixmap(40, 40)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if dashed:
        painter.setPen(QPen(QColor(50, 50, 50), 2, Qt.PenStyle.DashLine))
        painter.setBrush(QColor(255, 255, 255))
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(180, 50, 30))
    painter.drawEllipse(QPointF(20, 20), diameter / 2, diameter / 2)
    painter.end()
    return QIcon(pixmap)


class BodyMapWidget(QWidget):
    """Paint a body map (or view one); the public face of the body-map UI.

    ``mapChanged`` is emitted after every change of the map (a finished stroke, a
    region, undo/redo/clear, emotion, intensity); :meth:`body_map` then returns it.
    """

    mapChanged = Signal()

    def __init__(self, parent: QWidget | None = None, body_map: BodyMap | None = None) -> None:
        super().__init__(parent)
        self.editor = BodyMapEditor(body_map)
        self._read_only = False
        self._syncing = False
        self.last_said = ""  # what a screen reader was last told about painting
        font = QFont(self.font())
        font.setPointSizeF(max(10.0, font.pointSizeF()) * 1.15)
        self.setFont(font)

        self.canvas = BodyCanvas(self.editor, self)
        self.canvas.strokeFinished.connect(self._stroke_finished)
        self.tools = self._build_tools()
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Feeling and intensity"))
        summary_font = QFont(self.font())
        summary_font.setPointSizeF(self.font().pointSizeF() * 1.2)
        self.summary.setFont(summary_font)
        self.summary.hide()
        centre = QVBoxLayout()
        centre.addWidget(self.summary)
        centre.addWidget(self.canvas, 1)
        self.feeling_box = self._build_feeling()
        self.regions_box = self._build_regions()
        # the feeling and body parts: a panel as tall as it needs, never a scroll area of its
        # own (the page around the body map scrolls, one scroll area, at any text size)
        self.side_panel = QWidget(self)
        self.side_panel.setAccessibleName(self.tr("Feeling and body regions"))
        side_layout = QVBoxLayout(self.side_panel)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.feeling_box)
        side_layout.addWidget(self.regions_box)
        side_layout.addStretch(1)

        self._centre = centre
        self._side_below = False
        self.outer = QHBoxLayout(self)
        self.outer.addWidget(self.tools)
        self.outer.addLayout(centre, 1)
        self.outer.addWidget(self.side_panel)
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.undo),
                           (QKeySequence.StandardKey.Redo, self.redo)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self._sync_controls()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Feeling and body parts go beside the figures when they fit, else below them
        (large text on a small screen), never into sideways scrolling. Either way the panel
        is as tall as all it holds: the page around the body map scrolls, never a second
        scroll area inside it (at 1024 × 768 one scrolled 129 px inside the page at 100 %
        text, 167 px at 150 %)."""
        self._place_side(event.size().width())
        super().resizeEvent(event)

    def _place_side(self, width_px: int) -> None:
        below = width_px < self._beside_px()
        if below != self._side_below:
            self._side_below = below
            self.outer.removeWidget(self.side_panel)
            if below:
                self._centre.addWidget(self.side_panel)
            else:
                self.outer.addWidget(self.side_panel)
        self._fit_side()

    def _side_px(self) -> int:
        """The panel's width beside the figures: its widest line, and a margin."""
        return self.side_panel.sizeHint().width() + 24

    def _beside_px(self) -> int:
        """The narrowest width at which the panel goes beside the figures."""
        figures_px = max(260, self.canvas.labels_fit_width_px())
        margins = self.outer.contentsMargins()
        return (margins.left() + self.tools.minimumWidth() + figures_px + self._side_px()
                + 2 * self.outer.spacing() + margins.right())

    def _fit_side(self) -> None:
        if self._side_below:
            self.side_panel.setMinimumWidth(0)
            self.side_panel.setMaximumWidth(16777215)
        else:
            self.side_panel.setFixedWidth(self._side_px())  # (no scroll bar to leave room for)

    def minimumSizeHint(self) -> QSize:
        """Narrow enough for the figures with the side panel below them."""
        hint = super().minimumSizeHint()
        narrow = self.tools.minimumWidth() + 260 + 2 * self.outer.spacing() + 24
        return QSize(min(hint.width(), narrow), hint.height())

    def showEvent(self, event: QShowEvent) -> None:
        """The tool column as wide as its widest label in the font shown (the style sheet
        sets it, at any text size): "Medium" was once clipped to "M…m"."""
        widest = max(b.sizeHint().width() for b in self.brush_buttons.values())
        self.tools.setMinimumWidth(widest + 4)
        self._place_side(self.width())  # (the first resize came before the tools' width)
        super().showEvent(event)

    # --- building ---------------------------------------------------------------
    def _big(self, button: QWidget) -> QWidget:
        button.setMinimumHeight(MIN_CONTROL_HEIGHT)
        button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        return button

    def _tool_button(self, text: str, accessible: str, icon: QIcon | None,
                     slot: Callable[[], object], checkable: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setAccessibleName(accessible)
        button.setToolTip(accessible)
        if icon is not None:
            button.setIcon(icon)
            button.setIconSize(QSize(32, 32))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setCheckable(checkable)
        button.setMinimumSize(QSize(84, MIN_CONTROL_HEIGHT + 16))
        button.clicked.connect(slot)
        return button

    def _build_tools(self) -> QWidget:
        bar = QWidget(self)
        row = QVBoxLayout(bar)  # a tool column beside the figures leaves them the height
        row.setContentsMargins(0, 0, 0, 0)
        self.brush_group = QButtonGroup(self)
        self.brush_buttons: dict[Brush, QPushButton] = {}
        for brush, text, name, size in (
                (Brush.SMALL, self.tr("Small"), self.tr("Small brush"), 10),
                (Brush.MEDIUM, self.tr("Medium"), self.tr("Medium brush"), 20),
                (Brush.LARGE, self.tr("Large"), self.tr("Large brush"), 32)):
            # a push button, auto-exclusive: a screen reader hears one choice of three
            # (radio buttons), where a tool button is heard as a check box
            button = QPushButton(_circle_icon(size), text, self)
            button.setIconSize(QSize(size, size))
            button.setAccessibleName(name)
            button.setToolTip(name)
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.setMinimumHeight(MIN_CONTROL_HEIGHT)
            button.clicked.connect(lambda _checked=False, b=brush: self.set_brush(b))
            self.brush_group.addButton(button)
            self.brush_buttons[brush] = button
            row.addWidget(button)
        self.eraser_button = self._tool_button(
            self.tr("Eraser"), self.tr("Eraser"), _circle_icon(26, dashed=True),
            lambda: self.set_eraser(self.eraser_button.isChecked()), checkable=True)
        row.addWidget(self.eraser_button)
        row.addSpacing(10)
        self.undo_button = self._tool_button(self.tr("Undo"), self.tr("Undo last change"),
                                             None, self.undo)
        self.redo_button = self._tool_button(self.tr("Redo"), self.tr("Redo"), None, self.redo)
        self.clear_button = self._tool_button(self.tr("Clear"), self.tr("Clear all painting"),
                                              None, self.clear)
        for tool in (self.undo_button, self.redo_button, self.clear_button):
            row.addWidget(tool)
        row.addStretch(1)
        self.brush_buttons[Brush.MEDIUM].setChecked(True)
        return bar

    def _emotion_labels(self) -> dict[str, str]:
        return {
            "neutral": self.tr("Neutral"), "fear": self.tr("Fear"), "anger": self.tr("Anger"),
            "disgust": self.tr("Disgust"), "sadness": self.tr("Sadness"),
            "happiness": self.tr("Happiness"), "surprise": self.tr("Surprise"),
            "anxiety": self.tr("Anxiety"), "love": self.tr("Love"),
            "depression": self.tr("Depression"), "contempt": self.tr("Contempt"),
            "pride": self.tr("Pride"), "shame": self.tr("Shame"),
            "jealousy": self.tr("Jealousy"),
        }

    def _region_labels(self) -> dict[str, str]:
        return {
            "head": self.tr("Head"), "face": self.tr("Face"),
            "throat": self.tr("Throat and neck"), "shoulders": self.tr("Shoulders"),
            "chest": self.tr("Chest"), "stomach": self.tr("Stomach"),
            "lower_belly": self.tr("Lower belly and hips"), "arms": self.tr("Arms"),
            "hands": self.tr("Hands"), "legs": self.tr("Legs"), "feet": self.tr("Feet"),
        }

    def _build_feeling(self) -> QGroupBox:
        box = QGroupBox(self.tr("The feeling"), self)
        grid = QVBoxLayout(box)
        self.emotion_combo = QComboBox(box)
        self.emotion_combo.setAccessibleName(self.tr("Feeling word"))
        self.emotion_combo.addItem(self.tr("Choose a word…"), None)
        for key, label in self._emotion_labels().items():
            self.emotion_combo.addItem(label, key)
        self.emotion_combo.addItem(self.tr("Other: my own words"), "")
        self.emotion_combo.setMaxVisibleItems(17)
        self._big(self.emotion_combo)
        self.emotion_combo.currentIndexChanged.connect(self._emotion_changed)
        self.free_text = QLineEdit(box)
        self.free_text.setPlaceholderText(self.tr("Your own words"))
        self.free_text.setAccessibleName(self.tr("Feeling in your own words"))
        self.free_text.setMaxLength(200)
        self._big(self.free_text)
        self.free_text.textChanged.connect(self._emotion_changed)
        self.free_text.hide()
        grid.addWidget(self.emotion_combo)
        grid.addWidget(self.free_text)

        self.intensity_label = QLabel(box)
        self.intensity_slider = QSlider(Qt.Orientation.Horizontal, box)
        self.intensity_slider.setRange(0, 10)
        self.intensity_slider.setPageStep(1)
        self.intensity_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.intensity_slider.setTickInterval(1)
        self.intensity_slider.setAccessibleName(self.tr("Intensity from 0 to 10"))
        self.intensity_slider.setMinimumHeight(MIN_CONTROL_HEIGHT)
        self.intensity_slider.valueChanged.connect(self._intensity_changed)
        self.intensity_label.setBuddy(self.intensity_slider)
        ends = QHBoxLayout()
        ends.addWidget(QLabel(self.tr("0 barely"), box))
        ends.addStretch(1)
        ends.addWidget(QLabel(self.tr("10 strongest"), box))
        grid.addWidget(self.intensity_label)
        grid.addWidget(self.intensity_slider)
        grid.addLayout(ends)
        return box

    def _build_regions(self) -> QGroupBox:
        box = QGroupBox(self.tr("Body parts (without painting)"), self)
        grid = QGridLayout(box)
        grid.setVerticalSpacing(2)
        box.setStyleSheet("QRadioButton::indicator { width: 26px; height: 26px; }")
        headers = (self.tr("More"), self.tr("Less"), self.tr("Nothing"))
        for col, text in enumerate(headers, start=1):
            header = QLabel(text, box)
            header.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(header, 0, col)
        self.region_groups: dict[str, QButtonGroup] = {}
        self.region_buttons: dict[tuple[str, RegionState], QRadioButton] = {}
        labels = self._region_labels()
        states = ((RegionState.MORE, self.tr("{region}: more")),
                  (RegionState.LESS, self.tr("{region}: less")),
                  (RegionState.NOTHING, self.tr("{region}: nothing")))
        for row, key in enumerate(REGION_KEYS, start=1):
            name = QLabel(labels[key], box)
            grid.addWidget(name, row, 0)
            group = QButtonGroup(box)
            group.setExclusive(True)
            for col, (state, pattern) in enumerate(states, start=1):
                radio = QRadioButton(box)
                radio.setAccessibleName(pattern.format(region=labels[key]))
                radio.setMinimumHeight(36)

                def chosen(on: bool, k: str = key, s: RegionState = state) -> None:
                    if on:
                        self.set_region(k, s)

                radio.toggled.connect(chosen)
                group.addButton(radio)
                grid.addWidget(radio, row, col, Qt.AlignmentFlag.AlignCenter)
                self.region_buttons[(key, state)] = radio
            name.setBuddy(self.region_buttons[(key, RegionState.MORE)])
            self.region_groups[key] = group
        return box

    # --- actions ------------------------------------------------------------------
    def set_brush(self, brush: Brush) -> None:
        """Paint with ``brush`` (SMALL, MEDIUM or LARGE); also sizes the eraser.

        Choosing a brush means painting again: the eraser is switched off.
        """
        self.canvas.brush = Brush(brush)
        self.brush_buttons[self.canvas.brush].setChecked(True)
        self.set_eraser(False)

    def set_eraser(self, on: bool) -> None:
        self.canvas.erasing = bool(on)
        self.eraser_button.setChecked(bool(on))

    def undo(self) -> None:
        if self.editor.undo():
            self._after_edit()

    def redo(self) -> None:
        if self.editor.redo():
            self._after_edit()

    def clear(self) -> None:
        """Clear all painting and regions (undo brings it back)."""
        if self.editor.body_map.strokes:
            self.editor.clear()
            self._after_edit()

    def set_region(self, region: str, state: RegionState) -> None:
        if self._syncing or self._read_only:
            return
        if self.editor.region_state(region) is RegionState(state):
            return
        self.editor.set_region(region, RegionState(state), self.canvas.now_ms())
        self._after_edit()

    def _after_edit(self) -> None:
        self.canvas.refresh()
        self._sync_controls()
        self.mapChanged.emit()

    def _stroke_finished(self) -> None:
        self._sync_controls()
        QTimer.singleShot(0, self._rasterise)  # after the last paint of the stroke

    def _rasterise(self) -> None:
        self.editor.body_map.computed_map()  # the signed map, once per stroke
        self.mapChanged.emit()
        self._say_what_was_painted()

    def stroke_regions(self, stroke: Stroke) -> list[str]:
        """The body parts a painted or erased stroke went over (in body order)."""
        from mit_desktop.bodymap.layout import canvas_to_local
        from mit_desktop.bodymap.silhouette import REGION_KEYS, region_mask

        if stroke.kind == StrokeKind.REGION or len(stroke.samples) == 0:
            return [stroke.region] if stroke.region else []
        u, v = canvas_to_local(stroke.layer, stroke.samples[:, 1], stroke.samples[:, 2])
        cols = np.clip(np.round(u).astype(int), 0, MAP_COLS - 1)
        rows = np.clip(np.round(v).astype(int), 0, MAP_ROWS - 1)
        return [key for key in REGION_KEYS if region_mask(key)[rows, cols].any()]

    def _say_what_was_painted(self) -> None:
        """A screen reader hears what a stroke added: "More: chest, arms"."""
        from mit_desktop.ui.access import announce

        strokes = self.editor.body_map.strokes
        if not strokes or strokes[-1].kind == StrokeKind.REGION:
            return
        stroke = strokes[-1]
        names = self._region_labels()
        parts = ", ".join(names[k] for k in self.stroke_regions(stroke)) or \
            self.tr("outside the body")
        side = self.tr("More") if stroke.layer == Layer.ACTIVATION else self.tr("Less")
        text = (self.tr("Erased from {side}: {parts}") if stroke.kind == StrokeKind.ERASE
                else self.tr("Painted on {side}: {parts}")).format(side=side, parts=parts)
        self.last_said = text
        announce(self.canvas, text)

    def _emotion_changed(self) -> None:
        if self._syncing:
            return
        data = self.emotion_combo.currentData()
        self.free_text.setVisible(data == "")
        emotion = self.free_text.text() if data == "" else data
        try:
            self.editor.set_emotion(emotion)
        except ValueError as exc:
            log.info("emotion not accepted: %s", exc)
            return
        self.mapChanged.emit()

    def _mark_intensity_unset(self, unset: bool) -> None:
        """Not set yet looks (a hollow, dashed handle) and is heard as not set, never as 0."""
        slider = self.intensity_slider
        if bool(slider.property("unset")) != unset:
            slider.setProperty("unset", unset)
            slider.style().unpolish(slider)
            slider.style().polish(slider)
            slider.update()
        slider.setAccessibleDescription(self.tr("Not set yet.") if unset else "")

    def _intensity_changed(self, value: int) -> None:
        if self._syncing:
            return
        self.editor.set_intensity(value)
        self._sync_controls()
        self.mapChanged.emit()

    def _sync_controls(self) -> None:
        self._syncing = True
        try:
            self.undo_button.setEnabled(self.editor.can_undo)
            self.redo_button.setEnabled(self.editor.can_redo)
            self.clear_button.setEnabled(bool(self.editor.body_map.strokes))
            for key in REGION_KEYS:
                state = self.editor.region_state(key)
                self.region_buttons[(key, state)].setChecked(True)
            bm = self.editor.body_map
            intensity = bm.intensity
            self.intensity_label.setText(
                self.tr("Intensity: {intensity} of 10").format(intensity=intensity)
                if intensity is not None else self.tr("Intensity: not set yet"))
            if intensity is not None:
                self.intensity_slider.setValue(intensity)
            self._mark_intensity_unset(intensity is None)
            if bm.emotion in STUDY_EMOTIONS:
                self.emotion_combo.setCurrentIndex(self.emotion_combo.findData(bm.emotion))
                self.free_text.hide()
            elif bm.emotion:
                self.emotion_combo.setCurrentIndex(self.emotion_combo.findData(""))
                self.free_text.setText(bm.emotion)
                self.free_text.setVisible(not self._read_only)
            self.summary.setText(self._summary_text(bm))
        finally:
            self._syncing = False

    def _summary_text(self, bm: BodyMap) -> str:
        labels = self._emotion_labels()
        word = labels.get(bm.emotion or "", bm.emotion) if bm.emotion else self.tr("not given")
        level = (self.tr("{intensity} of 10").format(
            intensity=bm.intensity) if bm.intensity is not None
                 else self.tr("not given"))
        return self.tr("Feeling: {word}    Intensity: {level}").format(word=word, level=level)

    # --- modes ------------------------------------------------------------------
    def body_map(self) -> BodyMap:
        """The current map: finished strokes, emotion and intensity."""
        return self.editor.body_map

    def set_body_map(self, body_map: BodyMap, read_only: bool = False) -> None:
        """Show ``body_map`` (a fresh undo history); ``read_only`` shows it without editing."""
        self.editor = BodyMapEditor(body_map)
        self.canvas.editor = self.editor
        self.canvas.show_aggregate(None)
        if not body_map.strokes and body_map.stored_map is not None:
            self.canvas.show_signed_map(body_map.stored_map)  # only the map was kept
        else:
            self.canvas.refresh()
        self._sync_controls()
        self.set_read_only(read_only)

    def set_read_only(self, read_only: bool) -> None:
        """Hide the editing controls and ignore pointer input (or bring them back)."""
        self._read_only = bool(read_only)
        self.canvas.read_only = self._read_only
        self.canvas.cancel()
        self.tools.setVisible(not self._read_only and not self.canvas.showing_aggregate)
        self.feeling_box.setVisible(not self._read_only)
        self.regions_box.setVisible(not self._read_only)
        self.summary.setVisible(self._read_only and not self.canvas.showing_aggregate)
        self.side_panel.setVisible(not self._read_only)
        self._sync_controls()

    def is_read_only(self) -> bool:
        return self._read_only

    def show_aggregate(self, aggregate: Aggregate, vmax: float | None = None) -> None:
        """Show the mean of a set of maps on one silhouette, with count and scale bar."""
        self.canvas.show_aggregate(aggregate, vmax)
        self.set_read_only(True)
