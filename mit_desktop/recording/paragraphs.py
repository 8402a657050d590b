"""Paragraph-by-paragraph recording against a script, and the takes kept as its clips.

A script's paragraphs (`session.model.Paragraph`) are what the therapist reads, one at a
time. Takes are kept in the script's folder, under ``recordings/<session id>/``:

- ``takes/KEY-tK.wav``: take K of a paragraph as recorded (48 kHz mono WAV);
- ``KEY.wav``: the chosen take, trimmed and loudness matched (`trim.prepare_take`),
  with ``KEY.txt`` beside it (the paragraph's text: its captions while it plays).

KEY names the paragraph by its text (its first words and a short hash of all of it), not
by its place: once a paragraph is recorded it leaves the list of paragraphs to read, and
the others' numbers change, but their takes and clips stay theirs.

:func:`apply_takes` then writes the script with each recorded paragraph's narration
replaced by its clip, atomically and only if the result parses::

    // recorded: Find a position that lets you be both relaxed and alert.
    [clip recordings/arriving/find-a-position-that-3f2a1c.wav]
    [pause 3.5s]

The original lines stay as ``// recorded:`` comments (so the text is still there to read
and to restore), and the pause is the paragraph gap the voice would have had
(`session.timeline.ListeningSettings.paragraph_gap_ms`). Paragraph numbers count from 1
in the order of the script.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from mit_desktop.fsutil import atomic_write_text, disk_message
from mit_desktop.recording.trim import PreparedTake, TakeProblem, prepare_take
from mit_desktop.session.errors import SessionError
from mit_desktop.session.model import Paragraph, Session
from mit_desktop.session.parser import parse_session, parse_text
from mit_desktop.session.text import substitute
from mit_desktop.session.timeline import ListeningSettings

log = logging.getLogger(__name__)

RECORDED_MARK = "// recorded: "
_TAKE = re.compile(r"^(?P<key>[a-z0-9-]+)-t(?P<n>\d+)\.wav$")
TAKE_NAME = _TAKE  # a take's file name: KEY-tK.wav


@dataclass(frozen=True)
class ScriptParagraph:
    """Paragraph `number` (from 1): the text to read (variables filled with the script's
    defaults) and the script lines it spans (`first_line`..`last_line`, from 1)."""

    number: int
    text: str
    first_line: int
    last_line: int

    @property
    def key(self) -> str:
        """The paragraph's name in file names: its first words and a hash of its text."""
        words = re.sub(r"[^a-z0-9]+", "-", self.text.lower()).strip("-")[:24].strip("-")
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:6]
        return f"{words or 'paragraph'}-{digest}"


def _is_narration(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("[", "#", "+++"))


def script_paragraphs(script: Path) -> list[ScriptParagraph]:
    """The paragraphs of the script at `script`, in order. SessionError if it does not parse."""
    session = parse_session(script)
    return _paragraphs(session, script.read_text(encoding="utf-8").splitlines())


def text_paragraphs(text: str, script: Path) -> list[ScriptParagraph]:
    """The paragraphs of script `text` as if saved at `script` (an editor's draft).
    SessionError if it does not parse."""
    text = text.removeprefix("\ufeff")
    return _paragraphs(parse_text(text, script), text.splitlines())


def _paragraphs(session: Session, lines: list[str]) -> list[ScriptParagraph]:
    found = []
    number = 0
    for cue in session.cues:
        if not isinstance(cue, Paragraph):
            continue
        number += 1
        last = cue.line
        while last < len(lines) and _is_narration(lines[last]):
            last += 1  # comment lines inside a paragraph belong to it
        while last > cue.line and lines[last - 1].strip().startswith("//"):
            last -= 1  # but not those after its last line
        found.append(ScriptParagraph(number, substitute(cue.text, session.variables),
                                     cue.line, last))
    return found


class TakeFolder:
    """Where one script's takes live: ``<script folder>/recordings/<session id>/``."""

    def __init__(self, script: Path) -> None:
        self.script = Path(script)
        session = parse_session(self.script)
        self.session_id = session.id
        self.folder = self.script.resolve().parent / "recordings" / session.id

    @property
    def takes_folder(self) -> Path:
        return self.folder / "takes"

    def takes(self, key: str) -> list[Path]:
        """The takes of the paragraph named `key`, oldest first."""
        if not self.takes_folder.is_dir():
            return []
        found = []
        for path in self.takes_folder.iterdir():
            match = _TAKE.match(path.name)
            if match and match.group("key") == key:
                found.append((int(match.group("n")), path))
        return [path for _k, path in sorted(found)]

    def new_take_path(self, key: str) -> Path:
        """Where the next take of the paragraph named `key` goes (the folder made, private)."""
        self.takes_folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        taken = [int(m.group("n")) for p in self.takes(key) if (m := _TAKE.match(p.name))]
        return self.takes_folder / f"{key}-t{max(taken, default=0) + 1}.wav"

    def clip_path(self, key: str) -> Path:
        return self.folder / f"{key}.wav"


def keep_take(folder: TakeFolder, paragraph: ScriptParagraph, take: Path) -> PreparedTake:
    """Make `take` the paragraph's clip: trimmed, matched, written with its captions."""
    prepared = prepare_take(take, folder.clip_path(paragraph.key))
    try:
        atomic_write_text(prepared.path.with_suffix(".txt"), paragraph.text + "\n")
    except OSError as exc:
        raise TakeProblem(disk_message(exc, prepared.path.with_suffix(".txt"))) from None
    return prepared


def script_with_clips(text: str, script: Path, clips: dict[int, Path]) -> str:
    """`text` (the script at `script`) with paragraph n's narration replaced by clip
    ``clips[n]`` (see the module). Paragraphs not in `clips` are left as they are."""
    paragraphs = {p.number: p for p in script_paragraphs(script)}
    lines = text.splitlines()
    folder = script.resolve().parent
    gap_s = ListeningSettings().paragraph_gap_ms / 1000
    for number in sorted(clips, reverse=True):  # from the end: line numbers stay valid
        paragraph = paragraphs[number]
        try:
            rel = clips[number].resolve().relative_to(folder).as_posix()
        except ValueError:
            rel = str(clips[number].resolve())
        old = lines[paragraph.first_line - 1:paragraph.last_line]
        new = [RECORDED_MARK + line.strip() if not line.strip().startswith("//") else line
               for line in old]
        new += [f"[clip {rel}]", f"[pause {gap_s:g}s]"]
        lines[paragraph.first_line - 1:paragraph.last_line] = new
    return "\n".join(lines) + "\n"


def apply_takes(script: Path, clips: dict[int, Path]) -> int:
    """Write the script with the kept clips in place of their paragraphs (atomically,
    only if it parses). Returns how many paragraphs became clips. TakeProblem if not."""
    script = Path(script)
    text = script.read_text(encoding="utf-8")
    new = script_with_clips(text, script, clips)
    try:
        parse_text(new, script)
    except SessionError as exc:
        raise TakeProblem(f"The recordings could not be added to the script: {exc}") from None
    try:
        atomic_write_text(script, new, script.stat().st_mode & 0o777)
    except OSError as exc:
        raise TakeProblem(disk_message(exc, script)) from None
    log.info("%s: %d paragraph(s) now recorded", script.name, len(clips))
    return len(clips)
