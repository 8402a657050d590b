"""An independent emBODY reference for the body-map tests (no code shared with ours)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"


def reference_signed_map(points: list[tuple[float, float]] | np.ndarray) -> np.ndarray:
    """embody_demo.m's preprocessing written as its loops: no shared code with ours.

    One point at a time: 1-based (ceil(y+1), ceil(x+1)) with Matlab's clamps, then
    each count is spread by stamping the full 2-D fspecial kernel (a scatter, where
    the implementation gathers with two 1-D passes), then crop and subtract.
    """
    size, sigma = 15, 5.0
    kernel = [[math.exp(-((i - 7) ** 2 + (j - 7) ** 2) / (2 * sigma * sigma))
               for j in range(size)] for i in range(size)]
    total = sum(sum(row) for row in kernel)
    kern = np.array(kernel) / total
    over = np.zeros((600 + 14, 900 + 14))  # 7 px of zero padding on every side
    for x, y in np.asarray(points, dtype=float).reshape(-1, 2):
        yy = math.ceil(y + 1)
        xx = math.ceil(x + 1)
        if xx <= 0:
            xx = 1
        if yy <= 0:
            yy = 1
        if xx >= 900:
            xx = 900
        if yy >= 600:
            yy = 600
        # 1-based (yy, xx) -> padded 0-based centre (yy - 1 + 7, xx - 1 + 7)
        over[yy - 1:yy - 1 + size, xx - 1:xx - 1 + size] += kern
    over = over[7:-7, 7:-7]
    # Matlab over(10:531, 33:203) - over(10:531, 696:866)
    return over[9:531, 32:203] - over[9:531, 695:866]


def read_embody_blocks(path: Path) -> list[list[list[str]]]:
    """The raw four blocks of an emBODY CSV as split strings (like load_subj.m)."""
    blocks: list[list[list[str]]] = [[]]
    for line in path.read_text().splitlines():
        fields = line.split(",")
        if fields[0] == "-1":
            blocks.append([])
        else:
            blocks[-1].append(fields)
    return blocks
