"""Whole-take mode: one recording, its long silences proposed as points, one session.

The therapist records the whole practice in one take; `silences` proposes reflection
points and section starts at its long silences; the therapist accepts, moves or removes
them (the GUI's waveform view); :func:`write_whole_take_session` then writes an Audacity
label file beside the recording (``NAME.labels.txt``: it opens in Audacity with the
recording, File › Import › Labels) and makes the session from the two through
`label_import.write_label_session`, the code `mit-desktop import-recording` runs, so the
session is the file a label import of the same recording would write.

Label texts: a reflection point's label is empty (the import's default prompt); a
section start's label is ``#`` (the import names it "Part N").
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from mit_desktop.content.library import user_sessions_dir
from mit_desktop.fsutil import atomic_write_text, disk_message
from mit_desktop.recording.label_import import write_label_session
from mit_desktop.recording.silences import SECTION, Proposal
from mit_desktop.recording.trim import TakeProblem
from mit_desktop.session.model import Session

log = logging.getLogger(__name__)


def labels_text(proposals: list[Proposal]) -> str:
    """Audacity's label export of the accepted proposals (point labels, six decimals)."""
    lines = []
    for proposal in sorted((p for p in proposals if p.accepted), key=lambda p: p.at_ms):
        seconds = f"{proposal.at_ms / 1000:.6f}"
        text = "#" if proposal.kind == SECTION else ""
        lines.append(f"{seconds}\t{seconds}\t{text}")
    return "".join(line + "\n" for line in lines)


def labels_path(audio: Path) -> Path:
    return Path(audio).with_suffix(".labels.txt")


def whole_take_paths(name: str, folder: Path | None = None) -> tuple[Path, Path]:
    """(recording, script) for a new whole take called `name`: the script in `folder`
    (default: the user's own sessions, where imported recordings go), the recording in
    its ``recordings/``; neither of them an existing file."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "my-recording"
    folder = Path(folder) if folder is not None else user_sessions_dir()
    recordings = folder / "recordings"
    recordings.mkdir(mode=0o700, parents=True, exist_ok=True)
    for n in range(1, 10_000):
        candidate = stem if n == 1 else f"{stem}-{n}"
        audio, script = recordings / f"{candidate}.wav", folder / f"{candidate}.session.md"
        if not audio.exists() and not script.exists():
            return audio, script
    raise TakeProblem("Too many recordings with this name; choose another name.")


def write_whole_take_session(audio: Path, proposals: list[Proposal], out: Path) -> Session:
    """Write the label file beside `audio` and the session `out` from them (see the
    module). TakeProblem if no point was accepted or a file cannot be written;
    SessionError / ClipError as the label import raises them."""
    if not any(p.accepted for p in proposals):
        raise TakeProblem("Keep at least one reflection point or section start (or add one "
                          "on the waveform) before saving.")
    labels = labels_path(audio)
    try:
        atomic_write_text(labels, labels_text(proposals))
    except OSError as exc:
        raise TakeProblem(disk_message(exc, labels)) from None
    try:
        return write_label_session(audio, labels, out)
    except OSError as exc:
        raise TakeProblem(disk_message(exc, out)) from None
