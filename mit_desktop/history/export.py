"""Export one profile's practices, with their reflections and check-ins, as JSON or CSV.

JSON (the document of ``mit-desktop history export --format json``)::

    {"practices": [{"session_id", "started_at", "ended_at", "position_ms",
                    "listened_ms", "completed", "mode",
                    "reflections": [{"key", "prompt", "note", "rating", "saved_at",
                                     "body_map": {"id", "emotion", "intensity",
                                                  "created_at"} | null}],
                    "checkins": [{"phase", "mood", "stress", "recorded_at"}]}]}

Practices are oldest first; times are ISO 8601 with milliseconds and the local
UTC offset recorded with the practice (``2026-03-02T00:30:00.000+01:00``), so
they convert back to the stored epoch milliseconds exactly; ``ended_at`` is
null while a practice is open. Body maps are references; their pictures are
exported by the body-map package.

CSV: one table per file — ``practices.csv`` (with a ``practice`` number,
1 for the oldest, that the other tables refer to), ``reflections.csv`` and
``checkins.csv`` — in a ``.zip`` file or a folder. Free text a spreadsheet
would run as a formula (starting with ``= + - @``, tab or carriage return) is
prefixed with an apostrophe.

Everything is written atomically with mode 0600 (folders 0700); only the
chosen profile's rows are read; nothing leaves the machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import logging
import time
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from mit_desktop.history.errors import HistoryError, InvalidInputError
from mit_desktop.fsutil import atomic_write_bytes, atomic_write_text, private_folder
from mit_desktop.history.store import HistoryStore

log = logging.getLogger(__name__)

FORMATS = ("json", "csv")
PRACTICE_KEYS = ("session_id", "started_at", "ended_at", "position_ms", "listened_ms",
                 "completed", "mode", "reflections", "checkins")
PRACTICE_COLUMNS = ["practice", "session_id", "started_at", "ended_at", "position_ms",
                    "listened_ms", "completed", "mode"]
REFLECTION_COLUMNS = ["practice", "key", "prompt", "note", "rating", "saved_at", "body_map_id",
                      "body_map_emotion", "body_map_intensity"]
CHECKIN_COLUMNS = ["practice", "phase", "mood", "stress", "recorded_at"]
CSV_TABLES = ("practices.csv", "reflections.csv", "checkins.csv")


class ExportError(HistoryError):
    """The export could not be written; the message names the file asked for."""


@functools.lru_cache(maxsize=256)
def _offset_text(offset_min: int) -> str:
    sign = "-" if offset_min < 0 else "+"
    hours, minutes = divmod(abs(offset_min), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def iso(epoch_ms: int | None, offset_min: int) -> str | None:
    """Epoch ms → ISO 8601 local time with its UTC offset, to the millisecond (None stays None).

    Same text as ``datetime.isoformat(timespec="milliseconds")``, several times faster
    (an export of ten years formats some 40,000 times).
    """
    if epoch_ms is None:
        return None
    seconds, millis = divmod(epoch_ms, 1000)
    local = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds + offset_min * 60))
    return f"{local}.{millis:03d}{_offset_text(offset_min)}"


def epoch_ms(text: str) -> int:
    """ISO 8601 with an offset (as written by :func:`iso`) → epoch milliseconds."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise InvalidInputError(f"{text!r} has no UTC offset.")
    delta = moment - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return delta // dt.timedelta(milliseconds=1)


def collect(store: HistoryStore, profile_id: int) -> dict[str, list[dict[str, Any]]]:
    """The profile's JSON document (see the module docstring): three queries, grouped here.

    The queries share one read transaction (one WAL snapshot), so a practice written
    by another process meanwhile (the window, while a therapist exports from a
    terminal) is either wholly in the export or wholly not.
    """
    conn = store.conn
    if conn.in_transaction:
        return _collect(store, profile_id)
    conn.execute("BEGIN")
    try:
        return _collect(store, profile_id)
    finally:
        conn.execute("COMMIT")


