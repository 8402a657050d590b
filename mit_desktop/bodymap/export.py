"""Writing a body map out: emBODY CSV, signed-map CSV, PNG picture (atomic writes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mit_desktop.bodymap.embody_csv import embody_from_body_map, format_embody_csv
from mit_desktop.bodymap.model import BodyMap
from mit_desktop.bodymap.render import render_map_png
from mit_desktop.fsutil import atomic_write_bytes


def signed_map_csv(signed_map: np.ndarray) -> str:
    """522 lines of 171 comma-separated numbers (shortest exact decimal form)."""
    def cell(v: float) -> str:
        return "0" if v == 0 else repr(float(v))

    return "".join(",".join(cell(v) for v in row) + "\n" for row in np.asarray(signed_map))


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable by the user alone (0600)."""
    atomic_write_bytes(Path(path), data)


def write_outputs(body_map: BodyMap, embody: str | Path | None = None,
                  png: str | Path | None = None, signed_csv: str | Path | None = None
                  ) -> list[Path]:
    """Write the requested files; returns their paths. Raises OSError on failure.

    ``signed_csv`` holds the signed map (the stored one for a loaded map, else the
    one computed from the strokes); ``png`` is its picture with a scale bar.
    """
    written: list[Path] = []
    signed = body_map.signed_map()
    if embody is not None:
        text = format_embody_csv(embody_from_body_map(body_map))
        write_atomic(embody, text.encode("utf-8"))
        written.append(Path(embody))
    if signed_csv is not None:
        write_atomic(signed_csv, signed_map_csv(signed).encode("ascii"))
        written.append(Path(signed_csv))
    if png is not None:
        write_atomic(png, render_map_png(signed))
        written.append(Path(png))
    return written
