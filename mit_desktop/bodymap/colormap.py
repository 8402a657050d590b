"""Hot/cold colour maps, as emBODY shows body maps (Matlab ``hot`` and its mirror).

Positive values (activation) go black → red → yellow → white; negative values
(deactivation) go black → blue → cyan → white (``hot`` with red and blue swapped).
"""

from __future__ import annotations

import numpy as np

#: One "coat" of paint (see :mod:`mit_desktop.bodymap.strokes`) is about 0.04.
#: The painting view saturates at three coats so colours do not shift as you paint.
PAINT_DISPLAY_MAX = 0.12


def hot(t: np.ndarray) -> np.ndarray:
    """Matlab's ``hot`` colour map, continuous: ``t`` in 0–1 -> RGB floats 0–1."""
    t = np.clip(np.asarray(t, dtype=np.float64), 0.0, 1.0)
    r = np.clip(t / 0.375, 0.0, 1.0)
    g = np.clip((t - 0.375) / 0.375, 0.0, 1.0)
    b = np.clip((t - 0.75) / 0.25, 0.0, 1.0)
    return np.stack([r, g, b], axis=-1)


def cold(t: np.ndarray) -> np.ndarray:
    """The cool mirror of :func:`hot` (red and blue swapped)."""
    return hot(t)[..., ::-1]


def hot_cold(values: np.ndarray, vmax: float) -> np.ndarray:
    """Signed values -> uint8 RGB with the symmetric scale ``[-vmax, vmax]`` (0 is black)."""
    values = np.asarray(values, dtype=np.float64)
    scale = vmax if vmax > 0 else 1.0
    t = np.abs(values) / scale
    warm = hot(t)  # cold(t) is the same colours with red and blue swapped: made once
    rgb = np.where((values >= 0)[..., None], warm, warm[..., ::-1])
    return np.round(rgb * 255.0).astype(np.uint8)


def paint_rgba(density: np.ndarray, warm: bool, vmax: float = PAINT_DISPLAY_MAX
               ) -> np.ndarray:
    """Painted density -> premultiplied uint8 RGBA for drawing over a light silhouette.

    Faint paint is translucent dark red (or blue); more paint turns orange and
    yellow (or light blue and cyan). Zero is fully transparent.
    """
    t = np.clip(np.asarray(density, dtype=np.float64) / vmax, 0.0, 1.0)
    shade = 0.3 + 0.55 * t
    rgb = hot(shade) if warm else cold(shade)
    alpha = np.clip(t * 4.0, 0.0, 1.0) * 0.92
    out = np.empty(t.shape + (4,), dtype=np.uint8)
    out[..., :3] = np.round(rgb * alpha[..., None] * 255.0)
    out[..., 3] = np.round(alpha * 255.0)
    return out
