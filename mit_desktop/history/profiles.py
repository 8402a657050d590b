"""Profiles: one per person whose practice is recorded (a caregiver, or each client
of a therapist). Deleting a profile deletes all its data (foreign-key cascade)."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from mit_desktop.history import settings as settings_mod
from mit_desktop.history.base import StoreBase
from mit_desktop.history.errors import InvalidInputError, UnknownProfileError
from mit_desktop.history.models import KINDS, Profile
from mit_desktop.history.settings import ProfileSettings

log = logging.getLogger(__name__)


class ProfilesMixin(StoreBase):
    """Create, find, change and delete profiles (part of :class:`HistoryStore`)."""

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
        region = self._check_region(region)
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
            pid, name, kind, created_ms, json.loads(variables), notice_ms, region,
            json.loads(settings),
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

    @staticmethod
    def _check_region(region: str | None) -> str | None:
        if region is None:
            return None
        if region != "elsewhere" and not re.fullmatch(r"[A-Z]{2}", region):
            raise InvalidInputError(f"Where you live is a two-letter region code such as GB, or "
                                    f"'elsewhere', not {region!r}.")
        return region

    def set_region(self, profile_id: int, region: str | None) -> None:
        """Set where the listener lives: the code that selects crisis resources (``"GB"``, or
        ``"elsewhere"`` for "Somewhere else"; None: not asked yet)."""
        self._update_profile(profile_id, "region", self._check_region(region))

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
        keys = ("practices", "check_ins", "reflections", "drafts", "body_maps")
        return dict(zip(keys, row, strict=True))

    def delete_profile(self, profile_id: int) -> dict[str, int]:
        """Delete the profile and everything recorded for it; return what was deleted."""
        counts = self.profile_data_counts(profile_id)
        with self.transaction():
            ids = {row[0] for row in self.conn.execute(
                "SELECT id FROM practices WHERE profile_id = ?", (profile_id,))}
            self.conn.execute("DELETE FROM profiles WHERE id = ?", (profile_id,))
        self._open_here -= ids
        log.info("deleted profile %s and %s", profile_id, counts)
        return counts
