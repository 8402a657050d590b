"""The SQL statements a history store runs while inside ``with sql_traced(store) as seen:``
(to show where, and how often, the store is queried)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from mit_desktop.history.store import HistoryStore


@contextlib.contextmanager
def sql_traced(store: HistoryStore) -> Iterator[list[str]]:
    """Yield a list that gets each statement ``store`` runs, until the block ends."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        store.conn.set_trace_callback(None)
