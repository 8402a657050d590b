"""The one way a recording and its Audacity label file become a session script.

`mit-desktop import-recording`, the Library's "Import a recording" and the recorder's
whole-take mode all call :func:`write_label_session`, so a session made by the recorder
is exactly the file an Audacity label import of the same recording would write.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mit_desktop import paths
from mit_desktop.fsutil import atomic_writer
from mit_desktop.render.clips import ClipError, decode_clip, decode_clip_in_memory
from mit_desktop.session.labels import parse_labels, recording_script
from mit_desktop.session.model import Session
from mit_desktop.session.parser import parse_session
from mit_desktop.session.timeline import SAMPLE_RATE

log = logging.getLogger(__name__)


def recording_length_ms(audio: Path) -> int:
    """How long `audio` plays, in ms, as decoded for playing (into the clip cache, so a
    damaged recording is named now, not when it is played). ClipError if it cannot be."""
    try:
        decoded = decode_clip(audio, SAMPLE_RATE, paths.cache_dir() / "clips")
    except (ClipError, OSError) as exc:
        if isinstance(exc, ClipError) and not exc.cache_problem:
            raise
        decoded = decode_clip_in_memory(audio, SAMPLE_RATE)  # only the cache failed
    return decoded.n_samples * 1000 // SAMPLE_RATE


def write_label_session(audio: Path, labels: Path, out: Path, mode: int = 0o600) -> Session:
    """Write `out` (a ``.session.md``) playing `audio` with a reflection point (or a
    section start, for a label starting with ``#``) at each label of the Audacity label
    file `labels`; returns the parsed session.

    SessionError (the labels, or the result), ClipError (the recording) or OSError
    (writing `out`; nothing is left half written).
    """
    audio, labels, out = Path(audio), Path(labels), Path(out)
    parsed = parse_labels(labels)
    duration_ms = recording_length_ms(audio)
    text = recording_script(audio, parsed, out, duration_ms)
    with atomic_writer(out, mode) as handle:
        handle.write(text.encode("utf-8"))
    session = parse_session(out)
    log.info("%s: %d reflection points, %d clips from %s", out.name,
             len(session.reflections), len(session.clips), audio.name)
    return session
