"""Body maps of emotion (emBODY method), Qt-free: strokes, rasterisation to the
signed 522 × 171 map, silhouette and regions, serialisation, aggregation, pictures
and emBODY CSV import/export. See docs/body-map.md.
"""

from mit_desktop.bodymap.aggregate import Aggregate, aggregate
from mit_desktop.bodymap.editor import BodyMapEditor, PointDelta, RegionState
from mit_desktop.bodymap.embody_csv import (
    EmbodyFormatError,
    EmbodyRecording,
    body_map_from_embody,
    embody_from_body_map,
    format_embody_csv,
    parse_embody_csv,
    read_embody_csv,
    write_embody_csv,
)
from mit_desktop.bodymap.emotions import STUDY_EMOTIONS, normalise_emotion
from mit_desktop.bodymap.layout import MAP_SHAPE, Layer
from mit_desktop.bodymap.model import BodyMap
from mit_desktop.bodymap.raster import signed_map_from_points
from mit_desktop.bodymap.render import render_map_image, render_map_png
from mit_desktop.bodymap.serialize import (
    BodyMapFormatError,
    from_bytes,
    read_signed_map,
    to_bytes,
)
from mit_desktop.bodymap.silhouette import REGIONS, body_mask, region_mask
from mit_desktop.bodymap.strokes import Brush, PaintedPoints, Stroke, StrokeKind

__all__ = [
    "Aggregate", "BodyMap", "BodyMapEditor", "BodyMapFormatError", "Brush",
    "EmbodyFormatError", "EmbodyRecording", "Layer", "MAP_SHAPE", "PaintedPoints",
    "PointDelta", "REGIONS", "RegionState", "STUDY_EMOTIONS", "Stroke", "StrokeKind",
    "aggregate", "body_map_from_embody", "body_mask", "embody_from_body_map",
    "format_embody_csv", "from_bytes", "normalise_emotion", "parse_embody_csv",
    "read_embody_csv", "read_signed_map", "region_mask", "render_map_image",
    "render_map_png", "signed_map_from_points", "to_bytes", "write_embody_csv",
]
