""""Sessions I made": each profile's own session scripts, as plain ``.session.md`` files in
one folder the therapist can back up or copy, ``<data>/sessions/made/profile-<id>/``
(inside the folder of the user's own sessions, so the Library lists and plays them too).

New (blank, or from an MIT module's template), duplicate, save and delete. Every write is
atomic (:func:`mit_desktop.fsutil.atomic_path`) and never replaces a file that exists,
except saving a script over itself. A new script gets an id no other session in the
library has, so its history stays its own. Errors a user can cause are
:class:`MySessionsError` with a message in plain words.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from mit_desktop import paths
from mit_desktop.authoring.drafts import discard_draft, load_draft
from mit_desktop.content.library import SUFFIX, user_sessions_dir
from mit_desktop.fsutil import atomic_path, os_error_message
from mit_desktop.session.errors import SessionError
from mit_desktop.session.parser import parse_session

log = logging.getLogger(__name__)

_ID_LINE = re.compile(r'^id\s*=.*$', re.M)
_TITLE_LINE = re.compile(r'^title\s*=.*$', re.M)
_SLUG = re.compile(r"[^a-z0-9]+")

BLANK_TEXT = """+++
id = "{id}"
title = {title}
summary = ""
+++

// Lines starting with // are notes for you; the listener never hears them.
// A line starting with # begins a section. A blank line ends a paragraph.

# Arriving

[bell]
Find a comfortable position, and let your eyes close if you like.
// Write here what the listener hears first.

# Ending

If it is too much at any time, feel your feet on the floor, or open your eyes.
When you are ready, open your eyes.
[bell]
"""


class MySessionsError(Exception):
    """A script could not be made, saved or deleted; the message says why in plain words."""


@dataclass(frozen=True)
class MadeSession:
    """One script in the folder: its ``path``, ``id`` and ``title`` (the file name when it
    does not parse), ``problem`` (the first problem when it does not parse, else None)
    and whether an unsaved draft of it is kept."""

    path: Path
    id: str
    title: str
    problem: str | None
    has_draft: bool


def made_dir(profile_id: int) -> Path:
    """The folder of ``profile_id``'s own scripts (created 0700)."""
    return paths.private_dir(user_sessions_dir() / "made" / f"profile-{int(profile_id)}")


def list_made(profile_id: int) -> list[MadeSession]:
    """The profile's scripts, by title (those that do not parse too, with their problem)."""
    found = []
    for path in sorted(made_dir(profile_id).glob(f"*{SUFFIX}")):
        has_draft = load_draft(profile_id, path) is not None
        try:
            session = parse_session(path)
        except SessionError as exc:
            stem = path.name.removesuffix(SUFFIX)
            found.append(MadeSession(path, stem, stem, str(exc.problems[0]) if exc.problems
                                     else str(exc), has_draft))
            continue
        found.append(MadeSession(path, session.id, session.title, None, has_draft))
    return sorted(found, key=lambda m: (m.title.casefold(), m.path.name))


def taken_ids() -> set[str]:
    """Every session id in the library (bundled, the user's, every profile's own) and the
    file stems of every own script (those that do not parse too)."""
    from mit_desktop.content.library import list_sessions

    entries, _errors = list_sessions()
    taken = {e.id for e in entries}
    for folder in (user_sessions_dir(), *sorted((user_sessions_dir() / "made").glob("*"))):
        if folder.is_dir():
            taken |= {p.name.removesuffix(SUFFIX) for p in folder.glob(f"*{SUFFIX}")}
    return taken


def slug(title: str) -> str:
    """A session id from a title: lowercase letters, digits and hyphens (``my-session``)."""
    return _SLUG.sub("-", title.lower()).strip("-")[:50].strip("-") or "my-session"


def free_path(profile_id: int, title: str) -> Path:
    """A path in the profile's folder for a new script titled ``title``, whose stem (the
    session id) no session in the library has."""
    base = slug(title)
    taken = taken_ids()
    folder = made_dir(profile_id)
    number = 1
    while True:
        stem = base if number == 1 else f"{base}-{number}"
        if stem not in taken and not (folder / f"{stem}{SUFFIX}").exists():
            return folder / f"{stem}{SUFFIX}"
        number += 1


def _write_new(path: Path, text: str) -> Path:
    if path.exists():
        raise MySessionsError(f"{path.name} already exists; choose another name so nothing is "
                              "lost.")
    save_script(path, text)
    return path


def save_script(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (0600): after a crash the file holds either the
    old text or the new, never a mix. The text is saved even when it has problems (the
    editor shows them); nothing else is changed."""
    try:
        with atomic_path(Path(path)) as tmp:
            tmp.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise MySessionsError(f"The script could not be saved: {os_error_message(exc)}") \
            from None


def new_blank(profile_id: int, title: str) -> Path:
    """A new script titled ``title`` with a beginning and an ending (bells, the eyes, the
    way out) for the therapist to fill; returns its path."""
    title = " ".join(title.split()) or "My session"
    path = free_path(profile_id, title)
    text = BLANK_TEXT.format(id=path.name.removesuffix(SUFFIX),
                             title=json.dumps(title, ensure_ascii=False))
    return _write_new(path, text)


def new_from_template(profile_id: int, module: str, title: str | None = None) -> Path:
    """A new script with ``module``'s structure and safety lines (content.session_template)."""
    from mit_desktop.content.session_template import TemplateError, write_template

    path = free_path(profile_id, title or f"my-{module}")
    try:
        write_template(module, path, title)
    except TemplateError as exc:
        raise MySessionsError(str(exc)) from None
    return path


def duplicate(profile_id: int, source: Path) -> Path:
    """A copy of the script at ``source`` in the profile's folder, titled "Copy of …" with a
    new id (its recordings are shared when it sits beside them; otherwise its clip lines
    name files that the editor then reports missing)."""
    try:
        text = Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MySessionsError(f"The script could not be read: {exc}") from None
    match = _TITLE_LINE.search(text)
    old_title = "my session"
    if match:
        try:
            old_title = str(json.loads(match.group(0).split("=", 1)[1].strip()))
        except ValueError:
            pass
    title = f"Copy of {old_title}"
    path = free_path(profile_id, title)
    line_id = f'id = "{path.name.removesuffix(SUFFIX)}"'
    line_title = f"title = {json.dumps(title, ensure_ascii=False)}"
    text = _ID_LINE.sub(lambda _m: line_id, text, count=1) if _ID_LINE.search(text) else text
    text = _TITLE_LINE.sub(lambda _m: line_title, text, count=1) if match else text
    return _write_new(path, text)


def delete_made(profile_id: int, path: Path) -> list[Path]:
    """Delete the script at ``path`` (in the profile's folder), the recordings in that folder
    only it plays, and its draft; the history of it is kept. Returns the files removed."""
    from mit_desktop.content.own_sessions import OwnSessionError, delete_session

    path = Path(path)
    folder = made_dir(profile_id)
    if path.resolve().parent != folder.resolve():
        raise MySessionsError("Only your own scripts can be deleted here.")
    try:
        removed = delete_session(path, folder)
    except SessionError:  # a script that does not parse: the script alone
        try:
            path.unlink()
        except OSError as exc:
            raise MySessionsError(f"The script could not be deleted: {os_error_message(exc)}") \
                from None
        removed = [path]
    except OwnSessionError as exc:
        raise MySessionsError(str(exc)) from None
    discard_draft(profile_id, path)
    return removed
