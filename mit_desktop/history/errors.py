"""Exceptions of the practice-history core.

Every error a user can cause (a second window, a damaged file, a name typed
twice, a number out of range) is a :class:`HistoryError` whose message says
what happened and what to do. The GUI and the CLI catch :class:`HistoryError`
at the edge and show ``str(error)``; anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class HistoryError(Exception):
    """Base class: a problem the user can act on; ``str()`` is the message."""


class InvalidInputError(HistoryError, ValueError):
    """A value given by the user or the caller is out of range or malformed."""


class UnknownProfileError(InvalidInputError):
    """No profile with that id or name exists in this data folder."""


class UnknownPracticeError(InvalidInputError):
    """No practice with that id exists (or it belongs to another profile)."""


class AlreadyRunningError(HistoryError):
    """Another MIT Desktop process holds the data folder's lock file."""

    def __init__(self, lock_path: Path) -> None:
        self.lock_path = lock_path
        super().__init__(
            "MIT Desktop is already running and using your practice history "
            f"(lock file {lock_path}). Please switch to the open window, or close it "
            "and try again."
        )


class NewerDatabaseError(HistoryError):
    """The database was written by a newer version of MIT Desktop."""

    def __init__(self, path: Path, unknown_steps: list[str]) -> None:
        self.path = path
        self.unknown_steps = unknown_steps
        super().__init__(
            f"The practice history in {path} was saved by a newer version of MIT Desktop "
            f"(it has changes this version does not know: {', '.join(unknown_steps)}). "
            "Please install the newer version again; your history has not been changed."
        )


class CorruptDatabaseError(HistoryError):
    """The database failed its integrity check and was moved aside untouched.

    Attributes:
        moved_to: where the damaged file now lives (never deleted, never overwritten).
        newest_backup: the newest backup that passed its own integrity check,
            or ``None`` if there is none. Restore it with
            ``HistoryStore.open()`` followed by ``store.restore_backup(newest_backup)``.
    """

    def __init__(self, path: Path, moved_to: Path, newest_backup: Path | None, detail: str) -> None:
        self.path = path
        self.moved_to = moved_to
        self.newest_backup = newest_backup
        self.detail = detail
        if newest_backup is not None:
            advice = f"The newest good backup is {newest_backup}; restore it to continue."
        else:
            advice = "No good backup was found; a new, empty history will be started."
        super().__init__(
            f"The practice history file {path} is damaged ({detail}). It has been kept, "
            f"unchanged, as {moved_to}. {advice}"
        )


class BackupError(HistoryError):
    """A backup could not be made, read or restored."""
