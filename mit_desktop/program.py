"""The bundled MIT practice program, crisis resources and safety texts, as data.

Qt-free and standard library only. Three kinds of bundled data are read here:

- ``audio/program.toml``: the program's sessions in order, with the suggested
  week for each (:func:`load_program`).
- ``resources/crisis_resources.toml``: crisis services per region
  (:func:`load_crisis_resources`, :func:`resources_for_region`).
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
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mit_desktop import paths
from mit_desktop.session.vocabulary import PROGRAM_MODULE_IDS

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""The version of ``program.toml`` and ``crisis_resources.toml`` this module reads."""

MODULE_IDS: tuple[str, ...] = PROGRAM_MODULE_IDS
"""The MIT module ids a program entry may name."""

FALLBACK_REGION = "elsewhere"
"""Region code of the crisis entry used when the listener's region is unknown."""

SAFETY_TEXT_NAMES: tuple[str, ...] = ("first_run", "stop_screen", "before_session")
"""The bundled safety texts, each ``resources/safety/<name>.md``."""

SESSION_SUFFIX = ".session.md"

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REGION_RE = re.compile(r"^[A-Z]{2}$")


class ProgramDataError(ValueError):
    """A bundled data file is missing, unreadable or malformed.

    The message starts with the file's path, so it can be shown to the user as is.
    """

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.detail = message


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
    data = _read_toml(path)
    _check_keys(path, data, {"schema": int, "program": dict, "session": list}, {}, "the file")
    _check_schema(path, data)

    head = data["program"]
    _check_keys(path, head, _PROGRAM_KEYS, {}, "[program]")
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
        if not isinstance(raw, dict):
            raise ProgramDataError(path, f"{where} is not a table")
        _check_keys(path, raw, _SESSION_KEYS, _SESSION_OPTIONAL_KEYS, where)
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


# --------------------------------------------------------------------------- crisis resources


@dataclass(frozen=True)
class CrisisService:
    """One crisis service: whom to call or text, and when.

    ``phone`` and ``text`` are written as they are usually written (``"116 123"``);
    an empty string means the service has no such number.
    """

    name: str
    phone: str
    text: str
    hours: str
    notes: str

    @property
    def phone_digits(self) -> str:
        """The phone number with spaces and punctuation removed (for a ``tel:`` link)."""
        return re.sub(r"[^0-9+]", "", self.phone)

    @property
    def text_digits(self) -> str:
        """The text-message number with spaces and punctuation removed."""
        return re.sub(r"[^0-9+]", "", self.text)


@dataclass(frozen=True)
class CrisisRegion:
    """The crisis services for one region (or for the fallback, ``"elsewhere"``)."""

    code: str
    name: str
    services: tuple[CrisisService, ...]
    aliases: tuple[str, ...] = ()

    @property
    def is_fallback(self) -> bool:
        """True for the entry used when the listener's region is not listed."""
        return self.code == FALLBACK_REGION


_REGION_KEYS: dict[str, type] = {"code": str, "name": str, "service": list}
_SERVICE_KEYS: dict[str, type] = {"name": str, "hours": str}
_SERVICE_OPTIONAL_KEYS: dict[str, type] = {"phone": str, "text": str, "notes": str}


def crisis_resources_path() -> Path:
    """Where the bundled ``crisis_resources.toml`` lives."""
    return paths.resources_dir() / "crisis_resources.toml"


def load_crisis_resources(path: Path | None = None) -> tuple[CrisisRegion, ...]:
    """Read the crisis resources (default: the bundled ``resources/crisis_resources.toml``).

    Returns the regions in file order; exactly one of them is the fallback
    (code ``"elsewhere"``). Raises :class:`ProgramDataError` if the file is
    missing or malformed.
    """
    path = crisis_resources_path() if path is None else path
    data = _read_toml(path)
    _check_keys(path, data, {"schema": int, "region": list}, {}, "the file")
    _check_schema(path, data)

    regions: list[CrisisRegion] = []
    codes: set[str] = set()
    for number, raw in enumerate(data["region"], start=1):
        where = f"[[region]] number {number}"
        if not isinstance(raw, dict):
            raise ProgramDataError(path, f"{where} is not a table")
        _check_keys(path, raw, _REGION_KEYS, {"aliases": list}, where)
        code = raw["code"]
        where = f"[[region]] {code!r}"
        aliases = raw.get("aliases", [])
        if not all(isinstance(alias, str) for alias in aliases):
            raise ProgramDataError(path, f"{where}: aliases must be a list of strings")
        for candidate in (code, *aliases):
            if candidate != FALLBACK_REGION and not _REGION_RE.match(candidate):
                raise ProgramDataError(
                    path,
                    f"{where}: {candidate!r} is not a two-letter region code in capitals "
                    f"or {FALLBACK_REGION!r}",
                )
            if candidate in codes:
                raise ProgramDataError(path, f"{where}: code {candidate!r} is listed twice")
            codes.add(candidate)
        if not raw["service"]:
            raise ProgramDataError(path, f"{where} lists no [[region.service]]")
        services = []
        for service_number, service in enumerate(raw["service"], start=1):
            service_where = f"{where} service number {service_number}"
            if not isinstance(service, dict):
                raise ProgramDataError(path, f"{service_where} is not a table")
            _check_keys(path, service, _SERVICE_KEYS, _SERVICE_OPTIONAL_KEYS, service_where)
            phone = service.get("phone", "").strip()
            text = service.get("text", "").strip()
            notes = service.get("notes", "").strip()
            if not (phone or text or notes):
                raise ProgramDataError(path, f"{service_where} has no phone, text or notes")
            services.append(
                CrisisService(
                    name=service["name"],
                    phone=phone,
                    text=text,
                    hours=service["hours"],
                    notes=notes,
                )
            )
        regions.append(
            CrisisRegion(
                code=code, name=raw["name"], services=tuple(services), aliases=tuple(aliases)
            )
        )

    if FALLBACK_REGION not in codes:
        raise ProgramDataError(path, f"there is no [[region]] with code {FALLBACK_REGION!r}")
    logger.debug("loaded crisis resources for %d regions from %s", len(regions), path)
    return tuple(regions)


