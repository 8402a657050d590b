# Over 400 lines: one file format: export, validation and import of a bundle, whose checks mirror each other.
"""Practice bundles: a caregiver's practice carried, as one file, into the therapist's copy.

``mit-desktop history export --bundle -o FILE`` (and History → "Bundle for my therapist…")
writes one ``.mitbundle`` file: a zip holding exactly two members,

- ``manifest.json``: ``{"format": "mit-desktop-practice-bundle", "version": 1,
  "created_ms", "data_sha256", "data_bytes", "counts": {kind: n}}``;
- ``data.json``: ``{"source": {"id", "name", "kind"}, "period": {"first", "last"} (ISO
  local days or null), "practices": [...], "body_maps": [...], "measures": [...],
  "safety_events": [...]}``, every record with its ``uid`` (its number in the client's
  history) and times in integer epoch ms with the UTC offset they were recorded in.

Practices carry their check-ins and reflections; body maps their picture (base64 of the
stored ``MITBMAP-1`` bytes). Practices still in progress are left out (they are not
finished yet; the next bundle carries them).

``mit-desktop history import FILE --profile NAME`` reads it into that profile (made as a
client profile if there is none) in one transaction: every row it adds is recorded in
``bundle_imports`` with where it came from, so the same bundle imported twice changes
nothing, a newer bundle adds only what is new, and nothing already imported is ever
changed. A bundle from another client into a profile that already holds data is refused
with :class:`OtherClientError` until the caller confirms (``allow_other_client=True``).

A damaged, truncated, wrong-version or hostile bundle is refused with
:class:`BundleError` before anything is written: members other than the two (paths
with ``..``, absolute paths), members larger than :data:`MAX_DATA_BYTES` (a zip bomb is
read no further than that), a checksum that does not match, JSON nested deeper than
:data:`MAX_DEPTH`, more than :data:`MAX_RECORDS` records, an unknown or missing field,
a value of the wrong type or out of range, and text a spreadsheet would run as a
formula (``=HYPERLINK(…``, ``@SUM(…``, ``-cmd|…``).

Optionally protected by a passphrase (``passphrase=``): the whole file is then sealed
by :mod:`.bundle_lock` (scrypt and AES-256-GCM from the ``cryptography`` library) and
nothing of it, not even the manifest, can be read without the passphrase. Either way the
file is written readable by the user only (0600). A wrong passphrase is refused with
:class:`~.bundle_lock.WrongPassphraseError` before anything is read or written.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mit_desktop.fsutil import atomic_write_bytes
from mit_desktop.history import bundle_lock
from mit_desktop.history.base import MAX_TEXT_CHARS
from mit_desktop.history.errors import HistoryError, InvalidInputError
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import local_day

log = logging.getLogger(__name__)

FORMAT = "mit-desktop-practice-bundle"
VERSION = 1
SUFFIX = ".mitbundle"
MANIFEST = "manifest.json"
DATA = "data.json"
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_DATA_BYTES = 256 * 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024
MAX_DEPTH = 8
MAX_RECORDS = 200_000
MAX_BODY_MAP_BYTES = 4 * 1024 * 1024
KINDS = ("practice", "check_in", "reflection", "body_map", "measure", "safety_event")
_UID_RE = re.compile(r"^[A-Za-z0-9_:.-]{1,80}$")
_SOURCE_RE = re.compile(r"^[0-9a-f]{8,64}$")
# a spreadsheet formula or DDE call: = + - @ then a name and "(", "|" or "!"
_FORMULA_RE = re.compile(r"^[\s]*[=+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*[(|!]")


class BundleError(HistoryError):
    """The bundle cannot be read or is refused; nothing was written. ``str()`` says why."""


class OtherClientError(HistoryError):
    """The profile already holds someone else's data; import only after the user confirms."""

    def __init__(self, profile_name: str, bundle_name: str) -> None:
        super().__init__(
            f"The profile {profile_name!r} already holds practice that did not come from "
            f"{bundle_name!r}'s bundles. Import into it anyway only if it is the same person "
            "(or choose another profile).")
        self.profile_name = profile_name
        self.bundle_name = bundle_name


