"""Qt-free jobs behind the Library's "Import a recording" and "Add a voice": they run
on a worker thread, check a :class:`CancelToken` between chunks, and raise errors with
a message a user can act on.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from mit_desktop import paths
from mit_desktop.content.library import user_sessions_dir
from mit_desktop.fsutil import atomic_writer, disk_message

log = logging.getLogger(__name__)

CHUNK = 1 << 20


class Token(Protocol):
    def check(self) -> None: ...


class ImportProblem(Exception):
    """Something the user can fix (the message says what)."""


def _copy(src: Path, dst: Path, token: Token | None) -> None:
    """Copy in chunks (cancellable); the target appears only when complete."""
    try:
        with src.open("rb") as fin, atomic_writer(dst, 0o600) as fout:
            while block := fin.read(CHUNK):
                if token is not None:
                    token.check()
                fout.write(block)
    except OSError as exc:
        raise ImportProblem(disk_message(exc, dst)) from exc


def import_recording(audio: Path, labels: Path, token: Token | None = None) -> Path:
    """Copy `audio` into the user's sessions folder and write a session script with a
    reflection point at each Audacity label (as ``mit-desktop import-recording``).
    Returns the new script's path."""
    from mit_desktop.recording.label_import import recording_length_ms, write_label_session
    from mit_desktop.render.clips import ClipError
    from mit_desktop.session.errors import SessionError
    from mit_desktop.session.labels import parse_labels
    from mit_desktop.session.transcript import transcript_beside

    audio, labels = Path(audio), Path(labels)
    try:
        parsed = parse_labels(labels)
        # decoded first, as `mit-desktop import-recording` does: a damaged recording is named
        # as such now (not when it is played, nor after it was copied)
        recording_length_ms(audio)
    except (SessionError, ClipError) as exc:
        raise ImportProblem(str(exc)) from exc
    folder = user_sessions_dir()
    recordings = paths.private_dir(folder / "recordings")
    copy = recordings / audio.name
    if copy.resolve() != audio.resolve():
        _copy(audio, copy, token)
        transcript = transcript_beside(audio)  # its captions go with it
        if transcript is not None:
            _copy(transcript, copy.with_suffix(transcript.suffix), token)
    stem = audio.stem.lower().replace(" ", "-") or "recording"
    out = folder / f"{stem}.session.md"
    try:  # the same path as `mit-desktop import-recording` and the recorder's whole take
        session = write_label_session(copy, labels, out, 0o600)
    except (SessionError, ClipError) as exc:
        raise ImportProblem(str(exc)) from exc
    except OSError as exc:
        raise ImportProblem(disk_message(exc, out)) from exc
    log.info("imported %s with %d labels as %s (%d reflections)", audio, len(parsed), out,
             len(session.reflections))
    return out


def add_voice(model: Path, token: Token | None = None) -> str:
    """Copy a Piper voice (`NAME.onnx` and `NAME.onnx.json`) into the voices folder;
    returns the voice id."""
    from mit_desktop.render.voices import VoiceError, _read_info

    model = Path(model)
    if model.suffix != ".onnx":
        raise ImportProblem(f"Choose the voice's .onnx file (not {model.name}).")
    config = model.with_name(model.name + ".json")
    if not config.is_file():
        raise ImportProblem(f"The voice needs its settings file {config.name} in the same "
                            "folder. Download both files of the voice.")
    try:
        _read_info(model.stem, model, config, "user")
    except VoiceError as exc:
        raise ImportProblem(str(exc)) from exc
    folder = paths.voices_dir()
    _copy(config, folder / config.name, token)
    _copy(model, folder / model.name, token)
    log.info("added voice %s", model.stem)
    return model.stem
