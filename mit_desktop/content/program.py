"""The bundled MIT practice program, crisis resources and safety texts, as data.

Qt-free and standard library only. Three kinds of bundled data are read here:

- ``audio/program.toml``: the program's sessions in order, with the suggested
  week for each (:func:`load_program`).
- ``resources/crisis_resources.toml``: crisis services per region, read by
  :mod:`mit_desktop.content.crisis` (its names are re-exported here).
- ``resources/safety/*.md``: the first-run safety information, the text of the
  "I need to stop" screen and the note shown before every session
  (:func:`load_safety_text`, :func:`load_safety_texts`).

Folders are found only through :mod:`mit_desktop.paths`. Every loader takes an
optional path so tests (and a therapist trying out an edited file) can point it
elsewhere. A malformed file raises :class:`ProgramDataError`, whose message names
the file and what is wrong with it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from mit_desktop import paths
from mit_desktop.content.crisis import (  # noqa: F401 - re-exported: the crisis resources used to live here
    FALLBACK_REGION,
    CrisisRegion,
    CrisisService,
    crisis_resources_path,
    load_crisis_resources,
    normalise_region,
    resources_for_region,
)
from mit_desktop.content.datafiles import (
    ProgramDataError,
    check_keys,
    check_schema,
    check_table,
    read_toml,
)
from mit_desktop.session.vocabulary import PROGRAM_MODULE_IDS

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""The version of ``program.toml`` this module reads."""

MODULE_IDS: tuple[str, ...] = PROGRAM_MODULE_IDS
"""The MIT module ids a program entry may name."""

SAFETY_TEXT_NAMES: tuple[str, ...] = ("first_run", "stop_screen", "before_session", "help_now",
                                      "questionnaire_item9")
"""The bundled safety texts, each ``resources/safety/<name>.md``."""

SESSION_SUFFIX = ".session.md"

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --------------------------------------------------------------------------- program


@dataclass(frozen=True)
class ProgramEntry:
    """One session of the program, as listed in ``program.toml``.

    ``week`` is the suggested week (1-based), or ``None`` for a practice that
    fits any time (the BAM quick practice).
    """

    id: str
    file: str
    title: str
    module: str
    week: int | None
    summary: str
    path: Path
    """Absolute path of the session script."""

    @property
    def any_time(self) -> bool:
        """True if the practice is not tied to a week."""
        return self.week is None


@dataclass(frozen=True)
class Program:
    """The whole program: its settings and its entries in program order."""

    id: str
    title: str
    summary: str
    weeks: int
    target_per_week: int
    minimum_per_week: int
    minutes_per_practice: int
    entries: tuple[ProgramEntry, ...]

    def entry(self, session_id: str) -> ProgramEntry:
        """The entry with id `session_id`; raises ``KeyError`` if there is none."""
        for entry in self.entries:
            if entry.id == session_id:
                return entry
        raise KeyError(session_id)

    def for_week(self, week: int) -> tuple[ProgramEntry, ...]:
        """The entries suggested for `week` (1-based), in program order."""
        return tuple(entry for entry in self.entries if entry.week == week)

    def any_time(self) -> tuple[ProgramEntry, ...]:
        """The entries that fit any time, in program order."""
        return tuple(entry for entry in self.entries if entry.week is None)


_PROGRAM_KEYS = {
    "id": str,
    "title": str,
    "summary": str,
    "weeks": int,
    "target_per_week": int,
    "minimum_per_week": int,
    "minutes_per_practice": int,
}
_SESSION_KEYS: dict[str, type] = {
    "id": str,
    "file": str,
    "title": str,
    "module": str,
    "summary": str,
}
_SESSION_OPTIONAL_KEYS: dict[str, type] = {"week": int}


def program_path() -> Path:
    """Where the bundled ``program.toml`` lives."""
    return paths.audio_dir() / "program.toml"