@dataclass(frozen=True)
class ImportResult:
    """What an import added (by kind) and how many records were already there."""

    profile_id: int
    added: dict[str, int] = field(default_factory=dict)
    already_there: int = 0

    @property
    def added_total(self) -> int:
        return sum(self.added.values())


# ------------------------------------------------------------------------------ export


def source_id(store: HistoryStore, profile_id: int) -> str:
    """The client's profile as bundles name it: stable for the profile's life (its
    creation moment and number in this history), never its name."""
    profile = store.get_profile(profile_id)
    digest = hashlib.sha256(f"{profile.created_ms}:{profile.id}:{profile.kind}".encode())
    return digest.hexdigest()[:32]


def _in_period(ms: int, offset: int, boundary: int, first: dt.date | None,
               last: dt.date | None) -> bool:
    day = local_day(ms, offset, boundary)
    return (first is None or day >= first) and (last is None or day <= last)


def collect_bundle(store: HistoryStore, profile_id: int, first: dt.date | None = None,
                   last: dt.date | None = None) -> dict[str, Any]:
    """The bundle's ``data.json`` document for the local days ``first``…``last`` (None:
    unbounded), in one read transaction."""
    conn = store.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        return _collect(store, profile_id, first, last)
    finally:
        if own:
            conn.execute("COMMIT")


def _collect(store: HistoryStore, profile_id: int, first: dt.date | None,
             last: dt.date | None) -> dict[str, Any]:
    profile = store.get_profile(profile_id)
    boundary = store.settings(profile_id).day_boundary_min
    conn = store.conn
    practices: dict[int, dict[str, Any]] = {}
    for row in conn.execute(
            "SELECT id, session_id, session_hash, mode, source, status, started_ms, "
            "utc_offset_min, ended_ms, position_ms, listened_ms FROM practices "
            "WHERE profile_id = ? AND status != 'in_progress' ORDER BY started_ms, id",
            (profile_id,)):
        (pid, session_id, session_hash, mode, source, status, started_ms, offset, ended_ms,
         position_ms, listened_ms) = row
        if not _in_period(started_ms, offset, boundary, first, last):
            continue
        practices[pid] = {
            "uid": str(pid), "session_id": session_id, "session_hash": session_hash,
            "mode": mode, "source": source, "status": status, "started_ms": started_ms,
            "utc_offset_min": offset, "ended_ms": ended_ms, "position_ms": position_ms,
            "listened_ms": listened_ms, "check_ins": [], "reflections": []}
    for pid, phase, recorded_ms, mood, stress in conn.execute(
            "SELECT c.practice_id, c.phase, c.recorded_ms, c.mood, c.stress FROM check_ins c "
            "JOIN practices p ON p.id = c.practice_id WHERE p.profile_id = ? ORDER BY c.id",
            (profile_id,)):
        if pid in practices:
            practices[pid]["check_ins"].append({"phase": phase, "recorded_ms": recorded_ms,
                                                "mood": mood, "stress": stress})
    for pid, key, prompt, note, rating, map_id, saved_ms in conn.execute(
            "SELECT r.practice_id, r.reflection_key, r.prompt, r.note, r.rating, r.body_map_id, "
            "r.saved_ms FROM reflections r JOIN practices p ON p.id = r.practice_id "
            "WHERE p.profile_id = ? ORDER BY r.id", (profile_id,)):
        if pid in practices:
            practices[pid]["reflections"].append({
                "key": key, "prompt": prompt, "note": note, "rating": rating,
                "body_map_uid": None if map_id is None else str(map_id), "saved_ms": saved_ms})
    body_maps = []
    for map_id, pid, created_ms, offset, emotion, intensity, data in conn.execute(
            "SELECT id, practice_id, created_ms, utc_offset_min, emotion, intensity, data "
            "FROM body_maps WHERE profile_id = ? ORDER BY created_ms, id", (profile_id,)):
        if not _in_period(created_ms, offset, boundary, first, last):
            continue
        body_maps.append({"uid": str(map_id),
                          "practice_uid": str(pid) if pid in practices else None,
                          "created_ms": created_ms, "utc_offset_min": offset,
                          "emotion": emotion, "intensity": intensity,
                          "data_base64": base64.b64encode(data).decode("ascii")})
    measures = [{"uid": str(m.id), "instrument": m.instrument, "recorded_ms": m.recorded_ms,
                 "utc_offset_min": m.utc_offset_min, "answers": list(m.answers),
                 "follow_up": m.follow_up, "occasion": m.occasion}
                for m in store.measure_responses(profile_id)
                if _in_period(m.recorded_ms, m.utc_offset_min, boundary, first, last)]
    events = [{"uid": str(e.id),
               "practice_uid": str(e.practice_id) if e.practice_id in practices else None,
               "kind": e.kind, "recorded_ms": e.recorded_ms, "utc_offset_min": e.utc_offset_min,
               "session_id": e.session_id, "section": e.section, "position_ms": e.position_ms,
               "grounding_used": e.grounding_used, "detail": e.detail}
              for e in store.safety_events(profile_id)
              if _in_period(e.recorded_ms, e.utc_offset_min, boundary, first, last)]
    return {"source": {"id": source_id(store, profile_id), "name": profile.name,
                       "kind": profile.kind},
            "period": {"first": first.isoformat() if first else None,
                       "last": last.isoformat() if last else None},
            "practices": list(practices.values()), "body_maps": body_maps,
            "measures": measures, "safety_events": events}


