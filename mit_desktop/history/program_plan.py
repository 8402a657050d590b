"""The program plan of a profile: the day its program started, and modules a therapist
assigned to a week (schema step ``m006``). The week maths and what Today offers are in
:mod:`mit_desktop.practice.program_weeks`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.profiles import ProfilesMixin
from mit_desktop.session.vocabulary import PROGRAM_MODULE_IDS

#: Modules a week can be given: the full practices (BAM is on Today at all times).
ASSIGNABLE_MODULES: tuple[str, ...] = tuple(m for m in PROGRAM_MODULE_IDS if m != "bam")
MAX_WEEK = 52


@dataclass(frozen=True)
class ProgramPlan:
    """``start_day``: local day the program started (week 1 begins); ``assignments``:
    program week → module id chosen by the therapist for that week."""

    profile_id: int
    start_day: dt.date | None
    assignments: dict[int, str]


def _check_week(week: int) -> int:
    if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= MAX_WEEK:
        raise InvalidInputError(f"A program week is a whole number from 1 to {MAX_WEEK}.")
    return week


class ProgramPlanMixin(ProfilesMixin):
    """Read and change program plans (part of :class:`HistoryStore`)."""

    def program_plan(self, profile_id: int) -> ProgramPlan:
        """The profile's plan (``start_day`` None when no start date was set)."""
        self._profile_row(profile_id)
        row = self.conn.execute("SELECT start_day FROM program_plans WHERE profile_id = ?",
                                (profile_id,)).fetchone()
        assignments = {week: module for week, module in self.conn.execute(
            "SELECT week, module FROM module_assignments WHERE profile_id = ? ORDER BY week",
            (profile_id,))}
        start = dt.date.fromisoformat(row[0]) if row else None
        return ProgramPlan(profile_id, start, assignments)

    def set_program_start(self, profile_id: int, start_day: dt.date | None) -> None:
        """Set (or, with None, clear) the day the profile's program starts."""
        self._profile_row(profile_id)
        if start_day is None:
            self.conn.execute("DELETE FROM program_plans WHERE profile_id = ?", (profile_id,))
            return
        if not isinstance(start_day, dt.date) or isinstance(start_day, dt.datetime):
            raise InvalidInputError("The program's start must be a date, like 2026-03-02.")
        if not dt.date(2000, 1, 1) <= start_day <= dt.date(2100, 12, 31):
            raise InvalidInputError("The program's start must be a date between 2000 and 2100.")
        self.conn.execute(
            "INSERT INTO program_plans (profile_id, start_day, updated_ms) VALUES (?, ?, ?) "
            "ON CONFLICT (profile_id) DO UPDATE SET start_day = excluded.start_day, "
            "updated_ms = excluded.updated_ms",
            (profile_id, start_day.isoformat(), self._now_ms()))

    def assign_module(self, profile_id: int, week: int, module: str | None) -> None:
        """Give program week `week` the module `module` in place of the program's (None:
        back to the program's own module for that week)."""
        self._profile_row(profile_id)
        _check_week(week)
        if module is None:
            self.conn.execute("DELETE FROM module_assignments WHERE profile_id = ? AND week = ?",
                              (profile_id, week))
            return
        if module not in ASSIGNABLE_MODULES:
            if module == "bam":
                raise InvalidInputError("BAM is on the Today page at all times; choose one of "
                                        f"the full practices: {', '.join(ASSIGNABLE_MODULES)}.")
            raise InvalidInputError(f"Unknown module {module!r}; choose one of "
                                    f"{', '.join(ASSIGNABLE_MODULES)}.")
        self.conn.execute(
            "INSERT INTO module_assignments (profile_id, week, module, assigned_ms) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (profile_id, week) DO UPDATE SET "
            "module = excluded.module, assigned_ms = excluded.assigned_ms",
            (profile_id, week, module, self._now_ms()))
