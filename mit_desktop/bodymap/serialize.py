"""Compact, versioned bytes for a body map (kept as a BLOB by the history store).

Layout of format version 1 (all integers little-endian)::

    b"MITBMAP" + version (u8)            8 bytes
    header length (u32), header CRC-32 (u32)
    header: UTF-8 JSON — emotion, intensity, section sizes (kept small: it is parsed
            for every map that is aggregated)
    map section: zlib(float16[522 × 171]), the signed map, row-major, stored as two
            byte planes (all low bytes, then all high bytes: smooth maps compress
            about 15 % better)
    cells section: zlib(uint32 cell indices as differences from the previous one,
            then uint16 counts) — the painted points counted into the 600 × 900 grid
            (index row * 900 + col, ascending), only cells the two silhouette crops
            can see; absent (size 0, "cells": null) for a map that has no strokes
            but a stored map
    data section: zlib(u32 length + UTF-8 JSON of the strokes (kind, layer, brush,
            sample count, start/end ms, region), trail length and coordinate code;
            then int64 times of all samples (strokes, then trail); then coordinates
            as int32 in 1/16 px ("q16", when exact) or float64 ("f64"))

The map and cells sections can be read alone (:func:`read_signed_map`,
:func:`read_cells`) without decoding strokes. The cells are what the map is
computed from; because the blur is linear, the mean of many maps is the blur of
their summed cells, which is how :mod:`mit_desktop.bodymap.aggregate` averages a
thousand stored maps quickly. zlib's own checksum guards each section.
Any damage or an unknown version raises :class:`BodyMapFormatError`.
"""

from __future__ import annotations

import json
import logging
import struct
import zlib

import numpy as np

from mit_desktop.bodymap.layout import (
    CANVAS_WIDTH,
    CROP_ROW0,
    LEFT_COL0,
    MAP_COLS,
    MAP_ROWS,
    MAP_SHAPE,
    RIGHT_COL0,
)
from mit_desktop.bodymap.model import BodyMap
from mit_desktop.bodymap.raster import KERNEL_REACH, point_indices
from mit_desktop.bodymap.strokes import Stroke

log = logging.getLogger(__name__)

MAGIC = b"MITBMAP"
FORMAT_VERSION = 1
_PREFIX = struct.Struct("<7sBII")
_FLOAT16_MAX = 65504.0

#: what the readers accept as a stored body map: the bytes from SQLite or a file, or a view
BlobLike = bytes | bytearray | memoryview


class BodyMapFormatError(ValueError):
    """The bytes are not a body map this version can read (message says why)."""


def to_bytes(body_map: BodyMap, level: int = 6) -> bytes:
    """Serialise ``body_map`` (strokes, emotion, intensity, trail, signed map)."""
    signed = body_map.signed_map()
    if np.abs(signed).max(initial=0.0) > _FLOAT16_MAX:
        log.warning("body map values beyond float16 range were clipped")
    half = np.clip(signed, -_FLOAT16_MAX, _FLOAT16_MAX).astype("<f2")
    planes = np.frombuffer(half.tobytes(), dtype=np.uint8).reshape(-1, 2).T
    map_bytes = zlib.compress(np.ascontiguousarray(planes).tobytes(), level)

    cells = _cells_of(body_map)
    if cells is None:
        cell_bytes = b""
    else:
        index, counts = cells
        steps = np.diff(index, prepend=0).astype("<u4")
        cell_bytes = zlib.compress(steps.tobytes() + counts.astype("<u2").tobytes(), level)

    strokes = body_map.strokes
    trail = body_map.trail if body_map.trail is not None else np.zeros((0, 3))
    samples = np.concatenate([s.samples for s in strokes] + [np.asarray(trail, np.float64)])
    samples = samples.reshape(-1, 3)
    coords = samples[:, 1:]
    q = coords * 16.0
    exact = bool(np.all(q == np.round(q)) and np.all(np.abs(q) < 2**31 - 1))
    coord_bytes = (np.round(q).astype("<i4").tobytes() if exact
                   else coords.astype("<f8").tobytes())
    meta = json.dumps({
        "coords": "q16" if exact else "f64",
        "trail": None if body_map.trail is None else len(trail),
        "strokes": [
            {"kind": s.kind.value, "layer": s.layer.value, "brush": s.brush.value,
             "n": len(s.samples), "start_ms": s.start_ms, "end_ms": s.end_ms,
             "region": s.region}
            for s in strokes
        ],
    }, separators=(",", ":")).encode("utf-8")
    data_bytes = zlib.compress(struct.pack("<I", len(meta)) + meta
                               + samples[:, 0].astype("<i8").tobytes() + coord_bytes, level)

    header = {
        "emotion": body_map.emotion,
        "intensity": body_map.intensity,
        "map": {"dtype": "<f2", "shape": list(MAP_SHAPE), "size": len(map_bytes)},
        "cells": None if cells is None else {"size": len(cell_bytes), "n": len(cells[0])},
        "data": {"size": len(data_bytes)},
    }
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    prefix = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(head), zlib.crc32(head))
    return prefix + head + map_bytes + cell_bytes + data_bytes


