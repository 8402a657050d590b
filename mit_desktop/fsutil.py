"""File-system helpers shared by every package: private permissions and atomic writes.

Every file that matters (renders, caches, exports, settings, autostart entries)
is written through :func:`atomic_writer`: a temporary file in the same folder,
``fsync``, ``rename`` over the final name, ``fsync`` of the folder. A crash, a
full disk or any exception leaves either the old file or the new one, never
half of one, and removes the temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

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


@contextlib.contextmanager
def atomic_writer(target: Path, mode: int = FILE_MODE) -> Iterator[BinaryIO]:
    """Yield a binary file; on a clean exit it is fsynced and renamed to ``target``.

    On any exception the temporary file is removed and the exception
    propagates; ``target`` is untouched. The file gets ``mode`` (default 0600).
    """
    target = Path(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w+b") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_folder(target.parent)


def atomic_write_bytes(path: Path, data: bytes, mode: int = FILE_MODE) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path, mode) as handle:
        handle.write(data)


def atomic_write_text(path: Path, text: str, mode: int = FILE_MODE) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text (newlines written as given)."""
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def disk_message(exc: OSError, target: Path) -> str:
    """A sentence a user can act on for a failed write to ``target``."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk is full: could not write {target}. Free some space and try again."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Not allowed to write {target}. Choose a folder you can write to."
    if exc.errno == errno.ENOENT:
        return f"The folder for {target} does not exist."
    return f"Could not write {target}: {exc.strerror or exc}"


def os_error_message(exc: OSError) -> str:
    """A sentence a user can act on for any failed file operation (names the file)."""
    target = Path(exc.filename) if exc.filename else None
    if target is not None:
        return disk_message(exc, target)
    return f"{exc.strerror or exc}."
