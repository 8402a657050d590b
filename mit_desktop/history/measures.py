"""Questionnaire answers and schedules (schema step ``m007``).

Stores what the listener answered, item by item, never a score: scoring belongs to the
instrument's definition (:mod:`mit_desktop.content.measures`), so a corrected scoring
rule applies to every past answer. The store checks only the shape of what it keeps
(an instrument id, at most :data:`MAX_ITEMS` whole-number answers from 0 to 10 or None);
which answers an instrument has is checked by the caller against its definition.

A therapist's schedule per instrument (at the start of the program, every N weeks, at
the end) is kept here too; without a row the defaults of
:mod:`mit_desktop.practice.measures_due` apply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.profiles import ProfilesMixin
from mit_desktop.history.timeutil import utc_offset_min

MAX_ITEMS = 50
OCCASIONS: tuple[str, ...] = ("", "start", "weekly", "end")
_ID_RE = re.compile(r"^[a-z0-9_]{1,32}$")


@dataclass(frozen=True)
class MeasureResponse:
    """One completed (or partly completed) questionnaire.

    ``answers``: one entry per item in item order (None: not answered); ``follow_up``: the
    unscored last question's answer (None: not asked or not answered); ``occasion``:
    ``start``/``weekly``/``end`` when the schedule offered it, ``''`` otherwise.
    """

    id: int
    profile_id: int
    instrument: str
    recorded_ms: int
    utc_offset_min: int
    answers: tuple[int | None, ...]
    follow_up: int | None
    occasion: str


@dataclass(frozen=True)
class MeasureSchedule:
    """When an instrument is offered: ``at_start`` of the program, every ``every_weeks``
    program weeks (0: not weekly), ``at_end`` (in the program's last week)."""

    instrument: str
    at_start: bool
    every_weeks: int
    at_end: bool


def check_instrument_id(instrument: str) -> str:
    if not isinstance(instrument, str) or not _ID_RE.match(instrument):
        raise InvalidInputError(f"{instrument!r} is not the name of a questionnaire.")
    return instrument


def _check_answer(value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InvalidInputError(f"{name} must be a whole number from 0 to 10, not {value!r}.")
    return value


_COLUMNS = "id, profile_id, instrument, recorded_ms, utc_offset_min, answers, follow_up, occasion"


class MeasuresMixin(ProfilesMixin):
    """Record and read questionnaire answers and schedules (part of :class:`HistoryStore`)."""

    def record_measure(
        self,
        profile_id: int,
        instrument: str,
        answers: Sequence[int | None],
        *,
        follow_up: int | None = None,
        occasion: str = "",
        recorded_ms: int | None = None,
    ) -> int:
        """Write one questionnaire's answers (item order; None = not answered); return its id."""
        self._profile_row(profile_id)
        self._refuse_therapist_copy(profile_id)
        check_instrument_id(instrument)
        if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence) \
                or not 1 <= len(answers) <= MAX_ITEMS:
            raise InvalidInputError(f"A questionnaire has 1 to {MAX_ITEMS} answers.")
        clean = [_check_answer(a, f"Answer {n}") for n, a in enumerate(answers, 1)]
        _check_answer(follow_up, "The last answer")
        if occasion not in OCCASIONS:
            raise InvalidInputError("The occasion is one of start, weekly, end (or none).")
        now = self._now_ms(recorded_ms)
        cursor = self.conn.execute(
            "INSERT INTO measure_responses (profile_id, instrument, recorded_ms, "
            "utc_offset_min, answers, follow_up, occasion) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (profile_id, instrument, now, utc_offset_min(now, self.tz), json.dumps(clean),
             follow_up, occasion))
        return int(cursor.lastrowid or 0)

    def measure_responses(self, profile_id: int, instrument: str | None = None, *,
                          since_ms: int | None = None,
                          until_ms: int | None = None) -> list[MeasureResponse]:
        """The profile's answers, oldest first (optionally one instrument, in [since, until))."""
        self._profile_row(profile_id)
        query = (f"SELECT {_COLUMNS} FROM measure_responses WHERE profile_id = ? "
                 "AND recorded_ms >= ? AND recorded_ms < ?")
        args: list[object] = [profile_id, since_ms if since_ms is not None else 0,
                              until_ms if until_ms is not None else 2**62]
        if instrument is not None:
            query += " AND instrument = ?"
            args.append(check_instrument_id(instrument))
        rows = self.conn.execute(query + " ORDER BY recorded_ms, id", args).fetchall()
        return [_response(row) for row in rows]

    def measure_schedules(self, profile_id: int) -> dict[str, MeasureSchedule]:
        """The therapist's schedules of this profile, by instrument (only those changed)."""
        self._profile_row(profile_id)
        return {row[0]: MeasureSchedule(row[0], bool(row[1]), row[2], bool(row[3]))
                for row in self.conn.execute(
                    "SELECT instrument, at_start, every_weeks, at_end FROM measure_schedules "
                    "WHERE profile_id = ? ORDER BY instrument", (profile_id,))}

    def set_measure_schedule(self, profile_id: int, schedule: MeasureSchedule) -> None:
        """Store when ``schedule.instrument`` is offered to this profile."""
        self._profile_row(profile_id)
        check_instrument_id(schedule.instrument)
        weeks = schedule.every_weeks
        if isinstance(weeks, bool) or not isinstance(weeks, int) or not 0 <= weeks <= 52:
            raise InvalidInputError("'Every N weeks' is a whole number from 0 (never) to 52.")
        self.conn.execute(
            "INSERT INTO measure_schedules (profile_id, instrument, at_start, every_weeks, "
            "at_end, updated_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id, instrument) "
            "DO UPDATE SET at_start = excluded.at_start, every_weeks = excluded.every_weeks, "
            "at_end = excluded.at_end, updated_ms = excluded.updated_ms",
            (profile_id, schedule.instrument, int(bool(schedule.at_start)), weeks,
             int(bool(schedule.at_end)), self._now_ms()))


def _response(row: tuple[Any, ...]) -> MeasureResponse:
    """A response from its ``measure_responses`` row (SQLite values, as stored)."""
    rid, profile_id, instrument, recorded_ms, offset, answers, follow_up, occasion = row
    values = json.loads(str(answers))
    return MeasureResponse(int(rid), int(profile_id), str(instrument), int(recorded_ms),
                           int(offset), tuple(values), follow_up, str(occasion))
