"""Streaming a mixed timeline into an audio file, block by block, atomically (mode 0600:
the speech may hold a loved one's name).

The file appears under its final name only when complete; a full disk or
any other failure leaves nothing there (and removes the partial file).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import soundfile as sf

from mit_desktop.fsutil import atomic_writer, disk_message, remove_stale_partials
from mit_desktop.render.levels import to_int16
from mit_desktop.render.mixer import Mixer

log = logging.getLogger(__name__)

BLOCK_SAMPLES = 22_050 * 5
FORMATS = {
    ".wav": ("WAV", "PCM_16"),
    ".flac": ("FLAC", "PCM_16"),
    ".ogg": ("OGG", "VORBIS"),
    ".mp3": ("MP3", "MPEG_LAYER_III"),
}


class RenderError(Exception):
    """The render could not be written; the message says why and what to do."""


def output_format(path: Path) -> tuple[str, str]:
    """(soundfile format, subtype) for an output path's extension; RenderError if unsupported."""
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise RenderError(f"Cannot write '{path.name}': choose a file ending in "
                          f"{', '.join(FORMATS)}.") from None


class _Sink:
    """The file libsndfile writes through: a failed write (a full disk) is kept here and
    reported as 0 bytes written, instead of raising inside libsndfile's C callback (which
    prints a traceback and then fails with a bare ``AssertionError``)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        if self.error is not None:
            return 0
        try:
            return self.handle.write(data)
        except OSError as exc:
            self.error = exc
            return 0

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.handle.seek(offset, whence)

    def tell(self) -> int:
        return self.handle.tell()

    def read(self, n: int = -1) -> bytes:
        return self.handle.read(n)

    def flush(self) -> None:
        self.handle.flush()


def write_audio(mixer: Mixer, out: Path, progress: Callable[[int, int], None] | None = None,
                block_samples: int = BLOCK_SAMPLES) -> int:
    """Write the whole timeline to `out` (format from its extension). Returns frames written."""
    out = Path(out)
    fmt, subtype = output_format(out)
    total = mixer.timeline.n_samples
    if not out.parent.is_dir():
        raise RenderError(f"The folder {out.parent} does not exist.")
    remove_stale_partials(out.parent, prefix=f".{out.name}.", recursive=False)
    sink: _Sink | None = None
    try:
        with atomic_writer(out) as handle:
            sink = _Sink(handle)
            try:
                with sf.SoundFile(sink, "w", samplerate=mixer.rate, channels=1, format=fmt,
                                  subtype=subtype) as sound:
                    for start in range(0, total, block_samples):
                        n = min(block_samples, total - start)
                        sound.write(to_int16(mixer.render(start, n)))
                        if sink.error is not None:
                            raise sink.error
                        if progress:
                            progress(start + n, total)
            except (AssertionError, RuntimeError, sf.LibsndfileError):
                if sink.error is not None:
                    raise sink.error from None
                raise
            if sink.error is not None:
                raise sink.error
    except OSError as exc:
        raise RenderError(disk_message(exc, out)) from None
    except (sf.LibsndfileError, AssertionError, RuntimeError) as exc:
        raise RenderError(f"Could not write {out}: {exc or type(exc).__name__}") from None
    log.info("rendered %s (%d samples)", out, total)
    return total
