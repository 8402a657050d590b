"""Body-map benchmarks: rasterisation, aggregation, pointer-to-paint latency.

Each figure has its baseline measured in the same run:

* ``bodymap.rasterize_ms`` — one signed map from 3,000 painted points (separable
  filter over the two crop windows); baseline: the naive route, a full 600 × 900
  2-D 15 × 15 correlation and then the crops.
* ``bodymap.aggregate_1000_ms`` — mean of 1,000 serialised maps (goal ≤ 200 ms);
  baseline: only decoding the stored float16 map of each of the 1,000 blobs.
* ``bodymap.pointer_to_paint_ms`` — one mouse move while painting with the large
  brush -> pixels repainted, in an offscreen widget (goal < 8 ms); baseline: the
  same move event and event-loop round trip on an empty QWidget.

Times are medians of repeated runs, in milliseconds.
"""

from __future__ import annotations

import logging
import os
import statistics
import time
from collections.abc import Callable

import numpy as np

log = logging.getLogger(__name__)


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def _points(rng: np.random.Generator, n: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    """n painted points in strokes over both silhouettes (canvas px)."""
    xs, ys = [], []
    while sum(len(x) for x in xs) < n:
        left = rng.random() < 0.6
        x0 = rng.uniform(50, 180) + (0 if left else 663)
        y0 = rng.uniform(30, 500)
        t = np.arange(60) * 0.08
        xs.append(x0 + 12 * np.sin(t * rng.uniform(0.5, 2)) + rng.normal(0, 1, 60))
        ys.append(y0 + 30 * t + rng.normal(0, 1, 60))
    # the widget records positions in 1/16 canvas px
    return (np.round(np.concatenate(xs)[:n] * 16) / 16, np.round(np.concatenate(ys)[:n] * 16) / 16)


def _naive_map(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from mit_desktop.bodymap.raster import count_points, gaussian_kernel

    counts = count_points(x, y)
    kernel = gaussian_kernel()
    padded = np.pad(counts, 7)
    over = np.zeros_like(counts)
    for i in range(15):
        for j in range(15):
            over += kernel[i, j] * padded[i:i + 600, j:j + 900]
    return over[9:531, 32:203] - over[9:531, 695:866]


def bench_rasterize() -> dict:
    from mit_desktop.bodymap.raster import signed_map_from_points

    x, y = _points(np.random.default_rng(1))
    fast = signed_map_from_points(x, y)
    if not np.allclose(fast, _naive_map(x, y), atol=1e-12):
        raise AssertionError("fast and naive rasterisation disagree")
    return {"name": "bodymap.rasterize_ms",
            "value": _median_ms(lambda: signed_map_from_points(x, y), 30), "unit": "ms",
            "baseline": "naive full-grid 2-D convolution",
            "baseline_value": _median_ms(lambda: _naive_map(x, y), 5)}


def bench_aggregate() -> dict:
    from mit_desktop.bodymap import BodyMap, Brush, Layer, Stroke, StrokeKind, aggregate, to_bytes
    from mit_desktop.bodymap.serialize import read_signed_map

    rng = np.random.default_rng(2)
    distinct = []
    for _ in range(40):
        x, y = _points(rng)
        layer = [Layer.ACTIVATION if v < 450 else Layer.DEACTIVATION for v in x[::60]]
        strokes = tuple(
            Stroke.create(StrokeKind.PAINT, layer[k], Brush.POINT,
                          np.column_stack([np.arange(60), x[k * 60:(k + 1) * 60],
                                           y[k * 60:(k + 1) * 60]]))
            for k in range(len(x) // 60))
        distinct.append(to_bytes(BodyMap(strokes=strokes, emotion="anxiety", intensity=5)))
    blobs = [distinct[i % len(distinct)] for i in range(1000)]
    size = statistics.mean(len(b) for b in distinct)
    log.info("serialised map of 3,000 points: %.0f bytes on average", size)
    result = aggregate(blobs)
    if result.count != 1000:
        raise AssertionError("aggregate lost maps")

    def decode_only() -> None:
        for blob in blobs:
            read_signed_map(blob)

    return {"name": "bodymap.aggregate_1000_ms",
            "value": _median_ms(lambda: aggregate(blobs), 5), "unit": "ms",
            "baseline": "decoding the 1,000 stored maps alone",
            "baseline_value": _median_ms(decode_only, 5)}


def bench_pointer_to_paint() -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication, QWidget

    from mit_desktop.bodymap import Brush, Layer
    from mit_desktop.ui.bodymap import BodyMapWidget

    app = QApplication.instance() or QApplication([])
    widget = BodyMapWidget()
    widget.resize(1280, 860)
    widget.show()
    app.processEvents()
    widget.set_brush(Brush.LARGE)
    canvas = widget.canvas
    panel = canvas.panel_rect(Layer.ACTIVATION)
    paints = []

    class Counter(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                paints.append(1)
            return False

    counter = Counter()
    canvas.installEventFilter(counter)

    def move_event(target: QWidget, pos: QPointF, buttons: Qt.MouseButton) -> None:
        event = QMouseEvent(QEvent.Type.MouseMove, pos, target.mapToGlobal(pos),
                            Qt.MouseButton.NoButton, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(target, event)
        app.processEvents()

    def path(k: int) -> QPointF:
        t = k / 400.0
        return QPointF(panel.x() + panel.width() * (0.3 + 0.4 * t),
                       panel.y() + panel.height() * (0.2 + 0.6 * ((k * 7) % 100) / 100.0))

    times = []
    for stroke in range(4):
        start = path(stroke * 100)
        press = QMouseEvent(QEvent.Type.MouseButtonPress, start, canvas.mapToGlobal(start),
                            Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(canvas, press)
        app.processEvents()
        for k in range(1, 100):
            pos = QPointF(start.x() + 3.0 * k, start.y() + 1.5 * np.sin(k / 5.0) * 10)
            t0 = time.perf_counter()
            move_event(canvas, pos, Qt.MouseButton.LeftButton)
            times.append((time.perf_counter() - t0) * 1000.0)
        release = QMouseEvent(QEvent.Type.MouseButtonRelease, pos, canvas.mapToGlobal(pos),
                              Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton,
                              Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(canvas, release)
        app.processEvents()
    if not paints:
        raise AssertionError("pointer moves painted nothing")
    painted = len(widget.body_map().painted_points())
    log.info("pointer benchmark: %d paint events, %d points", len(paints), painted)

    empty = QWidget()
    empty.resize(1280, 860)
    empty.show()
    app.processEvents()
    base = []
    for k in range(400):
        t0 = time.perf_counter()
        move_event(empty, QPointF(10 + k % 500, 10 + k % 300), Qt.MouseButton.LeftButton)
        base.append((time.perf_counter() - t0) * 1000.0)
    widget.close()
    empty.close()
    return {"name": "bodymap.pointer_to_paint_ms", "value": statistics.median(times),
            "unit": "ms", "baseline": "empty QWidget move-event round trip",
            "baseline_value": statistics.median(base)}


def run() -> list[dict]:
    """All body-map benchmark records."""
    return [bench_rasterize(), bench_aggregate(), bench_pointer_to_paint()]
