# Over 400 lines: the practice log's writes (practices, check-ins, reflections, drafts, body maps), each with its crash-safety rule.
"""The practice journal: the append-only practice log with crash-safe checkpoints,
mood/stress check-ins, reflections with their drafts, and body maps."""

from __future__ import annotations

import logging
import sqlite3

from mit_desktop.history.base import check_ms, check_rating, check_text
from mit_desktop.history.errors import InvalidInputError, UnknownPracticeError
from mit_desktop.history.models import (
    MODES,
    PHASES,
    SOURCES,
    BodyMapRecord,
    CheckIn,
    Practice,
    Reflection,
)
from mit_desktop.history.profiles import ProfilesMixin
from mit_desktop.history.timeutil import utc_offset_min

log = logging.getLogger(__name__)


class JournalMixin(ProfilesMixin):
    """Practices, check-ins, reflections, drafts and body maps (part of :class:`HistoryStore`)."""

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
        speech_rate: float | None = None,
    ) -> int:
        """Write the practice row as playback starts; return its id.

        ``resume_of``: an interrupted practice this one continues (it is closed
        as partial in the same transaction); ``position_ms``: where playback
        starts (e.g. 452_000 to continue from 7:32); ``speech_rate``: the speaking
        speed it plays at (0.5 to 2.0; None: not known).
        """
        self._profile_row(profile_id)
        if mode not in MODES:
            raise InvalidInputError(f"Mode must be one of {', '.join(MODES)}, not {mode!r}.")
        if source not in SOURCES:
            raise InvalidInputError(f"Source must be one of {', '.join(SOURCES)}.")
        check_ms(position_ms, "position_ms")
        _check_speech_rate(speech_rate)
        self._refuse_therapist_copy(profile_id)
        now = self._now_ms(started_ms)
        with self.transaction():
            old = None
            if resume_of is not None:
                old = self.get_practice(resume_of)
                if old.profile_id != profile_id:
                    raise UnknownPracticeError(f"Practice {resume_of} belongs to another profile.")
                if not old.finished:
                    self._close_partial(old)
            cursor = self.conn.execute(
                "INSERT INTO practices (profile_id, session_id, session_hash, mode, source, "
                "started_ms, utc_offset_min, checkpoint_ms, position_ms, resumed_from, "
                "speech_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    speech_rate,
                ),
            )
            practice_id = int(cursor.lastrowid or 0)
            if old is not None:
                self._carry_over(old.id, practice_id)
        self._open_here.add(practice_id)
        return practice_id

    def _carry_over(self, old_id: int, new_id: int) -> None:
        """A practice continues in a new row: what belongs to the whole practice moves with it.

        The "before" check-in moves to the continuing row, where the "after" one will
        be recorded, so the two stay together; unsaved drafts move too, so the
        continuing practice offers them and removes them when its reflections are
        saved. Reflections already saved stay on the row they were answered in.
        """
        self.conn.execute(
            "UPDATE check_ins SET practice_id = ? WHERE practice_id = ? AND phase = 'before' "
            "AND NOT EXISTS (SELECT 1 FROM check_ins WHERE practice_id = ? AND phase = 'before')",
            (new_id, old_id, new_id),
        )
        self.conn.execute(
            "UPDATE drafts SET practice_id = ? WHERE practice_id = ? AND reflection_key NOT IN "
            "(SELECT reflection_key FROM drafts WHERE practice_id = ?)",
            (new_id, old_id, new_id),
        )

    def checkpoint(self, practice_id: int, position_ms: int, listened_ms: int) -> bool:
        """Durably record progress of a running practice (one UPDATE, one commit).

        Returns False (and logs) if the practice is already finished, so a late
        timer tick cannot change a closed practice; raises
        :class:`UnknownPracticeError` if there is no such practice.
        """
        check_ms(position_ms, "position_ms")
        check_ms(listened_ms, "listened_ms")
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

    def set_speech_rate(self, practice_id: int, speech_rate: float) -> bool:
        """The listener changed the speaking speed of a running practice (0.5 to 2.0).

        Returns False (and logs) if the practice is already finished; raises
        :class:`UnknownPracticeError` if there is no such practice."""
        _check_speech_rate(speech_rate)
        cursor = self.conn.execute(
            "UPDATE practices SET speech_rate = ? WHERE id = ? AND status = 'in_progress'",
            (speech_rate, practice_id),
        )
        if cursor.rowcount == 1:
            return True
        self.get_practice(practice_id)
        log.warning("speed of finished practice %s not changed", practice_id)
        return False

    def finish_practice(
        self, practice_id: int, completed: bool, position_ms: int, listened_ms: int
    ) -> None:
        """Close a running practice as completed or partial, with its final progress."""
        check_ms(position_ms, "position_ms")
        check_ms(listened_ms, "listened_ms")
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
        self._refuse_therapist_copy(profile_id)
        check_ms(started_ms, "started_ms")
        check_ms(duration_ms, "duration_ms")
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
        "utc_offset_min, ended_ms, checkpoint_ms, position_ms, listened_ms, resumed_from, "
        "speech_rate"
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
        check_rating(mood, "Mood")
        check_rating(stress, "Stress")
        if mood is None and stress is None:
            raise InvalidInputError("A check-in needs a mood or a stress rating.")
        self.get_practice(practice_id)
        self._refuse_imported("practice", practice_id, "practice")
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

    def save_draft(self, practice_id: int, reflection_key: str, text: str, *,
                   profile_id: int | None = None) -> None:
        """Durably keep what has been typed so far into a reflection note.

        Cheap enough to call on every pause in typing; the draft survives a
        killed process and is removed by :meth:`save_reflection`. ``profile_id``:
        the profile the writer believes the practice belongs to; a practice of
        another profile is refused (:class:`UnknownPracticeError`), nothing written.
        """
        check_text(text, "The note")
        self._own_practice(practice_id, profile_id)
        self._refuse_imported("practice", practice_id, "practice")
        try:
            self.conn.execute(
                "INSERT INTO drafts (practice_id, reflection_key, text, updated_ms) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (practice_id, reflection_key) DO UPDATE SET "
                "text = excluded.text, updated_ms = excluded.updated_ms",
                (practice_id, reflection_key, text, self.clock()),
            )
        except sqlite3.IntegrityError:
            raise UnknownPracticeError(f"There is no practice number {practice_id}.") from None

    def discard_draft(self, practice_id: int, reflection_key: str, *,
                      profile_id: int | None = None) -> None:
        """Remove the unsaved note of one reflection (nothing to remove is fine)."""
        self._own_practice(practice_id, profile_id)
        self.conn.execute("DELETE FROM drafts WHERE practice_id = ? AND reflection_key = ?",
                          (practice_id, reflection_key))

    def drafts(self, practice_id: int, *, profile_id: int | None = None) -> dict[str, str]:
        """Unsaved drafts of the practice: ``{reflection_key: text}``.

        ``profile_id``: only if the practice is that profile's (else ``{}``): a
        draft is never read across profiles.
        """
        if profile_id is not None:
            rows = self.conn.execute(
                "SELECT d.reflection_key, d.text FROM drafts d JOIN practices p "
                "ON p.id = d.practice_id WHERE d.practice_id = ? AND p.profile_id = ?",
                (practice_id, profile_id),
            ).fetchall()
        else:
            rows = self.conn.execute(
                "SELECT reflection_key, text FROM drafts WHERE practice_id = ?", (practice_id,)
            ).fetchall()
        return dict(rows)

    def _own_practice(self, practice_id: int, profile_id: int | None) -> None:
        """Refuse a write meant for ``profile_id`` into a practice of another profile."""
        if profile_id is None:
            return
        if self.get_practice(practice_id).profile_id != profile_id:
            raise UnknownPracticeError(f"Practice {practice_id} belongs to another profile.")

    def pending_drafts(self, profile_id: int) -> list[tuple[int, str, str]]:
        """Every unsaved draft of the profile, newest first.

        Returns ``(practice_id, reflection_key, text)`` tuples.
        """
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
        profile_id: int | None = None,
    ) -> int:
        """Save the answer to one reflection prompt; return the reflection's id.

        ``note=None`` promotes the draft (or saves an empty note if there is
        none); the draft is removed in the same transaction. Saving the same
        ``reflection_key`` again replaces the answer. ``profile_id``: the profile
        the writer believes the practice belongs to; another's is refused.
        """
        self._own_practice(practice_id, profile_id)
        practice = self.get_practice(practice_id)
        self._refuse_imported("practice", practice_id, "practice")
        check_text(prompt, "The prompt")
        check_rating(rating, "The rating")
        if body_map_id is not None:
            owner = self.conn.execute(
                "SELECT profile_id FROM body_maps WHERE id = ?", (body_map_id,)
            ).fetchone()
            if owner is None or owner[0] != practice.profile_id:
                raise InvalidInputError(f"There is no body map number {body_map_id} here.")
        with self.transaction():
            if note is None:
                note = self.drafts(practice_id).get(reflection_key, "")
            check_text(note, "The note")
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
        self._refuse_therapist_copy(profile_id)
        if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) == 0:
            raise InvalidInputError("A body map needs its data.")
        check_rating(intensity, "Intensity")
        if emotion is not None:
            emotion = check_text(emotion, "The emotion word").strip().lower() or None
        if practice_id is not None and self.get_practice(practice_id).profile_id != profile_id:
            raise UnknownPracticeError(f"Practice {practice_id} belongs to another profile.")
        if practice_id is not None:
            self._refuse_imported("practice", practice_id, "practice")
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


def _check_speech_rate(speech_rate: float | None) -> None:
    """A speaking speed as ``ListeningSettings`` takes it (0.5 to 2.0), or None."""
    if speech_rate is None:
        return
    if isinstance(speech_rate, bool) or not isinstance(speech_rate, (int, float)) \
            or not 0.5 <= speech_rate <= 2.0:
        raise InvalidInputError(
            f"A speaking speed must be between 0.5 and 2, not {speech_rate!r}.")
