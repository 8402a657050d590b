"""Export one profile's practices, with their reflections and check-ins, as JSON or CSV.

JSON (the document of ``mit-desktop history export --format json``)::

    {"profile": {"name", "kind"},
     "practices": [{"session_id", "session_title", "module", "suggested_week",
                    "program_week", "started_at", "ended_at", "position_ms",
                    "listened_ms", "completed", "mode",
                    "reflections": [{"key", "prompt", "note", "rating", "saved_at",
                                     "body_map": {"id", "emotion", "intensity",
                                                  "created_at"} | null}],
                    "checkins": [{"phase", "mood", "stress", "recorded_at"}]}],
     "body_maps": [{"id", "practice", "emotion", "intensity", "created_at",
                    "format", "data_base64"}],
     "measures": [{"instrument", "recorded_at", "occasion", "answers", "follow_up",
                   "score", "band"}]}

``session_title``, ``module`` and ``suggested_week`` (the program's week for the
session) come from the caller's session facts (null when unknown);
``program_week`` is the week of the profile's program the practice fell in (1 =
the start day and the six after it; 0 before the start; null without a start
date). ``body_maps`` holds every body map of the profile with its data: the
stored bytes (format ``MITBMAP-1``, docs/body-map.md) in base64; ``practice`` is
the index (1 for the oldest) of its practice in ``practices``, or null.

``measures`` holds every questionnaire answered (PHQ-9, GAD-7, WHO-5, SCS-SF), oldest
first, with its item-level ``answers`` (item order, null = not answered), the unscored
``follow_up`` answer, the ``occasion`` (start, weekly, end or "") and, when the caller
gives a ``scorer`` (the instruments' definitions live above this package), its
``score`` and ``band`` (null when not scored).

Practices are oldest first; times are ISO 8601 with milliseconds and the local
UTC offset recorded with the practice (``2026-03-02T00:30:00.000+01:00``), so
they convert back to the stored epoch milliseconds exactly; ``ended_at`` is
null while a practice is open. Body maps are references; their pictures are
exported by the body-map package.

CSV: one table per file — ``practices.csv`` (with a ``practice`` number,
1 for the oldest, that the other tables refer to), ``reflections.csv``,
``checkins.csv``, ``measures.csv`` (one row per questionnaire: score, band and one
``item_N`` column per item) and ``body_maps.csv`` (one row per map, naming its file) — and
each body map's painting in the emBODY CSV format (``body_maps/map-ID.csv``, as
``mit-desktop bodymap export`` writes it), in a ``.zip`` file or a folder. Free text a spreadsheet
would run as a formula (starting with ``= + - @``, tab or carriage return) is
prefixed with an apostrophe.

Everything is written atomically with mode 0600 (folders 0700); only the
chosen profile's rows are read; nothing leaves the machine.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import functools
import io
import json
import logging
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mit_desktop.fsutil import atomic_write_bytes, atomic_write_text, private_folder
from mit_desktop.history.errors import HistoryError, InvalidInputError
from mit_desktop.history.store import HistoryStore

log = logging.getLogger(__name__)

FORMATS = ("json", "csv")
PRACTICE_KEYS = ("session_id", "session_title", "module", "suggested_week", "program_week",
                 "started_at", "ended_at", "position_ms", "listened_ms",
                 "completed", "mode", "reflections", "checkins")
PRACTICE_COLUMNS = ["practice", "session_id", "session_title", "module", "suggested_week",
                    "program_week", "started_at", "ended_at", "position_ms",
                    "listened_ms", "completed", "mode"]
REFLECTION_COLUMNS = ["practice", "key", "prompt", "note", "rating", "saved_at", "body_map_id",
                      "body_map_emotion", "body_map_intensity"]
CHECKIN_COLUMNS = ["practice", "phase", "mood", "stress", "recorded_at"]
BODY_MAP_COLUMNS = ["body_map", "practice", "emotion", "intensity", "created_at", "file"]
MEASURE_COLUMNS = ["instrument", "recorded_at", "occasion", "score", "band", "follow_up"]
#: ``item_1`` … at least this many item columns in ``measures.csv`` (the SCS-SF has 12)
MEASURE_ITEM_COLUMNS = 12
CSV_TABLES = ("practices.csv", "reflections.csv", "checkins.csv", "measures.csv",
              "body_maps.csv")
#: ``scorer(instrument, answers) -> (score, band)``: how an export gets scores and bands
Scorer = Callable[[str, Sequence[Any]], tuple[Any, Any]]
BODY_MAP_FORMAT = "MITBMAP-1"


@dataclass(frozen=True)
class SessionFacts:
    """What the content says about a session id (see ``mit_desktop.content.export_sessions``)."""

    title: str | None
    module: str | None
    suggested_week: int | None


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
    delta = moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return delta // dt.timedelta(milliseconds=1)


def collect(store: HistoryStore, profile_id: int,
            sessions: Mapping[str, SessionFacts] | None = None, *,
            body_maps: bool = True, scorer: Scorer | None = None) -> dict[str, Any]:
    """The profile's JSON document (see the module docstring): three queries, grouped here.

    The queries share one read transaction (one WAL snapshot), so a practice written
    by another process meanwhile (the window, while a therapist exports from a
    terminal) is either wholly in the export or wholly not.
    """
    conn = store.conn
    if conn.in_transaction:
        return _collect(store, profile_id, sessions or {}, body_maps, scorer)
    conn.execute("BEGIN")
    try:
        return _collect(store, profile_id, sessions or {}, body_maps, scorer)
    finally:
        conn.execute("COMMIT")


def _program_week(start: dt.date | None, started_ms: int, offset_min: int,
                  day_starts: dt.time) -> int | None:
    if start is None:
        return None
    local = dt.datetime.fromtimestamp(started_ms / 1000,
                                      dt.timezone(dt.timedelta(minutes=offset_min)))
    day = (local - dt.timedelta(hours=day_starts.hour, minutes=day_starts.minute)).date()
    return 0 if day < start else (day - start).days // 7 + 1


def _measures(store: HistoryStore, profile_id: int,
              scorer: Scorer | None) -> list[dict[str, Any]]:
    rows = []
    for response in store.measure_responses(profile_id):
        score, band = (None, None)
        if scorer is not None:
            try:
                score, band = scorer(response.instrument, response.answers)
            except (KeyError, ValueError) as exc:  # an unknown instrument, a damaged answer
                log.warning("questionnaire %s exported without a score: %s", response.id, exc)
        rows.append({"instrument": response.instrument,
                     "recorded_at": iso(response.recorded_ms, response.utc_offset_min),
                     "occasion": response.occasion, "answers": list(response.answers),
                     "follow_up": response.follow_up, "score": score, "band": band})
    return rows


def _collect(store: HistoryStore, profile_id: int, sessions: Mapping[str, SessionFacts],
             with_maps: bool, scorer: Scorer | None = None) -> dict[str, Any]:
    profile = store.get_profile(profile_id)
    conn = store.conn
    start = store.program_plan(profile_id).start_day if hasattr(store, "program_plan") \
        else None
    day_starts = store.settings(profile_id).day_starts_at or dt.time(0, 0)
    practices: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    offsets: dict[int, int] = {}
    for (pid, session_id, started_ms, ended_ms, offset, position_ms, listened_ms, status,
         mode) in conn.execute(
            "SELECT id, session_id, started_ms, ended_ms, utc_offset_min, position_ms, "
            "listened_ms, status, mode FROM practices WHERE profile_id = ? "
            "ORDER BY started_ms, id", (profile_id,)):
        facts = sessions.get(session_id)
        practice = {
            "session_id": session_id,
            "session_title": facts.title if facts else None,
            "module": facts.module if facts else None,
            "suggested_week": facts.suggested_week if facts else None,
            "program_week": _program_week(start, started_ms, offset, day_starts),
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
    document: dict[str, Any] = {"profile": {"name": profile.name, "kind": profile.kind},
                                "practices": practices}
    if with_maps:
        number = {pid: n for n, pid in enumerate(by_id, start=1)}
        document["body_maps"] = [
            {"id": map_id, "practice": number.get(practice_id), "emotion": emotion,
             "intensity": intensity, "created_at": iso(created_ms, map_offset),
             "format": BODY_MAP_FORMAT, "data_base64": base64.b64encode(data).decode("ascii")}
            for map_id, practice_id, emotion, intensity, created_ms, map_offset, data
            in conn.execute(
                "SELECT id, practice_id, emotion, intensity, created_ms, utc_offset_min, data "
                "FROM body_maps WHERE profile_id = ? ORDER BY created_ms, id", (profile_id,))]
    document["measures"] = _measures(store, profile_id, scorer)
    return document


def to_json(document: dict[str, Any]) -> str:
    """The document as JSON text: one practice per line, ending in a newline.

    (One line per practice reads and diffs well and keeps to ``json``'s C encoder;
    ``indent=`` would switch to the pure-Python one, several times slower.)
    """
    parts = []
    for key, value in document.items():
        if isinstance(value, list):
            lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in value)
            parts.append(f"{json.dumps(key)}: [\n{lines}\n]" if value else f"{json.dumps(key)}: []")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{" + ",\n".join(parts) + "}\n"


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
    tables = {
        "practices.csv": _csv_text(PRACTICE_COLUMNS, practices),
        "reflections.csv": _csv_text(REFLECTION_COLUMNS, reflections),
        "checkins.csv": _csv_text(CHECKIN_COLUMNS, checkins),
    }
    if "measures" in document:
        measures = document["measures"]
        count = max([MEASURE_ITEM_COLUMNS, *(len(m["answers"]) for m in measures)])
        items = [f"item_{n}" for n in range(1, count + 1)]
        tables["measures.csv"] = _csv_text(MEASURE_COLUMNS + items, [
            {**m, **{f"item_{n}": a for n, a in enumerate(m["answers"], 1)}}
            for m in measures])
    maps: list[dict[str, Any]] = []
    for record in document.get("body_maps", []):
        name = f"body_maps/map-{record['id']}.csv"
        text = _embody_text(record)
        if text is not None:
            tables[name] = text
        maps.append({**record, "body_map": record["id"], "file": name if text else ""})
    if "body_maps" in document:
        tables["body_maps.csv"] = _csv_text(BODY_MAP_COLUMNS, maps)
    return tables


def _embody_text(record: dict[str, Any]) -> str | None:
    """A stored body map's painting in the emBODY CSV format, or None if it is damaged."""
    from mit_desktop.bodymap.embody_csv import embody_from_body_map, format_embody_csv
    from mit_desktop.bodymap.serialize import BodyMapFormatError, from_bytes

    try:
        body_map = from_bytes(base64.b64decode(record["data_base64"]))
        return format_embody_csv(embody_from_body_map(body_map))
    except (BodyMapFormatError, ValueError) as exc:
        log.warning("body map %s left out of the CSV export: %s", record["id"], exc)
        return None


def _zip_bytes(tables: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in tables.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o600 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def export(store: HistoryStore, profile_id: int, fmt: str, out: Path,
           sessions: Mapping[str, SessionFacts] | None = None, *,
           body_maps: bool = True, scorer: Scorer | None = None) -> list[Path]:
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
    document = collect(store, profile_id, sessions, body_maps=body_maps, scorer=scorer)
    try:
        written = _write(document, fmt, out)
    except OSError as exc:  # name the file asked for, not the temporary one
        from mit_desktop.fsutil import disk_message

        raise ExportError(disk_message(exc, out)) from exc
    log.info("exported profile %s as %s", profile_id, fmt)  # the file name may hold a name
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
            private_folder((out / name).parent)
            atomic_write_text(out / name, text)
            written.append(out / name)
    return written