def normalise_region(code: str | None) -> str:
    """Turn a region code or a locale name into a capitalised region code.

    ``"us"`` gives ``"US"``; locale names such as ``"en_GB"``, ``"en-AU"`` or
    ``"en_US.UTF-8"`` give their region part. Anything without a region gives ``""``.
    """
    if not code:
        return ""
    value = code.strip().split(".", 1)[0].split("@", 1)[0]
    if value.lower() == FALLBACK_REGION:
        return FALLBACK_REGION
    parts = [part for part in re.split(r"[-_]", value) if part]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0].upper() if len(parts[0]) == 2 else ""
    # language_REGION or language-Script-REGION: the region is the last two-letter part
    for part in reversed(parts[1:]):
        if len(part) == 2 and part.isalpha():
            return part.upper()
    return ""


def resources_for_region(
    code: str | None, resources: tuple[CrisisRegion, ...] | None = None
) -> CrisisRegion:
    """The crisis resources for the region `code`.

    `code` may be a region code (``"US"``, ``"uk"``) or a locale name
    (``"en_GB"``). An unknown, empty or missing code gives the fallback entry
    (``"elsewhere"``: call your local emergency number). `resources` defaults to
    :func:`load_crisis_resources`.
    """
    regions = load_crisis_resources() if resources is None else resources
    wanted = normalise_region(code)
    fallback: CrisisRegion | None = None
    for region in regions:
        if region.is_fallback:
            fallback = region
        if wanted and (region.code == wanted or wanted in region.aliases):
            return region
    if fallback is None:
        raise ValueError(f"the crisis resources have no {FALLBACK_REGION!r} entry")
    if wanted and wanted != FALLBACK_REGION:
        logger.info("no crisis resources listed for region %r; using the fallback", code)
    return fallback


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


def load_safety_texts(directory: Path | None = None) -> dict[str, SafetyText]:
    """All bundled safety texts (:data:`SAFETY_TEXT_NAMES`), by name."""
    return {name: load_safety_text(name, directory) for name in SAFETY_TEXT_NAMES}


# --------------------------------------------------------------------------- helpers


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise ProgramDataError(path, "file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ProgramDataError(path, f"not valid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProgramDataError(path, f"cannot read the file: {error}") from None


def _type_name(kind: type) -> str:
    return {str: "a string", int: "an integer", dict: "a table", list: "a list"}.get(
        kind, kind.__name__
    )


def _check_keys(
    path: Path,
    table: dict[str, Any],
    required: dict[str, type],
    optional: dict[str, type],
    where: str,
) -> None:
    """Check that `table` has the required keys, no unknown keys, and the right types."""
    allowed = {**required, **optional}
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ProgramDataError(
            path, f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )
    for key in required:
        if key not in table:
            raise ProgramDataError(path, f"{where}: missing {key!r}")
    for key, kind in allowed.items():
        if key not in table:
            continue
        value = table[key]
        # bool is a subclass of int in Python; a TOML `true` is not a number
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ProgramDataError(path, f"{where}: {key!r} must be {_type_name(kind)}")
        if isinstance(value, str) and not value.strip():
            raise ProgramDataError(path, f"{where}: {key!r} is empty")


def _check_schema(path: Path, data: dict[str, Any]) -> None:
    if data["schema"] != SCHEMA_VERSION:
        raise ProgramDataError(
            path, f"schema {data['schema']} is not supported (this version reads {SCHEMA_VERSION})"
        )
