"""What can be wrong with a recorded clip, in words a user can act on: :class:`ClipError`
(``str()`` names the file and says what to do), and the checks made before decoding (the
file itself, the header's rate and channels, a WAV cut short). Qt-free.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import struct
from pathlib import Path

log = logging.getLogger(__name__)


CONVERT_HINT = "Convert it to WAV, FLAC, MP3 or OGG."


#: What a real recording's header can say: a sample rate from 1,000 to 768,000 Hz and
#: 1 to 64 channels. Anything else is a damaged header (and 65,535 channels would need
#: gigabytes for one block), refused before decoding.
MIN_SAMPLE_RATE_HZ = 1_000


MAX_SAMPLE_RATE_HZ = 768_000


MAX_CHANNELS = 64


#: A recording file may be at most 8 GB (about 6 hours of 48 kHz 24-bit stereo WAV); a larger
#: one (or a special file claiming a huge size, like /proc/kcore) is refused before it is read.
MAX_CLIP_BYTES = 8_000_000_000


class ClipError(Exception):
    """A clip cannot be played. ``str()`` is a message for the user, naming the file.

    ``path`` is the clip's path and ``format_name`` the format when it is known
    (else ``None``), for callers who want to show them separately.
    """

    def __init__(self, message: str, *, path: Path | None = None, format_name: str | None = None):
        super().__init__(message)
        self.path = path
        self.format_name = format_name
        #: the cache could not be written (the clip itself is fine: decode_clip_in_memory)
        self.cache_problem = False


def clip_error(path: Path, reason: str, *, format_name: str | None = None, hint: str = "") -> ClipError:
    text = f"Cannot play '{path.name}': {reason}"
    if hint:
        text += f" {hint}"
    return ClipError(text, path=path, format_name=format_name)


def check_file(path: Path) -> None:
    """ClipError unless ``path`` is an existing, readable, non-empty regular file.

    A folder, named pipe, device or socket is named as what it is (never "not found"
    or "empty"), and is never opened: a pipe would block and a device never end.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise clip_error(path, f"the file does not exist ({path}).",
                     hint="It may have been moved or deleted; import it again.") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            reason = "its symbolic links point at each other in a loop, so it leads to no file."
        elif exc.errno == errno.ENAMETOOLONG:
            reason = "its path is too long for this computer."
        else:
            reason = f"the file cannot be accessed ({exc.strerror or 'unknown error'})."
        raise clip_error(path, reason) from exc
    except ValueError as exc:  # a NUL character in the path
        raise clip_error(path, "its name contains a NUL character.") from exc
    if stat.S_ISDIR(st.st_mode):
        raise clip_error(path, "it is a folder, not an audio file.")
    if not stat.S_ISREG(st.st_mode):
        kind = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a device",
                stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}.get(
                    stat.S_IFMT(st.st_mode), "not an ordinary file")
        raise clip_error(path, f"it is {kind}, not an audio file.",
                     hint="Name a recording saved as a file (WAV, FLAC, MP3, OGG, M4A).")
    if st.st_size == 0:
        raise clip_error(path, "the file is empty (0 bytes).",
                     hint="Record or export it again.")
    if st.st_size > MAX_CLIP_BYTES:
        raise clip_error(path, f"the file is {st.st_size / 1e9:,.1f} GB; a recording may be at most "
                           f"{MAX_CLIP_BYTES / 1e9:.0f} GB.",
                     hint="Split it into shorter recordings, or save it in a compressed format "
                          "(FLAC, MP3, OGG).")
    if not os.access(path, os.R_OK):
        raise clip_error(path, "the file cannot be read (permission denied).",
                     hint="Check the file's permissions.")


def check_stream(path: Path, sample_rate: int, channels: int, format_name: str) -> None:
    """ClipError if the header's rate or channel count is not one a real recording has."""
    if not MIN_SAMPLE_RATE_HZ <= sample_rate <= MAX_SAMPLE_RATE_HZ:
        raise clip_error(path, f"its header gives a sample rate of {sample_rate:,} Hz, which no "
                           "recording has (from 1,000 to 768,000 Hz); the file is damaged.",
                     format_name=format_name, hint="Copy or export the recording again.")
    if not 1 <= channels <= MAX_CHANNELS:
        raise clip_error(path, f"its header gives {channels:,} channels (a recording has 1 to "
                           f"{MAX_CHANNELS}); the file is damaged.",
                     format_name=format_name, hint="Copy or export the recording again.")


def check_riff_complete(path: Path, format_name: str) -> None:
    """ClipError if a RIFF/WAVE file's ``data`` chunk claims more bytes than the file holds.

    libsndfile silently shortens such files to what is there; we would rather say the
    recording was cut short. Placeholder sizes (0, 0xFFFFFFFF) of streamed WAVs pass.
    """
    if not format_name.startswith("WAV"):
        return
    try:
        file_size = path.stat().st_size
        with path.open("rb") as fh:
            if fh.read(12)[:4] != b"RIFF":
                return
            offset = 12
            while offset + 8 <= file_size:
                fh.seek(offset)
                chunk_id, size = struct.unpack("<4sI", fh.read(8))
                if chunk_id == b"data":
                    if size in (0, 0xFFFFFFFF):
                        return
                    present = file_size - offset - 8
                    if size > present:
                        raise clip_error(
                            path,
                            f"the WAV file is truncated: its header promises {size} bytes of "
                            f"audio but only {present} are present.",
                            format_name=format_name,
                            hint="Copy or export the recording again.",
                        )
                    return
                offset += 8 + size + (size & 1)
    except OSError as exc:
        raise clip_error(path, f"the file cannot be read ({exc.strerror or exc}).") from exc
