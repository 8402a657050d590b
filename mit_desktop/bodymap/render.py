"""Pictures of body maps: the silhouette, the hot/cold map and a scale bar (no Qt).

The layout is like emBODY's figures: values inside the body outline only, black
for zero, warm for activation and cool for deactivation on a symmetric scale
``[-vmax, +vmax]``; a colour bar labelled ``+vmax``, ``0``, ``-vmax`` on the
right, and ``n=COUNT`` for an aggregate. Labels use a built-in 3 × 5 pixel font
(digits and a few signs) so no font library is needed.
"""

from __future__ import annotations

import numpy as np

from mit_desktop.bodymap.colormap import hot_cold
from mit_desktop.bodymap.layout import MAP_COLS, MAP_ROWS, MAP_SHAPE
from mit_desktop.bodymap.png import encode_png
from mit_desktop.bodymap.silhouette import body_mask, body_picture

_FONT = {  # 3 × 5 glyphs, rows top to bottom, "#" = ink
    "0": ("###", "#.#", "#.#", "#.#", "###"), "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"), "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"), "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"), "7": ("###", "..#", ".#.", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"), "9": ("###", "#.#", "###", "..#", "###"),
    ".": ("...", "...", "...", "...", ".#."), "-": ("...", "...", "###", "...", "..."),
    "+": ("...", ".#.", "###", ".#.", "..."), "=": ("...", "###", "...", "###", "..."),
    "n": ("...", "...", "##.", "#.#", "#.#"), "e": ("...", "##.", "###", "#..", ".##"),
    " ": ("...", "...", "...", "...", "..."),
}

BACKGROUND = np.array([255, 255, 255], dtype=np.uint8)
INK = np.array([40, 40, 48], dtype=np.uint8)


def format_value(value: float) -> str:
    """Short label for a scale value (3 significant digits, no exponent when usable)."""
    if value == 0:
        return "0"
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{int(exp)}"
    return text


def _draw_text(img: np.ndarray, text: str, top: int, left: int, px: int) -> None:
    x = left
    for ch in text:
        glyph = _FONT.get(ch, _FONT[" "])
        for r, row in enumerate(glyph):
            for c, cell in enumerate(row):
                if cell == "#":
                    img[top + r * px:top + (r + 1) * px, x + c * px:x + (c + 1) * px] = INK
        x += 4 * px


def text_width(text: str, px: int) -> int:
    return max(0, len(text) * 4 * px - px)


def _upscale(values: np.ndarray, scale: int) -> np.ndarray:
    """Bilinear upscaling by an integer factor (pixel centres aligned, edges clamped)."""
    if scale == 1:
        return values

    def coords(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pos = np.clip((np.arange(n * scale) + 0.5) / scale - 0.5, 0, n - 1)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, n - 1)
        return lo, hi, pos - lo

    r0, r1, fr = coords(values.shape[0])
    c0, c1, fc = coords(values.shape[1])
    rows = values[r0] * (1 - fr[:, None]) + values[r1] * fr[:, None]
    return rows[:, c0] * (1 - fc[None, :]) + rows[:, c1] * fc[None, :]


def render_map_image(signed_map: np.ndarray, vmax: float | None = None,
                     count: int | None = None, scale: int = 2) -> np.ndarray:
    """RGB uint8 picture of a signed 522 × 171 map, ``scale`` picture px per map px.

    ``vmax`` defaults to the largest absolute value inside the body. ``count``
    (for aggregates) is written above the map as ``n=COUNT``.
    """
    signed_map = np.asarray(signed_map, dtype=np.float64)
    if signed_map.shape != MAP_SHAPE:
        raise ValueError(f"a map must be {MAP_ROWS} × {MAP_COLS}")
    if not np.isfinite(signed_map).all():
        raise ValueError("the map contains values that are not numbers")
    scale = max(1, int(scale))
    mask = body_mask()
    if vmax is None:
        vmax = float(np.abs(signed_map[mask]).max(initial=0.0))
    vmax = vmax if vmax > 0 else 1.0
    font_px = 2 * scale
    top_margin = 8 * font_px + 8
    bar_w = 10 * scale
    label_w = text_width("-" + format_value(vmax), font_px)
    height = MAP_ROWS * scale + top_margin + 8
    width = 8 + MAP_COLS * scale + 12 + bar_w + 6 + label_w + 6 * scale
    img = np.empty((height, width, 3), dtype=np.uint8)
    img[:] = BACKGROUND

    colours = hot_cold(_upscale(signed_map, scale), vmax)
    fill, outline = body_picture(MAP_ROWS * scale, MAP_COLS * scale, outline_px=1.0 * scale)
    body = (colours * fill[..., None] + BACKGROUND * (1 - fill[..., None]))
    body = body * (1 - outline[..., None]) + INK * outline[..., None]
    y0, x0 = top_margin, 8
    img[y0:y0 + MAP_ROWS * scale, x0:x0 + MAP_COLS * scale] = np.round(body).astype(np.uint8)

    if count is not None:
        _draw_text(img, f"n={count}", 4, x0, font_px)

    bar_h = int(MAP_ROWS * scale * 0.6)
    by0 = y0 + (MAP_ROWS * scale - bar_h) // 2
    bx0 = x0 + MAP_COLS * scale + 12
    ramp = np.linspace(vmax, -vmax, bar_h)
    img[by0:by0 + bar_h, bx0:bx0 + bar_w] = hot_cold(ramp, vmax)[:, None, :]
    img[by0 - 1, bx0 - 1:bx0 + bar_w + 1] = INK
    img[by0 + bar_h, bx0 - 1:bx0 + bar_w + 1] = INK
    img[by0 - 1:by0 + bar_h + 1, bx0 - 1] = INK
    img[by0 - 1:by0 + bar_h + 1, bx0 + bar_w] = INK
    lx = bx0 + bar_w + 6
    glyph_h = 5 * font_px
    for value, y in ((vmax, by0), (0.0, by0 + bar_h // 2), (-vmax, by0 + bar_h - 1)):
        label = ("+" if value > 0 else "") + format_value(value)
        _draw_text(img, label, int(np.clip(y - glyph_h // 2, 0, height - glyph_h)), lx, font_px)
    return img


def render_map_png(signed_map: np.ndarray, vmax: float | None = None,
                   count: int | None = None, scale: int = 2) -> bytes:
    """PNG bytes of :func:`render_map_image`."""
    return encode_png(render_map_image(signed_map, vmax=vmax, count=count, scale=scale))
