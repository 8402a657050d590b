"""Backups of the history database, made and restored with SQLite's backup API.

A backup is a complete, self-contained SQLite file (journal mode DELETE, so no
``-wal``/``-shm`` companions) named ``history-YYYYMMDDTHHMMSSffffffZ-REASON.sqlite3``
in the ``backups/`` folder of the data folder, mode 0600. It is written to a
temporary name, synced and renamed, so a crash never leaves a half backup
under a real name. Files are never copied byte-wise: a copy of a live WAL
database can miss committed pages, the backup API cannot.

Rotation keeps the newest backup of each day for the last 7 days and the
newest of each ISO week for the last 31 days; older ones are deleted. The
newest backup is always kept.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from mit_desktop.fsutil import fsync_folder, make_private, private_folder, touch_private
from mit_desktop.history.errors import BackupError

log = logging.getLogger(__name__)

BACKUP_FOLDER = "backups"
_NAME_RE = re.compile(r"^history-(\d{8}T\d{12})Z-([a-z-]+)(?:-\d+)?\.sqlite3$")
_STAMP_FORMAT = "%Y%m%dT%H%M%S%f"
REASONS = ("scheduled", "manual", "pre-migration", "pre-restore")
DAILY_DAYS = 7
WEEKLY_DAYS = 31


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: where, when (UTC, from its name), why, how big (bytes)."""

    path: Path
    created: dt.datetime
    reason: str
    size_bytes: int


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("backup times must be timezone-aware")
    return moment.astimezone(dt.UTC)


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in ``folder``, newest first. Files with other names are ignored."""
    if not folder.is_dir():
        return []
    found: list[BackupInfo] = []
    for path in folder.iterdir():
        match = _NAME_RE.match(path.name)
        if not match or not path.is_file():
            continue
        created = dt.datetime.strptime(match.group(1), _STAMP_FORMAT).replace(
            tzinfo=dt.UTC
        )
        found.append(BackupInfo(path, created, match.group(2), path.stat().st_size))
    found.sort(key=lambda info: (info.created, info.path.name), reverse=True)
    return found


def make_backup(
    source: sqlite3.Connection, folder: Path, now: dt.datetime, reason: str
) -> Path:
    """Back up the database open on ``source`` into ``folder``; return the new file.

    Contract: ``source`` must not be inside a transaction; the result passes
    ``PRAGMA integrity_check``; ``folder`` is created 0700 and the file is 0600.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    private_folder(folder)
    stamp = _utc(now).strftime(_STAMP_FORMAT)
    final = folder / f"history-{stamp}Z-{reason}.sqlite3"
    counter = 2
    while final.exists():
        final = folder / f"history-{stamp}Z-{reason}-{counter}.sqlite3"
        counter += 1
    partial = final.with_name(final.name + ".partial")
    partial.unlink(missing_ok=True)
    touch_private(partial)
    try:
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
            result = dest.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"The new backup failed its check ({result}).")
        finally:
            dest.close()
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, final)
        fsync_folder(folder)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        if "full" in str(exc) or getattr(exc, "errno", None) == 28:
            raise BackupError(f"The disk is full: no backup could be written into {folder}. "
                              "Free some space and try again.") from exc
        raise BackupError(f"Could not write a backup into {folder}: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    make_private(final)
    log.info("backup written: %s", final)
    return final


def check_backup(path: Path) -> str:
    """Run ``PRAGMA integrity_check`` on a backup read-only; return ``'ok'`` or the problem."""
    if not Path(path).is_file():
        return "file not found"
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "ok" if rows == [("ok",)] else "; ".join(str(row[0]) for row in rows[:3])
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()


def check_history_file(path: Path) -> str:
    """``'ok'`` if ``path`` is an intact history of ours, else the problem in words (read-only).

    Ours: it passes ``PRAGMA integrity_check``, records only the migration steps of
    this program in order (a newer version's file is ``'ok'`` here; restoring it is
    refused with :class:`NewerDatabaseError`), and its tables, indexes, triggers and
    views are exactly those the steps make (:func:`schema.schema_problem`): a foreign
    SQLite file, a changed table or an added trigger is refused.
    """
    from sqlite_utils import Database

    from mit_desktop.history import schema

    problem = check_backup(path)
    if problem != "ok":
        return problem
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        found = schema.schema_problem(Database(conn, execute_plugins=False))
        if found is None and not schema.applied_steps(Database(conn, execute_plugins=False)):
            found = "it holds no practice history"
    except sqlite3.Error as exc:
        found = str(exc)
    finally:
        conn.close()
    return "ok" if found is None else found


def newest_good_backup(folder: Path) -> Path | None:
    """The newest backup in ``folder`` that passes :func:`check_history_file`, or ``None``."""
    for info in list_backups(folder):
        if check_history_file(info.path) == "ok":
            return info.path
        log.warning("backup %s failed its check; skipping it", info.path)
    return None


def restore_into(target: sqlite3.Connection, backup: Path) -> None:
    """Replace the content of the database open on ``target`` with ``backup``.

    Uses the backup API (backup → live database); ``target`` must not be in a
    transaction. Raises :class:`BackupError` if the backup is missing or damaged,
    in which case ``target`` is unchanged.
    """
    problem = check_history_file(backup)
    if problem != "ok":
        raise BackupError(f"The backup {backup} cannot be restored: {problem}.")
    source = sqlite3.connect(f"{Path(backup).resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"Restoring {backup} failed: {exc}") from exc
    finally:
        source.close()
    log.info("restored backup %s", backup)


def backups_to_delete(backups: list[BackupInfo], now: dt.datetime) -> list[BackupInfo]:
    """Pure rotation rule: which of ``backups`` to delete at ``now``.

    Keeps the newest backup overall; of the rest, keeps the newest per UTC day
    among those younger than 7 days and the newest per ISO week among those
    7 to 31 days old; everything else is returned for deletion.
    """
    now = _utc(now)
    ordered = sorted(backups, key=lambda info: (info.created, info.path.name), reverse=True)
    keep_keys: set[tuple[str, object]] = set()
    doomed: list[BackupInfo] = []
    for index, info in enumerate(ordered):
        age = now - info.created
        if index == 0:
            keep_keys.add(("day", info.created.date()))
            continue
        if age < dt.timedelta(days=DAILY_DAYS):
            key: tuple[str, object] = ("day", info.created.date())
        elif age < dt.timedelta(days=WEEKLY_DAYS):
            key = ("week", info.created.isocalendar()[:2])
        else:
            doomed.append(info)
            continue
        if key in keep_keys:
            doomed.append(info)
        else:
            keep_keys.add(key)
    return doomed


def rotate(folder: Path, now: dt.datetime) -> list[Path]:
    """Delete the backups that :func:`backups_to_delete` names; return their paths."""
    deleted = []
    for info in backups_to_delete(list_backups(folder), now):
        info.path.unlink(missing_ok=True)
        deleted.append(info.path)
        log.info("rotated out backup %s", info.path)
    return deleted
