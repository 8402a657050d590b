# Over 400 lines: one file format (write, validate, read) whose checks mirror each other.
"""Share one of the user's own sessions as ONE file, and take such a file into the library.

A share file is a zip archive holding exactly:

* ``manifest.json``: ``{"format": "mit-desktop-session", "format_version": 1, "session_id",
  "title", "script": "session.session.md", "members": [{"name", "size", "sha256"}, ...]}``;
* ``session.session.md``: the script, its clip paths rewritten to ``recordings/NAME``;
* ``recordings/NAME``: every recording the script plays, and the transcript beside each
  (``.srt``/``.vtt``/``.txt``, same stem) when there is one.

Export (:func:`export_session`) writes the file atomically (a crash leaves no half file).
Import (:func:`import_bundle`) checks everything before it writes anything: the format and its
version, each name (no folders other than ``recordings/``, no ``..``, no absolute names, no
links), the number of members and their total size (so a "zip bomb" cannot fill the disk), each
member's SHA-256 against the manifest, and the script with the session parser. Only then are the
files laid out in a hidden folder inside the user's sessions folder, moved into place by rename,
and the script written last. A session id already in the library is never overwritten: the
import takes a new id (``ID-2``, ``ID-3``...) and a title ending in "(shared copy)".
Every refusal is a :class:`BundleError` whose message a user can act on. Qt-free.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from mit_desktop.fsutil import atomic_path, atomic_writer, fsync_folder, private_folder
from mit_desktop.session.directives import split_clip
from mit_desktop.session.errors import SessionError
from mit_desktop.session.model import Clip, Session
from mit_desktop.session.parser import parse_session, parse_text
from mit_desktop.session.transcript import transcript_beside

log = logging.getLogger(__name__)

FORMAT = "mit-desktop-session"
FORMAT_VERSION = 1
SHARE_SUFFIX = ".mitsession"
MANIFEST_NAME = "manifest.json"
SCRIPT_NAME = "session.session.md"
RECORDINGS = "recordings"

MAX_MEMBERS = 200
MAX_TOTAL_BYTES = 4 * 1024**3  # 4 GiB uncompressed: hours of uncompressed WAV
MAX_MANIFEST_BYTES = 1024**2
MAX_SCRIPT_BYTES = 4 * 1024**2
MAX_ID_CHARS = 80
_CHUNK_BYTES = 1024**2
_PACKED_AUDIO = {".mp3", ".ogg", ".oga", ".opus", ".flac", ".m4a", ".aac"}  # stored as they are
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")
_ID_LINE = re.compile(r"^id\s*=.*$", re.M)
_TITLE_LINE = re.compile(r"^title\s*=.*$", re.M)

_DAMAGED = ("This share file is damaged (it may not have been copied completely). "
            "Ask for the file again.")


class Token(Protocol):
    """A cancel flag (the GUI's CancelToken): ``check()`` raises when the user cancelled."""

    def check(self) -> None: ...


class BundleError(Exception):
    """The session could not be shared or taken in; the message says why in plain words."""


@dataclass(frozen=True)
class ImportResult:
    """What an import put in the library: the script, the session's id and title, and whether
    the id was changed because the library already had one like it."""

    path: Path
    session_id: str
    title: str
    renamed_from: str | None


# -- export --------------------------------------------------------------------------------------


def _safe_member_name(name: str, taken: set[str]) -> str:
    """``name`` made into a safe, unused file name (letters, digits, ``.``, ``_``, ``-``)."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")[:80] or "recording"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:10]
    candidate = f"{stem}.{suffix}" if suffix else stem
    number = 2
    while candidate.lower() in taken:
        candidate = f"{stem}-{number}.{suffix}" if suffix else f"{stem}-{number}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def _rewrite_clip_lines(text: str, clips: list[Clip], new_paths: dict[Path, str]) -> str:
    """``text`` with the path of each clip directive replaced by ``new_paths[clip.path]``."""
    lines = text.split("\n")
    for clip in clips:
        index = clip.line - 1
        match = re.match(r"^(?P<lead>\s*\[clip\s+)(?P<rest>.*?)(?P<tail>\]\s*)$", lines[index])
        if match is None:
            raise BundleError(f"Line {clip.line} of this practice could not be prepared for "
                              "sharing; write the clip on a line of its own.")
        rest = match.group("rest")
        path_text, _times = split_clip(rest)
        start = rest.find(path_text)
        rest = rest[:start] + new_paths[clip.path] + rest[start + len(path_text):]
        lines[index] = match.group("lead") + rest + match.group("tail")
    return "\n".join(lines)


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def export_session(script: Path, out: Path, token: Token | None = None) -> Path:
    """Write the session at ``script`` with every recording (and transcript) it plays to the
    share file ``out``, atomically. Returns ``out``. BundleError if the session does not parse,
    a recording cannot be read, or the file cannot be written. ``token.check()`` is called
    between chunks; whatever it raises propagates and ``out`` is left as it was."""
    script, out = Path(script), Path(out)
    try:
        session = parse_session(script)
    except SessionError as exc:
        raise BundleError(f"This practice has a problem and cannot be shared until it is "
                          f"fixed: {exc}") from None
    text = script.read_text(encoding="utf-8").removeprefix("\ufeff")
    clips = [c for c in session.cues if isinstance(c, Clip)]
    taken: set[str] = set()
    files: dict[str, Path] = {}  # member name -> source file
    new_paths: dict[Path, str] = {}
    for clip in clips:
        if clip.path in new_paths:
            continue
        name = _safe_member_name(clip.path.name, taken)
        new_paths[clip.path] = f"{RECORDINGS}/{name}"
        files[f"{RECORDINGS}/{name}"] = clip.path
        transcript = transcript_beside(clip.path)
        if transcript is not None:
            stem = name.rsplit(".", 1)[0]
            files[f"{RECORDINGS}/{stem}{transcript.suffix.lower()}"] = transcript
            taken.add(f"{stem}{transcript.suffix.lower()}".lower())
    script_bytes = _rewrite_clip_lines(text, clips, new_paths).encode("utf-8")
    members = [{"name": SCRIPT_NAME, "size": len(script_bytes),
                "sha256": hashlib.sha256(script_bytes).hexdigest()}]
    try:
        for name, source in files.items():
            digest, size = _sha256_file(source)
            members.append({"name": name, "size": size, "sha256": digest})
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION,
                    "session_id": session.id, "title": session.title,
                    "script": SCRIPT_NAME, "members": members}
        with atomic_path(out, 0o600) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(MANIFEST_NAME, json.dumps(manifest, indent=2, ensure_ascii=False))
                archive.writestr(SCRIPT_NAME, script_bytes)
                for name, source in files.items():
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_STORED if \
                        source.suffix.lower() in _PACKED_AUDIO else zipfile.ZIP_DEFLATED
                    info.external_attr = 0o600 << 16
                    with open(source, "rb") as src, archive.open(info, "w") as dst:
                        while chunk := src.read(_CHUNK_BYTES):
                            if token is not None:
                                token.check()
                            dst.write(chunk)
    except OSError as exc:
        from mit_desktop.fsutil import os_error_message

        raise BundleError(f"The practice could not be shared: {os_error_message(exc)}") from None
    log.info("shared %s with %d recording file(s)", session.id, len(files))
    return out


# -- import: checks before anything is written ---------------------------------------------------


def _check_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode) or info.is_dir():
        raise BundleError("This file holds a link or a folder where a recording should be, so "
                          "it was not taken in. Ask the sender to share the practice again "
                          "from MIT Desktop.")
    if name in (MANIFEST_NAME, SCRIPT_NAME):
        return
    folder, _slash, base = name.partition("/")
    if folder != RECORDINGS or not _SAFE_NAME.match(base) or ".." in base:
        raise BundleError("This file holds a file outside the practice (its name "
                          f"'{name[:80]}' is not allowed), so it was not taken in. "
                          "Ask the sender to share the practice again from MIT Desktop.")


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    data = bytearray()
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                data += chunk
                if len(data) > limit:
                    raise BundleError(_DAMAGED)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError):
        raise BundleError(_DAMAGED) from None
    return bytes(data)


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        info = archive.getinfo(MANIFEST_NAME)
    except KeyError:
        raise BundleError("This is not a practice shared from MIT Desktop (it has no list of "
                          "its contents).") from None
    try:
        manifest = json.loads(_read_limited(archive, info, MAX_MANIFEST_BYTES).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BundleError(_DAMAGED) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError("This is not a practice shared from MIT Desktop.")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise BundleError("This practice was shared from a newer MIT Desktop. Update MIT "
                              "Desktop on this computer, then take it in again.")
        raise BundleError("This share file is of a kind MIT Desktop does not know "
                          f"(version {str(version)[:20]}). Ask the sender to share it again.")
    members = manifest.get("members")
    if manifest.get("script") != SCRIPT_NAME or not isinstance(members, list):
        raise BundleError(_DAMAGED)
    for member in members:
        if not (isinstance(member, dict) and isinstance(member.get("name"), str)
                and isinstance(member.get("size"), int) and isinstance(member.get("sha256"), str)):
            raise BundleError(_DAMAGED)
    return manifest


def _stream_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int,
                   destination: Path | None, token: Token | None = None) -> str:
    """Read one member (at most ``size`` bytes, else damaged), optionally writing it to
    ``destination``; return its SHA-256."""
    digest = hashlib.sha256()
    count = 0
    out = open(destination, "xb") if destination is not None else None
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                if token is not None:
                    token.check()
                count += len(chunk)
                if count > size:
                    raise BundleError(_DAMAGED)
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
        if out is not None:
            out.flush()
            os.fsync(out.fileno())
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError):
        raise BundleError(_DAMAGED) from None
    finally:
        if out is not None:
            out.close()
    if count != size:
        raise BundleError(_DAMAGED)
    return digest.hexdigest()


def _checked_members(archive: zipfile.ZipFile, manifest: dict) -> list[tuple[zipfile.ZipInfo, dict]]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS + 1:
        raise BundleError(f"This file holds {len(infos):,} files; a shared practice may hold at "
                          f"most {MAX_MEMBERS}. It was not taken in.")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise BundleError(_DAMAGED)
    for info in infos:
        _check_name(info)
    listed = {m["name"]: m for m in manifest["members"]}
    if len(listed) != len(manifest["members"]) or set(listed) != set(names) - {MANIFEST_NAME} \
            or SCRIPT_NAME not in listed:
        raise BundleError(_DAMAGED)
    total = sum(max(0, m["size"]) for m in listed.values())
    declared = sum(info.file_size for info in infos)
    if max(total, declared) > MAX_TOTAL_BYTES:
        raise BundleError(f"This file would take {_size(max(total, declared))} once opened; a "
                          f"shared practice may take at most {_size(MAX_TOTAL_BYTES)}. It was "
                          "not taken in.")
    if listed[SCRIPT_NAME]["size"] > MAX_SCRIPT_BYTES:
        raise BundleError(_DAMAGED)
    return [(info, listed[info.filename]) for info in infos if info.filename != MANIFEST_NAME]


def _size(n_bytes: int) -> str:
    """``n_bytes`` in words: "3.2 GB" or "12 MB"."""
    if n_bytes >= 1024**3:
        return f"{n_bytes / 1024**3:.1f} GB"
    return f"{max(1, round(n_bytes / 1024**2)):,} MB"


def _taken_ids(sessions_folder: Path) -> set[str]:
    from mit_desktop.content.library import list_sessions

    entries, _errors = list_sessions()
    taken = {entry.id for entry in entries}
    taken |= {p.name.removesuffix(".session.md") for p in sessions_folder.glob("*.session.md")}
    taken |= {p.name for p in (sessions_folder / RECORDINGS).glob("*")}
    return taken


def _free_id(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    base = re.sub(r"-\d+$", "", wanted) or wanted
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _with_id_and_title(text: str, session_id: str, title: str | None) -> str:
    first = text.find("+++")
    second = text.find("+++", first + 3)
    head, body = text[:second], text[second:]
    head = _ID_LINE.sub(lambda _m: f'id = "{session_id}"', head, count=1)
    if title is not None:
        line = f"title = {json.dumps(title, ensure_ascii=False)}"
        head = _TITLE_LINE.sub(lambda _m: line, head, count=1)
    return head + body


STAGING_PREFIX = ".share-import."


def remove_stale_imports(sessions_folder: Path, older_than_s: float | None = None) -> list[Path]:
    """Remove staging folders (``.share-import.*.partial``) left in ``sessions_folder`` by an
    import that was killed, untouched for ``older_than_s`` seconds (default: the age
    :data:`mit_desktop.fsutil.STALE_PARTIAL_S` after which temporary files are removed).
    Never raises; returns what was removed."""
    import time

    from mit_desktop.fsutil import STALE_PARTIAL_S

    limit = time.time() - (STALE_PARTIAL_S if older_than_s is None else older_than_s)
    removed = []
    for folder in Path(sessions_folder).glob(f"{STAGING_PREFIX}*.partial"):
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime <= limit:
                shutil.rmtree(folder)
                removed.append(folder)
        except OSError:
            continue
    return removed


def import_bundle(bundle: Path, sessions_folder: Path, token: Token | None = None) -> ImportResult:
    """Take the share file ``bundle`` into ``sessions_folder`` (the user's own sessions).

    Returns where the script went and under which id. On any refusal (BundleError), or
    whatever ``token.check()`` raises between chunks, nothing is left in ``sessions_folder``;
    an existing session is never overwritten."""
    bundle, sessions_folder = Path(bundle), Path(sessions_folder)
    remove_stale_imports(sessions_folder)  # a killed import's leftovers
    try:
        if not stat.S_ISREG(os.stat(bundle).st_mode):
            raise BundleError(f"{bundle.name} is not a file. Choose the shared practice file.")
        archive = zipfile.ZipFile(bundle)
    except FileNotFoundError:
        raise BundleError(f"There is no file {bundle}. Check the name and try again.") from None
    except OSError as exc:
        from mit_desktop.fsutil import os_error_message

        raise BundleError(f"The file could not be read: {os_error_message(exc)}") from None
    except zipfile.BadZipFile:
        raise BundleError("This is not a practice shared from MIT Desktop (or it is damaged). "
                          "Ask for the file again.") from None
    with archive:
        manifest = _read_manifest(archive)
        members = _checked_members(archive, manifest)
        for info, member in members:  # pass 1: every checksum, nothing written
            if _stream_member(archive, info, member["size"], None, token) != \
                    member["sha256"].lower():
                raise BundleError("This share file has been changed or damaged since it was "
                                  "made (its contents do not match their checksums). Ask for "
                                  "the file again.")
        return _lay_out(archive, members, sessions_folder, token)


def _lay_out(archive: zipfile.ZipFile, members: list[tuple[zipfile.ZipInfo, dict]],
             sessions_folder: Path, token: Token | None) -> ImportResult:
    """Pass 2: unpack into a hidden staging folder, parse, then move into place."""
    existed = sessions_folder.exists()
    recordings_existed = (sessions_folder / RECORDINGS).exists()
    private_folder(sessions_folder)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".partial",
                                    dir=sessions_folder))
    moved: Path | None = None
    try:
        os.mkdir(staging / RECORDINGS, 0o700)
        for info, member in members:
            target = staging / info.filename
            if _stream_member(archive, info, member["size"], target, token) != \
                    member["sha256"].lower():
                raise BundleError(_DAMAGED)
            os.chmod(target, 0o600)
        script_text = (staging / SCRIPT_NAME).read_bytes().decode("utf-8", errors="strict")
        session = _parse_contained(script_text, staging / SCRIPT_NAME, staging)
        if len(session.id) > MAX_ID_CHARS:
            raise BundleError("This practice's id is too long to be taken in. Ask the sender "
                              "to give it a shorter one.")
        taken = _taken_ids(sessions_folder)
        new_id = _free_id(session.id, taken)
        title = None if new_id == session.id else f"{session.title} (shared copy)"
        final_recordings = f"{RECORDINGS}/{new_id}"
        clips = [c for c in session.cues if isinstance(c, Clip)]
        text = _rewrite_clip_lines(script_text, clips,
                                   {c.path: f"{final_recordings}/{c.path.name}" for c in clips})
        text = _with_id_and_title(text, new_id, title)
        final_script = sessions_folder / f"{new_id}.session.md"
        private_folder(sessions_folder / RECORDINGS)
        moved = sessions_folder / final_recordings
        os.rename(staging / RECORDINGS, moved)  # fails if it exists: nothing is overwritten
        fsync_folder(sessions_folder / RECORDINGS)
        final = _parse_contained(text, final_script, moved)
        if final.id != new_id or final_script.exists():
            raise BundleError(_DAMAGED)
        with atomic_writer(final_script, 0o600) as handle:
            handle.write(text.encode("utf-8"))
    except BundleError:
        _undo(moved, staging, sessions_folder, existed, recordings_existed)
        raise
    except UnicodeDecodeError:
        _undo(moved, staging, sessions_folder, existed, recordings_existed)
        raise BundleError(_DAMAGED) from None
    except OSError as exc:
        _undo(moved, staging, sessions_folder, existed, recordings_existed)
        from mit_desktop.fsutil import os_error_message

        raise BundleError(f"The practice could not be taken in: {os_error_message(exc)}") from None
    except BaseException:
        _undo(moved, staging, sessions_folder, existed, recordings_existed)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    log.info("took in a shared practice as %s (%d file(s))", new_id, len(members))
    return ImportResult(final_script, new_id, final.title,
                        session.id if new_id != session.id else None)


def _parse_contained(text: str, path: Path, folder: Path) -> Session:
    """Parse ``text`` as the script at ``path``; every clip must lie inside ``folder``."""
    try:
        session = parse_text(text, path)
    except SessionError as exc:
        raise BundleError(f"The practice in this file has a problem, so it was not taken in: "
                          f"{_relative_problem(exc, path)}") from None
    inside = folder.resolve()
    for clip in session.cues:
        if isinstance(clip, Clip) and inside not in clip.path.resolve().parents:
            raise BundleError("The practice in this file plays a recording from outside the "
                              "file, so it was not taken in. Ask the sender to share it again "
                              "from MIT Desktop.")
    return session


def _relative_problem(exc: SessionError, path: Path) -> str:
    return str(exc).replace(str(path), "the script")


def _undo(moved: Path | None, staging: Path, sessions_folder: Path, existed: bool,
          recordings_existed: bool) -> None:
    if moved is not None:
        shutil.rmtree(moved, ignore_errors=True)
    if not recordings_existed:
        with contextlib.suppress(OSError):
            (sessions_folder / RECORDINGS).rmdir()
    shutil.rmtree(staging, ignore_errors=True)
    if not existed:
        with contextlib.suppress(OSError):
            sessions_folder.rmdir()
