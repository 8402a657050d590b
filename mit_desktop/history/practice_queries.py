"""Named queries over the practice log for the practice layer: whether a profile has
heard any of some sessions ("What this practice trains" is shown before the first), and
the practice rows started in a time window (the weekly dose adds them up).
"""

from __future__ import annotations

from collections.abc import Iterable

from mit_desktop.history.store import HistoryStore


def heard_any(store: HistoryStore, profile_id: int, session_ids: Iterable[str]) -> bool:
    """Whether the profile has heard any of ``session_ids`` (a practice with listened time
    above 0)."""
    ids = sorted(set(session_ids))
    if not ids:
        return False
    marks = ", ".join("?" for _ in ids)
    row = store.conn.execute(
        f"SELECT 1 FROM practices WHERE profile_id = ? AND listened_ms > 0 "
        f"AND session_id IN ({marks}) LIMIT 1", (profile_id, *ids)).fetchone()
    return row is not None


def practices_started_between(store: HistoryStore, profile_id: int, from_ms: int, to_ms: int
                              ) -> list[tuple[int, str, int, int, int, int | None]]:
    """The profile's practice rows started in ``[from_ms, to_ms)`` (UTC ms), oldest first:
    ``(id, session_id, started_ms, utc_offset_min, listened_ms, resumed_from)``."""
    return store.conn.execute(
        "SELECT id, session_id, started_ms, utc_offset_min, listened_ms, resumed_from "
        "FROM practices WHERE profile_id = ? AND started_ms >= ? AND started_ms < ? "
        "ORDER BY started_ms, id", (profile_id, from_ms, to_ms)).fetchall()
