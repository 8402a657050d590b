# Over 400 lines: one painting surface: its pointer, keyboard and paint events (the colouring is bodymap/paint.py).
"""The painting surface of the body map: two figures (more, less) or one mean map, strokes
under the pointer, brush outline and scale bar. Its pictures come from
:mod:`mit_desktop.bodymap.paint`; the controls around it are in :mod:`.widget`."""

from __future__ import annotations

import logging

import numpy as np
from PySide6.QtCore import QElapsedTimer, QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import (
    QSizePolicy,
    QWidget,
)

from mit_desktop.bodymap import (
    Aggregate,
    BodyMapEditor,
    Brush,
    Layer,
    PointDelta,
    StrokeKind,
)
from mit_desktop.bodymap.layout import MAP_COLS, MAP_ROWS, local_to_canvas
from mit_desktop.bodymap.paint import (
    aggregate_rgba,
    aggregate_scale,
    paint_block_rgba,
    scale_ramp_rgba,
    silhouette_rgba,
)
from mit_desktop.bodymap.raster import count_points, crop_patches, layer_crops
from mit_desktop.bodymap.render import format_value
from mit_desktop.bodymap.silhouette import body_picture

log = logging.getLogger(__name__)


BACKGROUND = QColor(250, 250, 248)
WARM_TEXT = QColor(168, 36, 16)
COOL_TEXT = QColor(18, 66, 168)
MIN_CONTROL_HEIGHT = 48


def _premultiplied_image(rgba: np.ndarray) -> QImage:
    """A QImage viewing a contiguous h × w × 4 premultiplied RGBA uint8 array (no copy)."""
    h, w, _ = rgba.shape
    return QImage(rgba.data, w, h, rgba.strides[0], QImage.Format.Format_RGBA8888_Premultiplied)


class _LayerPaint:
    """The paint of one silhouette: density (the filtered crop) and its colours."""

    def __init__(self, warm: bool) -> None:
        self.warm = warm
        self.density = np.zeros((MAP_ROWS, MAP_COLS), dtype=np.float64)
        self.rgba = np.zeros((MAP_ROWS, MAP_COLS, 4), dtype=np.uint8)
        fill, _ = body_picture(MAP_ROWS, MAP_COLS)
        self._soft_mask = fill[..., None]

    def reset(self, density: np.ndarray) -> None:
        self.density = np.array(density, dtype=np.float64)
        self._recolour(0, 0, MAP_ROWS, MAP_COLS)

    def add(self, r0: int, c0: int, patch: np.ndarray) -> QRect:
        """Add a patch of density; returns the changed map rectangle (map px)."""
        h, w = patch.shape
        self.density[r0:r0 + h, c0:c0 + w] += patch
        self._recolour(r0, c0, h, w)
        return QRect(c0, r0, w, h)

    def _recolour(self, r0: int, c0: int, h: int, w: int) -> None:
        self.rgba[r0:r0 + h, c0:c0 + w] = paint_block_rgba(
            self.density[r0:r0 + h, c0:c0 + w], self.warm, self._soft_mask[r0:r0 + h, c0:c0 + w])