def _counts(document: dict[str, Any]) -> dict[str, int]:
    practices = document["practices"]
    return {"practice": len(practices),
            "check_in": sum(len(p["check_ins"]) for p in practices),
            "reflection": sum(len(p["reflections"]) for p in practices),
            "body_map": len(document["body_maps"]), "measure": len(document["measures"]),
            "safety_event": len(document["safety_events"])}


def bundle_bytes(document: dict[str, Any], created_ms: int) -> bytes:
    """The bundle file's bytes for a ``data.json`` document."""
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    manifest = {"format": FORMAT, "version": VERSION, "created_ms": created_ms,
                "data_sha256": hashlib.sha256(data).hexdigest(), "data_bytes": len(data),
                "counts": _counts(document)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in ((MANIFEST, json.dumps(manifest, indent=1).encode("utf-8")),
                              (DATA, data)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o600 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, payload)
    return buffer.getvalue()


def export_bundle(store: HistoryStore, profile_id: int, out: Path,
                  first: dt.date | None = None, last: dt.date | None = None, *,
                  passphrase: str | None = None) -> dict[str, int]:
    """Write the profile's bundle to ``out`` (atomically, 0600); return its counts.
    With ``passphrase`` the file is protected by it (:mod:`.bundle_lock`; at least
    :data:`~.bundle_lock.MIN_PASSPHRASE_CHARS` characters, checked before anything is
    read or written)."""
    out = Path(out)
    if passphrase is not None:
        bundle_lock.check_passphrase(passphrase)
    if not out.parent.is_dir():
        raise InvalidInputError(f"The folder {out.parent} does not exist.")
    if out.is_dir():
        raise InvalidInputError(f"{out} is a folder; give a file name such as "
                                f"practice{SUFFIX}.")
    if first is not None and last is not None and last < first:
        raise InvalidInputError("The end of the bundle's dates cannot be before its start.")
    document = collect_bundle(store, profile_id, first, last)
    payload = bundle_bytes(document, store.clock())
    if passphrase is not None:
        payload = bundle_lock.lock(payload, passphrase)
    try:
        atomic_write_bytes(out, payload)
    except OSError as exc:
        from mit_desktop.fsutil import disk_message

        raise BundleError(disk_message(exc, out)) from exc
    log.info("practice bundle written")
    return _counts(document)


# ------------------------------------------------------------------------------ reading


def _refuse(why: str) -> BundleError:
    return BundleError(f"This file cannot be imported: {why}. Nothing was changed.")


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise _refuse(f"its {name} is too large ({info.file_size} bytes)")
    with archive.open(info) as stream:
        payload = stream.read(limit + 1)
    if len(payload) > limit:
        raise _refuse(f"its {name} is larger than it says")
    return payload


def _depth(value: Any, limit: int) -> int:
    """The nesting depth of a parsed JSON value (iterative: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _loads(payload: bytes, name: str) -> Any:
    # the nesting is counted on the text first: json's parser recurses, and a file of a
    # million "[" would exhaust the stack before any check could run
    text = payload.decode("utf-8", errors="strict")
    depth = level = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            depth = max(depth, level)
            if depth > MAX_DEPTH:
                raise _refuse(f"its {name} is nested too deeply")
        elif char in "]}":
            level -= 1
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _refuse(f"its {name} is not valid ({exc})") from None


def is_protected(path: Path) -> bool:
    """True when the file at ``path`` is a passphrase-protected bundle (False when it is
    not, or cannot be read: reading it then says why)."""
    try:
        with open(path, "rb") as stream:
            return bundle_lock.is_locked(stream.read(len(bundle_lock.MAGIC)))
    except OSError:
        return False


def read_bundle(path: Path, passphrase: str | None = None
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(manifest, data)`` of a bundle file, checked (see the module docstring);
    :class:`BundleError` otherwise. A protected bundle needs its ``passphrase``
    (:class:`~.bundle_lock.PassphraseNeededError`, :class:`~.bundle_lock.WrongPassphraseError`)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BundleError(f"The bundle {path} cannot be read: "
                          f"{exc.strerror or exc}.") from None
    if size > MAX_FILE_BYTES:
        raise _refuse(f"it is too large ({size // (1024 * 1024)} MB)")
    source: Path | io.BytesIO = path
    if is_protected(path):
        try:
            locked = path.read_bytes()
        except OSError as exc:
            raise BundleError(f"The bundle {path} cannot be read: "
                              f"{exc.strerror or exc}.") from None
        source = io.BytesIO(bundle_lock.unlock(locked, passphrase))
    try:
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            if sorted(names) != sorted([MANIFEST, DATA]) or len(names) != 2:
                odd = [n for n in names if n not in (MANIFEST, DATA)]
                raise _refuse("it is not a practice bundle (it holds "
                              f"{', '.join(repr(n) for n in odd[:3]) or 'too few files'})")
            manifest_bytes = _read_member(archive, MANIFEST, MAX_MANIFEST_BYTES)
            data_bytes = _read_member(archive, DATA, MAX_DATA_BYTES)
    except zipfile.BadZipFile as exc:
        raise _refuse(f"it is damaged or not a practice bundle ({exc})") from None
    except (EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise _refuse(f"it is damaged ({exc})") from None
    except UnicodeDecodeError:
        raise _refuse("it is damaged (not text)") from None
    try:
        manifest = _loads(manifest_bytes, MANIFEST)
    except UnicodeDecodeError:
        raise _refuse("its manifest is not text") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse("it is not a practice bundle")
    if manifest.get("version") != VERSION:
        raise _refuse(f"it was made by another version of MIT Desktop (bundle version "
                      f"{manifest.get('version')!r}; this one reads version {VERSION})")
    if manifest.get("data_sha256") != hashlib.sha256(data_bytes).hexdigest() or \
            manifest.get("data_bytes") != len(data_bytes):
        raise _refuse("it is damaged or was changed after it was made (its checksum does not "
                      "match)")
    try:
        data = _loads(data_bytes, DATA)
    except UnicodeDecodeError:
        raise _refuse("its data is not text") from None
    _check_document(data)
    return manifest, data


# ------------------------------------------------------------------------------ checking

_INT = (int,)


def _int(value: Any, where: str, low: int = 0, high: int = 2**53, *, null: bool = False) -> None:
    if value is None and null:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _refuse(f"{where} is not a whole number from {low} to {high}")


def _text(value: Any, where: str, *, null: bool = False, limit: int = MAX_TEXT_CHARS) -> None:
    if value is None and null:
        return
    if not isinstance(value, str) or len(value) > limit:
        raise _refuse(f"{where} is not text of at most {limit} characters")
    if _FORMULA_RE.match(value):
        raise _refuse(f"{where} holds a spreadsheet formula")


def _keys(record: Any, where: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise _refuse(f"{where} is not a record")
    if set(record) != keys:
        extra = sorted(set(record) - keys)
        missing = sorted(keys - set(record))
        raise _refuse(f"{where} has " + (f"an unknown field {extra[0]!r}" if extra
                                          else f"no field {missing[0]!r}"))
    return record


def _uid(value: Any, where: str, *, null: bool = False) -> None:
    if value is None and null:
        return
    if not isinstance(value, str) or not _UID_RE.match(value):
        raise _refuse(f"{where} has a bad record number")


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _refuse(f"{where} is not a list")
    return value


def _check_document(data: Any) -> None:
    document = _keys(data, "the bundle", {"source", "period", "practices", "body_maps",
                                          "measures", "safety_events"})
    source = _keys(document["source"], "the bundle's source", {"id", "name", "kind"})
    if not isinstance(source["id"], str) or not _SOURCE_RE.match(source["id"]):
        raise _refuse("the bundle does not say whose practice it is")
    _text(source["name"], "the client's name", limit=200)
    if source["kind"] not in ("caregiver", "client"):
        raise _refuse("the bundle's source is of an unknown kind")
    period = _keys(document["period"], "the bundle's dates", {"first", "last"})
    for key in ("first", "last"):
        if period[key] is not None:
            try:
                dt.date.fromisoformat(str(period[key]))
            except ValueError:
                raise _refuse("the bundle's dates are not dates") from None
    lists = {k: _list(document[k], k) for k in ("practices", "body_maps", "measures",
                                                "safety_events")}
    total = sum(len(v) for v in lists.values())
    for i, practice in enumerate(lists["practices"], 1):
        where = f"practice {i}"
        p = _keys(practice, where, {"uid", "session_id", "session_hash", "mode", "source",
                                    "status", "started_ms", "utc_offset_min", "ended_ms",
                                    "position_ms", "listened_ms", "check_ins", "reflections"})
        _uid(p["uid"], where)
        _text(p["session_id"], where, limit=500)
        _text(p["session_hash"], where, limit=200)
        if p["mode"] not in ("hands-free", "interactive") or p["source"] not in (
                "player", "manual") or p["status"] not in ("completed", "partial"):
            raise _refuse(f"{where} has an unknown mode, source or status")
        _int(p["started_ms"], where)
        _int(p["utc_offset_min"], where, -24 * 60, 24 * 60)
        _int(p["ended_ms"], where, null=True)
        _int(p["position_ms"], where)
        _int(p["listened_ms"], where)
        phases = set()
        for c in _list(p["check_ins"], where):
            _keys(c, f"a check-in of {where}", {"phase", "recorded_ms", "mood", "stress"})
            if c["phase"] not in ("before", "after") or c["phase"] in phases:
                raise _refuse(f"a check-in of {where} has a bad phase")
            phases.add(c["phase"])
            _int(c["recorded_ms"], where)
            _int(c["mood"], where, 0, 10, null=True)
            _int(c["stress"], where, 0, 10, null=True)
        keys = set()
        for r in _list(p["reflections"], where):
            _keys(r, f"a reflection of {where}", {"key", "prompt", "note", "rating",
                                                  "body_map_uid", "saved_ms"})
            _text(r["key"], where, limit=200)
            if r["key"] in keys or not r["key"]:
                raise _refuse(f"{where} has a reflection twice")
            keys.add(r["key"])
            _text(r["prompt"], where)
            _text(r["note"], where)
            _int(r["rating"], where, 0, 10, null=True)
            _uid(r["body_map_uid"], where, null=True)
            _int(r["saved_ms"], where)
        total += len(p["check_ins"]) + len(p["reflections"])
    if total > MAX_RECORDS:
        raise _refuse(f"it holds too many records ({total})")
    for i, m in enumerate(lists["body_maps"], 1):
        where = f"body map {i}"
        _keys(m, where, {"uid", "practice_uid", "created_ms", "utc_offset_min", "emotion",
                         "intensity", "data_base64"})
        _uid(m["uid"], where)
        _uid(m["practice_uid"], where, null=True)
        _int(m["created_ms"], where)
        _int(m["utc_offset_min"], where, -24 * 60, 24 * 60)
        _text(m["emotion"], where, null=True, limit=100)
        _int(m["intensity"], where, 0, 10, null=True)
        if not isinstance(m["data_base64"], str) or \
                len(m["data_base64"]) > MAX_BODY_MAP_BYTES * 4 // 3 + 4:
            raise _refuse(f"{where} is too large")
    for i, m in enumerate(lists["measures"], 1):
        where = f"questionnaire {i}"
        _keys(m, where, {"uid", "instrument", "recorded_ms", "utc_offset_min", "answers",
                         "follow_up", "occasion"})
        _uid(m["uid"], where)
        if not isinstance(m["instrument"], str) or not re.match(r"^[a-z0-9_]{1,32}$",
                                                                m["instrument"]):
            raise _refuse(f"{where} names no questionnaire")
        _int(m["recorded_ms"], where)
        _int(m["utc_offset_min"], where, -24 * 60, 24 * 60)
        answers = _list(m["answers"], where)
        if not 1 <= len(answers) <= 50:
            raise _refuse(f"{where} has a wrong number of answers")
        for a in answers:
            _int(a, where, 0, 10, null=True)
        _int(m["follow_up"], where, 0, 10, null=True)
        if m["occasion"] not in ("", "start", "weekly", "end"):
            raise _refuse(f"{where} has an unknown occasion")
    for i, e in enumerate(lists["safety_events"], 1):
        where = f"safety event {i}"
        _keys(e, where, {"uid", "practice_uid", "kind", "recorded_ms", "utc_offset_min",
                         "session_id", "section", "position_ms", "grounding_used", "detail"})
        _uid(e["uid"], where)
        _uid(e["practice_uid"], where, null=True)
        if e["kind"] not in ("need_to_stop", "support_offered"):
            raise _refuse(f"{where} is of an unknown kind")
        _int(e["recorded_ms"], where)
        _int(e["utc_offset_min"], where, -24 * 60, 24 * 60)
        _text(e["session_id"], where, limit=500)
        _text(e["section"], where, limit=500)
        _int(e["position_ms"], where, null=True)
        if e["grounding_used"] not in (None, True, False):
            raise _refuse(f"{where} has a bad answer about grounding")
        if not isinstance(e["detail"], dict) or len(json.dumps(e["detail"])) > 4000:
            raise _refuse(f"{where} has bad details")
        for value in e["detail"].values():
            if isinstance(value, str):
                _text(value, where, limit=500)
            elif isinstance(value, list):
                for item in value:
                    _text(item, where, limit=100)
            elif not (value is None or isinstance(value, (int, float))):
                raise _refuse(f"{where} has bad details")


# ------------------------------------------------------------------------------ import


def import_bundle(store: HistoryStore, path: Path, profile_name: str, *,
                  allow_other_client: bool = False,
                  passphrase: str | None = None) -> ImportResult:
    """Read the bundle at ``path`` into the profile ``profile_name`` (made as a client
    profile if there is none); see the module docstring. All or nothing; a protected
    bundle is opened with ``passphrase`` before anything is written."""
    _manifest, data = read_bundle(path, passphrase)
    source = data["source"]["id"]
    with store.transaction():
        try:
            profile = store.profile_by_name(profile_name)
            profile_id = profile.id
        except InvalidInputError:
            profile_id = store.create_profile(profile_name, "client")
            profile = store.get_profile(profile_id)
        known = _known(store, profile_id, source)
        if not known and not allow_other_client and _holds_data(store, profile_id):
            raise OtherClientError(profile.name, data["source"]["name"])
        result = _write(store, profile_id, source, data, known)
    log.info("practice bundle imported: %d records added, %d already there",
             result.added_total, result.already_there)
    return result


def _known(store: HistoryStore, profile_id: int, source: str) -> dict[tuple[str, str], int]:
    return {(kind, uid): local for kind, uid, local in store.conn.execute(
        "SELECT kind, uid, local_id FROM bundle_imports WHERE profile_id = ? AND source = ?",
        (profile_id, source))}


def _holds_data(store: HistoryStore, profile_id: int) -> bool:
    conn = store.conn
    return any(conn.execute(f"SELECT 1 FROM {table} WHERE profile_id = ? LIMIT 1",
                            (profile_id,)).fetchone()
               for table in ("practices", "body_maps", "measure_responses", "safety_events"))


def imported_sources(store: HistoryStore, profile_id: int) -> list[str]:
    """The bundle sources whose records this profile holds (empty: none imported)."""
    return [row[0] for row in store.conn.execute(
        "SELECT DISTINCT source FROM bundle_imports WHERE profile_id = ? ORDER BY source",
        (profile_id,))]


def is_therapist_copy(store: HistoryStore, profile_id: int) -> bool:
    """True when the profile is a therapist's read-only copy of a client's practice: a
    client profile holding records imported from practice bundles. Nothing new is recorded
    in it, its records change only by importing a newer bundle, and the window neither
    edits nor deletes them. (A caregiver's own profile into which they imported their own
    bundle, on a new computer, is not a copy: only its imported rows are read-only.)"""
    return store.conn.execute(
        "SELECT 1 FROM profiles WHERE id = ? AND kind = 'client' AND EXISTS "
        "(SELECT 1 FROM bundle_imports WHERE profile_id = ?)",
        (profile_id, profile_id)).fetchone() is not None


def is_imported(store: HistoryStore, profile_id: int, kind: str, local_id: int) -> bool:
    """True when that row came from a bundle (the therapist's copy: read-only)."""
    return store.conn.execute(
        "SELECT 1 FROM bundle_imports WHERE profile_id = ? AND kind = ? AND local_id = ?",
        (profile_id, kind, local_id)).fetchone() is not None


def _write(store: HistoryStore, profile_id: int, source: str, data: dict[str, Any],
           known: dict[tuple[str, str], int]) -> ImportResult:
    conn = store.conn
    now = store.clock()
    added = {kind: 0 for kind in KINDS}
    skipped = 0

    def remember(kind: str, uid: str, local_id: int) -> None:
        conn.execute("INSERT INTO bundle_imports (profile_id, source, kind, uid, local_id, "
                     "imported_ms) VALUES (?, ?, ?, ?, ?, ?)",
                     (profile_id, source, kind, uid, local_id, now))
        known[(kind, uid)] = local_id
        added[kind] += 1

    for m in data["body_maps"]:  # first: reflections point at them
        if ("body_map", m["uid"]) in known:
            skipped += 1
            continue
        try:
            blob = base64.b64decode(m["data_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise _refuse("a body map's picture is damaged") from None
        cursor = conn.execute(
            "INSERT INTO body_maps (profile_id, practice_id, created_ms, utc_offset_min, "
            "emotion, intensity, data) VALUES (?, NULL, ?, ?, ?, ?, ?)",
            (profile_id, m["created_ms"], m["utc_offset_min"], m["emotion"], m["intensity"],
             blob))
        remember("body_map", m["uid"], int(cursor.lastrowid or 0))
    for p in data["practices"]:
        key = ("practice", p["uid"])
        if key in known:
            skipped += 1
            practice_id = known[key]
        else:
            cursor = conn.execute(
                "INSERT INTO practices (profile_id, session_id, session_hash, mode, source, "
                "status, started_ms, utc_offset_min, ended_ms, checkpoint_ms, position_ms, "
                "listened_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (profile_id, p["session_id"], p["session_hash"], p["mode"], p["source"],
                 p["status"], p["started_ms"], p["utc_offset_min"], p["ended_ms"],
                 p["ended_ms"], p["position_ms"], p["listened_ms"]))
            practice_id = int(cursor.lastrowid or 0)
            remember("practice", p["uid"], practice_id)
        for c in p["check_ins"]:
            uid = f"{p['uid']}:{c['phase']}"
            if ("check_in", uid) in known:
                skipped += 1
                continue
            cursor = conn.execute(
                "INSERT OR IGNORE INTO check_ins (practice_id, phase, recorded_ms, mood, stress) "
                "VALUES (?, ?, ?, ?, ?)",
                (practice_id, c["phase"], c["recorded_ms"], c["mood"], c["stress"]))
            if cursor.rowcount:
                remember("check_in", uid, int(cursor.lastrowid or 0))
        for r in p["reflections"]:
            uid = f"{p['uid']}:{r['key']}"
            if ("reflection", uid) in known:
                skipped += 1
                continue
            map_id = known.get(("body_map", r["body_map_uid"])) if r["body_map_uid"] else None
            cursor = conn.execute(
                "INSERT OR IGNORE INTO reflections (practice_id, reflection_key, prompt, note, "
                "rating, body_map_id, saved_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (practice_id, r["key"], r["prompt"], r["note"], r["rating"], map_id,
                 r["saved_ms"]))
            if cursor.rowcount:
                remember("reflection", uid, int(cursor.lastrowid or 0))
    for m in data["body_maps"]:  # link each new map to its practice
        practice = known.get(("practice", m["practice_uid"])) if m["practice_uid"] else None
        if practice is not None:
            conn.execute("UPDATE body_maps SET practice_id = ? WHERE id = ? AND practice_id "
                         "IS NULL", (practice, known[("body_map", m["uid"])]))
    for m in data["measures"]:
        if ("measure", m["uid"]) in known:
            skipped += 1
            continue
        cursor = conn.execute(
            "INSERT INTO measure_responses (profile_id, instrument, recorded_ms, utc_offset_min, "
            "answers, follow_up, occasion) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (profile_id, m["instrument"], m["recorded_ms"], m["utc_offset_min"],
             json.dumps(m["answers"]), m["follow_up"], m["occasion"]))
        remember("measure", m["uid"], int(cursor.lastrowid or 0))
    for e in data["safety_events"]:
        if ("safety_event", e["uid"]) in known:
            skipped += 1
            continue
        practice = known.get(("practice", e["practice_uid"])) if e["practice_uid"] else None
        cursor = conn.execute(
            "INSERT INTO safety_events (profile_id, practice_id, kind, recorded_ms, "
            "utc_offset_min, session_id, section, position_ms, grounding_used, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (profile_id, practice, e["kind"], e["recorded_ms"], e["utc_offset_min"],
             e["session_id"], e["section"], e["position_ms"],
             None if e["grounding_used"] is None else int(e["grounding_used"]),
             json.dumps(e["detail"])))
        remember("safety_event", e["uid"], int(cursor.lastrowid or 0))
    return ImportResult(profile_id, {k: v for k, v in added.items() if v}, skipped)
