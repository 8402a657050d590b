"""What the history screens show beyond the store's queries (no Qt, no SQL here: the
queries are ``history.stats`` and ``history.diary``). :class:`SessionCatalog` maps session
ids to titles and modules from the bundled program; small body-map pictures for the diary.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from mit_desktop.bodymap.colormap import hot_cold
from mit_desktop.bodymap.serialize import BodyMapFormatError, read_signed_map
from mit_desktop.bodymap.silhouette import body_mask
from mit_desktop.history.models import BodyMapRecord
from mit_desktop.history.timeutil import local_day

log = logging.getLogger(__name__)

#: MIT module ids in program order (as in ``program.MODULE_IDS``).
MODULE_ORDER: tuple[str, ...] = (
    "stretch-breathe", "eye-center", "nesting-doll", "situation-solver", "life-globe", "bam",
)


@dataclass(frozen=True)
class SessionInfo:
    """A session's id, the title shown for it and its MIT module (None if unknown)."""

    id: str
    title: str
    module: str | None


@dataclass(frozen=True)
class SessionCatalog:
    """Known sessions in program order; unknown ids are shown by their id."""

    sessions: tuple[SessionInfo, ...] = ()
    _by_id: dict[str, SessionInfo] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({s.id: s for s in self.sessions})

    def title(self, session_id: str) -> str:
        """The session's title, or its id when it is not in the catalog."""
        info = self._by_id.get(session_id)
        return info.title if info else session_id

    def module(self, session_id: str) -> str | None:
        """The session's module id, or None."""
        info = self._by_id.get(session_id)
        return info.module if info else None

    def session_modules(self) -> dict[str, str]:
        """``{session_id: module_id}`` for the statistics functions."""
        return {s.id: s.module for s in self.sessions if s.module}

    def with_sessions(self, session_ids: Iterable[str]) -> SessionCatalog:
        """This catalog plus any of ``session_ids`` it lacks (titled by their id), appended."""
        extra = [SessionInfo(sid, sid, None) for sid in sorted(set(session_ids))
                 if sid not in self._by_id]
        return SessionCatalog(self.sessions + tuple(extra)) if extra else self


def load_catalog() -> SessionCatalog:
    """The bundled program's sessions, then the user's own (imported recordings, their own
    scripts) by their titles; an empty catalog (logged) if the program cannot be read."""
    try:
        from mit_desktop.content.program import load_program

        program = load_program()
    except Exception as exc:  # a broken program file must not hide the history
        log.warning("program unavailable for the history view: %s", exc)
        return SessionCatalog()
    sessions = [SessionInfo(e.id, e.title, e.module) for e in program.entries]
    try:
        from mit_desktop.content.library import list_sessions

        known = {s.id for s in sessions}
        entries, _errors = list_sessions()
        sessions += [SessionInfo(e.id, e.title, e.module) for e in entries
                     if e.source == "user" and e.id not in known]
    except Exception as exc:  # noqa: BLE001 - own sessions unreadable: shown by their id
        log.warning("your own sessions are not listed in the history: %s", exc)
    return SessionCatalog(tuple(sessions))


def body_map_day(record: BodyMapRecord, boundary_min: int) -> dt.date:
    """The local day a body map was made on (the profile's day boundary applied)."""
    return local_day(record.created_ms, record.utc_offset_min, boundary_min)


def thumbnail_rgb(blob: bytes, step: int = 3) -> np.ndarray | None:
    """A small RGB picture (uint8, about 174 × 57 for ``step`` 3) of a stored body map.

    Hot colours for more, cool for less, on the silhouette (light grey outside
    the body); None if the blob cannot be read. Much cheaper than the full
    rendering with its scale bar, so a page of diary entries stays quick.
    """
    try:
        signed = read_signed_map(blob, np.float32)
    except (BodyMapFormatError, ValueError) as exc:
        log.warning("body map could not be read for a thumbnail: %s", exc)
        return None
    small = np.asarray(signed[::step, ::step], dtype=np.float64)
    mask = body_mask()[::step, ::step]
    vmax = float(np.abs(small[mask]).max(initial=0.0))
    rgb = hot_cold(small, vmax if vmax > 0 else 1.0)
    rgb[~mask] = (236, 236, 240)
    return np.ascontiguousarray(rgb)
