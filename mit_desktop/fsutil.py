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
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

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


def make_folders_private(path: Path) -> Path:
    """Create ``path`` and every missing parent with mode 0700, whatever the umask.

    (``Path.mkdir(parents=True, mode=…)`` gives the parents the umask's mode: under
    umask 000 a new ``~/.local`` would be world-writable.) Folders that already
    exist are left as they are, except ``path`` itself (see :func:`private_folder`).
    """
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        make_private(folder, DIR_MODE)
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)  # raises the right error (a file there, …)
    return path


def private_folder(path: Path) -> Path:
    """Create ``path`` (and parents, each 0700) if needed; make ``path`` 0700; return it."""
    make_folders_private(path)
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
def atomic_path(target: Path, mode: int = FILE_MODE) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` for a writer that needs a file name (a PDF
    printer, SQLite's backup); on a clean exit the file is fsynced, given ``mode`` (default
    0600) and renamed to ``target``. On any exception it is removed and the exception
    propagates; ``target`` is untouched. The temporary name ends in ``.partial``, so a
    killed run's leftover is cleaned at the next start (:func:`remove_stale_partials`)."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
    os.fchmod(fd, mode)
    os.close(fd)
    try:
        yield Path(tmp_name)
        fd = os.open(tmp_name, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_folder(folder)


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


STALE_PARTIAL_S = 600


def is_our_partial(name: str) -> bool:
    """Whether a file name is one of our temporary files: ``.NAME.XXXX.partial`` from
    :func:`atomic_writer`, or ``NAME.partial`` of a backup being written."""
    return name.endswith(".partial") and (name.startswith(".") or name.startswith("history-"))


def remove_stale_partials(folder: Path, *, prefix: str = "", recursive: bool = True,
                          older_than_s: float = STALE_PARTIAL_S) -> list[Path]:
    """Remove our temporary files in ``folder`` not written to for ``older_than_s`` seconds
    (left by a process that was killed; one still writing keeps its file fresh).

    ``prefix`` limits it to names starting so (for a folder that is not ours, such as a
    render's output folder: only that output's partial files). Never raises; returns
    what was removed.
    """
    import time

    removed: list[Path] = []
    limit = time.time() - older_than_s
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if recursive:
                    removed += remove_stale_partials(Path(entry.path), prefix=prefix,
                                                     recursive=True, older_than_s=older_than_s)
                continue
            if not (entry.is_file(follow_symlinks=False) and is_our_partial(entry.name)
                    and entry.name.startswith(prefix)):
                continue
            if entry.stat(follow_symlinks=False).st_mtime > limit:
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    if removed:
        log.info("removed %d unfinished temporary file(s) left by an earlier run in %s",
                 len(removed), folder)
    return removed
