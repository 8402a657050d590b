# Over 400 lines: the store's connection, lock, transactions and profiles: one object other modules extend.
"""The practice-history store: one SQLite database per data folder.

Open it once per process with :meth:`HistoryStore.open` (it takes the data
folder's lock, checks integrity, refuses a newer schema, backs up before
migrating, applies migrations) and close it at exit. The database runs in WAL
mode with ``synchronous=FULL``: every method that writes has committed
durably when it returns, so a killed process loses nothing already reported.

Threading: the connection may be used from any one thread at a time (the GUI
runs every call on its database worker thread).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import sqlite3
import stat
from pathlib import Path

from sqlite_utils import Database

from mit_desktop.fsutil import make_private, private_folder, touch_private
from mit_desktop.history import backups as backups_mod
from mit_desktop.history import schema
from mit_desktop.history.errors import (
    BackupError,
    CorruptDatabaseError,
    HistoryError,
    InvalidInputError,
    UnusableHistoryError,
)
from mit_desktop.history.journal import JournalMixin
from mit_desktop.history.lock import DataFolderLock, FolderLock
from mit_desktop.history.measures import MeasuresMixin
from mit_desktop.history.program_plan import ProgramPlanMixin
from mit_desktop.history.safety_events import SafetyEventsMixin
from mit_desktop.history.timeutil import Clock, system_clock

log = logging.getLogger(__name__)

COMPANION_SUFFIXES = ("-wal", "-shm")


def _move_aside(path: Path, stamp: str) -> Path:
    """Rename ``path`` (and its -wal/-shm) to ``<stem>-damaged-STAMP<suffix>``; never overwrite."""
    counter = 1
    while True:
        tag = stamp if counter == 1 else f"{stamp}-{counter}"
        target = path.with_name(f"{path.stem}-damaged-{tag}{path.suffix}")
        names = [target] + [Path(f"{target}{s}") for s in COMPANION_SUFFIXES]
        if not any(name.exists() for name in names):
            break
        counter += 1
    os.rename(path, target)
    for suffix in COMPANION_SUFFIXES:
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.rename(companion, f"{target}{suffix}")
    log.error("damaged database moved aside to %s", target)
    return target


def _integrity_problem(path: Path) -> str | None:
    """None if ``PRAGMA integrity_check`` passes, else a short description of the damage.

    Runs on a separate read-only connection: a read-write connection would
    checkpoint a ``-wal`` file into the damaged database when it closes, and the
    damaged file must be kept exactly as it was. Errors that are not damage
    (cannot open, locked, I/O) raise :class:`HistoryError` and move nothing.
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise HistoryError(f"Could not read the practice history {path}: {exc}.") from exc
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            return "; ".join(str(row[0]) for row in rows[:3])
        return schema.schema_problem(Database(conn, execute_plugins=False))
    except sqlite3.OperationalError as exc:
        if "malformed" in str(exc):  # a damaged schema text is damage, not an I/O problem
            return str(exc)
        raise HistoryError(f"Could not read the practice history {path}: {exc}.") from exc
    except sqlite3.DatabaseError as exc:  # not a database, or malformed
        return str(exc)
    finally:
        conn.close()


def _unusable_reason(exc: BaseException) -> str:
    """Words a user can act on for an error that makes the history unusable."""
    number = getattr(exc, "errno", None)
    if number in (errno.ENOSPC, errno.EDQUOT) or "full" in str(exc):
        return "the disk is full. Free some space and start MIT Desktop again."
    if number in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in str(exc) \
            or "read-only" in str(exc):
        return ("it cannot be written (it or its folder is read-only, locked, or belongs to "
                "another user). Give your user account write access to it, or set "
                "MIT_DESKTOP_DATA_DIR to a folder of your own, and start again.")
    return (f"{getattr(exc, 'strerror', None) or exc}. Set MIT_DESKTOP_DATA_DIR to a folder of "
            "your own, or ask someone to check this folder, and start again.")


