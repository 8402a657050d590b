"""What each MIT module trains, in plain words, and the "What is mentalizing?" page.

Qt-free and standard library only. Two bundled files are read here:

- ``resources/program/modules.toml``: for every module id of the program, its title,
  the short "What this practice trains" text (shown before the first practice of the
  module and in Help) and the discussion prompts of the facilitator guide
  (:func:`load_module_training`).
- ``resources/program/mentalizing.md``: the "What is mentalizing?" page
  (:func:`load_mentalizing_page`).

A malformed file raises :class:`~mit_desktop.content.datafiles.ProgramDataError`, whose message
starts with the file's path.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mit_desktop import paths
from mit_desktop.content.datafiles import (
    ProgramDataError,
    check_keys,
    check_schema,
    check_table,
    read_toml,
)
from mit_desktop.content.program import SafetyText, load_safety_text
from mit_desktop.history.practice_queries import heard_any
from mit_desktop.history.store import HistoryStore
from mit_desktop.session.vocabulary import PROGRAM_MODULE_IDS

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MIN_PROMPTS, MAX_PROMPTS = 3, 4
"""A module has three or four discussion prompts."""


@dataclass(frozen=True)
class ModuleTraining:
    """One module: ``trains`` is the "What this practice trains" text (one paragraph of
    plain sentences); ``prompts`` the facilitator guide's discussion prompts."""

    id: str
    title: str
    trains: str
    prompts: tuple[str, ...]


def program_resources_dir() -> Path:
    """Where ``modules.toml`` and ``mentalizing.md`` live."""
    return paths.resources_dir() / "program"


def modules_path() -> Path:
    return program_resources_dir() / "modules.toml"


def load_module_training(path: Path | None = None) -> dict[str, ModuleTraining]:
    """Every module's training text and prompts, by module id, in the file's order.

    Every module id the program knows must be there exactly once; raises
    :class:`ProgramDataError` otherwise, or for unknown keys, empty texts or a number
    of prompts outside 3-4.
    """
    path = modules_path() if path is None else path
    data = read_toml(path)
    check_keys(path, data, {"schema": int, "module": list}, {}, "the file")
    check_schema(path, data, SCHEMA_VERSION)
    result: dict[str, ModuleTraining] = {}
    for number, raw in enumerate(data["module"], start=1):
        where = f"[[module]] number {number}"
        check_table(path, raw, {"id": str, "title": str, "trains": str, "prompts": list}, {},
                    where)
        module_id = raw["id"]
        where = f"[[module]] {module_id!r}"
        if module_id not in PROGRAM_MODULE_IDS:
            raise ProgramDataError(path, f"{where}: unknown module (known: "
                                         f"{', '.join(PROGRAM_MODULE_IDS)})")
        if module_id in result:
            raise ProgramDataError(path, f"{where} is listed twice")
        prompts = raw["prompts"]
        if not all(isinstance(p, str) and p.strip() for p in prompts):
            raise ProgramDataError(path, f"{where}: every prompt must be a non-empty string")
        if not MIN_PROMPTS <= len(prompts) <= MAX_PROMPTS:
            raise ProgramDataError(path, f"{where}: give {MIN_PROMPTS} or {MAX_PROMPTS} "
                                         f"prompts, not {len(prompts)}")
        if not raw["trains"].strip() or not raw["title"].strip():
            raise ProgramDataError(path, f"{where}: title and trains must not be empty")
        result[module_id] = ModuleTraining(module_id, raw["title"].strip(),
                                           " ".join(raw["trains"].split()),
                                           tuple(p.strip() for p in prompts))
    missing = [m for m in PROGRAM_MODULE_IDS if m not in result]
    if missing:
        raise ProgramDataError(path, f"no [[module]] for {', '.join(missing)}")
    return result


def load_mentalizing_page(directory: Path | None = None) -> SafetyText:
    """The "What is mentalizing?" page (``mentalizing.md``): title and Markdown body."""
    return load_safety_text("mentalizing", program_resources_dir() if directory is None
                            else directory)



def module_session_ids(module_id: str, entries: Iterable[Any], session_id: str = "") -> set[str]:
    """The session ids that practice `module_id`: the program entries of that module
    (anything with ``id`` and ``module``) and `session_id` itself (a listener's own script
    that names the module)."""
    ids = {e.id for e in entries if e.module == module_id}
    if session_id:
        ids.add(session_id)
    return ids


def first_time_for_module(store: HistoryStore, profile_id: int, session_ids: Iterable[str]) -> bool:
    """True if the profile has not yet heard any of `session_ids` (no practice of theirs
    with listened time above 0): the time to show "What this practice trains"."""
    ids = set(session_ids)
    return bool(ids) and not heard_any(store, profile_id, ids)
