"""A recording's transcript: a subtitle file beside it (`talk.srt` or `talk.vtt` for
`talk.wav`) gives the captions shown while the recording plays.

SubRip (``.srt``) and WebVTT (``.vtt``) cues: a time line ``00:01:02,345 --> 00:01:04,000``
(WebVTT: ``.`` before the milliseconds, hours optional) and the text lines after it.
Cue numbers, WebVTT headers, notes and styling tags are ignored.

A plain text file (``talk.txt``), without times, is read as one paragraph (lines separated
by a blank line) per part of the recording the session plays, in order: the parts between
an imported recording's labels. Each paragraph is shown while its part plays. When the
number of paragraphs is not the number of parts, no captions are made from it (logged):
captions that drift from the voice would mislead more than help.

A file that cannot be read gives no captions (logged), never an error: the recording
still plays.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

TRANSCRIPT_SUFFIXES = (".srt", ".vtt", ".txt")
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_CUE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class TranscriptCue:
    """Text said from `start_us` to `end_us` (microseconds into the recording)."""

    start_us: int
    end_us: int
    text: str


def _us(h: str | None, m: str, s: str, frac: str) -> int:
    return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1_000_000 + int(frac.ljust(3, "0")) * 1000


def parse_transcript(text: str) -> list[TranscriptCue]:
    """The cues of SubRip or WebVTT `text`, in time order (cues without text are left out)."""
    cues: list[TranscriptCue] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines):
        match = _CUE.match(lines[i])
        i += 1
        if not match:
            continue
        g = match.groups()
        start, end = _us(*g[:4]), _us(*g[4:])
        said: list[str] = []
        while i < len(lines) and lines[i].strip():
            said.append(_TAG.sub("", lines[i]).strip())
            i += 1
        words = " ".join(w for w in said if w)
        if words and end > start:
            cues.append(TranscriptCue(start, end, words))
    return sorted(cues, key=lambda c: c.start_us)


def transcript_beside(recording: Path) -> Path | None:
    """The subtitle file beside `recording` (same name, .srt or .vtt), if there is one."""
    for suffix in TRANSCRIPT_SUFFIXES:
        candidate = Path(recording).with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def _read_text(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        log.warning("the transcript %s could not be read: %s", path.name, exc)
        return None
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_transcript(recording: Path) -> list[TranscriptCue]:
    """The timed cues of the subtitle file beside `recording` ([] when there is none, it is a
    plain text file, or it is unusable)."""
    path = transcript_beside(recording)
    if path is None or path.suffix == ".txt":
        return []
    text = _read_text(path)
    return parse_transcript(text) if text is not None else []


def read_text_parts(recording: Path) -> list[str]:
    """The paragraphs of the plain text transcript beside `recording` (``talk.txt``), each
    joined into one line; [] when there is none (or a subtitle file is there instead)."""
    path = transcript_beside(recording)
    if path is None or path.suffix != ".txt":
        return []
    text = _read_text(path)
    if text is None:
        return []
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [" ".join(p.split()) for p in paragraphs if p.strip()]
