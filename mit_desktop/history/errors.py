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


class ReadOnlyCopyError(HistoryError):
    """A change to a record imported from a client's practice bundle (the therapist's
    copy is read-only: it changes only by importing a newer bundle)."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"This {what} was imported from a client's practice bundle, so it cannot be "
            "changed here: your copy shows exactly what the client recorded. A newer "
            "bundle from the client brings anything new.")


class TherapistCopyError(ReadOnlyCopyError):
    """A new record for a profile that is a therapist's copy of a client's practice
    (imported from bundles): nothing new is recorded in it."""

    def __init__(self, name: str) -> None:
        HistoryError.__init__(
            self,
            f"“{name}” is your copy of a client's practice, imported from their bundles, so "
            "nothing new is recorded in it. To keep a record of your own practice, choose "
            "your own profile.")


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
    """The history file is damaged, or is not a history of ours; nothing was changed.

    The file stays where it is, untouched, so every start says so again until
    the user chooses: restore a backup or start a new, empty history, both with
    ``HistoryStore.open(set_aside_damaged=True)`` (which keeps the damaged file
    as ``history-damaged-STAMP.sqlite3`` next to it and reports it in
    ``store.set_aside``), followed by ``store.restore_backup(newest_backup,
    keep_current=False)`` for a restore.

    Attributes:
        path: the damaged history file.
        moved_to: always ``None`` now (kept for callers of earlier versions).
        newest_backup: the newest backup that passed the same checks, or ``None``.
        detail: what is wrong, in words.
    """

    def __init__(self, path: Path, moved_to: Path | None, newest_backup: Path | None,
                 detail: str) -> None:
        self.path = path
        self.moved_to = moved_to
        self.newest_backup = newest_backup
        self.detail = detail
        if newest_backup is not None:
            advice = (f"The newest good backup is {newest_backup}; restore it to continue "
                      "(the damaged file will be kept).")
        else:
            advice = ("No good backup was found; a new, empty history can be started "
                      "(the damaged file will be kept).")
        kept = (f"It has been kept, unchanged, as {moved_to}." if moved_to is not None
                else "Nothing has been changed.")
        super().__init__(f"The practice history file {path} cannot be used: {detail}. "
                         f"{kept} {advice}")


class UnusableHistoryError(HistoryError):
    """The history file or its folder cannot be used at all (a folder, a device, read-only,
    not ours to write, the disk full). Nothing was changed; the message says what to do."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"MIT Desktop cannot use the practice history {path}: {reason}")


class BackupError(HistoryError):
    """A backup could not be made, read or restored."""


def describe_write_failure(exc: BaseException, folder: Path | None = None) -> str:
    """Words a user can act on for a failed write to the history (or a backup).

    A full disk (SQLite's "database or disk is full", ``ENOSPC``) names the data
    folder and what to do; a :class:`HistoryError` is its own message; anything
    else is shown as it is.
    """
    import errno as errno_mod

    if isinstance(exc, HistoryError):
        return str(exc)
    text = str(exc)
    if "disk is full" in text or getattr(exc, "errno", None) in (errno_mod.ENOSPC,
                                                                  errno_mod.EDQUOT):
        if folder is None:
            from mit_desktop import paths

            try:
                folder = paths.data_dir()
            except OSError:
                folder = None
        where = f" ({folder})" if folder is not None else ""
        return (f"the disk is full: your data folder{where} cannot take more. Free some space "
                "(empty the wastebasket, remove large files you do not need); what you saved "
                "before is kept.")
    if "readonly" in text or "read-only" in text:
        return ("your data folder cannot be written any more (it became read-only). Close "
                "MIT Desktop and check the folder.")
    return text
