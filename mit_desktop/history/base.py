"""Shared state of the store's parts (validation helpers and the base the mixins extend).

``HistoryStore`` is assembled from small mixins (``profiles.py``, ``journal.py``)
that all work on one connection; this module holds what they share.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.timeutil import Clock

MAX_TEXT_CHARS = 20_000


def check_rating(value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InvalidInputError(f"{name} must be a whole number from 0 to 10, not {value!r}.")
    return value


def check_ms(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInputError(
            f"{name} must be a whole number of milliseconds ≥ 0, not {value!r}."
        )
    return value


def check_text(value: str, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be text.")
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidInputError(f"{name} is too long (at most {MAX_TEXT_CHARS} characters).")
    return value


class StoreBase:
    """The connection, clock and time zone every part of the store uses."""

    db: Database
    clock: Clock
    tz: dt.tzinfo | None
    _open_here: set[int]

    @property
    def conn(self) -> sqlite3.Connection:
        """The underlying connection (autocommit; use :meth:`transaction` for groups)."""
        return self.db.conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all commit together or none do."""
        with self.db.atomic():
            yield

    def _refuse_imported(self, kind: str, row_id: int, what: str) -> None:
        """Raise :class:`ReadOnlyCopyError` when row ``row_id`` of ``kind`` (as
        ``bundle_imports`` names it: practice, check_in, reflection, body_map, measure,
        safety_event) came from a practice bundle."""
        from mit_desktop.history.errors import ReadOnlyCopyError

        if self.conn.execute("SELECT 1 FROM bundle_imports WHERE kind = ? AND local_id = ? "
                             "LIMIT 1", (kind, row_id)).fetchone() is not None:
            raise ReadOnlyCopyError(what)

    def _refuse_therapist_copy(self, profile_id: int) -> None:
        """Raise :class:`TherapistCopyError` when the profile is a therapist's copy of a
        client's practice: a client profile holding records imported from practice
        bundles (read-only: nothing new is recorded in it). A caregiver's own profile that
        imported their own bundle (a new computer) keeps recording."""
        from mit_desktop.history.errors import TherapistCopyError

        row = self.conn.execute(
            "SELECT name FROM profiles WHERE id = ? AND kind = 'client' AND EXISTS "
            "(SELECT 1 FROM bundle_imports WHERE profile_id = ?)",
            (profile_id, profile_id)).fetchone()
        if row is not None:
            raise TherapistCopyError(row[0])

    def _now_ms(self, given: int | None = None) -> int:
        return self.clock() if given is None else check_ms(given, "time")

