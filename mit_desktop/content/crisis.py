"""Crisis resources per region, as data (``resources/crisis_resources.toml``).

Qt-free and standard library only. The listener chooses their region ("Where do
you live?": the listed regions, or "Somewhere else"); nothing here guesses it
from the computer. Every number carries where and when it was checked.

- :func:`load_crisis_resources`: every region, in the order the listener sees
  them, the fallback ("Somewhere else", code :data:`FALLBACK_REGION`) last.
- :func:`resources_for_region`: the region for a code the profile stores.
- :func:`help_lines`: plain-text lines for the terminal and printed pages (the
  GUI words its own, through ``tr()``).

A malformed file raises :class:`~mit_desktop.content.datafiles.ProgramDataError`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
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

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
"""The version of ``crisis_resources.toml`` this module reads."""

FALLBACK_REGION = "elsewhere"
"""Region code of "Somewhere else": the listener's region is not listed."""

_REGION_RE = re.compile(r"^[A-Z]{2}$")
_NUMBER_RE = re.compile(r"^[0-9][0-9 -]*[0-9]$|^[0-9]$")


@dataclass(frozen=True)
class CrisisService:
    """One crisis service: whom to call or text, and when.

    ``phone`` and ``text`` are written as they are usually written (``"116 123"``);
    an empty string means the service has no such number. ``source`` and
    ``checked`` (YYYY-MM-DD) say where and when the numbers were verified.
    """

    name: str
    phone: str
    text: str
    hours: str
    notes: str
    source: str = ""
    checked: str = ""

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
    """The crisis services of one region (or of "Somewhere else", the fallback).

    ``emergency`` holds the region's emergency numbers, most usual first (empty
    for the fallback: "your local emergency number"), with where and when they
    were checked.
    """

    code: str
    name: str
    services: tuple[CrisisService, ...]
    aliases: tuple[str, ...] = ()
    emergency: tuple[str, ...] = ()
    emergency_source: str = ""
    emergency_checked: str = ""

    @property
    def is_fallback(self) -> bool:
        """True for "Somewhere else" (the region is not listed)."""
        return self.code == FALLBACK_REGION


_REGION_KEYS: dict[str, type] = {"code": str, "name": str, "service": list}
_REGION_OPTIONAL_KEYS: dict[str, type] = {
    "aliases": list, "emergency": list, "emergency_source": str, "emergency_checked": str}
_SERVICE_KEYS: dict[str, type] = {"name": str, "hours": str}
_SERVICE_OPTIONAL_KEYS: dict[str, type] = {
    "phone": str, "text": str, "notes": str, "source": str, "checked": str}


def crisis_resources_path() -> Path:
    """Where the bundled ``crisis_resources.toml`` lives."""
    return paths.resources_dir() / "crisis_resources.toml"


def _check_date(path: Path, where: str, value: str) -> None:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ProgramDataError(path, f"{where}: {value!r} is not a date written YYYY-MM-DD") from None


def _service(path: Path, where: str, raw: Any) -> CrisisService:
    check_table(path, raw, _SERVICE_KEYS, _SERVICE_OPTIONAL_KEYS, where)
    phone = raw.get("phone", "").strip()
    text = raw.get("text", "").strip()
    notes = raw.get("notes", "").strip()
    source = raw.get("source", "").strip()
    checked = raw.get("checked", "").strip()
    if not (phone or text or notes):
        raise ProgramDataError(path, f"{where} has no phone, text or notes")
    for number in (phone, text):
        if number and not _NUMBER_RE.match(number):
            raise ProgramDataError(path, f"{where}: {number!r} is not a number to dial")
    if (phone or text) and not (source and checked):
        raise ProgramDataError(path, f"{where}: a number needs its 'source' and the date it "
                                     "was 'checked'")
    if checked:
        _check_date(path, where, checked)
    return CrisisService(name=raw["name"], phone=phone, text=text, hours=raw["hours"],
                         notes=notes, source=source, checked=checked)