def load_program(path: Path | None = None, sessions_dir: Path | None = None) -> Program:
    """Read the program file (default: the bundled ``audio/program.toml``).

    Session files are looked up in `sessions_dir` (default
    ``paths.sessions_dir()``); a listed file that does not exist is logged as a
    warning, not an error, so the rest of the program stays usable.

    Raises :class:`ProgramDataError` if the file is missing or malformed.
    """
    path = program_path() if path is None else path
    sessions = paths.sessions_dir() if sessions_dir is None else sessions_dir
    data = read_toml(path)
    check_keys(path, data, {"schema": int, "program": dict, "session": list}, {}, "the file")
    check_schema(path, data, SCHEMA_VERSION)

    head = data["program"]
    check_keys(path, head, _PROGRAM_KEYS, {}, "[program]")
    if not _ID_RE.match(head["id"]):
        raise ProgramDataError(path, f"[program] id {head['id']!r} is not a valid id")
    for key in ("weeks", "target_per_week", "minimum_per_week", "minutes_per_practice"):
        if head[key] < 1:
            raise ProgramDataError(path, f"[program] {key} must be at least 1")
    if head["minimum_per_week"] > head["target_per_week"]:
        raise ProgramDataError(path, "[program] minimum_per_week is larger than target_per_week")

    entries: list[ProgramEntry] = []
    seen: set[str] = set()
    if not data["session"]:
        raise ProgramDataError(path, "the program lists no [[session]]")
    for number, raw in enumerate(data["session"], start=1):
        where = f"[[session]] number {number}"
        check_table(path, raw, _SESSION_KEYS, _SESSION_OPTIONAL_KEYS, where)
        session_id = raw["id"]
        where = f"[[session]] {session_id!r}"
        if not _ID_RE.match(session_id):
            raise ProgramDataError(path, f"{where}: id is not a valid id")
        if session_id in seen:
            raise ProgramDataError(path, f"{where} is listed twice")
        seen.add(session_id)
        if raw["module"] not in MODULE_IDS:
            raise ProgramDataError(
                path,
                f"{where}: unknown module {raw['module']!r} (known: {', '.join(MODULE_IDS)})",
            )
        file_name = raw["file"]
        if Path(file_name).name != file_name or not file_name.endswith(SESSION_SUFFIX):
            raise ProgramDataError(
                path, f"{where}: file must be a plain file name ending in {SESSION_SUFFIX}"
            )
        week = raw.get("week")
        if week is not None and not 1 <= week <= head["weeks"]:
            raise ProgramDataError(path, f"{where}: week must be between 1 and {head['weeks']}")
        session_path = sessions / file_name
        if not session_path.is_file():
            logger.warning("%s: %s: session file %s does not exist", path, where, session_path)
        entries.append(
            ProgramEntry(
                id=session_id,
                file=file_name,
                title=raw["title"],
                module=raw["module"],
                week=week,
                summary=raw["summary"],
                path=session_path,
            )
        )

    program = Program(
        id=head["id"],
        title=head["title"],
        summary=head["summary"],
        weeks=head["weeks"],
        target_per_week=head["target_per_week"],
        minimum_per_week=head["minimum_per_week"],
        minutes_per_practice=head["minutes_per_practice"],
        entries=tuple(entries),
    )
    logger.debug("loaded program %s with %d sessions from %s", program.id, len(entries), path)
    return program


def program_entries(path: Path | None = None) -> list[ProgramEntry]:
    """The program's entries in program order (see :func:`load_program`)."""
    return list(load_program(path).entries)


# --------------------------------------------------------------------------- safety texts


@dataclass(frozen=True)
class SafetyText:
    """A safety text: its name, its title (the first ``# `` heading) and its Markdown body.

    ``body`` is the Markdown after the title line, stripped; ``markdown`` is the
    whole file.
    """

    name: str
    title: str
    body: str
    markdown: str


def safety_dir() -> Path:
    """Where the bundled safety texts live."""
    return paths.resources_dir() / "safety"


def load_safety_text(name: str, directory: Path | None = None) -> SafetyText:
    """Read the safety text `name` (e.g. ``"stop_screen"``) from ``<directory>/<name>.md``.

    Raises :class:`ProgramDataError` if the file is missing, empty or has no
    ``# Title`` first line.
    """
    folder = safety_dir() if directory is None else directory
    path = folder / f"{name}.md"
    try:
        markdown = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProgramDataError(path, "file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProgramDataError(path, f"cannot read the file: {error}") from None
    lines = markdown.strip().splitlines()
    if not lines or not lines[0].startswith("# "):
        raise ProgramDataError(path, "the first line must be a title starting with '# '")
    title = lines[0][2:].strip()
    body = "\n".join(lines[1:]).strip()
    if not title or not body:
        raise ProgramDataError(path, "the text needs a title and a body")
    return SafetyText(name=name, title=title, body=body, markdown=markdown)


def plain_text(markdown: str) -> str:
    """A safety text as plain text for a terminal or a printed page: no ``#``, ``**``
    or ``-`` marks; list items and paragraphs keep their own lines."""
    out: list[str] = []
    for line in markdown.strip().splitlines():
        line = line.rstrip().replace("**", "")
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            out.append(heading.group(1).upper() if line.startswith("# ") else heading.group(1))
        elif re.match(r"^\s*[-*]\s+", line):
            out.append("- " + re.sub(r"^\s*[-*]\s+", "", line))
        elif out and out[-1] and line.strip() and not re.match(r"^\s*\d+\.\s", line):
            out[-1] += " " + line.strip()
        else:
            out.append(line.strip())
    return "\n".join(out).strip()


def load_safety_texts(directory: Path | None = None) -> dict[str, SafetyText]:
    """All bundled safety texts (:data:`SAFETY_TEXT_NAMES`), by name."""
    return {name: load_safety_text(name, directory) for name in SAFETY_TEXT_NAMES}
