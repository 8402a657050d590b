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

import datetime as dt
import json
import logging
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from mit_desktop.history import backups as backups_mod
from mit_desktop.history import schema
from mit_desktop.history import settings as settings_mod
from mit_desktop.history.errors import (
    BackupError,
    CorruptDatabaseError,
    HistoryError,
    InvalidInputError,
    UnknownPracticeError,
    UnknownProfileError,
)
from mit_desktop.history.fsutil import make_private, private_folder, touch_private
from mit_desktop.history.lock import DataFolderLock
from mit_desktop.history.models import (
    KINDS,
    MODES,
    PHASES,
    SOURCES,
    BodyMapRecord,
    CheckIn,
    Practice,
    Profile,
    Reflection,
)
from mit_desktop.history.settings import ProfileSettings
from mit_desktop.history.timeutil import Clock, system_clock, utc_offset_min

log = logging.getLogger(__name__)

COMPANION_SUFFIXES = ("-wal", "-shm")
MAX_TEXT_CHARS = 20_000


def _check_rating(value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InvalidInputError(f"{name} must be a whole number from 0 to 10, not {value!r}.")
    return value


def _check_ms(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInputError(f"{name} must be a whole number of milliseconds ≥ 0, not {value!r}.")
    return value


def _check_text(value: str, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be text.")
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidInputError(f"{name} is too long (at most {MAX_TEXT_CHARS} characters).")
    return value


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


def _integrity_problem(conn: sqlite3.Connection) -> str | None:
    """None if ``PRAGMA integrity_check`` says ok, else a short description."""
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows == [("ok",)]:
        return None
    return "; ".join(str(row[0]) for row in rows[:3])


class HistoryStore:
    """Practice history of every profile in one data folder (see module docstring)."""

    def __init__(
        self,
        db: Database,
        path: Path,
        lock: DataFolderLock,
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

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        clock: Clock = system_clock,
        tz: dt.tzinfo | None = None,
    ) -> HistoryStore:
        """Open (creating if needed) the history database.

        ``path`` defaults to ``mit_desktop.paths.database_path()``; ``clock``
        returns epoch ms; ``tz`` is the local zone (None: the computer's).

        Raises :class:`AlreadyRunningError` if another process has it open,
        :class:`CorruptDatabaseError` if it fails its integrity check (the file
        has then been moved aside untouched), :class:`NewerDatabaseError` if a
        newer MIT Desktop wrote it (nothing is changed).
        """
        if path is None:
            from mit_desktop import paths

            path = paths.database_path()
        path = Path(path)
        private_folder(path.parent)
        lock = DataFolderLock(path.parent)
        lock.acquire()
        try:
            db = cls._open_database(path, clock)
        except BaseException:
            lock.release()
            raise
        store = cls(db, path, lock, clock, tz)
        log.debug("opened history %s", path)
        return store

    @classmethod
    def _open_database(cls, path: Path, clock: Clock) -> Database:
        existed = path.exists() and path.stat().st_size > 0
        touch_private(path)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            problem = _integrity_problem(conn) if existed else None
            if problem is not None:
                conn.close()
                stamp = dt.datetime.fromtimestamp(clock() / 1000, dt.timezone.utc)
                moved = _move_aside(path, stamp.strftime("%Y%m%dT%H%M%SZ"))
                newest = backups_mod.newest_good_backup(path.parent / backups_mod.BACKUP_FOLDER)
                raise CorruptDatabaseError(path, moved, newest, problem)
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
                now = dt.datetime.fromtimestamp(clock() / 1000, dt.timezone.utc)
                backups_mod.make_backup(
                    conn, path.parent / backups_mod.BACKUP_FOLDER, now, "pre-migration"
                )
            schema.migrate(db)
            return db
        except BaseException:
            try:
                conn.close()
            except sqlite3.Error:
                pass
            raise

    def close(self) -> None:
        """Close the database and release the lock (idempotent)."""
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

    @property
    def conn(self) -> sqlite3.Connection:
        """The underlying connection (autocommit; use :meth:`transaction` for groups)."""
        return self.db.conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all commit together or none do."""
        with self.db.atomic():
            yield

    def _now_ms(self, given: int | None = None) -> int:
        return self.clock() if given is None else _check_ms(given, "time")

    # ----------------------------------------------------------------- profiles

    def create_profile(
        self,
        name: str,
        kind: str = "caregiver",
        *,
        variables: Mapping[str, str] | None = None,
        region: str | None = None,
    ) -> int:
        """Create a profile; return its id. Names are unique, ignoring case."""
        name = self._check_name(name)
        if kind not in KINDS:
            raise InvalidInputError(f"A profile is a caregiver or a client, not {kind!r}.")
        vars_json = json.dumps(self._check_variables(variables or {}))
        try:
            cursor = self.conn.execute(
                "INSERT INTO profiles (name, kind, created_ms, variables, region) "
                "VALUES (?, ?, ?, ?, ?)",
                (name, kind, self._now_ms(), vars_json, region),
            )
        except sqlite3.IntegrityError:
            raise InvalidInputError(f"There is already a profile called {name!r}.") from None
        return int(cursor.lastrowid or 0)

    @staticmethod
    def _check_name(name: str) -> str:
        if not isinstance(name, str) or not name.strip():
            raise InvalidInputError("A profile needs a name.")
        name = name.strip()
        if len(name) > 100:
            raise InvalidInputError("A profile name can be at most 100 characters.")
        return name

    @staticmethod
    def _check_variables(variables: Mapping[str, str]) -> dict[str, str]:
        checked = {}
        for key, value in variables.items():
            if not isinstance(key, str) or not key.isidentifier():
                raise InvalidInputError(f"{key!r} is not a valid variable name.")
            if not isinstance(value, str) or len(value) > 200:
                raise InvalidInputError(f"The value of {key} must be text (up to 200 characters).")
            checked[key] = value
        return checked

    def _profile_row(self, profile_id: int) -> Profile:
        row = self.conn.execute("SELECT * FROM profiles WHERE id = ?", (profile_id,)).fetchone()
        if row is None:
            raise UnknownProfileError(f"There is no profile number {profile_id}.")
        return self._profile_from_row(row)

    def _profile_from_row(self, row: tuple[Any, ...]) -> Profile:
        pid, name, kind, created_ms, variables, notice_ms, region, settings = row
        return Profile(
            pid, name, kind, created_ms, json.loads(variables), notice_ms, region, json.loads(settings)
        )

    def get_profile(self, profile_id: int) -> Profile:
        """The profile with this id, or :class:`UnknownProfileError`."""
        return self._profile_row(profile_id)

    def profile_by_name(self, name: str) -> Profile:
        """The profile with this name (case-insensitive), or :class:`UnknownProfileError`."""
        row = self.conn.execute(
            "SELECT * FROM profiles WHERE name = ? COLLATE NOCASE", (name.strip(),)
        ).fetchone()
        if row is None:
            known = ", ".join(p.name for p in self.list_profiles()) or "none yet"
            raise UnknownProfileError(f"There is no profile called {name!r} (profiles: {known}).")
        return self._profile_from_row(row)

    def list_profiles(self) -> list[Profile]:
        """Every profile, by name."""
        rows = self.conn.execute("SELECT * FROM profiles ORDER BY name COLLATE NOCASE").fetchall()
        return [self._profile_from_row(row) for row in rows]

    def _update_profile(self, profile_id: int, column: str, value: Any) -> None:
        self._profile_row(profile_id)
        self.conn.execute(f"UPDATE profiles SET {column} = ? WHERE id = ?", (value, profile_id))

    def rename_profile(self, profile_id: int, new_name: str) -> None:
        """Rename; raises :class:`InvalidInputError` if the name is taken."""
        new_name = self._check_name(new_name)
        try:
            self._update_profile(profile_id, "name", new_name)
        except sqlite3.IntegrityError:
            raise InvalidInputError(f"There is already a profile called {new_name!r}.") from None

    def set_variables(self, profile_id: int, variables: Mapping[str, str]) -> None:
        """Replace the profile's script variables (e.g. ``{"loved_one": "Mum"}``)."""
        self._update_profile(profile_id, "variables", json.dumps(self._check_variables(variables)))

    def set_region(self, profile_id: int, region: str | None) -> None:
        """Set the region code that selects crisis resources (e.g. ``"GB"``)."""
        self._update_profile(profile_id, "region", region)

    def accept_notice(self, profile_id: int, accepted_ms: int | None = None) -> None:
        """Record that the first-run notice was accepted (now, or at ``accepted_ms``)."""
        self._update_profile(profile_id, "notice_accepted_ms", self._now_ms(accepted_ms))

    def settings(self, profile_id: int) -> ProfileSettings:
        """The profile's settings, defaults filled in."""
        return settings_mod.from_json(self._profile_row(profile_id).settings)

    def update_settings(self, profile_id: int, **changes: Any) -> ProfileSettings:
        """Change some settings (names as in :class:`ProfileSettings`); return the result."""
        raw = self._profile_row(profile_id).settings
        merged = settings_mod.merged_json(raw, changes)
        self._update_profile(profile_id, "settings", json.dumps(merged))
        return settings_mod.from_json(merged)

    def profile_data_counts(self, profile_id: int) -> dict[str, int]:
        """How many rows deleting this profile would delete, by kind.

        Keys: ``practices``, ``check_ins``, ``reflections``, ``drafts``, ``body_maps``.
        """
        self._profile_row(profile_id)
        sql = """
            SELECT
              (SELECT count(*) FROM practices WHERE profile_id = :p),
              (SELECT count(*) FROM check_ins c JOIN practices p ON p.id = c.practice_id
                 WHERE p.profile_id = :p),
              (SELECT count(*) FROM reflections r JOIN practices p ON p.id = r.practice_id
                 WHERE p.profile_id = :p),
              (SELECT count(*) FROM drafts d JOIN practices p ON p.id = d.practice_id
                 WHERE p.profile_id = :p),
              (SELECT count(*) FROM body_maps WHERE profile_id = :p)
        """
        row = self.conn.execute(sql, {"p": profile_id}).fetchone()
        return dict(zip(("practices", "check_ins", "reflections", "drafts", "body_maps"), row))

    def delete_profile(self, profile_id: int) -> dict[str, int]:
        """Delete the profile and everything recorded for it; return what was deleted."""
        counts = self.profile_data_counts(profile_id)
        with self.transaction():
            self.conn.execute("DELETE FROM profiles WHERE id = ?", (profile_id,))
        self._open_here.clear()
        log.info("deleted profile %s and %s", profile_id, counts)
        return counts

    # ---------------------------------------------------------------- practices

    def start_practice(
        self,
        profile_id: int,
        session_id: str,
        session_hash: str,
        mode: str,
        source: str = "player",
        *,
        resume_of: int | None = None,
        position_ms: int = 0,
        started_ms: int | None = None,
    ) -> int:
        """Write the practice row as playback starts; return its id.

        ``resume_of``: an interrupted practice this one continues (it is closed
        as partial in the same transaction); ``position_ms``: where playback
        starts (e.g. 452_000 to continue from 7:32).
        """
        self._profile_row(profile_id)
        if mode not in MODES:
            raise InvalidInputError(f"Mode must be one of {', '.join(MODES)}, not {mode!r}.")
        if source not in SOURCES:
            raise InvalidInputError(f"Source must be one of {', '.join(SOURCES)}.")
        _check_ms(position_ms, "position_ms")
        now = self._now_ms(started_ms)
        with self.transaction():
            if resume_of is not None:
                old = self.get_practice(resume_of)
                if old.profile_id != profile_id:
                    raise UnknownPracticeError(f"Practice {resume_of} belongs to another profile.")
                if not old.finished:
                    self._close_partial(old)
            cursor = self.conn.execute(
                "INSERT INTO practices (profile_id, session_id, session_hash, mode, source, "
                "started_ms, utc_offset_min, checkpoint_ms, position_ms, resumed_from) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    profile_id,
                    session_id,
                    session_hash,
                    mode,
                    source,
                    now,
                    utc_offset_min(now, self.tz),
                    now,
                    position_ms,
                    resume_of,
                ),
            )
        practice_id = int(cursor.lastrowid or 0)
        self._open_here.add(practice_id)
        return practice_id

    def checkpoint(self, practice_id: int, position_ms: int, listened_ms: int) -> bool:
        """Durably record progress of a running practice (one UPDATE, one commit).

        Returns False (and logs) if the practice is already finished, so a late
        timer tick cannot change a closed practice; raises
        :class:`UnknownPracticeError` if there is no such practice.
        """
        _check_ms(position_ms, "position_ms")
        _check_ms(listened_ms, "listened_ms")
        cursor = self.conn.execute(
            "UPDATE practices SET position_ms = ?, listened_ms = ?, checkpoint_ms = ? "
            "WHERE id = ? AND status = 'in_progress'",
            (position_ms, listened_ms, self.clock(), practice_id),
        )
        if cursor.rowcount == 1:
            return True
        self.get_practice(practice_id)
        log.warning("checkpoint for finished practice %s ignored", practice_id)
        return False

    def finish_practice(
        self, practice_id: int, completed: bool, position_ms: int, listened_ms: int
    ) -> None:
        """Close a running practice as completed or partial, with its final progress."""
        _check_ms(position_ms, "position_ms")
        _check_ms(listened_ms, "listened_ms")
        now = self.clock()
        cursor = self.conn.execute(
            "UPDATE practices SET status = ?, ended_ms = ?, checkpoint_ms = ?, position_ms = ?, "
            "listened_ms = ? WHERE id = ? AND status = 'in_progress'",
            ("completed" if completed else "partial", now, now, position_ms, listened_ms,
             practice_id),
        )
        self._open_here.discard(practice_id)
        if cursor.rowcount != 1:
            practice = self.get_practice(practice_id)
            raise InvalidInputError(f"Practice {practice.id} was already finished.")

    def log_manual_practice(
        self,
        profile_id: int,
        session_id: str,
        started_ms: int,
        duration_ms: int,
        *,
        completed: bool = True,
        session_hash: str = "",
        mode: str = "hands-free",
    ) -> int:
        """Record a practice done without the player (e.g. from a CD); return its id."""
        self._profile_row(profile_id)
        _check_ms(started_ms, "started_ms")
        _check_ms(duration_ms, "duration_ms")
        if mode not in MODES:
            raise InvalidInputError(f"Mode must be one of {', '.join(MODES)}.")
        if started_ms > self.clock():
            raise InvalidInputError("A practice cannot be logged in the future.")
        if duration_ms > 6 * 3600 * 1000:
            raise InvalidInputError("A practice can last at most 6 hours.")
        cursor = self.conn.execute(
            "INSERT INTO practices (profile_id, session_id, session_hash, mode, source, status, "
            "started_ms, utc_offset_min, ended_ms, checkpoint_ms, position_ms, listened_ms) "
            "VALUES (?, ?, ?, ?, 'manual', ?, ?, ?, ?, ?, ?, ?)",
            (
                profile_id,
                session_id,
                session_hash,
                mode,
                "completed" if completed else "partial",
                started_ms,
                utc_offset_min(started_ms, self.tz),
                started_ms + duration_ms,
                started_ms + duration_ms,
                duration_ms,
                duration_ms,
            ),
        )
        return int(cursor.lastrowid or 0)

    _PRACTICE_COLUMNS = (
        "id, profile_id, session_id, session_hash, mode, source, status, started_ms, "
        "utc_offset_min, ended_ms, checkpoint_ms, position_ms, listened_ms, resumed_from"
    )

    def get_practice(self, practice_id: int) -> Practice:
        """The practice with this id, or :class:`UnknownPracticeError`."""
        row = self.conn.execute(
            f"SELECT {self._PRACTICE_COLUMNS} FROM practices WHERE id = ?", (practice_id,)
        ).fetchone()
        if row is None:
            raise UnknownPracticeError(f"There is no practice number {practice_id}.")
        return Practice(*row)

    def list_practices(
        self,
        profile_id: int,
        *,
        since_ms: int | None = None,
        until_ms: int | None = None,
        limit: int | None = None,
    ) -> list[Practice]:
        """The profile's practices, newest first, started in ``[since_ms, until_ms)``."""
        self._profile_row(profile_id)
        rows = self.conn.execute(
            f"SELECT {self._PRACTICE_COLUMNS} FROM practices WHERE profile_id = :p "
            "AND (:since IS NULL OR started_ms >= :since) "
            "AND (:until IS NULL OR started_ms < :until) "
            "ORDER BY started_ms DESC, id DESC LIMIT coalesce(:limit, -1)",
            {"p": profile_id, "since": since_ms, "until": until_ms, "limit": limit},
        ).fetchall()
        return [Practice(*row) for row in rows]

    def interrupted_practices(self, profile_id: int) -> list[Practice]:
        """Practices never finished (their process died), newest first.

        Practices started by this store and still playing are not included.
        The player offers to continue the first one from its ``position_ms``.
        """
        self._profile_row(profile_id)
        rows = self.conn.execute(
            f"SELECT {self._PRACTICE_COLUMNS} FROM practices "
            "WHERE profile_id = ? AND status = 'in_progress' ORDER BY started_ms DESC, id DESC",
            (profile_id,),
        ).fetchall()
        return [Practice(*row) for row in rows if row[0] not in self._open_here]

    def _close_partial(self, practice: Practice) -> None:
        self.conn.execute(
            "UPDATE practices SET status = 'partial', ended_ms = ? "
            "WHERE id = ? AND status = 'in_progress'",
            (practice.checkpoint_ms or practice.started_ms, practice.id),
        )
        self._open_here.discard(practice.id)

    def close_as_partial(self, practice_id: int) -> None:
        """Close an interrupted practice as partial, ended at its last checkpoint.

        It keeps its progress and counts in statistics. Closing an already
        finished practice does nothing.
        """
        self._close_partial(self.get_practice(practice_id))

    # ------------------------------------------------------- check-ins, notes

    def record_check_in(
        self,
        practice_id: int,
        phase: str,
        *,
        mood: int | None = None,
        stress: int | None = None,
        recorded_ms: int | None = None,
    ) -> None:
        """Record mood and/or stress (0–10) ``before`` or ``after`` a practice.

        Recording the same phase again replaces the earlier answer.
        """
        if phase not in PHASES:
            raise InvalidInputError("A check-in is 'before' or 'after' a practice.")
        _check_rating(mood, "Mood")
        _check_rating(stress, "Stress")
        if mood is None and stress is None:
            raise InvalidInputError("A check-in needs a mood or a stress rating.")
        self.get_practice(practice_id)
        self.conn.execute(
            "INSERT INTO check_ins (practice_id, phase, recorded_ms, mood, stress) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (practice_id, phase) DO UPDATE SET "
            "recorded_ms = excluded.recorded_ms, mood = excluded.mood, stress = excluded.stress",
            (practice_id, phase, self._now_ms(recorded_ms), mood, stress),
        )

    def check_ins(self, practice_id: int) -> list[CheckIn]:
        """The practice's check-ins, ``before`` first."""
        rows = self.conn.execute(
            "SELECT id, practice_id, phase, recorded_ms, mood, stress FROM check_ins "
            "WHERE practice_id = ? ORDER BY phase = 'after', id",
            (practice_id,),
        ).fetchall()
        return [CheckIn(*row) for row in rows]

    def save_draft(self, practice_id: int, reflection_key: str, text: str) -> None:
        """Durably keep what has been typed so far into a reflection note.

        Cheap enough to call on every pause in typing; the draft survives a
        killed process and is promoted by :meth:`save_reflection`.
        """
        _check_text(text, "The note")
        try:
            self.conn.execute(
                "INSERT INTO drafts (practice_id, reflection_key, text, updated_ms) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (practice_id, reflection_key) DO UPDATE SET "
                "text = excluded.text, updated_ms = excluded.updated_ms",
                (practice_id, reflection_key, text, self.clock()),
            )
        except sqlite3.IntegrityError:
            raise UnknownPracticeError(f"There is no practice number {practice_id}.") from None

    def drafts(self, practice_id: int) -> dict[str, str]:
        """Unsaved drafts of the practice: ``{reflection_key: text}``."""
        rows = self.conn.execute(
            "SELECT reflection_key, text FROM drafts WHERE practice_id = ?", (practice_id,)
        ).fetchall()
        return dict(rows)

    def pending_drafts(self, profile_id: int) -> list[tuple[int, str, str]]:
        """Every unsaved draft of the profile as ``(practice_id, reflection_key, text)``, newest first."""
        return self.conn.execute(
            "SELECT d.practice_id, d.reflection_key, d.text FROM drafts d "
            "JOIN practices p ON p.id = d.practice_id WHERE p.profile_id = ? "
            "ORDER BY d.updated_ms DESC",
            (profile_id,),
        ).fetchall()

    def save_reflection(
        self,
        practice_id: int,
        reflection_key: str,
        *,
        prompt: str = "",
        note: str | None = None,
        rating: int | None = None,
        body_map_id: int | None = None,
    ) -> int:
        """Save the answer to one reflection prompt; return the reflection's id.

        ``note=None`` promotes the draft (or saves an empty note if there is
        none); the draft is removed in the same transaction. Saving the same
        ``reflection_key`` again replaces the answer.
        """
        practice = self.get_practice(practice_id)
        _check_text(prompt, "The prompt")
        _check_rating(rating, "The rating")
        if body_map_id is not None:
            owner = self.conn.execute(
                "SELECT profile_id FROM body_maps WHERE id = ?", (body_map_id,)
            ).fetchone()
            if owner is None or owner[0] != practice.profile_id:
                raise InvalidInputError(f"There is no body map number {body_map_id} here.")
        with self.transaction():
            if note is None:
                note = self.drafts(practice_id).get(reflection_key, "")
            _check_text(note, "The note")
            self.conn.execute(
                "INSERT INTO reflections (practice_id, reflection_key, prompt, note, rating, "
                "body_map_id, saved_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (practice_id, reflection_key) DO UPDATE SET prompt = excluded.prompt, "
                "note = excluded.note, rating = excluded.rating, "
                "body_map_id = excluded.body_map_id, saved_ms = excluded.saved_ms",
                (practice_id, reflection_key, prompt, note, rating, body_map_id, self.clock()),
            )
            self.conn.execute(
                "DELETE FROM drafts WHERE practice_id = ? AND reflection_key = ?",
                (practice_id, reflection_key),
            )
        row = self.conn.execute(
            "SELECT id FROM reflections WHERE practice_id = ? AND reflection_key = ?",
            (practice_id, reflection_key),
        ).fetchone()
        return int(row[0])

    def reflections(self, practice_id: int) -> list[Reflection]:
        """The practice's saved reflections, in the order saved."""
        rows = self.conn.execute(
            "SELECT id, practice_id, reflection_key, prompt, note, rating, body_map_id, saved_ms "
            "FROM reflections WHERE practice_id = ? ORDER BY saved_ms, id",
            (practice_id,),
        ).fetchall()
        return [Reflection(*row) for row in rows]

    # ---------------------------------------------------------------- body maps

    def add_body_map(
        self,
        profile_id: int,
        data: bytes,
        *,
        emotion: str | None = None,
        intensity: int | None = None,
        practice_id: int | None = None,
        created_ms: int | None = None,
    ) -> int:
        """Store a body map (``data``: the opaque blob from ``mit_desktop.bodymap``); return its id.

        ``emotion`` and ``intensity`` (0–10) are kept in columns for filtering.
        """
        self._profile_row(profile_id)
        if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) == 0:
            raise InvalidInputError("A body map needs its data.")
        _check_rating(intensity, "Intensity")
        if emotion is not None:
            emotion = _check_text(emotion, "The emotion word").strip().lower() or None
        if practice_id is not None and self.get_practice(practice_id).profile_id != profile_id:
            raise UnknownPracticeError(f"Practice {practice_id} belongs to another profile.")
        now = self._now_ms(created_ms)
        cursor = self.conn.execute(
            "INSERT INTO body_maps (profile_id, practice_id, created_ms, utc_offset_min, emotion, "
            "intensity, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (profile_id, practice_id, now, utc_offset_min(now, self.tz), emotion, intensity,
             bytes(data)),
        )
        return int(cursor.lastrowid or 0)

    def get_body_map(self, body_map_id: int, profile_id: int) -> BodyMapRecord:
        """One body map of the profile, with its blob."""
        row = self.conn.execute(
            "SELECT id, profile_id, practice_id, created_ms, utc_offset_min, emotion, intensity, "
            "data FROM body_maps WHERE id = ? AND profile_id = ?",
            (body_map_id, profile_id),
        ).fetchone()
        if row is None:
            raise InvalidInputError(f"There is no body map number {body_map_id} in this profile.")
        return BodyMapRecord(*row)

    # ------------------------------------------------------------------ backups

    @property
    def backups_folder(self) -> Path:
        """``<data folder>/backups`` (0700)."""
        return self.path.parent / backups_mod.BACKUP_FOLDER

    def _now_dt(self, now: dt.datetime | None) -> dt.datetime:
        if now is None:
            return dt.datetime.fromtimestamp(self.clock() / 1000, dt.timezone.utc)
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
        """Backups of this data folder, newest first."""
        return backups_mod.list_backups(self.backups_folder)

    def restore_backup(self, backup: Path, now: dt.datetime | None = None) -> Path:
        """Replace the whole history with ``backup``; return the backup of what was replaced.

        The current database is first backed up (reason ``pre-restore``); then
        the backup's content is written into the live database with the backup
        API and migrated to this version. A backup from a newer version is
        refused before anything changes.
        """
        backup = Path(backup)
        problem = backups_mod.check_backup(backup)
        if problem != "ok":
            raise BackupError(f"The backup {backup} cannot be restored: {problem}.")
        probe = Database(
            sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True), execute_plugins=False
        )
        try:
            schema.refuse_newer(probe, backup)
        finally:
            probe.close()
        safety = self.backup_now("pre-restore", now)
        backups_mod.restore_into(self.conn, backup)
        self.conn.execute("PRAGMA foreign_keys = ON")
        schema.migrate(self.db)
        self._open_here.clear()
        return safety


def open_store(path: Path | None = None) -> HistoryStore:
    """Shorthand for :meth:`HistoryStore.open` with the real clock and local zone."""
    return HistoryStore.open(path)


__all__ = ["HistoryStore", "HistoryError", "open_store"]