def load_crisis_resources(path: Path | None = None) -> tuple[CrisisRegion, ...]:
    """Read the crisis resources (default: the bundled ``resources/crisis_resources.toml``).

    Returns the regions in file order; the fallback ("Somewhere else") is the last.
    Raises :class:`ProgramDataError` if the file is missing or malformed.
    """
    path = crisis_resources_path() if path is None else path
    data = read_toml(path)
    check_keys(path, data, {"schema": int, "region": list}, {}, "the file")
    check_schema(path, data, SCHEMA_VERSION)

    regions: list[CrisisRegion] = []
    codes: set[str] = set()
    for number, raw in enumerate(data["region"], start=1):
        where = f"[[region]] number {number}"
        check_table(path, raw, _REGION_KEYS, _REGION_OPTIONAL_KEYS, where)
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
        emergency = raw.get("emergency", [])
        if not all(isinstance(n, str) and _NUMBER_RE.match(n) for n in emergency):
            raise ProgramDataError(path, f"{where}: emergency must be a list of numbers to dial")
        if code != FALLBACK_REGION:
            if not emergency:
                raise ProgramDataError(path, f"{where}: name the region's 'emergency' number")
            if not (raw.get("emergency_source") and raw.get("emergency_checked")):
                raise ProgramDataError(path, f"{where}: the emergency number needs its "
                                             "'emergency_source' and 'emergency_checked' date")
            _check_date(path, where, raw["emergency_checked"])
        if not raw["service"]:
            raise ProgramDataError(path, f"{where} lists no [[region.service]]")
        services = tuple(_service(path, f"{where} service number {n}", service)
                         for n, service in enumerate(raw["service"], start=1))
        regions.append(CrisisRegion(
            code=code, name=raw["name"], services=services, aliases=tuple(aliases),
            emergency=tuple(emergency), emergency_source=raw.get("emergency_source", ""),
            emergency_checked=raw.get("emergency_checked", "")))

    if FALLBACK_REGION not in codes:
        raise ProgramDataError(path, f"there is no [[region]] with code {FALLBACK_REGION!r}")
    if not regions[-1].is_fallback:
        raise ProgramDataError(path, f"the [[region]] {FALLBACK_REGION!r} must be the last")
    logger.debug("loaded crisis resources for %d regions from %s", len(regions), path)
    return tuple(regions)


def normalise_region(code: str | None) -> str:
    """Turn a region code (or a locale name) into a capitalised region code.

    ``"us"`` gives ``"US"``; ``"en_GB"``, ``"en-AU"`` or ``"en_US.UTF-8"`` give their
    region part. Anything without a region gives ``""``. (For codes a person typed,
    e.g. on the command line; the program never reads the computer's locale.)
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


def find_region(code: str | None, resources: tuple[CrisisRegion, ...] | None = None
                ) -> CrisisRegion | None:
    """The listed region for `code` (a code or alias, any case), or None if it is not listed."""
    wanted = normalise_region(code)
    if not wanted:
        return None
    for region in load_crisis_resources() if resources is None else resources:
        if region.code == wanted or wanted in region.aliases:
            return region
    return None


def resources_for_region(
    code: str | None, resources: tuple[CrisisRegion, ...] | None = None
) -> CrisisRegion:
    """The crisis resources for the region `code`.

    `code` may be a region code (``"US"``, ``"uk"``) or ``"elsewhere"``. An unknown,
    empty or missing code gives the fallback entry ("Somewhere else": call your
    local emergency number). `resources` defaults to :func:`load_crisis_resources`.
    """
    regions = load_crisis_resources() if resources is None else resources
    found = find_region(code, regions)
    if found is not None:
        return found
    if normalise_region(code) not in ("", FALLBACK_REGION):
        logger.info("no crisis resources listed for region %r; using the fallback", code)
    return regions[-1]


def service_line(service: CrisisService) -> str:
    """One plain line: the service, how to call or text it, and when (English)."""
    parts = [service.name]
    if service.phone and service.phone == service.text:
        parts.append(f"call or text {service.phone}")
    else:
        if service.phone:
            parts.append(f"call {service.phone}")
        if service.text:
            parts.append(f"text {service.text}")
    if service.hours:
        parts.append(service.hours)
    return " – ".join(parts)


def emergency_line(region: CrisisRegion) -> str:
    """What to do in immediate danger, in plain English."""
    if not region.emergency:
        return "In an emergency, call your local emergency number."
    return f"In an emergency, call {' or '.join(region.emergency)}."


def help_lines(region: CrisisRegion | None, resources: tuple[CrisisRegion, ...] | None = None
               ) -> list[str]:
    """Plain-text crisis help for the terminal and printed pages (English).

    `region` None means the listener has not said where they live: every listed
    region is shown (never a guess), each with its emergency number.
    """
    if region is not None:
        lines = [service_line(s) for s in region.services if s.phone or s.text]
        lines += [s.notes for s in region.services if not (s.phone or s.text) and s.notes]
        return lines + [emergency_line(region)]
    lines = ["Where you live has not been chosen yet, so here is the help for every listed place:"]
    for each in load_crisis_resources() if resources is None else resources:
        if each.is_fallback:
            lines.append(f"{each.name}: " + " ".join(s.notes for s in each.services if s.notes))
            continue
        calls = "; ".join(service_line(s) for s in each.services if s.phone or s.text)
        lines.append(f"{each.name}: {calls}. {emergency_line(each)}")
    return lines
