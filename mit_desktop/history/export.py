"""Export one profile's history as JSON or CSV (written atomically, mode 0600).

JSON: one file with ``profile``, ``practices``, ``check_ins``, ``reflections``
and ``body_maps`` (references only: id, day, emotion, intensity — their
images are exported separately by the body-map package).

CSV: ``OUT.csv`` has one row per practice with its before/after mood and
stress; ``OUT-reflections.csv`` beside it has one row per reflection. Free
text that a spreadsheet would run as a formula (starting with ``= + - @``) is
prefixed with an apostrophe.

Only the chosen profile's rows are read; nothing leaves the machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from pathlib import Path
from typing import Any

from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.fsutil import atomic_write_text
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import LOCAL_DAY_SQL

log = logging.getLogger(__name__)

FORMAT = "mit-desktop-history"
FORMAT_VERSION = 1

PRACTICE_FIELDS = [
    "practice_id", "day", "started", "ended", "session_id", "session_hash", "mode", "source",
    "status", "position_ms", "listened_ms", "resumed_from",
    "mood_before", "mood_after", "stress_before", "stress_after",
]
REFLECTION_FIELDS = [
    "reflection_id", "practice_id", "day", "session_id", "reflection_key", "prompt", "note",
    "rating", "body_map_id", "saved",
]


def _iso(epoch_ms: int | None, offset_min: int) -> str | None:
    """Epoch ms → local ISO 8601 with its UTC offset, to the second."""
    if epoch_ms is None:
        return None
    tz = dt.timezone(dt.timedelta(minutes=offset_min))
    return dt.datetime.fromtimestamp(epoch_ms / 1000, tz).isoformat(timespec="seconds")


def _rows(store: HistoryStore, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cursor = store.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def collect(store: HistoryStore, profile_id: int) -> dict[str, Any]:
    """The profile's whole history as plain JSON-ready data (see module docstring)."""
    profile = store.get_profile(profile_id)
    params = {"p": profile_id, "boundary_min": store.settings(profile_id).day_boundary_min}
    day = LOCAL_DAY_SQL.format(t="p.started_ms")
    practices = _rows(
        store,
        f"""SELECT p.id AS practice_id, {day} AS day, p.started_ms, p.ended_ms, p.utc_offset_min,
                   p.session_id, p.session_hash, p.mode, p.source, p.status, p.position_ms,
                   p.listened_ms, p.resumed_from,
                   b.mood AS mood_before, a.mood AS mood_after,
                   b.stress AS stress_before, a.stress AS stress_after
            FROM practices p
            LEFT JOIN check_ins b ON b.practice_id = p.id AND b.phase = 'before'
            LEFT JOIN check_ins a ON a.practice_id = p.id AND a.phase = 'after'
            WHERE p.profile_id = :p ORDER BY p.started_ms, p.id""",
        params,
    )
    for row in practices:
        offset = row.pop("utc_offset_min")
        row["started"] = _iso(row.pop("started_ms"), offset)
        row["ended"] = _iso(row.pop("ended_ms"), offset)
    check_ins = _rows(
        store,
        """SELECT c.id AS check_in_id, c.practice_id, c.phase, c.mood, c.stress, c.recorded_ms,
                  p.utc_offset_min
           FROM check_ins c JOIN practices p ON p.id = c.practice_id
           WHERE p.profile_id = :p ORDER BY c.recorded_ms, c.id""",
        params,
    )
    for row in check_ins:
        row["recorded"] = _iso(row.pop("recorded_ms"), row.pop("utc_offset_min"))
    reflections = _rows(
        store,
        f"""SELECT r.id AS reflection_id, r.practice_id, {day} AS day, p.session_id,
                   r.reflection_key, r.prompt, r.note, r.rating, r.body_map_id, r.saved_ms,
                   p.utc_offset_min
            FROM reflections r JOIN practices p ON p.id = r.practice_id
            WHERE p.profile_id = :p ORDER BY r.saved_ms, r.id""",
        params,
    )
    for row in reflections:
        row["saved"] = _iso(row.pop("saved_ms"), row.pop("utc_offset_min"))
    body_maps = _rows(
        store,
        f"""SELECT id AS body_map_id, practice_id, {LOCAL_DAY_SQL.format(t="created_ms")} AS day,
                   created_ms, utc_offset_min, emotion, intensity
            FROM body_maps WHERE profile_id = :p ORDER BY created_ms, id""",
        params,
    )
    for row in body_maps:
        row["created"] = _iso(row.pop("created_ms"), row.pop("utc_offset_min"))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported": _iso(store.clock(), 0),
        "profile": {
            "name": profile.name,
            "kind": profile.kind,
            "variables": profile.variables,
            "region": profile.region,
        },
        "practices": practices,
        "check_ins": check_ins,
        "reflections": reflections,
        "body_maps": body_maps,
    }


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _csv_text(fields: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: _cell(row.get(name)) for name in fields})
    return buffer.getvalue()


def reflections_csv_path(out: Path) -> Path:
    """Where :func:`export_csv` puts reflections: ``OUT-reflections.csv`` beside ``OUT.csv``."""
    return out.with_name(f"{out.stem}-reflections{out.suffix}")


def export_json(store: HistoryStore, profile_id: int, out: Path) -> list[Path]:
    """Write the profile's history to ``out`` as JSON; return the files written."""
    data = collect(store, profile_id)
    atomic_write_text(Path(out), json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    log.info("exported profile %s to %s", profile_id, out)
    return [Path(out)]


def export_csv(store: HistoryStore, profile_id: int, out: Path) -> list[Path]:
    """Write practices to ``out`` and reflections beside it; return the files written."""
    data = collect(store, profile_id)
    out = Path(out)
    second = reflections_csv_path(out)
    atomic_write_text(out, _csv_text(PRACTICE_FIELDS, data["practices"]))
    atomic_write_text(second, _csv_text(REFLECTION_FIELDS, data["reflections"]))
    log.info("exported profile %s to %s and %s", profile_id, out, second)
    return [out, second]


def export(store: HistoryStore, profile_id: int, out: Path) -> list[Path]:
    """Export by the suffix of ``out`` (``.json`` or ``.csv``); return the files written."""
    out = Path(out)
    if not out.parent.is_dir():
        raise InvalidInputError(f"The folder {out.parent} does not exist.")
    suffix = out.suffix.lower()
    if suffix == ".json":
        return export_json(store, profile_id, out)
    if suffix == ".csv":
        return export_csv(store, profile_id, out)
    raise InvalidInputError(f"Export to a .csv or .json file, not {out.name!r}.")
