"""The user's own sessions (imported recordings, their own scripts): rename, choose what each
reflection asks for, delete. Qt-free; the library screen calls these.

Every change is written atomically and checked by parsing the result; a change that would
not parse is refused and the file stays as it was. The session's id never changes, so its
history stays with it.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from mit_desktop.fsutil import atomic_writer
from mit_desktop.session.errors import SessionError
from mit_desktop.session.parser import parse_session, parse_text
from mit_desktop.session.transcript import transcript_beside
from mit_desktop.session.vocabulary import DEFAULT_REFLECT_MS, REFLECT_INPUTS

log = logging.getLogger(__name__)

_TITLE = re.compile(r'^title\s*=.*$', re.M)
_REFLECT = re.compile(r"^(?P<lead>\s*\[reflect)(?P<head>[^:\]\n]*)(?P<rest>:.*)$", re.M)
_DURATION_TOKEN = re.compile(r"^\d")


class OwnSessionError(Exception):
    """The change could not be made; the message says why in plain words."""


def _write_checked(path: Path, text: str) -> None:
    try:
        parse_text(text, path)
    except SessionError as exc:
        raise OwnSessionError(f"That change would break the practice: {exc}") from None
    try:
        with atomic_writer(path, 0o600) as handle:
            handle.write(text.encode("utf-8"))
    except OSError as exc:
        raise OwnSessionError(f"The practice could not be saved ({exc.strerror}).") from None


def _front_matter_end(text: str) -> int:
    """Where the front matter (between the first two +++ lines) ends."""
    first = text.find("+++")
    second = text.find("+++", first + 3)
    if first != 0 or second < 0:
        raise OwnSessionError("This file has no +++ header to hold a title.")
    return second


def rename_session(path: Path, title: str) -> None:
    """Give the session at `path` the title `title` (shown in the library, History, the
    report); its id stays."""
    title = " ".join(title.split())
    if not title:
        raise OwnSessionError("Please type a name.")
    text = Path(path).read_text(encoding="utf-8")
    end = _front_matter_end(text)
    head, body = text[:end], text[end:]
    line = f"title = {json.dumps(title, ensure_ascii=False)}"
    head = _TITLE.sub(lambda _m: line, head, count=1) if _TITLE.search(head) else \
        head.rstrip("\n") + "\n" + line + "\n"
    _write_checked(Path(path), head + body)


def set_reflection_inputs(path: Path, inputs: tuple[str, ...]) -> int:
    """Offer `inputs` (any of REFLECT_INPUTS, in that order) at every reflection of the session;
    each keeps its length and prompt (without a rating, what a rating measured is dropped).
    Returns how many reflections were changed."""
    unknown = [name for name in inputs if name not in REFLECT_INPUTS]
    if unknown:
        raise OwnSessionError(f"Unknown input: {', '.join(unknown)}.")
    chosen = [name for name in REFLECT_INPUTS if name in inputs]
    text = Path(path).read_text(encoding="utf-8")
    count = 0

    def change(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        tokens = match.group("head").split()
        # the length as written (the default written out when there is nothing else)
        duration = [t for t in tokens if _DURATION_TOKEN.match(t)][:1] or \
            ([] if chosen else [f"{DEFAULT_REFLECT_MS // 1000}s"])
        rest = match.group("rest")
        if "rating" not in chosen and "|" in rest:  # what a rating measures goes with it
            rest = rest.split("|", 1)[0].rstrip() + ("]" if rest.rstrip().endswith("]") else "")
        return f"{match.group('lead')} {' '.join(duration + chosen)}{rest}"

    new = _REFLECT.sub(change, text)
    if count:
        _write_checked(Path(path), new)
    return count


def delete_session(path: Path, own_folder: Path) -> list[Path]:
    """Delete the session script at `path`, and each recording it plays that lies in
    `own_folder` (where imports copy recordings) and no other script there uses. Returns
    the files removed. The history of the practice is kept."""
    path = Path(path)
    session = parse_session(path)
    removed = []
    others = [p for p in Path(own_folder).glob("*.session.md") if p.resolve() != path.resolve()]
    used_elsewhere: set[Path] = set()
    for other in others:
        try:
            used_elsewhere |= {c.path for c in parse_session(other).clips}
        except SessionError:
            pass
    try:
        path.unlink()
        removed.append(path)
        for clip in {c.path for c in session.clips}:
            inside = Path(own_folder).resolve() in clip.resolve().parents
            if inside and clip not in used_elsewhere and clip.exists():
                transcript = transcript_beside(clip)
                clip.unlink()
                removed.append(clip)
                if transcript is not None:  # its captions go with it
                    transcript.unlink()
                    removed.append(transcript)
    except OSError as exc:
        raise OwnSessionError(f"The practice could not be deleted ({exc.strerror}).") from None
    log.info("deleted %d file(s) of %s", len(removed), session.id)
    return removed