class BodyCanvas(QWidget):
    """Draws the silhouettes and the paint and turns pointer input into strokes."""

    strokeFinished = Signal()

    def __init__(self, editor: BodyMapEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.brush = Brush.MEDIUM
        self.erasing = False
        self.read_only = False
        self._aggregate: Aggregate | None = None
        self._aggregate_rgba: np.ndarray | None = None
        self._vmax = 1.0
        self._layers = {Layer.ACTIVATION: _LayerPaint(True), Layer.DEACTIVATION: _LayerPaint(False)}
        self._panels: dict[Layer, QRectF] = {}
        self._scale = 1.0
        self._background: QPixmap | None = None
        self._input: str | None = None
        self._touch_id: int | None = None
        self._layer: Layer | None = None
        self._hover: QPointF | None = None
        self._clock = QElapsedTimer()
        self._clock.start()
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Body map painting area"))
        self.setAccessibleDescription(self.tr(
            "Paint on the left figure where the feeling grows stronger, on the right figure "
            "where it grows weaker. Without a pointer, use the body parts list."))
        self.refresh()

    # --- geometry -------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(640, 720)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 320)

    def labels_fit_width_px(self) -> int:
        """The narrowest width at which "More"/"Less" and "feels stronger"/"feels weaker" fit
        over their figures in the font shown (each label has 1.3 figure widths; at 150 %
        text beside the body parts they were cut to "eels stronge")."""
        widest = max(QFontMetricsF(self._title_font()).horizontalAdvance(self.tr("More")),
                     QFontMetricsF(self._title_font()).horizontalAdvance(self.tr("Less")),
                     self.fontMetrics().horizontalAdvance(self.tr("feels stronger")),
                     self.fontMetrics().horizontalAdvance(self.tr("feels weaker")))
        return int(np.ceil(2.35 * (widest + 8) / 1.3 + 24))

    def _title_font(self) -> QFont:
        title_font = QFont(self.font())
        title_font.setPointSizeF(max(8.0, self.font().pointSizeF()) * 1.5)
        title_font.setBold(True)
        return title_font

    def _label_height(self) -> int:
        fm = self.fontMetrics()
        return int(fm.height() * 1.5 + fm.height() + 16)

    def _layout_panels(self) -> None:
        margin = 12.0
        top = self._label_height() + margin
        avail_h = max(50.0, self.height() - top - margin)
        n = 1 if self._aggregate is not None else 2
        bar = 110.0 if self._aggregate is not None else 0.0
        avail_w = max(50.0, self.width() - 2 * margin - bar)
        # two figures with a gap of 0.35 figure widths between them
        units = 1.0 if n == 1 else 2.35
        scale = min(avail_h / MAP_ROWS, avail_w / (units * MAP_COLS))
        pw, ph = MAP_COLS * scale, MAP_ROWS * scale
        total = units * pw + bar
        x0 = (self.width() - total) / 2.0
        self._scale = scale
        if n == 1:
            self._panels = {Layer.ACTIVATION: QRectF(x0, top, pw, ph)}
        else:
            self._panels = {Layer.ACTIVATION: QRectF(x0, top, pw, ph),
                            Layer.DEACTIVATION: QRectF(x0 + 1.35 * pw, top, pw, ph)}
        self._background = None

    def panel_rect(self, layer: Layer) -> QRectF:
        """Where a silhouette is drawn (widget px)."""
        if not self._panels:
            self._layout_panels()
        return QRectF(self._panels[layer])

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout_panels()
        super().resizeEvent(event)

    def _map_rect_to_widget(self, layer: Layer, rect: QRect) -> QRect:
        panel = self._panels[layer]
        s = self._scale
        return QRectF(panel.x() + rect.x() * s, panel.y() + rect.y() * s,
                      rect.width() * s, rect.height() * s).toAlignedRect().adjusted(-2, -2, 2, 2)

    # --- content --------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute both silhouettes' paint from the editor and repaint everything."""
        pts = self.editor.points
        left, right = layer_crops(count_points(pts.xy[:, 0], pts.xy[:, 1]))
        self._layers[Layer.ACTIVATION].reset(left)
        self._layers[Layer.DEACTIVATION].reset(right)
        self.update()

    def show_aggregate(self, aggregate: Aggregate | None, vmax: float | None = None) -> None:
        """Show a mean map on one silhouette (None: back to the two figures)."""
        self._aggregate = aggregate
        if aggregate is not None:
            self._vmax = aggregate_scale(aggregate.mean, vmax)
            self._aggregate_rgba = aggregate_rgba(aggregate.mean, self._vmax)
        self._layout_panels()
        self.update()

    @property
    def showing_aggregate(self) -> bool:
        return self._aggregate is not None

    @property
    def vmax(self) -> float:
        """The scale of the aggregate view: colours run from -vmax to +vmax."""
        return self._vmax

    # --- painting -------------------------------------------------------------
    def _background_pixmap(self) -> QPixmap:
        if self._background is not None and self._background.size() == self.size():
            return self._background
        if not self._panels:
            self._layout_panels()
        pixmap = QPixmap(self.size())
        pixmap.fill(BACKGROUND)
        painter = QPainter(pixmap)
        for layer, panel in self._panels.items():
            w, h = max(1, round(panel.width())), max(1, round(panel.height()))
            rgba8 = silhouette_rgba(h, w)
            painter.drawImage(QRectF(panel.x(), panel.y(), w, h), _premultiplied_image(rgba8))
            self._draw_label(painter, layer, panel)
        painter.end()
        self._background = pixmap
        return pixmap

    def _draw_label(self, painter: QPainter, layer: Layer, panel: QRectF) -> None:
        fm_h = self.fontMetrics().height()
        title_font = self._title_font()
        if self._aggregate is not None:
            count = self._aggregate.count
            title = (self.tr("One map") if count == 1
                     else self.tr("Average of {count} maps").format(count=count))
            subtitle = self.tr("warm: more, cool: less")
            colour = QColor(40, 40, 48)
        elif layer is Layer.ACTIVATION:
            title, subtitle, colour = self.tr("More"), self.tr("feels stronger"), WARM_TEXT
        else:
            title, subtitle, colour = self.tr("Less"), self.tr("feels weaker"), COOL_TEXT
        width = float(self.width()) if self._aggregate is not None else panel.width() * 1.3
        box = QRectF(panel.center().x() - width / 2, 6, width, fm_h * 1.6)
        painter.setPen(colour)
        painter.setFont(title_font)
        painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, title)
        painter.setFont(self.font())
        painter.setPen(QColor(60, 60, 60))
        sub = QRectF(box.x(), box.bottom(), width, fm_h + 4)
        centred = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(sub, centred, subtitle)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawPixmap(event.rect(), self._background_pixmap(), event.rect())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.setClipRect(event.rect())
        if self._aggregate is not None and self._aggregate_rgba is not None:
            panel = self._panels[Layer.ACTIVATION]
            painter.drawImage(panel, _premultiplied_image(self._aggregate_rgba))
            self._draw_scale_bar(painter, panel)
        else:
            for layer, panel in self._panels.items():
                if event.rect().intersects(panel.toAlignedRect()):
                    painter.drawImage(panel, _premultiplied_image(self._layers[layer].rgba))
            self._draw_brush_outline(painter)
        painter.end()

    def _draw_scale_bar(self, painter: QPainter, panel: QRectF) -> None:
        bar_h = panel.height() * 0.6
        rect = QRectF(panel.right() + 24, panel.top() + (panel.height() - bar_h) / 2, 22, bar_h)
        painter.drawImage(rect, _premultiplied_image(scale_ramp_rgba(self._vmax)))
        painter.setPen(QPen(QColor(40, 40, 48), 1))
        painter.drawRect(rect)
        fm_h = self.fontMetrics().height()
        for value, y in ((self._vmax, rect.top()), (0.0, rect.center().y()),
                         (-self._vmax, rect.bottom())):
            text = ("+" if value > 0 else "") + format_value(value)
            painter.drawText(QRectF(rect.right() + 6, y - fm_h / 2, 90, fm_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    def _brush_radius_px(self) -> float:
        radius = self.brush.eraser_radius if self.erasing else self.brush.radius + 5.0
        return radius * self._scale

    def _draw_brush_outline(self, painter: QPainter) -> None:
        if self._hover is None or self.read_only:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(30, 30, 30, 160), 1.5, Qt.PenStyle.DashLine if self.erasing
                            else Qt.PenStyle.SolidLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        r = self._brush_radius_px()
        painter.drawEllipse(self._hover, r, r)

    def _hover_rect(self, pos: QPointF | None) -> QRect:
        if pos is None:
            return QRect()
        r = self._brush_radius_px() + 3
        return QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r).toAlignedRect()

    def _set_hover(self, pos: QPointF | None) -> None:
        old = self._hover_rect(self._hover)
        self._hover = pos
        self.update(old.united(self._hover_rect(pos)))

    # --- input ----------------------------------------------------------------
    def _layer_at(self, pos: QPointF) -> Layer | None:
        slack = 8.0 * self._scale
        for layer, panel in self._panels.items():
            if panel.adjusted(-slack, -slack, slack, slack).contains(pos):
                return layer
        return None

    def _canvas_xy(self, layer: Layer, pos: QPointF) -> tuple[float, float]:
        panel = self._panels[layer]
        u = (pos.x() - panel.x()) / self._scale
        v = (pos.y() - panel.y()) / self._scale
        x, y = local_to_canvas(layer, round(u * 16) / 16, round(v * 16) / 16)
        return float(x), float(y)

    def _begin(self, pos: QPointF, source: str) -> bool:
        if self.read_only or self._aggregate is not None or self._input is not None:
            return False
        layer = self._layer_at(pos)
        if layer is None:
            return False
        self._input, self._layer = source, layer
        kind = StrokeKind.ERASE if self.erasing else StrokeKind.PAINT
        x, y = self._canvas_xy(layer, pos)
        self._apply(self.editor.begin_stroke(kind, layer, self.brush, self.now_ms(), x, y))
        return True

    def _extend(self, pos: QPointF) -> None:
        if self._layer is None:
            return
        x, y = self._canvas_xy(self._layer, pos)
        self._apply(self.editor.extend_stroke(self.now_ms(), x, y))

    def _finish(self, pos: QPointF | None) -> None:
        if pos is not None:
            self._extend(pos)
        self.editor.end_stroke(self.now_ms())
        self._input, self._layer, self._touch_id = None, None, None
        self.strokeFinished.emit()

    def cancel(self) -> None:
        """Abandon the stroke in progress (e.g. touch cancelled)."""
        if self._input is not None:
            self.editor.cancel_stroke()
            self._input, self._layer, self._touch_id = None, None, None
            self.refresh()

    def now_ms(self) -> int:
        """Milliseconds since this canvas was created: the clock of its strokes."""
        return int(self._clock.elapsed())

    def show_signed_map(self, signed: np.ndarray) -> None:
        """Show a map known only as a signed map: positive on the left, negative on the right."""
        signed = np.asarray(signed, dtype=np.float64)
        self._layers[Layer.ACTIVATION].reset(np.maximum(signed, 0.0))
        self._layers[Layer.DEACTIVATION].reset(np.maximum(-signed, 0.0))
        self.update()

    def _apply(self, delta: PointDelta) -> None:
        for points, sign in ((delta.added, 1.0), (delta.removed, -1.0)):
            if not len(points):
                continue
            for code, r0, c0, patch in crop_patches(points.xy[:, 0], points.xy[:, 1]):
                layer = Layer.from_code(code)
                if layer not in self._panels:
                    continue
                changed = self._layers[layer].add(r0, c0, sign * patch)
                self.update(self._map_rect_to_widget(layer, changed))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._begin(event.position(), "mouse"):
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._input == "mouse":
            self._extend(event.position())
        self._set_hover(event.position() if self._layer_at(event.position()) else None)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._input == "mouse" and event.button() == Qt.MouseButton.LeftButton:
            self._finish(event.position())
            event.accept()

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hover(None)
        super().leaveEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        pos = event.position()
        if kind == QEvent.Type.TabletPress:
            self._begin(pos, "pen")
        elif kind == QEvent.Type.TabletMove:
            if self._input == "pen":
                self._extend(pos)
            self._set_hover(pos if self._layer_at(pos) else None)
        elif kind == QEvent.Type.TabletRelease and self._input == "pen":
            self._finish(pos)
        event.accept()  # no synthesised mouse events for the pen

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            assert isinstance(event, QTouchEvent)
            self._touch(event)
            event.accept()
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.TouchCancel:
            self.cancel()
            return
        points = event.points()
        if not points:
            return
        if self._input is None and kind == QEvent.Type.TouchBegin:
            first = points[0]
            if self._begin(first.position(), "touch"):
                self._touch_id = first.id()
            return
        if self._input != "touch":
            return
        for point in points:
            if point.id() != self._touch_id:
                continue
            if point.state() == point.State.Released or kind == QEvent.Type.TouchEnd:
                self._finish(point.position())
            else:
                self._extend(point.position())
