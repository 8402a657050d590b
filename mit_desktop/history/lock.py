"""One process per data folder: an exclusive ``fcntl.flock`` on a lock file.

The lock is held for as long as the :class:`HistoryStore` is open and is
released by the operating system when the process ends, even if it is
killed, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

from mit_desktop.fsutil import FILE_MODE, make_private
from mit_desktop.history.errors import AlreadyRunningError

log = logging.getLogger(__name__)

LOCK_NAME = "history.lock"


class FolderLock(Protocol):
    """What a store needs of its folder's lock: :class:`DataFolderLock`, or a stand-in for a
    history kept in memory (no folder, nothing to hold)."""

    @property
    def held(self) -> bool:
        """True while the lock is held."""
        ...

    def acquire(self) -> None:
        """Take the lock (raise if someone else holds it)."""
        ...

    def release(self) -> None:
        """Give the lock back (idempotent)."""
        ...


class DataFolderLock:
    """An exclusive, non-blocking lock on ``folder / history.lock``.

    ``acquire()`` raises :class:`AlreadyRunningError` at once if another open
    file description (another process, or another store in this process)
    holds it. The lock file holds the owner's process id, for people only.
    """

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise :class:`AlreadyRunningError`; never waits."""
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunningError(self.path) from None
        except BaseException:
            os.close(fd)
            raise
        make_private(self.path)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        log.debug("locked %s", self.path)

    def release(self) -> None:
        """Release the lock (idempotent). The file stays; its presence means nothing."""
        if self._fd is None:
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None
        log.debug("unlocked %s", self.path)