def _cells_of(body_map: BodyMap) -> tuple[np.ndarray, np.ndarray] | None:
    """Sparse counts (flat cell index, count) of the painted points the crops see."""
    if body_map.stored_map is not None and not body_map.strokes:
        return None
    pts = body_map.painted_points()
    rows, cols = point_indices(pts.xy[:, 0], pts.xy[:, 1])
    r = KERNEL_REACH
    visible = (rows >= CROP_ROW0 - r) & (rows < CROP_ROW0 + MAP_ROWS + r) & (
        ((cols >= LEFT_COL0 - r) & (cols < LEFT_COL0 + MAP_COLS + r))
        | ((cols >= RIGHT_COL0 - r) & (cols < RIGHT_COL0 + MAP_COLS + r)))
    index, counts = np.unique(rows[visible] * CANVAS_WIDTH + cols[visible], return_counts=True)
    if counts.size and counts.max() > 65535:
        raise ValueError("more than 65,535 points in one pixel cannot be stored")
    return index, counts


def _read_header(blob: BlobLike) -> tuple[dict, int]:
    """Parsed header and the offset of the map section."""
    if not isinstance(blob, (bytes, bytearray, memoryview)):
        raise BodyMapFormatError("body map data must be bytes")
    blob = bytes(blob)
    if len(blob) < _PREFIX.size or blob[:len(MAGIC)] != MAGIC:
        raise BodyMapFormatError("these bytes are not a body map (unknown file signature)")
    _, version, head_len, head_crc = _PREFIX.unpack_from(blob)
    if version != FORMAT_VERSION:
        raise BodyMapFormatError(
            f"body map format version {version} is not supported; this version of MIT "
            f"Desktop reads version {FORMAT_VERSION} (update the program to open it)")
    head = blob[_PREFIX.size:_PREFIX.size + head_len]
    if len(head) != head_len or zlib.crc32(head) != head_crc:
        raise BodyMapFormatError("the body map data is damaged (header checksum mismatch)")
    try:
        header = json.loads(head.decode("utf-8"))
        if header["map"]["shape"] != list(MAP_SHAPE) or header["map"]["dtype"] != "<f2":
            raise BodyMapFormatError("the body map has an unexpected size or number type")
    except (ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, BodyMapFormatError):
            raise
        raise BodyMapFormatError(f"the body map header is damaged ({exc})") from exc
    return header, _PREFIX.size + head_len


def _inflate(blob: BlobLike, start: int, size: int, expected: int | None, what: str) -> bytes:
    chunk = blob[start:start + size]
    if len(chunk) != size:
        raise BodyMapFormatError(f"the body map data is truncated ({what} section)")
    try:
        raw = zlib.decompress(chunk)
    except zlib.error as exc:
        raise BodyMapFormatError(f"the body map data is damaged ({what} section: {exc})") from exc
    if expected is not None and len(raw) != expected:
        raise BodyMapFormatError(f"the body map data is damaged ({what} section has the "
                                 f"wrong length)")
    return raw


