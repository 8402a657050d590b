"""What an export says about each session: title, module and the program's suggested week.

The history package stores only session ids; the content (``program.toml``, the
user's own scripts) says what they are. Qt-free; used by ``history export`` and
the window's History → Export.
"""

from __future__ import annotations

import logging

from mit_desktop.history.export import SessionFacts

log = logging.getLogger(__name__)


def session_facts() -> dict[str, SessionFacts]:
    """``{session_id: SessionFacts}`` for the program's sessions and the user's own;
    empty (logged) if the program cannot be read."""
    facts: dict[str, SessionFacts] = {}
    try:
        from mit_desktop.content.library import list_sessions

        entries, _errors = list_sessions()
        for entry in entries:
            facts[entry.id] = SessionFacts(entry.title, entry.module or None, None)
    except Exception as exc:  # noqa: BLE001 - an unreadable library must not stop an export
        log.warning("session titles unavailable for the export: %s", exc)
    try:
        from mit_desktop.content.program import load_program

        for program_entry in load_program().entries:
            facts[program_entry.id] = SessionFacts(program_entry.title, program_entry.module,
                                                   program_entry.week)
    except Exception as exc:  # noqa: BLE001
        log.warning("program unavailable for the export: %s", exc)
    return facts
