"""Tidy up a script's recordings: find the takes and clips that nothing uses any more, and
remove them once the therapist has agreed.

Paragraph recording (`recording.paragraphs`) keeps every take until the recordings are
put into the script, and the clip made from the kept take after that; retakes, and the
takes and clips of paragraphs since deleted or rewritten, would otherwise stay on disk
for ever. Only the script's own recordings folder, ``<script folder>/recordings/<id>/``
and its ``takes/``, is looked at, and in it only files named as the recorder names them
(``KEY.wav`` with its ``KEY.txt`` captions, ``takes/KEY-tK.wav``). A file there is
*in use*, and never proposed, when:

- its file name appears anywhere in any script in the script's folder (another script may
  play it: a duplicate shares its original's recordings) or in any text passed as
  ``other_texts`` (the editor's unsaved drafts); a clip's captions are in use with it;
- it is a take of a paragraph still to be read (not yet put into the script) in a script
  of the folder with this script's id, or in one of ``other_texts``: the therapist may
  still choose it.

So a take is proposed once its paragraph plays its prepared clip (the clip is what is
kept), or once the paragraph is gone from the script; a clip once no script names it.
If any script of the folder cannot be read, nothing is proposed (what it uses is
unknown). :func:`remove_unused` looks again just before removing, and removes only what
is still unused.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mit_desktop.fsutil import os_error_message
from mit_desktop.recording.paragraphs import TAKE_NAME, TakeFolder, text_paragraphs
from mit_desktop.session.errors import SessionError

log = logging.getLogger(__name__)

SCRIPT_SUFFIX = ".session.md"
_CLIP_NAME = re.compile(r"^[a-z0-9-]+\.wav$")

EARLIER_TAKE = "take of a paragraph that now plays its kept recording"
GONE_PARAGRAPH = "take of a paragraph no longer in the script"
UNPLAYED_CLIP = "recording no script plays any more"


class TidyProblem(Exception):
    """The recordings could not be looked through or removed; the message says why."""


@dataclass(frozen=True)
class UnusedRecording:
    """A file nothing uses: ``path``, its ``size_bytes`` (with its captions, for a clip)
    and ``why`` (one of EARLIER_TAKE, GONE_PARAGRAPH, UNPLAYED_CLIP)."""

    path: Path
    size_bytes: int
    why: str


def _scripts_texts(folder: Path) -> list[tuple[Path, str]]:
    texts = []
    for path in sorted(folder.glob(f"*{SCRIPT_SUFFIX}")):
        try:
            texts.append((path, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise TidyProblem(f"{path.name} could not be read, so it is not known which "
                              f"recordings it uses; nothing was tidied ({exc}).") from None
    return texts


def _to_read_keys(texts: Iterable[tuple[Path, str]], session_id: str) -> set[str]:
    """The keys of paragraphs still to be read in the texts that are this session."""
    keys: set[str] = set()
    for path, text in texts:
        try:
            paragraphs = text_paragraphs(text, path)
        except SessionError:
            continue  # a text that does not parse reads no paragraph
        if _session_id(text, path) == session_id:
            keys |= {p.key for p in paragraphs}
    return keys


def _session_id(text: str, path: Path) -> str | None:
    from mit_desktop.session.parser import parse_text

    try:
        return parse_text(text.removeprefix("\ufeff"), path).id
    except SessionError:
        return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def unused_recordings(script: Path, other_texts: Sequence[str] = ()) -> list[UnusedRecording]:
    """The recordings of the script at ``script`` that nothing uses (see the module), takes
    first, each in name order. SessionError if the script does not parse; TidyProblem if a
    script beside it cannot be read."""
    script = Path(script)
    folder = TakeFolder(script)
    own = folder.folder
    if not own.is_dir():
        return []
    texts = _scripts_texts(script.resolve().parent)
    everything = "\n".join([t for _p, t in texts] + list(other_texts))
    to_read = _to_read_keys([*texts, *((script, t) for t in other_texts)], folder.session_id)
    found: list[UnusedRecording] = []
    takes = folder.takes_folder
    if takes.is_dir() and not takes.is_symlink():
        for path in sorted(takes.iterdir()):
            match = TAKE_NAME.match(path.name)
            if not match or path.is_symlink() or not path.is_file() or path.name in everything:
                continue
            key = match.group("key")
            if key in to_read:
                continue
            why = EARLIER_TAKE if (own / f"{key}.wav").name in everything else GONE_PARAGRAPH
            found.append(UnusedRecording(path, _size(path), why))
    for path in sorted(own.iterdir()):
        if not _CLIP_NAME.match(path.name) or path.is_symlink() or not path.is_file() \
                or path.name in everything:
            continue
        captions = path.with_suffix(".txt")
        size = _size(path) + (_size(captions) if captions.is_file() else 0)
        found.append(UnusedRecording(path, size, UNPLAYED_CLIP))
    return found


def remove_unused(script: Path, chosen: Iterable[Path],
                  other_texts: Sequence[str] = ()) -> list[Path]:
    """Remove those of ``chosen`` that are still unused now (looked for again: a script may
    have changed since the list was shown), a clip with its captions. Returns the files
    removed. TidyProblem when one cannot be removed (those before it are gone)."""
    still = {u.path: u for u in unused_recordings(script, other_texts)}
    removed: list[Path] = []
    for path in chosen:
        if Path(path) not in still:
            continue
        targets = [Path(path)]
        if still[Path(path)].why == UNPLAYED_CLIP and Path(path).with_suffix(".txt").is_file():
            targets.append(Path(path).with_suffix(".txt"))
        for target in targets:
            try:
                target.unlink(missing_ok=True)
            except OSError as exc:
                raise TidyProblem(f"{target.name} could not be removed: "
                                  f"{os_error_message(exc)}") from None
            removed.append(target)
    log.info("tidied %d unused recording file(s)", len(removed))
    return removed


def size_words(n_bytes: int) -> str:
    """A size as a person says it: "820 KB", "3.4 MB"."""
    if n_bytes < 1_000_000:
        return f"{max(1, round(n_bytes / 1000))} KB"
    return f"{n_bytes / 1_000_000:.1f} MB"
