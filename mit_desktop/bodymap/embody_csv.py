"""emBODY's per-stimulus CSV: read, write, and convert to and from a BodyMap.

The file has rows ``time_ms,x,y`` in four blocks separated by ``-1,-1,-1``:
(1) every mouse position, (2) positions while painting, (3) mouse-down events,
(4) mouse-up events (emBODY writes the events as ``time,,``). Coordinates are on
emBODY's 900 × 600 canvas. As emBODY's ``load_subj.m``, a row whose first value
is -1 is a separator.

Empty fields: emBODY writes an empty block as one line ``,,`` and events as
``time,,``. Matlab's ``dlmread`` reads empty fields as 0, so such a line in the
painting block would be a point at (0, 0), i.e. grid cell (1, 1), which lies
outside both silhouette crops and further than the blur's 7 px from them. We
therefore skip painting rows without coordinates; the map is the same.

Converting to a BodyMap keeps every painted position as a ``Brush.POINT`` stroke,
split at the mouse-down times, so the map is exactly ``embody_demo.m``'s.
Exporting a BodyMap writes its painted points (after erasing) as block 2, so
emBODY's pipeline computes our map from the file.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mit_desktop.bodymap.layout import layer_of_canvas_x
from mit_desktop.bodymap.model import BodyMap
from mit_desktop.bodymap.strokes import Brush, Stroke, StrokeKind

log = logging.getLogger(__name__)

SEPARATOR = "-1,-1,-1"


class EmbodyFormatError(ValueError):
    """The text is not an emBODY CSV file (message says where and why)."""


@dataclass(frozen=True)
class EmbodyRecording:
    """The four blocks of an emBODY CSV.

    ``mouse`` and ``paint`` are n × 3 float64 (time_ms, x, y); ``mouse_down`` and
    ``mouse_up`` are float64 times in ms.
    """

    mouse: np.ndarray
    paint: np.ndarray
    mouse_down: np.ndarray
    mouse_up: np.ndarray


def _number(field: str, line_no: int) -> float | None:
    field = field.strip()
    if field == "":
        return None
    try:
        value = float(field)
    except ValueError:
        raise EmbodyFormatError(f"line {line_no}: {field!r} is not a number") from None
    if not math.isfinite(value):
        raise EmbodyFormatError(f"line {line_no}: {field!r} is not a finite number")
    return value


def parse_embody_csv(text: str) -> EmbodyRecording:
    """Parse the text of an emBODY CSV; raises :class:`EmbodyFormatError`."""
    blocks: list[list[tuple[float | None, float | None, float | None]]] = [[]]
    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        fields = line.split(",")
        if len(fields) != 3:
            raise EmbodyFormatError(
                f"line {line_no}: expected 3 comma-separated values (time,x,y), "
                f"found {len(fields)}")
        t, x, y = (_number(f, line_no) for f in fields)
        if t == -1:
            blocks.append([])
            continue
        blocks[-1].append((t, x, y))
    if len(blocks) != 4:
        raise EmbodyFormatError(
            f"expected 4 blocks separated by '{SEPARATOR}' lines, found {len(blocks)}")

    def positions(rows: list, name: str) -> np.ndarray:
        # like dlmread, a missing time reads as 0; rows without a position are skipped
        out = [(t or 0.0, x, y) for t, x, y in rows if x is not None and y is not None]
        skipped = len(rows) - len(out)
        if skipped:
            log.debug("%s block: skipped %d rows without coordinates", name, skipped)
        return np.array(out, dtype=np.float64).reshape(-1, 3)

    def times(rows: list) -> np.ndarray:
        return np.array([t for t, _, _ in rows if t is not None], dtype=np.float64)

    return EmbodyRecording(positions(blocks[0], "mouse"), positions(blocks[1], "paint"),
                           times(blocks[2]), times(blocks[3]))


def read_embody_csv(path: str | Path) -> EmbodyRecording:
    """Read an emBODY CSV file (UTF-8 or ASCII)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EmbodyFormatError(f"not a text file ({exc.reason})") from None
    return parse_embody_csv(text)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def format_embody_csv(rec: EmbodyRecording) -> str:
    """The CSV text of a recording, in emBODY's own style (empty block: ``,,``)."""
    lines: list[str] = []
    blocks = [
        [f"{_fmt(t)},{_fmt(x)},{_fmt(y)}" for t, x, y in rec.mouse],
        [f"{_fmt(t)},{_fmt(x)},{_fmt(y)}" for t, x, y in rec.paint],
        [f"{_fmt(t)},," for t in rec.mouse_down],
        [f"{_fmt(t)},," for t in rec.mouse_up],
    ]
    for k, block in enumerate(blocks):
        if k:
            lines.append(SEPARATOR)
        lines.extend(block if block else [",,"])
    return "\n".join(lines) + "\n"


def write_embody_csv(path: str | Path, rec: EmbodyRecording) -> None:
    Path(path).write_text(format_embody_csv(rec), encoding="utf-8")


def body_map_from_embody(rec: EmbodyRecording, emotion: str | None = None,
                         intensity: int | None = None) -> BodyMap:
    """A BodyMap whose painted points are exactly the recording's painting block.

    Painting positions are grouped into strokes at the mouse-down times (positions
    before the first mouse-down form a stroke of their own); a stroke's layer is
    the half of the canvas its first point is on. Its start / end times are the
    matching mouse-down / mouse-up events when the counts agree.
    """
    paint = rec.paint
    downs = np.sort(rec.mouse_down)
    ups = np.sort(rec.mouse_up)
    group = np.searchsorted(downs, paint[:, 0], side="right") - 1
    strokes: list[Stroke] = []
    start = 0
    for k in range(1, len(paint) + 1):
        if k == len(paint) or group[k] != group[start]:
            part = paint[start:k]
            g = int(group[start])
            start_ms = int(downs[g]) if g >= 0 else None
            end_ms = int(ups[g]) if g >= 0 and len(ups) == len(downs) else None
            strokes.append(Stroke.create(StrokeKind.PAINT, layer_of_canvas_x(part[0, 1]),
                                         Brush.POINT, part, start_ms=start_ms, end_ms=end_ms))
            start = k
    trail = rec.mouse.copy()
    return BodyMap(strokes=tuple(strokes), emotion=emotion, intensity=intensity, trail=trail)


def embody_from_body_map(body_map: BodyMap) -> EmbodyRecording:
    """The emBODY recording of a map: painted points (after erasing) as block 2.

    Block 1 is the imported mouse trail if the map has one, else every pointer
    sample of every stroke in time order; blocks 3 and 4 are the strokes'
    pointer-down and -up times (keyboard region strokes have none).
    """
    pts = body_map.painted_points()
    paint = np.column_stack([pts.times_ms.astype(np.float64), pts.xy]).reshape(-1, 3)
    pointer = [s for s in body_map.strokes if s.kind is not StrokeKind.REGION]
    if body_map.trail is not None:
        mouse = np.asarray(body_map.trail, dtype=np.float64).reshape(-1, 3)
    else:
        parts = [s.samples for s in pointer if len(s.samples)]
        mouse = np.concatenate(parts) if parts else np.zeros((0, 3))
        mouse = mouse[np.argsort(mouse[:, 0], kind="stable")]
    downs = np.array([s.start_ms for s in pointer], dtype=np.float64)
    ups = np.array([s.end_ms for s in pointer], dtype=np.float64)
    return EmbodyRecording(mouse, paint, downs, ups)
