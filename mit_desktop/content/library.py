"""The session library: the bundled MIT program (in program order) and the user's own scripts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from mit_desktop import paths
from mit_desktop.session.errors import SessionError
from mit_desktop.session.model import Session
from mit_desktop.session.parser import parse_session

log = logging.getLogger(__name__)

SUFFIX = ".session.md"


@dataclass(frozen=True)
class LibraryEntry:
    id: str
    title: str
    module: str | None
    minutes: float | None
    summary: str
    path: Path
    source: str  # "bundled" or "user"

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "module": self.module,
                "minutes": self.minutes, "summary": self.summary, "path": str(self.path),
                "source": self.source}


def user_sessions_dir() -> Path:
    """Where imported recordings and the user's own scripts live (the scripts each profile
    writes in the editor are in ``made/profile-<id>/`` inside it; the library lists them)."""
    return paths.private_dir(paths.data_dir() / "sessions")


def _program_order() -> list[str]:
    try:
        from mit_desktop.content.program import load_program
    except ImportError:
        return []
    try:
        return [entry.id for entry in load_program().entries]
    except Exception as exc:  # a broken program file must not hide the sessions
        log.warning("program order unavailable: %s", exc)
        return []


def _scan(folder: Path, source: str) -> list[tuple[LibraryEntry | None, Path, SessionError | None]]:
    found: list[tuple[LibraryEntry | None, Path, SessionError | None]] = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            session = parse_session(path)
        except SessionError as exc:
            found.append((None, path, exc))
            continue
        found.append((LibraryEntry(session.id, session.title, session.module, session.minutes,
                                   session.summary, path, source), path, None))
    return found


def list_sessions(include_user: bool = True) -> tuple[list[LibraryEntry], list[SessionError]]:
    """Bundled sessions in program order, then the user's, plus the errors of any that failed to parse."""
    rows = _scan(paths.sessions_dir(), "bundled")
    if include_user:
        try:
            own = user_sessions_dir()
            rows += _scan(own, "user")
            for folder in sorted((own / "made").glob("*")):  # each profile's own scripts
                if folder.is_dir():
                    rows += _scan(folder, "user")
        except OSError as exc:  # an unusable data folder must not hide the bundled sessions
            log.warning("your own sessions could not be read: %s", exc)
    entries = [row[0] for row in rows if row[0] is not None]
    errors = [row[2] for row in rows if row[2] is not None]
    order = {sid: i for i, sid in enumerate(_program_order())}
    entries.sort(key=lambda e: (e.source != "bundled", order.get(e.id, len(order)), e.id))
    return entries, errors


def _exists(path: Path) -> bool:
    """Whether anything is at `path` (False for a name too long or a loop of links)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return True  # let parse_session name the problem


def find_session(ref: str) -> Session:
    """A session by path or by id (bundled first, then the user's). SessionError if not found."""
    candidate = Path(ref)
    if candidate.suffix == ".md" or "/" in ref or "\x00" in ref or _exists(candidate):
        return parse_session(candidate)  # says plainly why a path cannot be read
    entries, _errors = list_sessions()
    for entry in entries:
        if entry.id == ref:
            return parse_session(entry.path)
    known = ", ".join(e.id for e in entries)
    from mit_desktop.session.errors import Problem

    raise SessionError([Problem(Path(ref), 1, None, f"no session with id '{ref}'; known: {known}")])
