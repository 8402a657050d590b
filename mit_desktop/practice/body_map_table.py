"""The body maps of a date range summarised by emotion, every feeling painted (the
report's and History's table). Qt-free: reads the store, hands the maps to
:func:`mit_desktop.bodymap.emotion_table.emotion_table`."""

from __future__ import annotations

import datetime as dt

from mit_desktop.bodymap.emotion_table import EmotionRow, emotion_table
from mit_desktop.history.diary import body_map_feelings, body_map_ids
from mit_desktop.history.store import HistoryStore


def emotion_rows(store: HistoryStore, profile_id: int, first_day: dt.date | None,
                 last_day: dt.date | None) -> list[EmotionRow]:
    """One row per feeling among the profile's body maps made on local days
    ``first_day``..``last_day`` (None: unbounded), maps with no feeling named included."""
    ids = body_map_ids(store, profile_id, first_day=first_day, last_day=last_day)
    if not ids:
        return []
    return emotion_table(body_map_feelings(store, profile_id, ids))
