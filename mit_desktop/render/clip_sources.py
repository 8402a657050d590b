"""Opening a recorded clip by its content: libsndfile (soundfile) first, the bundled ffmpeg
for whatever it cannot read; either way a :class:`ClipSource` of mono float32 blocks at the
file's own rate, and the check that a decode was not cut short. Qt-free.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile as sf

from mit_desktop.render.clip_errors import check_riff_complete, check_stream, clip_error
from mit_desktop.render.ffmpeg_decode import FfmpegDecode, ffmpeg_probe

log = logging.getLogger(__name__)


class _Closable(Protocol):
    """What a decoder holds open: a soundfile handle or an ffmpeg process."""

    def close(self) -> None: ...


#: Frames read from the source per block (per channel).
READ_BLOCK_FRAMES = 65536


#: A decode shorter than the header's length by more than this is a truncated file
#: (MP3 headers without a Xing/LAME frame count are estimates off by tens of ms).
_TRUNCATION_TOLERANCE_MS = 250


_TRUNCATION_TOLERANCE_FRACTION = 0.02


@dataclass
class ClipSource:
    """An opened source: native rate and an iterator of mono float32 blocks at that rate."""

    format_name: str
    sample_rate: int
    expected_frames: int | None  # header's length in frames, if it has one
    blocks: Iterator[np.ndarray]


def check_not_truncated(path: Path, source: ClipSource, n_frames: int) -> None:
    expected = source.expected_frames
    if not expected:
        return
    tolerance = max(source.sample_rate * _TRUNCATION_TOLERANCE_MS // 1000,
                    int(expected * _TRUNCATION_TOLERANCE_FRACTION))
    if expected - n_frames > tolerance:
        have_ms = n_frames * 1000 // source.sample_rate
        want_ms = expected * 1000 // source.sample_rate
        raise clip_error(
            path,
            f"the file is truncated or damaged: its header says {want_ms / 1000:.1f} s "
            f"but only {have_ms / 1000:.1f} s of audio could be decoded.",
            format_name=source.format_name,
            hint="Copy or export the recording again.",
        )


class open_source:  # noqa: N801 - used like a function: `with open_source(path) as src`
    """Open ``path`` by content: soundfile first, the bundled ffmpeg if it cannot."""

    def __init__(self, path: Path):
        self.path = path
        self._closers: list[_Closable] = []

    def __enter__(self) -> ClipSource:
        try:
            return self._enter()
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def _enter(self) -> ClipSource:
        path = self.path
        try:
            handle = sf.SoundFile(str(path))
        except Exception as exc:  # any libsndfile refusal: not its format, or its decoder failed
            log.debug("soundfile cannot open %s (%s); trying ffmpeg", path.name, exc)
            return self._enter_ffmpeg()
        self._closers.append(handle)
        format_name = soundfile_format_name(handle)
        if handle.frames <= 0:
            raise clip_error(path, "it contains no audio.", format_name=format_name,
                         hint="Record or export it again.")
        check_stream(path, handle.samplerate, handle.channels, format_name)
        check_riff_complete(path, format_name)
        return ClipSource(format_name, handle.samplerate, handle.frames,
                       soundfile_blocks(path, handle, format_name))

    def _enter_ffmpeg(self) -> ClipSource:
        probe = ffmpeg_probe(self.path)
        process = FfmpegDecode(self.path, probe)
        self._closers.append(process)
        expected = None
        if probe.duration_ms > 0 and probe.duration_exact:
            expected = probe.duration_ms * probe.sample_rate // 1000
        blocks = (mix_to_mono(frames) for frames in process.blocks())
        return ClipSource(probe.format_name, probe.sample_rate, expected, blocks)

    def __exit__(self, *exc_info: object) -> None:
        for item in reversed(self._closers):
            try:
                item.close()
            except Exception:  # closing must never mask the real error
                log.debug("closing %r failed", item, exc_info=True)


def mix_to_mono(frames: np.ndarray) -> np.ndarray:
    """Average of the channels of ``frames`` (shape ``(n, channels)``), a new float32 array.

    Column by column: ``mean(axis=1)`` over 2 channels is several times slower.
    """
    mono = frames[:, 0].astype(np.float32)  # always a copy
    channels = frames.shape[1]
    if channels > 1:
        for channel in range(1, channels):
            mono += frames[:, channel]
        mono *= np.float32(1.0 / channels)
    return mono


def soundfile_format_name(handle: sf.SoundFile) -> str:
    """"WAV", "MP3", "FLAC", "OGG/VORBIS", "OGG/FLAC", "OGG/OPUS", "AIFF", ..."""
    container = str(handle.format)
    if container == "OGG":
        return f"OGG/{handle.subtype}"
    return container


def soundfile_blocks(path: Path, handle: sf.SoundFile, format_name: str) -> Iterator[np.ndarray]:
    buffer = np.empty((READ_BLOCK_FRAMES, handle.channels), dtype=np.float32)
    while True:
        try:
            # Reading into our own buffer is not capped at the header's frame count,
            # which for MP3 without a Xing header is only an estimate.
            n = len(handle.read(out=buffer))
        except (RuntimeError, OSError, ValueError) as exc:  # LibsndfileError is a RuntimeError
            log.info("decoding %s failed: %s", path.name, exc)
            raise clip_error(path, f"the {format_name} data is damaged part way through.",
                         format_name=format_name,
                         hint="Copy or export the recording again.") from exc
        if n <= 0:
            return
        yield mix_to_mono(buffer[:n])
