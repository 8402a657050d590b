# Over 400 lines: the ordered migration steps; a step stays as written once shipped.
"""The database schema, as an ordered list of sqlite-utils ``Migrations``.

sqlite-utils 4.2 ships :class:`sqlite_utils.migrations.Migrations`: each step
runs in a transaction together with its record in ``_sqlite_migrations``.
Steps are applied in the order they are registered here; never edit or
reorder a released step, only append new ones.

A database that records a step this code does not know was written by a
newer MIT Desktop and is refused (:class:`NewerDatabaseError`) before anything
is written. ``PRAGMA user_version`` mirrors the number of applied steps, for
people inspecting the file with other tools.

Conventions: times are integer epoch milliseconds (UTC) in ``*_ms`` columns;
``utc_offset_min`` is the local offset from UTC, in minutes, at the moment a
row was recorded, so a practice's local day never changes when the clocks
or the computer's time zone do. Ratings are integers 0–10.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from mit_desktop.history.errors import NewerDatabaseError

log = logging.getLogger(__name__)

MIGRATION_SET = "mit_desktop.history"
MIGRATIONS = Migrations(MIGRATION_SET)


def _run(db: Database, statements: list[str]) -> None:
    for statement in statements:
        db.execute(statement)


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    """Profiles, the append-only practice log, check-ins, reflections, body maps."""
    _run(
        db,
        [
            """
            CREATE TABLE profiles (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
                kind TEXT NOT NULL CHECK (kind IN ('caregiver', 'client')),
                created_ms INTEGER NOT NULL,
                variables TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(variables)),
                notice_accepted_ms INTEGER,
                region TEXT,
                settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings))
            )
            """,
            """
            CREATE TABLE practices (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
                session_id TEXT NOT NULL,
                session_hash TEXT NOT NULL,
                mode TEXT NOT NULL CHECK (mode IN ('hands-free', 'interactive')),
                source TEXT NOT NULL CHECK (source IN ('player', 'manual')),
                status TEXT NOT NULL DEFAULT 'in_progress'
                    CHECK (status IN ('in_progress', 'completed', 'partial')),
                started_ms INTEGER NOT NULL,
                utc_offset_min INTEGER NOT NULL,
                ended_ms INTEGER,
                checkpoint_ms INTEGER,
                position_ms INTEGER NOT NULL DEFAULT 0 CHECK (position_ms >= 0),
                listened_ms INTEGER NOT NULL DEFAULT 0 CHECK (listened_ms >= 0),
                resumed_from INTEGER REFERENCES practices(id) ON DELETE SET NULL
            )
            """,
            """
            CREATE TABLE body_maps (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
                practice_id INTEGER REFERENCES practices(id) ON DELETE SET NULL,
                created_ms INTEGER NOT NULL,
                utc_offset_min INTEGER NOT NULL,
                emotion TEXT,
                intensity INTEGER CHECK (intensity BETWEEN 0 AND 10),
                data BLOB NOT NULL
            )
            """,
            """
            CREATE TABLE check_ins (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
                phase TEXT NOT NULL CHECK (phase IN ('before', 'after')),
                recorded_ms INTEGER NOT NULL,
                mood INTEGER CHECK (mood BETWEEN 0 AND 10),
                stress INTEGER CHECK (stress BETWEEN 0 AND 10),
                UNIQUE (practice_id, phase)
            )
            """,
            """
            CREATE TABLE reflections (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
                reflection_key TEXT NOT NULL,
                prompt TEXT NOT NULL DEFAULT '',
                note TEXT NOT NULL DEFAULT '',
                rating INTEGER CHECK (rating BETWEEN 0 AND 10),
                body_map_id INTEGER REFERENCES body_maps(id) ON DELETE SET NULL,
                saved_ms INTEGER NOT NULL,
                UNIQUE (practice_id, reflection_key)
            )
            """,
            "CREATE INDEX practices_profile_started ON practices(profile_id, started_ms)",
            "CREATE INDEX body_maps_profile_created ON body_maps(profile_id, created_ms)",
            "CREATE INDEX reflections_practice ON reflections(practice_id)",
        ],
    )


@MIGRATIONS()
def m002_drafts(db: Database) -> None:
    """Drafts of reflection notes, saved while typing so a crash loses nothing."""
    _run(
        db,
        [
            """
            CREATE TABLE drafts (
                practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
                reflection_key TEXT NOT NULL,
                text TEXT NOT NULL,
                updated_ms INTEGER NOT NULL,
                PRIMARY KEY (practice_id, reflection_key)
            )
            """,
            "CREATE INDEX practices_profile_status ON practices(profile_id, status)",
        ],
    )


@MIGRATIONS()
def m003_statistics_indexes(db: Database) -> None:
    """Indexes that keep ten years of statistics within 50 ms (``benchmarks/bench_history``).

    Covering indexes for the scans every statistic makes (a profile's practices with
    their day, minutes and session; the before/after check-ins), the diary's
    newest-first page, and body maps by emotion without reading any 8 KB map row.
    The practices index replaces ``practices_profile_started`` (its prefix).
    """
    _run(
        db,
        [
            "CREATE INDEX practices_profile_cover ON practices(profile_id, started_ms, "
            "utc_offset_min, listened_ms, resumed_from, session_id)",
            "DROP INDEX practices_profile_started",
            "CREATE INDEX check_ins_cover ON check_ins(practice_id, phase, mood, stress)",
            "CREATE INDEX reflections_saved ON reflections(saved_ms)",
            "CREATE INDEX body_maps_profile_emotion "
            "ON body_maps(profile_id, emotion, created_ms, utc_offset_min)",
        ],
    )



@MIGRATIONS()
def m004_continued_practices_keep_check_ins(db: Database) -> None:
    """A practice continued in a new row (``resumed_from``) keeps its check-ins together.

    Earlier versions left the "before" check-in on the first row of a continued
    practice and recorded the "after" one on the last, so neither row had both.
    Along each chain (oldest first), a "before" check-in moves to the row that
    continues it when that row has none; unsaved drafts move the same way.
    """
    rows = db.execute(
        "SELECT id, resumed_from FROM practices WHERE resumed_from IS NOT NULL ORDER BY id"
    ).fetchall()
    for new_id, old_id in rows:
        db.execute(
            "UPDATE check_ins SET practice_id = ? WHERE practice_id = ? AND phase = 'before' "
            "AND NOT EXISTS (SELECT 1 FROM check_ins WHERE practice_id = ? AND phase = 'before') "
            "AND NOT EXISTS (SELECT 1 FROM check_ins WHERE practice_id = ? AND phase = 'after')",
            (new_id, old_id, new_id, old_id),
        )
        db.execute(
            "UPDATE drafts SET practice_id = ? WHERE practice_id = ? AND reflection_key NOT IN "
            "(SELECT reflection_key FROM drafts WHERE practice_id = ?)",
            (new_id, old_id, new_id),
        )


@MIGRATIONS()
def m005_safety_events(db: Database) -> None:
    """Safety events, each its own row, never mixed with pauses or quits: "I need to stop"
    (where in the session it happened, and whether the grounding steps were then used), and
    the support offered after a check-in (very low mood, or a marked drop after practice)."""
    _run(
        db,
        [
            """
            CREATE TABLE safety_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
                practice_id INTEGER REFERENCES practices(id) ON DELETE SET NULL,
                kind TEXT NOT NULL CHECK (kind IN ('need_to_stop', 'support_offered')),
                recorded_ms INTEGER NOT NULL,
                utc_offset_min INTEGER NOT NULL,
                session_id TEXT NOT NULL DEFAULT '',
                section TEXT NOT NULL DEFAULT '',
                position_ms INTEGER CHECK (position_ms >= 0),
                grounding_used INTEGER CHECK (grounding_used IN (0, 1)),
                detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
            )
            """,
            "CREATE INDEX safety_events_profile ON safety_events(profile_id, recorded_ms)",
        ],
    )


@MIGRATIONS()
def m006_program_plans(db: Database) -> None:
    """The program paced by weeks: the local day a profile's program starts (``start_day``,
    ISO ``YYYY-MM-DD``), and a module a therapist assigned to a program week."""
    _run(
        db,
        [
            """
            CREATE TABLE program_plans (
                profile_id INTEGER PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
                start_day TEXT NOT NULL CHECK (start_day = date(start_day)),
                updated_ms INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE module_assignments (
                profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
                week INTEGER NOT NULL CHECK (week >= 1),
                module TEXT NOT NULL CHECK (length(module) > 0),
                assigned_ms INTEGER NOT NULL,
                PRIMARY KEY (profile_id, week)
            )
            """,
        ],
    )


@MIGRATIONS()
def m007_measures(db: Database) -> None:
    """Standard questionnaires (PHQ-9, GAD-7, WHO-5, SCS-SF): each completed form with its
    item-level answers (a JSON array, ``null`` for an unanswered item, in item order), the
    unscored follow-up answer, and the occasion it was offered for (``start``, ``weekly``,
    ``end``, or ``''`` when the listener chose it); and a therapist's schedule per
    instrument (``at_start``, ``every_weeks`` (0: not weekly), ``at_end``). Scores are
    computed from the answers when read, never stored."""
    _run(
        db,
        [
            """
            CREATE TABLE measure_responses (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
                instrument TEXT NOT NULL CHECK (length(instrument) BETWEEN 1 AND 32),
                recorded_ms INTEGER NOT NULL,
                utc_offset_min INTEGER NOT NULL,
                answers TEXT NOT NULL
                    CHECK (json_valid(answers) AND json_type(answers) = 'array'),
                follow_up INTEGER CHECK (follow_up BETWEEN 0 AND 10),
                occasion TEXT NOT NULL DEFAULT ''
                    CHECK (occasion IN ('', 'start', 'weekly', 'end'))
            )
            """,
            "CREATE INDEX measure_responses_profile "
            "ON measure_responses(profile_id, instrument, recorded_ms)",
            """
            CREATE TABLE measure_schedules (
                profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
                instrument TEXT NOT NULL CHECK (length(instrument) BETWEEN 1 AND 32),
                at_start INTEGER NOT NULL CHECK (at_start IN (0, 1)),
                every_weeks INTEGER NOT NULL CHECK (every_weeks BETWEEN 0 AND 52),
                at_end INTEGER NOT NULL CHECK (at_end IN (0, 1)),
                updated_ms INTEGER NOT NULL,
                PRIMARY KEY (profile_id, instrument)
            )
            """,
        ],
    )


@MIGRATIONS()
def m008_bundle_imports(db: Database) -> None:
    """Practice bundles imported into a therapist's profile: each imported row, by where it
    came from (``source``: the client's profile, as the bundle names it), what it is
    (``kind``) and its number there (``uid``), so importing the same bundle again adds
    nothing and a newer one adds only what is new; imported rows are never changed."""
    _run(
        db,
        [
            """
            CREATE TABLE bundle_imports (
                profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
                source TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 64),
                kind TEXT NOT NULL CHECK (kind IN ('practice', 'check_in', 'reflection',
                    'body_map', 'measure', 'safety_event')),
                uid TEXT NOT NULL CHECK (length(uid) BETWEEN 1 AND 80),
                local_id INTEGER NOT NULL,
                imported_ms INTEGER NOT NULL,
                PRIMARY KEY (profile_id, source, kind, uid)
            )
            """,
        ],
    )


@MIGRATIONS()
def m009_practice_speech_rate(db: Database) -> None:
    """The speaking speed a practice is played at (``speech_rate``, the rate of
    ``ListeningSettings``; NULL: not known, as for practices from before and logged
    ones), kept up to date when the listener changes it in the player, so a practice
    continued later goes on at that speed and its saved position means the same place."""
    _run(db, ["ALTER TABLE practices ADD COLUMN speech_rate REAL CHECK (speech_rate IS NULL "
              "OR speech_rate BETWEEN 0.5 AND 2.0)"])


def known_steps() -> list[str]:
    """Names of every migration step this version knows, in order (what an empty database
    would still need: sqlite-utils has no public list of its steps)."""
    return [migration.name for migration in MIGRATIONS.pending(Database(memory=True))]


def applied_steps(db: Database) -> list[str]:
    """Names of the steps recorded in ``db`` (read-only)."""
    return [applied.name for applied in MIGRATIONS.applied(db)]


def refuse_newer(db: Database, path: Path) -> None:
    """Raise :class:`NewerDatabaseError` if ``db`` records steps this code does not know."""
    known = set(known_steps())
    unknown = [name for name in applied_steps(db) if name not in known]
    user_version = db.execute("PRAGMA user_version").fetchone()[0]
    if not unknown and user_version > len(known):
        unknown = [f"schema version {user_version}"]
    if unknown:
        raise NewerDatabaseError(path, unknown)


def pending_steps(db: Database) -> list[str]:
    """Names of the steps not yet applied to ``db`` (read-only)."""
    return [migration.name for migration in MIGRATIONS.pending(db)]


_SPACE_RE = re.compile(r"\s+")


def _normal_sql(sql: str | None) -> str:
    return _SPACE_RE.sub(" ", sql or "").strip()


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """Our schema objects: ``(type, name) -> whitespace-normalised SQL``.

    SQLite's own objects (``sqlite_*``) and the table sqlite-utils keeps its
    migration records in (its text belongs to sqlite-utils) are left out.
    """
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return {
        (kind, name): _normal_sql(sql)
        for kind, name, table, sql in rows
        if not name.startswith("sqlite_")
        and not (kind in ("table", "index") and table == MIGRATIONS.migrations_table)
    }


@functools.cache
def expected_objects(steps: int) -> tuple[tuple[tuple[str, str], str], ...]:
    """The schema objects a history has after the first ``steps`` migration steps."""
    db = Database(sqlite3.connect(":memory:"), execute_plugins=False)
    known = known_steps()
    try:
        MIGRATIONS.apply(db, stop_before=known[steps] if steps < len(known) else None)
        return tuple(sorted(_objects(db.conn).items()))
    finally:
        db.close()


def schema_problem(db: Database) -> str | None:
    """None if ``db`` is a history of ours, else what is wrong, in words (read-only).

    Ours means: its recorded steps are the first N steps this version knows, in
    order, and its tables, indexes, triggers and views are exactly the ones those
    steps create, with the same SQL text (whitespace aside). An empty file is
    ours (it becomes a new history). A database with tables but no record of our
    steps is another program's; a changed table text, or any extra trigger or
    view, is damage (it would make later writes fail, or do something else).
    Steps from a newer version are :func:`refuse_newer`'s business, not this one's.
    """
    try:
        actual = _objects(db.conn)
        steps = applied_steps(db)
    except sqlite3.DatabaseError as exc:
        return f"its layout cannot be read ({exc})"
    known = known_steps()
    if not steps:
        if actual:
            return "it is not an MIT Desktop practice history (it holds other tables)"
        return None
    if any(name not in known for name in steps):
        return None  # newer: refuse_newer says so
    if steps != known[: len(steps)]:
        return "its record of upgrades is out of order"
    expected = dict(expected_objects(len(steps)))
    extra = sorted(key for key in actual if key not in expected)
    missing = sorted(key for key in expected if key not in actual)
    changed = sorted(key for key in expected if key in actual and actual[key] != expected[key])
    parts = []
    if extra:
        parts.append("extra " + ", ".join(f"{kind} {name}" for kind, name in extra[:3]))
    if missing:
        parts.append("missing " + ", ".join(f"{kind} {name}" for kind, name in missing[:3]))
    if changed:
        parts.append("changed " + ", ".join(f"{kind} {name}" for kind, name in changed[:3]))
    if parts:
        return "its layout is not the one MIT Desktop made (" + "; ".join(parts) + ")"
    return None


def migrate(db: Database) -> list[str]:
    """Apply pending steps (each in its own transaction); return their names."""
    pending = pending_steps(db)
    if pending:
        MIGRATIONS.apply(db)
        db.execute(f"PRAGMA user_version = {len(applied_steps(db))}")
        log.info("applied schema steps %s", ", ".join(pending))
    return pending