def read_signed_map(blob: BlobLike, dtype: type = np.float32) -> np.ndarray:
    """Only the stored signed map (522 × 171, ``dtype``), without decoding strokes."""
    header, offset = _read_header(blob)
    raw = _inflate(blob, offset, int(header["map"]["size"]), MAP_ROWS * MAP_COLS * 2, "map")
    return _unplane(raw).astype(dtype)


def _unplane(raw: bytes) -> np.ndarray:
    """float16 map from its two byte planes."""
    planes = np.frombuffer(raw, dtype=np.uint8).reshape(2, -1)
    return np.ascontiguousarray(planes.T).view("<f2").reshape(MAP_SHAPE)


def _cells_size(header: dict) -> int:
    cells = header.get("cells")
    return 0 if cells is None else int(cells["size"])


def read_cells(blob: BlobLike) -> tuple[np.ndarray, np.ndarray] | None:
    """The stored sparse point counts ``(flat index, count)``, or None if absent.

    ``flat index`` is ``row * 900 + col`` in the 600 × 900 grid (int64 array);
    ``count`` is the number of points in that cell (int64 array).
    """
    header, offset = _read_header(blob)
    cells = header.get("cells")
    if cells is None:
        return None
    try:
        n = int(cells["n"])
        start = offset + int(header["map"]["size"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BodyMapFormatError(f"the body map header is damaged ({exc})") from exc
    raw = _inflate(bytes(blob), start, int(cells["size"]), n * 6, "cells")
    index = np.frombuffer(raw, dtype="<u4", count=n).astype(np.int64).cumsum()
    counts = np.frombuffer(raw, dtype="<u2", offset=4 * n, count=n).astype(np.int64)
    return index, counts


def from_bytes(blob: bytes) -> BodyMap:
    """Rebuild a :class:`BodyMap` from :func:`to_bytes` output.

    Raises :class:`BodyMapFormatError` for an unknown version or damaged data.
    """
    header, offset = _read_header(blob)
    blob = bytes(blob)
    map_size = int(header["map"]["size"])
    stored = _unplane(_inflate(blob, offset, map_size, MAP_ROWS * MAP_COLS * 2, "map")
                      ).astype(np.float64)
    try:
        data_start = offset + map_size + _cells_size(header)
        data_size = int(header["data"]["size"])
        if data_start + data_size != len(blob):
            raise BodyMapFormatError("the body map data has the wrong length")
        raw = _inflate(blob, data_start, data_size, None, "stroke")
        (meta_len,) = struct.unpack_from("<I", raw)
        meta = json.loads(raw[4:4 + meta_len].decode("utf-8"))
        stroke_meta = meta["strokes"]
        n_trail = 0 if meta["trail"] is None else int(meta["trail"])
        n_total = sum(int(m["n"]) for m in stroke_meta) + n_trail
        coord_width = 8 if meta["coords"] == "q16" else 16
        body = raw[4 + meta_len:]
        if len(body) != n_total * (8 + coord_width):
            raise BodyMapFormatError("the body map data is damaged (stroke section has the "
                                     "wrong length)")
        times = np.frombuffer(body, dtype="<i8", count=n_total).astype(np.float64)
        if meta["coords"] == "q16":
            coords = np.frombuffer(body, dtype="<i4", offset=8 * n_total).astype(np.float64) / 16
        else:
            coords = np.frombuffer(body, dtype="<f8", offset=8 * n_total).copy()
        samples = np.column_stack([times, coords.reshape(-1, 2)])
        strokes, pos = [], 0
        for item in stroke_meta:
            n = int(item["n"])
            strokes.append(Stroke.create(item["kind"], item["layer"], item["brush"],
                                         samples[pos:pos + n], start_ms=item["start_ms"],
                                         end_ms=item["end_ms"], region=item["region"]))
            pos += n
        trail = samples[pos:] if meta["trail"] is not None else None
        return BodyMap(strokes=tuple(strokes), emotion=header["emotion"],
                       intensity=header["intensity"], trail=trail, stored_map=stored)
    except BodyMapFormatError:
        raise
    except (ValueError, KeyError, TypeError, struct.error) as exc:
        raise BodyMapFormatError(f"the body map data is damaged ({exc})") from exc
