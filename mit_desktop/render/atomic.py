"""Atomic file writes: a temp file in the same folder, fsync, then rename over the final name.

A crash or a full disk never leaves a half-written file under the final name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator


def disk_message(exc: OSError, target: Path) -> str:
    """A sentence a user can act on for a failed write to `target`."""
    if exc.errno == errno.ENOSPC:
        return f"The disk is full: could not write {target}. Free some space and try again."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Not allowed to write {target}. Choose a folder you can write to."
    if exc.errno == errno.ENOENT:
        return f"The folder for {target} does not exist."
    return f"Could not write {target}: {exc.strerror or exc}"


@contextlib.contextmanager
def atomic_writer(target: Path, mode: int = 0o600) -> Iterator[tuple[BinaryIO, Path]]:
    """Yield (binary file, temp path); on clean exit fsync and rename to `target`.

    On any exception the temp file is removed and the exception propagates;
    `target` is untouched.
    """
    target = Path(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            yield handle, tmp
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
