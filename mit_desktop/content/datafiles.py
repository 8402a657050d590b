"""Reading the bundled data files (TOML): errors that name the file, strict key checks.

Shared by the loaders of :mod:`mit_desktop.content` (program, crisis resources, module
training); standard library only.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


class ProgramDataError(ValueError):
    """A bundled data file is missing, unreadable or malformed.

    The message starts with the file's path, so it can be shown to the user as is.
    """

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.detail = message


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; :class:`ProgramDataError` if it is missing, unreadable or not TOML."""
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


def check_keys(
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


def check_table(
    path: Path,
    raw: Any,
    required: dict[str, type],
    optional: dict[str, type],
    where: str,
) -> dict[str, Any]:
    """`raw` if it is a table with the keys :func:`check_keys` accepts; else the error."""
    if not isinstance(raw, dict):
        raise ProgramDataError(path, f"{where} is not a table")
    check_keys(path, raw, required, optional, where)
    return raw


def check_schema(path: Path, data: dict[str, Any], version: int) -> None:
    """The file's ``schema`` must be `version`."""
    if data["schema"] != version:
        raise ProgramDataError(
            path, f"schema {data['schema']} is not supported (this version reads {version})"
        )
