"""Small file-system helpers: private permissions and atomic writes.

Every file the history core writes outside SQLite goes through
:func:`atomic_write_bytes` (temporary file in the same folder, ``fsync``,
``rename``, ``fsync`` of the folder), so a crash leaves either the old file or
the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private(path: Path, mode: int = FILE_MODE) -> None:
    """Set ``path`` to ``mode`` (default 0600) if it exists; ignore files we do not own."""
    try:
        os.chmod(path, mode)
    except FileNotFoundError:
        pass
    except PermissionError:  # e.g. a mounted volume: leave it as it is
        log.warning("could not make %s private", path)


def private_folder(path: Path) -> Path:
    """Create ``path`` (and parents) if needed with mode 0700; return it."""
    path.mkdir(parents=True, exist_ok=True)
    make_private(path, DIR_MODE)
    return path


def touch_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (never truncates)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    make_private(path)


def fsync_folder(path: Path) -> None:
    """``fsync`` a folder so a rename inside it survives a power cut (no-op where unsupported)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, mode 0600.

    Contract: after return the file holds exactly ``data`` and is durable; if
    the process dies before return, ``path`` holds its previous content (or does
    not exist) and at most a stray ``.tmp`` file remains in the same folder.
    """
    path = Path(path)
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, FILE_MODE)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_folder(folder)


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text (newlines written as given)."""
    atomic_write_bytes(path, text.encode("utf-8"))