def _collect(store: HistoryStore, profile_id: int) -> dict[str, list[dict[str, Any]]]:
    store.get_profile(profile_id)
    conn = store.conn
    practices: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    offsets: dict[int, int] = {}
    for (pid, session_id, started_ms, ended_ms, offset, position_ms, listened_ms, status,
         mode) in conn.execute(
            "SELECT id, session_id, started_ms, ended_ms, utc_offset_min, position_ms, "
            "listened_ms, status, mode FROM practices WHERE profile_id = ? "
            "ORDER BY started_ms, id", (profile_id,)):
        practice = {
            "session_id": session_id,
            "started_at": iso(started_ms, offset),
            "ended_at": iso(ended_ms, offset),
            "position_ms": position_ms,
            "listened_ms": listened_ms,
            "completed": status == "completed",
            "mode": mode,
            "reflections": [],
            "checkins": [],
        }
        practices.append(practice)
        by_id[pid] = practice
        offsets[pid] = offset
    reflections: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (pid, key, prompt, note, rating, saved_ms, map_id, emotion, intensity,
         map_ms, map_offset) in conn.execute(
            "SELECT r.practice_id, r.reflection_key, r.prompt, r.note, r.rating, r.saved_ms, "
            "b.id, b.emotion, b.intensity, b.created_ms, b.utc_offset_min "
            "FROM practices p JOIN reflections r ON r.practice_id = p.id "
            "LEFT JOIN body_maps b ON b.id = r.body_map_id "
            "WHERE p.profile_id = ? ORDER BY r.saved_ms, r.id", (profile_id,)):
        body_map = None if map_id is None else {
            "id": map_id, "emotion": emotion, "intensity": intensity,
            "created_at": iso(map_ms, map_offset),
        }
        reflections[pid].append({"key": key, "prompt": prompt, "note": note, "rating": rating,
                                 "saved_at": iso(saved_ms, offsets[pid]), "body_map": body_map})
    for pid, items in reflections.items():
        by_id[pid]["reflections"] = items
    for pid, phase, mood, stress, recorded_ms in conn.execute(
            "SELECT c.practice_id, c.phase, c.mood, c.stress, c.recorded_ms "
            "FROM practices p JOIN check_ins c ON c.practice_id = p.id "
            "WHERE p.profile_id = ? ORDER BY c.practice_id, c.phase = 'after'", (profile_id,)):
        by_id[pid]["checkins"].append({"phase": phase, "mood": mood, "stress": stress,
                                       "recorded_at": iso(recorded_ms, offsets[pid])})
    return {"practices": practices}


def to_json(document: dict[str, Any]) -> str:
    """The document as JSON text: one practice per line, ending in a newline.

    (One line per practice reads and diffs well and keeps to ``json``'s C encoder;
    ``indent=`` would switch to the pure-Python one, several times slower.)
    """
    practices = document["practices"]
    if not practices:
        return '{"practices": []}\n'
    lines = ",\n".join(json.dumps(p, ensure_ascii=False) for p in practices)
    return '{"practices": [\n' + lines + "\n]}\n"


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _csv_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: _cell(row.get(name)) for name in columns})
    return buffer.getvalue()


def csv_tables(document: dict[str, Any]) -> dict[str, str]:
    """The document as CSV texts, by file name (:data:`CSV_TABLES`)."""
    practices: list[dict[str, Any]] = []
    reflections: list[dict[str, Any]] = []
    checkins: list[dict[str, Any]] = []
    for number, practice in enumerate(document["practices"], start=1):
        practices.append({**practice, "practice": number})
        for reflection in practice["reflections"]:
            body_map = reflection["body_map"] or {}
            reflections.append({**reflection, "practice": number,
                                "body_map_id": body_map.get("id"),
                                "body_map_emotion": body_map.get("emotion"),
                                "body_map_intensity": body_map.get("intensity")})
        checkins.extend({**checkin, "practice": number} for checkin in practice["checkins"])
    return {
        "practices.csv": _csv_text(PRACTICE_COLUMNS, practices),
        "reflections.csv": _csv_text(REFLECTION_COLUMNS, reflections),
        "checkins.csv": _csv_text(CHECKIN_COLUMNS, checkins),
    }


def _zip_bytes(tables: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in tables.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o600 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def export(store: HistoryStore, profile_id: int, fmt: str, out: Path) -> list[Path]:
    """Write the profile's history to ``out``; return the files written.

    ``fmt`` ``json``: one JSON file. ``csv``: a ``.zip`` of the three tables if
    ``out`` ends in ``.zip``, otherwise a folder (created 0700 if needed)
    holding ``practices.csv``, ``reflections.csv`` and ``checkins.csv``.
    Raises :class:`InvalidInputError` for an unknown format, a missing parent
    folder, or a CSV target that is a single ``.csv`` file.
    """
    if fmt not in FORMATS:
        raise InvalidInputError(f"Export as {' or '.join(FORMATS)}, not {fmt!r}.")
    out = Path(out)
    if not out.parent.is_dir():
        raise InvalidInputError(f"The folder {out.parent} does not exist.")
    document = collect(store, profile_id)
    try:
        written = _write(document, fmt, out)
    except OSError as exc:  # name the file asked for, not the temporary one
        from mit_desktop.fsutil import disk_message

        raise ExportError(disk_message(exc, out)) from exc
    log.info("exported profile %s as %s to %s", profile_id, fmt, out)
    return written


def _write(document: dict[str, Any], fmt: str, out: Path) -> list[Path]:
    if fmt == "json":
        if out.is_dir():
            raise InvalidInputError(f"{out} is a folder; give a file name such as history.json.")
        atomic_write_text(out, to_json(document))
        written = [out]
    elif out.suffix.lower() == ".zip":
        atomic_write_bytes(out, _zip_bytes(csv_tables(document)))
        written = [out]
    elif out.suffix.lower() == ".csv":
        raise InvalidInputError("A CSV export has one file per table: give a .zip file or a "
                                f"folder, not {out.name!r}.")
    else:
        if out.exists() and not out.is_dir():
            raise InvalidInputError(f"{out} is a file; give a folder or a .zip file.")
        private_folder(out)
        written = []
        for name, text in csv_tables(document).items():
            atomic_write_text(out / name, text)
            written.append(out / name)
    return written
