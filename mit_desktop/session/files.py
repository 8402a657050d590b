"""Reading small text files a user names (scripts, label files) without hanging or flooding.

Only a regular file is opened (a folder, named pipe, device or socket is named as what
it is), never waiting on a pipe, and never more than its size limit is read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from mit_desktop.session.errors import Problem, SessionError

_FILE_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def not_a_file(mode: int) -> str | None:
    """What a file of this st_mode is, if not a regular file ("a folder", "a device", ...)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    return _FILE_KINDS.get(stat.S_IFMT(mode), "not an ordinary file")


def os_problem(exc: OSError) -> str:
    """Plain words for why a path cannot be used ("not found", "permission denied", ...)."""
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "not found"
    if exc.errno == errno.ELOOP:
        return "its symbolic links point at each other in a loop, so it leads to no file"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path (or a folder or file name in it) is too long for this computer"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (check the permissions of the file and its folders)"
    return f"it cannot be opened ({exc.strerror or 'unknown error'})"


def read_small_file(path: Path, what: str, limit_bytes: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit_bytes` of them.

    Raises SessionError with one problem at line 1 otherwise: not found, a folder, a
    named pipe, a device, a loop of links, unreadable, or larger than `limit_bytes`
    (`what` names the file in messages: "session script", "label file").
    """

    def refuse(message: str) -> SessionError:
        return SessionError([Problem(path, 1, None, message)])

    limit = f"a {what} may be at most {limit_bytes / 1_000_000:g} MB"
    kind_message = "this is {kind}, not a " + what + " (that is an ordinary text file)"
    try:
        kind = not_a_file(os.stat(path).st_mode)
        if kind == "a folder":
            raise refuse(f"this is a folder, not a {what}")
        if kind is not None:
            raise refuse(kind_message.format(kind=kind))
        # O_NONBLOCK: should the path become a pipe in the meantime, open() does not wait
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            kind = not_a_file(st.st_mode)
            if kind is not None:
                raise refuse(kind_message.format(kind=kind))
            if st.st_size > limit_bytes:
                raise refuse(f"the file is {st.st_size / 1_000_000:.1f} MB; {limit}")
            data = handle.read(limit_bytes + 1)
    except OSError as exc:
        reason = os_problem(exc)
        raise refuse("file not found" if reason == "not found"
                     else f"cannot read the file: {reason}") from None
    except ValueError:
        raise refuse("the file name contains a NUL character (\\x00)") from None
    if len(data) > limit_bytes:
        raise refuse(f"the file has grown past the limit while being read; {limit}")
    return data
