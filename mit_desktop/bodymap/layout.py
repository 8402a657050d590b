"""The emBODY canvas layout and the coordinate systems used by the body map.

Three coordinate systems, all in pixels of the emBODY canvas (no screen pixels):

* **canvas** ``(x, y)``: emBODY's 900 × 600 painting area; ``x`` grows to the right,
  ``y`` downwards. Recorded mouse positions (and our stroke samples) live here.
* **canvas index** ``(row, col)``, 0-based, into the 600 × 900 count grid. emBODY's
  ``embody_demo.m`` puts a point at 1-based ``(ceil(y + 1), ceil(x + 1))`` clamped to
  the grid, i.e. 0-based ``(ceil(y), ceil(x))`` clamped to ``0..599`` / ``0..899``.
  Pixel ``c`` therefore covers ``x`` in ``(c - 1, c]``.
* **local** ``(u, v)``: one silhouette's 171 × 522 crop, image convention — local
  pixel ``(i, j)`` covers ``u`` in ``[j, j + 1)`` and ``v`` in ``[i, i + 1)``.

The left silhouette ("more", activation) is crop columns 33–203 and the right one
("less", deactivation) columns 696–866, rows 10–531 (1-based inclusive, as in
``embody_demo.m``). ``canvas = local + offset`` with the offsets below; they are one
less than the crop's first 0-based index because of emBODY's ``ceil(x + 1)`` rule.
"""

from __future__ import annotations

from enum import Enum

import numpy as np

CANVAS_WIDTH = 900
CANVAS_HEIGHT = 600
MAP_ROWS = 522
MAP_COLS = 171
MAP_SHAPE = (MAP_ROWS, MAP_COLS)

#: 0-based first row / column of each crop in the 600 × 900 count grid.
CROP_ROW0 = 9
LEFT_COL0 = 32
RIGHT_COL0 = 695

#: Local points may lie this far (canvas px) outside a crop; further out is clamped.
#: The blur reaches 7 px, so clamped points never touch the map.
LOCAL_MARGIN = 8.0


class Layer(str, Enum):
    """Which silhouette a stroke was painted on."""

    ACTIVATION = "activation"  #: left silhouette, "more", warm colours, positive values
    DEACTIVATION = "deactivation"  #: right silhouette, "less", cool colours, negative values

    @property
    def col0(self) -> int:
        """0-based first column of this layer's crop in the count grid."""
        return LEFT_COL0 if self is Layer.ACTIVATION else RIGHT_COL0

    @property
    def code(self) -> int:
        """Small integer for arrays: 0 activation, 1 deactivation."""
        return 0 if self is Layer.ACTIVATION else 1

    @staticmethod
    def from_code(code: int) -> Layer:
        return Layer.ACTIVATION if code == 0 else Layer.DEACTIVATION


def layer_of_canvas_x(x: float) -> Layer:
    """The layer whose half of the canvas contains canvas ``x``."""
    return Layer.ACTIVATION if x < CANVAS_WIDTH / 2 else Layer.DEACTIVATION


def local_to_canvas(layer: Layer, u: np.ndarray | float, v: np.ndarray | float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Local silhouette coordinates -> canvas coordinates (both in canvas px).

    Local coordinates are first clamped to ``LOCAL_MARGIN`` around the crop so a
    pointer that leaves one silhouette can never paint on the other.
    """
    u_arr = np.clip(np.asarray(u, dtype=np.float64), -LOCAL_MARGIN, MAP_COLS + LOCAL_MARGIN)
    v_arr = np.clip(np.asarray(v, dtype=np.float64), -LOCAL_MARGIN, MAP_ROWS + LOCAL_MARGIN)
    return u_arr + (layer.col0 - 1), v_arr + (CROP_ROW0 - 1)


def canvas_to_local(layer: Layer, x: np.ndarray | float, y: np.ndarray | float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Canvas coordinates -> local coordinates of ``layer``'s crop (no clamping)."""
    return (np.asarray(x, dtype=np.float64) - (layer.col0 - 1),
            np.asarray(y, dtype=np.float64) - (CROP_ROW0 - 1))
