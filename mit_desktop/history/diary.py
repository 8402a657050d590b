"""The reflection diary and the body maps of a range, read in SQL for the History screen
and the report (newest reflections first; body-map ids oldest first); the body maps of a
page read together (:func:`body_maps_by_id`, so a screen never queries once per row), the
feelings painted and the sessions practised. Days are local days
with the profile's day boundary, as in :mod:`mit_desktop.history.stats`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.models import BodyMapRecord
from mit_desktop.history.settings import ProfileSettings
from mit_desktop.history.stats_sql import profile_params, range_params
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import (
    LOCAL_DAY_NUMBER_SQL,
    from_day_number,
)


@dataclass(frozen=True)
class DiaryEntry:
    """One saved reflection with its practice's context, for the reflection diary."""

    reflection_id: int
    practice_id: int
    day: dt.date
    saved_ms: int
    session_id: str
    module_id: str | None
    reflection_key: str
    prompt: str
    note: str
    rating: int | None
    body_map_id: int | None


def reflection_diary(
    store: HistoryStore,
    profile_id: int,
    *,
    session_id: str | None = None,
    module_id: str | None = None,
    session_modules: Mapping[str, str] | None = None,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    limit: int | None = None,
    settings: ProfileSettings | None = None,
) -> list[DiaryEntry]:
    """Reflections newest first, filtered by session, module (needs ``session_modules``) and day."""
    if module_id is not None and session_modules is None:
        raise InvalidInputError("Filtering by module needs the session → module mapping.")
    params = profile_params(store, profile_id, settings)
    params.update(range_params(first_day, last_day))
    params.update(session=session_id, module=module_id,
                  mapping=json.dumps(dict(session_modules or {})), limit=limit)
    # Reflections newest first straight from the saved_ms index (CROSS JOIN keeps that
    # order), so a page of the diary stops after its last row.
    sql = f"""
        WITH mapping AS (SELECT key AS session_id, value AS module_id FROM json_each(:mapping))
        SELECT r.id, p.id, {LOCAL_DAY_NUMBER_SQL.format(t="p.started_ms")} AS dn,
               r.saved_ms, p.session_id, m.module_id, r.reflection_key, r.prompt, r.note,
               r.rating, r.body_map_id
        FROM reflections r CROSS JOIN practices p ON p.id = r.practice_id
        LEFT JOIN mapping m ON m.session_id = p.session_id
        WHERE p.profile_id = :p
          AND (:session IS NULL OR p.session_id = :session)
          AND (:module IS NULL OR m.module_id = :module)
          AND (:first IS NULL OR dn >= :first) AND (:last IS NULL OR dn <= :last)
        ORDER BY r.saved_ms DESC, r.id DESC LIMIT coalesce(:limit, -1)
    """
    return [
        DiaryEntry(row[0], row[1], from_day_number(row[2]), *row[3:])
        for row in store.conn.execute(sql, params)
    ]


def body_map_ids(
    store: HistoryStore,
    profile_id: int,
    *,
    emotion: str | None = None,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    settings: ProfileSettings | None = None,
) -> list[int]:
    """Ids of the profile's body maps (oldest first) for an aggregate, by emotion and day range."""
    params = profile_params(store, profile_id, settings)
    params.update(range_params(first_day, last_day))
    params["emotion"] = emotion.strip().lower() if emotion else None
    day = LOCAL_DAY_NUMBER_SQL.format(t="created_ms")
    # With an emotion, the (profile_id, emotion, created_ms, utc_offset_min) index answers
    # the whole query; without one, (profile_id, created_ms) gives the order.
    # (The planner, without statistics, prefers the created_ms index for the order; the
    # covering one avoids reading each map's row and is named for it.)
    emotion_index, by_emotion = "", ""
    if params["emotion"] is not None:
        emotion_index, by_emotion = "INDEXED BY body_maps_profile_emotion", "AND emotion = :emotion"
    window = ("AND created_ms >= :from_ms AND created_ms < :to_ms"
              if first_day is not None or last_day is not None else "")
    sql = f"""
        SELECT id FROM body_maps {emotion_index} WHERE profile_id = :p {by_emotion} {window}
          AND (:first IS NULL OR {day} >= :first) AND (:last IS NULL OR {day} <= :last)
        ORDER BY created_ms, id
    """
    return [row[0] for row in store.conn.execute(sql, params)]


def practiced_session_ids(store: HistoryStore, profile_id: int) -> list[str]:
    """Distinct session ids the profile has practices of."""
    rows = store.conn.execute(
        "SELECT DISTINCT session_id FROM practices WHERE profile_id = ? ORDER BY session_id",
        (profile_id,),
    )
    return [row[0] for row in rows]


def body_map_emotions(store: HistoryStore, profile_id: int) -> list[tuple[str, int]]:
    """``(emotion, number of maps)`` of the profile's body maps, most frequent first."""
    rows = store.conn.execute(
        "SELECT emotion, count(*) FROM body_maps WHERE profile_id = ? AND emotion IS NOT NULL "
        "GROUP BY emotion ORDER BY count(*) DESC, emotion",
        (profile_id,),
    )
    return [(row[0], row[1]) for row in rows]


def body_maps_by_id(
    store: HistoryStore, profile_id: int, ids: Iterable[int]
) -> dict[int, BodyMapRecord]:
    """The profile's body maps with these ids, in one query (ids of other profiles are absent)."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    rows = store.conn.execute(
        "SELECT id, profile_id, practice_id, created_ms, utc_offset_min, emotion, intensity, "
        "data FROM body_maps WHERE profile_id = ? AND id IN (SELECT value FROM json_each(?))",
        (profile_id, json.dumps(wanted)),
    )
    return {row[0]: BodyMapRecord(*row) for row in rows}


def body_map_feelings(store: HistoryStore, profile_id: int, ids: Iterable[int]
                      ) -> list[tuple[str | None, int | None, bytes]]:
    """``(emotion, intensity, data)`` of the profile's body maps with these ids, by id."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return []
    rows = store.conn.execute(
        "SELECT emotion, intensity, data FROM body_maps WHERE profile_id = ? AND id IN "
        "(SELECT value FROM json_each(?)) ORDER BY id", (profile_id, json.dumps(wanted)))
    return [(emotion, intensity, bytes(data)) for emotion, intensity, data in rows]