def _refuse_unusable(path: Path) -> None:
    """Raise :class:`UnusableHistoryError` if ``path`` or its folder can never be a history.

    A folder or a device (also through a link) where the file should be, or a data
    folder that is a file: nothing is created or changed.
    """
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise UnusableHistoryError(path, f"{folder} is a file, not a folder. Move it away, or "
                                         "set MIT_DESKTOP_DATA_DIR to another folder.")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise UnusableHistoryError(path, "it is a link to a file that does not exist. "
                                             "Remove the link and start again.") from None
        return
    except OSError as exc:
        raise UnusableHistoryError(path, _unusable_reason(exc)) from exc
    if stat.S_ISDIR(mode):
        raise UnusableHistoryError(path, "it is a folder, not a file. Move that folder away "
                                         "(your history is not in it) and start again.")
    if not stat.S_ISREG(mode):
        raise UnusableHistoryError(path, "it is not an ordinary file (it is a device or a "
                                         "link to one). Remove it and start again.")


class HistoryStore(JournalMixin, SafetyEventsMixin, ProgramPlanMixin, MeasuresMixin):
    """Practice history of every profile in one data folder (see module docstring)."""

    def __init__(
        self,
        db: Database,
        path: Path,
        lock: FolderLock,
        clock: Clock,
        tz: dt.tzinfo | None,
    ) -> None:
        """Use :meth:`open`; this only wires an already prepared database."""
        self.db = db
        self.path = path
        self._lock = lock
        self.clock = clock
        self.tz = tz
        self._open_here: set[int] = set()
        #: where a damaged history was put aside by ``open(set_aside_damaged=True)``, or None
        self.set_aside: Path | None = None
        #: True for a store from :meth:`open_for_reading` while another process writes
        self.read_only = False
        #: True for a store from :meth:`open_in_memory`: nothing is saved, no backups
        self.in_memory = False

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        clock: Clock = system_clock,
        tz: dt.tzinfo | None = None,
        set_aside_damaged: bool = False,
    ) -> HistoryStore:
        """Open (creating if needed) the history database.

        ``path`` defaults to ``mit_desktop.paths.database_path()``; ``clock``
        returns epoch ms; ``tz`` is the local zone (None: the computer's).

        Raises :class:`AlreadyRunningError` if another process has it open;
        :class:`CorruptDatabaseError` if the file fails its integrity check, is
        not a history of ours (another program's tables, a changed layout, an
        extra trigger or view), or is empty (0 bytes) while a good backup exists:
        nothing is changed, so every start says so until the user chooses;
        :class:`NewerDatabaseError` if a newer MIT Desktop wrote it (nothing is
        changed); :class:`UnusableHistoryError` if the file or its folder cannot
        be used at all (a folder, a device, read-only, the disk full).

        ``set_aside_damaged=True`` is the user's choice after a
        :class:`CorruptDatabaseError`: the damaged file (with its -wal/-shm) is
        renamed ``history-damaged-STAMP.sqlite3`` beside it, never overwritten,
        ``store.set_aside`` names it, and a new, empty history is started (restore
        a backup into it with ``restore_backup(…, keep_current=False)``).
        """
        if path is None:
            from mit_desktop import paths

            try:
                path = paths.database_path()
            except OSError as exc:
                raise UnusableHistoryError(
                    Path(exc.filename or "history.sqlite3"), _unusable_reason(exc)) from exc
        path = Path(path)
        _refuse_unusable(path)
        try:
            private_folder(path.parent)
            lock = DataFolderLock(path.parent)
            lock.acquire()
        except OSError as exc:
            raise UnusableHistoryError(path, _unusable_reason(exc)) from exc
        try:
            db, moved = cls._open_database(path, clock, set_aside_damaged)
        except (OSError, sqlite3.Error) as exc:
            lock.release()
            log.error("cannot use the history %s: %s", path, exc)
            raise UnusableHistoryError(path, _unusable_reason(exc)) from exc
        except BaseException:
            lock.release()
            raise
        store = cls(db, path, lock, clock, tz)
        store.set_aside = moved
        log.debug("opened history %s", path)
        return store

    @classmethod
    def open_in_memory(cls, *, clock: Clock = system_clock,
                       tz: dt.tzinfo | None = None) -> HistoryStore:
        """A history kept in memory only, for a window whose history file cannot be used (a
        folder, read-only, the disk full): practices play and can be answered as usual, and
        all of it is gone when the program closes. Nothing touches the disk: no file, no
        lock, no backup (backups refuse with :class:`BackupError`)."""
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        db = Database(conn, execute_plugins=False)
        conn.execute("PRAGMA foreign_keys = ON")
        schema.migrate(db)
        store = cls(db, Path(":memory:"), _NoLock(), clock, tz)
        store.in_memory = True
        log.info("history kept in memory for this run (the history file cannot be used)")
        return store

    @classmethod
    def open_for_reading(
        cls,
        path: Path | None = None,
        *,
        clock: Clock = system_clock,
        tz: dt.tzinfo | None = None,
    ) -> HistoryStore:
        """Open the history to read (and to back up), also while the window has it open.

        If no other process holds the data folder, this is :meth:`open` (with its
        checks). If one does (the window, a ``play``), SQLite's WAL mode lets this
        process read alongside it: a connection with ``query_only`` on, no lock taken,
        nothing migrated or written, each read a consistent snapshot. Writing through
        the returned store raises an error; only writers are serialised by the lock.
        Raises what :meth:`open` raises, except :class:`AlreadyRunningError`;
        :class:`HistoryError` if the running program is of another version.
        """
        from mit_desktop.history.errors import AlreadyRunningError

        try:
            return cls.open(path, clock=clock, tz=tz)
        except AlreadyRunningError as exc:
            busy = exc
        if path is None:
            from mit_desktop import paths

            path = paths.database_path()
        path = Path(path)
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA query_only = ON")
            db = Database(conn, execute_plugins=False)
            schema.refuse_newer(db, path)
            if schema.pending_steps(db):
                conn.close()
                raise HistoryError(f"{busy} (It is another version of MIT Desktop; close it "
                                   "and try again.)")
        except sqlite3.Error as exc:
            raise UnusableHistoryError(path, _unusable_reason(exc)) from exc
        store = cls(db, path, DataFolderLock(path.parent), clock, tz)
        store.read_only = True
        log.debug("reading history %s alongside the running program", path)
        return store

    @classmethod
    def _open_database(
        cls, path: Path, clock: Clock, set_aside_damaged: bool = False
    ) -> tuple[Database, Path | None]:
        size = path.stat().st_size if path.exists() else None
        problem = _integrity_problem(path) if size else None
        folder = path.parent / backups_mod.BACKUP_FOLDER
        if size == 0 and problem is None:
            if backups_mod.newest_good_backup(folder) is not None:
                problem = "the file is empty (0 bytes), though backups exist"
            else:
                log.warning("history file %s is empty and there is no backup; starting it", path)
        moved = None
        if problem is not None:
            if not set_aside_damaged:
                log.error("history %s cannot be used: %s", path, problem)
                raise CorruptDatabaseError(path, None, backups_mod.newest_good_backup(folder),
                                           problem)
            stamp = dt.datetime.fromtimestamp(clock() / 1000, dt.UTC)
            moved = _move_aside(path, stamp.strftime("%Y%m%dT%H%M%SZ"))
        touch_private(path)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            db = Database(conn, execute_plugins=False)
            schema.refuse_newer(db, path)
            conn.execute("PRAGMA busy_timeout = 5000")
            db.enable_wal()
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            for suffix in COMPANION_SUFFIXES:
                make_private(Path(f"{path}{suffix}"))
            pending = schema.pending_steps(db)
            if pending and schema.applied_steps(db):
                now = dt.datetime.fromtimestamp(clock() / 1000, dt.UTC)
                backups_mod.make_backup(
                    conn, path.parent / backups_mod.BACKUP_FOLDER, now, "pre-migration"
                )
            schema.migrate(db)
            return db, moved
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
            raise

    def close(self) -> None:
        """Close the database and release the lock (idempotent)."""
        if self.read_only or self.in_memory:
            with contextlib.suppress(sqlite3.Error):
                self.db.conn.close()
            return
        if self._lock.held:
            try:
                self.db.conn.close()
            finally:
                self._lock.release()
                log.debug("closed history %s", self.path)

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ backups

    @property
    def backups_folder(self) -> Path:
        """``<data folder>/backups`` (0700). :class:`BackupError` for a history kept in memory."""
        if self.in_memory:
            raise BackupError("Your practices are not being saved this time, so there is "
                              "nothing to back up.")
        return self.path.parent / backups_mod.BACKUP_FOLDER

    def _now_dt(self, now: dt.datetime | None) -> dt.datetime:
        if now is None:
            return dt.datetime.fromtimestamp(self.clock() / 1000, dt.UTC)
        if now.tzinfo is None:
            raise InvalidInputError("Times for backups must include a time zone.")
        return now

    def backup_now(self, reason: str = "manual", now: dt.datetime | None = None) -> Path:
        """Make a backup with the SQLite backup API now; return its path."""
        if self.conn.in_transaction:
            raise BackupError("Cannot back up in the middle of a change; try again.")
        return backups_mod.make_backup(self.conn, self.backups_folder, self._now_dt(now), reason)

    def backup_if_due(
        self, now: dt.datetime | None = None, interval: dt.timedelta = dt.timedelta(days=1)
    ) -> Path | None:
        """Back up if the newest backup is older than ``interval`` (default a day), then rotate.

        Returns the new backup's path, or None if none was due.
        """
        moment = self._now_dt(now)
        existing = backups_mod.list_backups(self.backups_folder)
        if existing and moment - existing[0].created < interval:
            return None
        made = self.backup_now("scheduled", moment)
        backups_mod.rotate(self.backups_folder, moment)
        return made

    def list_backups(self) -> list[backups_mod.BackupInfo]:
        """Backups of this data folder, newest first (none for a history kept in memory)."""
        if self.in_memory:
            return []
        return backups_mod.list_backups(self.backups_folder)

    def restore_backup(
        self, backup: Path, now: dt.datetime | None = None, *, keep_current: bool = True
    ) -> Path | None:
        """Replace the whole history with ``backup``; return the backup of what was replaced.

        The backup must be an intact history of ours (:func:`backups.check_history_file`:
        no foreign tables, changed layout, extra triggers or views); a backup from a
        newer version is refused; either way before anything changes. Then the current
        database is backed up (reason ``pre-restore``; skipped with
        ``keep_current=False``, when the replaced history is a new, empty one started
        after a damaged file was set aside, and None is returned), the backup's
        content is written into the live database with the backup API and migrated
        to this version.
        """
        backup = Path(backup)
        problem = backups_mod.check_history_file(backup)
        if problem != "ok":
            raise BackupError(f"The backup {backup} cannot be restored: {problem}.")
        probe = Database(
            sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True), execute_plugins=False
        )
        try:
            schema.refuse_newer(probe, backup)
        finally:
            probe.close()
        safety = self.backup_now("pre-restore", now) if keep_current else None
        backups_mod.restore_into(self.conn, backup)
        self.conn.execute("PRAGMA foreign_keys = ON")
        schema.migrate(self.db)
        self._open_here.clear()
        return safety


def open_store(path: Path | None = None) -> HistoryStore:
    """Shorthand for :meth:`HistoryStore.open` with the real clock and local zone."""
    return HistoryStore.open(path)


__all__ = ["HistoryStore", "HistoryError", "open_store"]


class _NoLock:
    """The lock of a history kept in memory: there is no folder to hold."""

    held = False

    def acquire(self) -> None:
        """Nothing to take."""

    def release(self) -> None:
        """Nothing to give back."""
