"""Recorded clips: decoding to mono float32 at the session's rate, cached and memory-mapped.

A therapist imports their own recordings (WAV, MP3, OGG, FLAC, and whatever else the
bundled ffmpeg can read, e.g. AAC in MP4/M4A). :func:`decode_clip` turns one into
mono float32 samples at the session's sample rate and returns a :class:`DecodedClip`
whose :meth:`DecodedClip.samples` is a read-only memory map of a cache file, so a
60-minute clip never sits in memory as one buffer.

Contracts
---------
- Format is decided by **content**, never by the file name: libsndfile (through
  ``soundfile``) is tried first; whatever it cannot open is handed to the ffmpeg
  binary shipped by ``imageio-ffmpeg`` (no system ffmpeg, no ffprobe needed).
- Decoding streams: the source is read in blocks of :data:`READ_BLOCK_FRAMES`
  frames, mixed to mono by averaging the channels, resampled with soxr (``HQ``),
  measured for loudness and written block by block to the cache. Peak memory is a
  few blocks, independent of the clip's length.
- Cache: ``<cache_dir>/<key>.f32`` holds raw little-endian float32 mono samples;
  ``<key>.json`` beside it holds ``n_samples``, ``active_rms``, ``format_name``.
  ``key`` is the sha256 of the source's bytes, the target rate and
  :data:`DECODER_VERSION`. Both files are written atomically (temp file in the same
  folder, fsync, rename; the ``.json`` last, so it marks a complete entry).
- Loudness: ``active_rms`` is the linear RMS over the 50 ms blocks whose own RMS is
  at or above -50 dBFS (1.0 = full-scale RMS), i.e. pauses and room tone between
  phrases do not pull the level down; 0.0 if every block is below the gate.
- Every failure a user can cause (missing, empty, unreadable, truncated, damaged,
  unsupported file; cache folder full or not writable) is a :class:`ClipError` whose
  ``str()`` names the file and says what to do. No library exception escapes.

Qt-free: numpy, soundfile, soxr, imageio-ffmpeg.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import io
import json
import logging
import os
import re
import stat
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile as sf
import soxr

from mit_desktop.fsutil import atomic_write_bytes, atomic_writer
from mit_desktop.render.cache_limit import mark_used

log = logging.getLogger(__name__)

#: Bumped whenever decoding, mixing, resampling or loudness changes: old cache entries
#: are then simply not found (their key differs) and the clip is decoded again.
DECODER_VERSION = 1

#: Frames read from the source per block (per channel).
READ_BLOCK_FRAMES = 65536

#: Length of one loudness block, in milliseconds, and the gate below which a block
#: counts as silence, in dBFS (RMS relative to a full-scale RMS of 1.0).
LOUDNESS_BLOCK_MS = 50
LOUDNESS_GATE_DBFS = -50.0

#: soxr quality recipe: "HQ" is 20-bit precision, passband to 91% of Nyquist.
RESAMPLE_QUALITY = "HQ"

#: A decode shorter than the header's length by more than this is a truncated file
#: (MP3 headers without a Xing/LAME frame count are estimates off by tens of ms).
_TRUNCATION_TOLERANCE_MS = 250
_TRUNCATION_TOLERANCE_FRACTION = 0.02

_CONVERT_HINT = "Convert it to WAV, FLAC, MP3 or OGG."
_HASH_CHUNK_BYTES = 1 << 20
_PIPE_BLOCK_BYTES = 1 << 18
_FFMPEG_PROBE_TIMEOUT_S = 60

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


def _error(path: Path, reason: str, *, format_name: str | None = None, hint: str = "") -> ClipError:
    text = f"Cannot play '{path.name}': {reason}"
    if hint:
        text += f" {hint}"
    return ClipError(text, path=path, format_name=format_name)


@dataclass(frozen=True)
class ClipInfo:
    """What :func:`probe_clip` learns from a clip's header, without decoding it.

    ``duration_ms`` is the header's length in integer milliseconds (an estimate for
    MP3 files without a frame count; 0 if an ffmpeg-read stream states none);
    ``sample_rate`` (Hz) and ``channels`` are the source's own.
    """

    source: Path
    duration_ms: int
    sample_rate: int
    channels: int
    format_name: str


@dataclass(frozen=True)
class DecodedClip:
    """A decoded clip: mono float32 at ``sample_rate`` Hz, ``n_samples`` samples long.

    ``active_rms`` is the linear RMS of the clip's active (non-silent) 50 ms blocks,
    0.0 if it is silent throughout. ``cache_path`` is the raw float32 file that
    :meth:`samples` maps.
    """

    source: Path
    sample_rate: int
    n_samples: int
    active_rms: float
    format_name: str
    cache_path: Path = field(repr=False)
    #: the samples themselves when the cache could not be written (decode_clip_in_memory)
    memory: np.ndarray | None = field(default=None, repr=False, compare=False)

    def samples(self) -> np.ndarray:
        """The samples as a read-only float32 memory map of length ``n_samples`` (or the array
        kept in memory, when the cache could not be written).

        Raises :class:`ClipError` if the cache file has vanished or changed since.
        """
        if self.memory is not None:
            return self.memory
        try:
            size = self.cache_path.stat().st_size
            if size != 4 * self.n_samples:
                raise OSError(errno.EIO, "cache file has the wrong size")
            return np.memmap(self.cache_path, dtype="<f4", mode="r", shape=(self.n_samples,))
        except OSError as exc:
            raise _error(
                self.source,
                f"its decoded audio in the cache was removed or damaged ({exc.strerror or exc}).",
                format_name=self.format_name,
                hint="Open the clip again to decode it anew.",
            ) from exc


# ----------------------------------------------------------------------------------------
# Public entry points


def probe_clip(path: Path) -> ClipInfo:
    """Read a clip's header: length, rate, channels, format. Does not decode the audio.

    Raises :class:`ClipError` if the file is missing, empty, not audio this program
    can read, has no samples, or is a WAV cut short.
    """
    path = Path(path)
    _check_file(path)
    try:
        with sf.SoundFile(str(path)) as handle:
            format_name = _soundfile_format_name(handle)
            frames, rate, channels = handle.frames, handle.samplerate, handle.channels
    except Exception as exc:  # libsndfile cannot open it: ask ffmpeg
        log.debug("soundfile cannot open %s (%s); probing with ffmpeg", path, exc)
        probe = _ffmpeg_probe(path)
        return ClipInfo(path, probe.duration_ms, probe.sample_rate, probe.channels,
                        probe.format_name)
    if frames <= 0:
        raise _error(path, "it contains no audio.", format_name=format_name,
                     hint="Record or export it again.")
    _check_stream(path, rate, channels, format_name)
    _check_riff_complete(path, format_name)
    return ClipInfo(path, frames * 1000 // rate, rate, channels, format_name)


def decode_clip(path: Path, sample_rate: int, cache_dir: Path) -> DecodedClip:
    """Decode ``path`` to mono float32 at ``sample_rate`` Hz, through the cache in ``cache_dir``.

    A clip decoded before (same bytes, same rate, same :data:`DECODER_VERSION`) is
    not decoded again: its cache entry is opened. ``cache_dir`` is created if needed.
    Raises :class:`ClipError` for every failure a user can cause or fix.
    """
    path = Path(path)
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, not {sample_rate}")
    _check_file(path)
    digest = _source_digest(path)
    key = f"{digest[:40]}-{sample_rate}-v{DECODER_VERSION}"
    cache_dir = Path(cache_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cache_error(path, cache_dir, exc) from exc

    data_path = cache_dir / f"{key}.f32"
    meta_path = cache_dir / f"{key}.json"
    cached = _open_cached(path, sample_rate, data_path, meta_path)
    if cached is not None:
        log.debug("clip %s: cache hit %s", path.name, data_path.name)
        mark_used(data_path)  # least recently used goes first when the cache is pruned
        return cached

    started = time.perf_counter()
    n_samples, active_rms, format_name = _decode_to_cache(path, sample_rate, data_path)
    meta = {
        "decoder_version": DECODER_VERSION,
        "sample_rate": sample_rate,
        "n_samples": n_samples,
        "active_rms": active_rms,
        "format_name": format_name,
        "source_sha256": digest,
    }
    try:
        atomic_write_bytes(meta_path, json.dumps(meta, indent=1).encode("utf-8"))
    except OSError as exc:
        raise _cache_error(path, cache_dir, exc) from exc
    log.info(
        "clip %s (%s): %d samples at %d Hz, active RMS %.4f, decoded in %.2f s",
        path.name, format_name, n_samples, sample_rate, active_rms,
        time.perf_counter() - started,
    )
    return DecodedClip(path, sample_rate, n_samples, active_rms, format_name, data_path)


def find_cached_clip(path: Path, sample_rate: int, cache_dir: Path) -> DecodedClip | None:
    """The clip's complete cache entry if it has been decoded before, else None (nothing is
    decoded; an unreadable source is None too)."""
    try:
        digest = _source_digest(Path(path))
    except ClipError:
        return None
    key = f"{digest[:40]}-{sample_rate}-v{DECODER_VERSION}"
    return _open_cached(Path(path), sample_rate, Path(cache_dir) / f"{key}.f32",
                        Path(cache_dir) / f"{key}.json")


# ----------------------------------------------------------------------------------------
# Checks before decoding


def _check_file(path: Path) -> None:
    """ClipError unless ``path`` is an existing, readable, non-empty regular file.

    A folder, named pipe, device or socket is named as what it is (never "not found"
    or "empty"), and is never opened: a pipe would block and a device never end.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise _error(path, f"the file does not exist ({path}).",
                     hint="It may have been moved or deleted; import it again.") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            reason = "its symbolic links point at each other in a loop, so it leads to no file."
        elif exc.errno == errno.ENAMETOOLONG:
            reason = "its path is too long for this computer."
        else:
            reason = f"the file cannot be accessed ({exc.strerror or 'unknown error'})."
        raise _error(path, reason) from exc
    except ValueError as exc:  # a NUL character in the path
        raise _error(path, "its name contains a NUL character.") from exc
    if stat.S_ISDIR(st.st_mode):
        raise _error(path, "it is a folder, not an audio file.")
    if not stat.S_ISREG(st.st_mode):
        kind = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a device",
                stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}.get(
                    stat.S_IFMT(st.st_mode), "not an ordinary file")
        raise _error(path, f"it is {kind}, not an audio file.",
                     hint="Name a recording saved as a file (WAV, FLAC, MP3, OGG, M4A).")
    if st.st_size == 0:
        raise _error(path, "the file is empty (0 bytes).",
                     hint="Record or export it again.")
    if st.st_size > MAX_CLIP_BYTES:
        raise _error(path, f"the file is {st.st_size / 1e9:,.1f} GB; a recording may be at most "
                           f"{MAX_CLIP_BYTES / 1e9:.0f} GB.",
                     hint="Split it into shorter recordings, or save it in a compressed format "
                          "(FLAC, MP3, OGG).")
    if not os.access(path, os.R_OK):
        raise _error(path, "the file cannot be read (permission denied).",
                     hint="Check the file's permissions.")


def _check_stream(path: Path, sample_rate: int, channels: int, format_name: str) -> None:
    """ClipError if the header's rate or channel count is not one a real recording has."""
    if not MIN_SAMPLE_RATE_HZ <= sample_rate <= MAX_SAMPLE_RATE_HZ:
        raise _error(path, f"its header gives a sample rate of {sample_rate:,} Hz, which no "
                           "recording has (from 1,000 to 768,000 Hz); the file is damaged.",
                     format_name=format_name, hint="Copy or export the recording again.")
    if not 1 <= channels <= MAX_CHANNELS:
        raise _error(path, f"its header gives {channels:,} channels (a recording has 1 to "
                           f"{MAX_CHANNELS}); the file is damaged.",
                     format_name=format_name, hint="Copy or export the recording again.")


_digest_memo: dict[tuple[str, int, int, int], str] = {}
_digest_lock = threading.Lock()


def _source_digest(path: Path) -> str:
    """sha256 (hex) of the file's bytes, streamed; remembered per (path, size, mtime, inode)."""
    try:
        st = path.stat()
        memo_key = (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
        with _digest_lock:
            known = _digest_memo.get(memo_key)
        if known is not None:
            return known
        sha = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(_HASH_CHUNK_BYTES):
                sha.update(chunk)
    except OSError as exc:
        raise _error(path, f"the file cannot be read ({exc.strerror or exc}).") from exc
    digest = sha.hexdigest()
    with _digest_lock:
        if len(_digest_memo) > 1024:
            _digest_memo.clear()
        _digest_memo[memo_key] = digest
    return digest


def _check_riff_complete(path: Path, format_name: str) -> None:
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
                        raise _error(
                            path,
                            f"the WAV file is truncated: its header promises {size} bytes of "
                            f"audio but only {present} are present.",
                            format_name=format_name,
                            hint="Copy or export the recording again.",
                        )
                    return
                offset += 8 + size + (size & 1)
    except OSError as exc:
        raise _error(path, f"the file cannot be read ({exc.strerror or exc}).") from exc


# ----------------------------------------------------------------------------------------
# The cache


def _open_cached(
    path: Path, sample_rate: int, data_path: Path, meta_path: Path
) -> DecodedClip | None:
    """The complete cache entry for this key, or None (missing, damaged or stale)."""
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        n_samples = int(meta["n_samples"])
        if (
            meta.get("decoder_version") != DECODER_VERSION
            or int(meta["sample_rate"]) != sample_rate
            or n_samples <= 0
            or data_path.stat().st_size != 4 * n_samples
        ):
            log.warning("clip cache entry %s does not match; decoding again", meta_path.name)
            return None
        return DecodedClip(path, sample_rate, n_samples, float(meta["active_rms"]),
                           str(meta["format_name"]), data_path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("clip cache entry %s unreadable (%s); decoding again", meta_path.name, exc)
        return None


def _cache_error(path: Path, cache_dir: Path, exc: OSError) -> ClipError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        error = _error(path, f"there is no space left to store its decoded audio in {cache_dir}.",
                       hint="Free some disk space and try again.")
    else:
        error = _error(path, f"its decoded audio cannot be stored in {cache_dir} "
                             f"({exc.strerror or exc}).",
                       hint="Check that the folder exists and is writable.")
    error.cache_problem = True
    return error


# ----------------------------------------------------------------------------------------
# Decoding


class _Loudness:
    """Gated RMS, fed block by block: 50 ms blocks below the gate are ignored."""

    def __init__(self, sample_rate: int):
        self.block_samples = max(1, sample_rate * LOUDNESS_BLOCK_MS // 1000)
        self.gate_mean_square = 10.0 ** (LOUDNESS_GATE_DBFS / 10.0)
        self.carry = np.zeros(0, dtype=np.float32)
        self.active_sum_squares = 0.0
        self.active_samples = 0

    def feed(self, mono: np.ndarray) -> None:
        data = np.concatenate((self.carry, mono)) if self.carry.size else mono
        n_whole = data.size // self.block_samples * self.block_samples
        if n_whole:
            blocks = data[:n_whole].reshape(-1, self.block_samples).astype(np.float64)
            sums = np.einsum("ij,ij->i", blocks, blocks)
            self._add(sums, self.block_samples)
        self.carry = data[n_whole:].copy()

    def _add(self, sums: np.ndarray, block_samples: int) -> None:
        active = sums / block_samples >= self.gate_mean_square
        self.active_sum_squares += float(sums[active].sum())
        self.active_samples += int(active.sum()) * block_samples

    def result(self) -> float:
        """Linear RMS of the active blocks (the last partial block counts as one)."""
        if self.carry.size:
            tail = self.carry.astype(np.float64)
            self._add(np.array([float(tail @ tail)]), tail.size)
            self.carry = np.zeros(0, dtype=np.float32)
        if not self.active_samples:
            return 0.0
        return float(np.sqrt(self.active_sum_squares / self.active_samples))


def gated_rms(samples: np.ndarray, sample_rate: int) -> float:
    """The clip loudness measure (``active_rms`` of a decoded clip) of mono float samples:
    linear RMS of the LOUDNESS_BLOCK_MS blocks at or above LOUDNESS_GATE_DBFS; 0.0 if none.

    The one measure recorded narration is matched by: the mixer brings every clip to
    `render.levels.VOICE_RMS` by it, as it brings the voice."""
    loudness = _Loudness(sample_rate)
    loudness.feed(np.asarray(samples, dtype=np.float32))
    return loudness.result()


@dataclass
class _Source:
    """An opened source: native rate and an iterator of mono float32 blocks at that rate."""

    format_name: str
    sample_rate: int
    expected_frames: int | None  # header's length in frames, if it has one
    blocks: Iterator[np.ndarray]


def decode_clip_in_memory(path: Path, sample_rate: int) -> DecodedClip:
    """:func:`decode_clip` without the cache, for when the cache cannot be written: the decoded
    samples are kept in memory (4 bytes a sample: about 5 MB a minute at 22,050 Hz).
    Raises :class:`ClipError` for a clip that cannot be used."""
    path = Path(path)
    _check_file(path)
    buffer = io.BytesIO()
    n_samples, active_rms, format_name = _decode_into(path, sample_rate, buffer, path.parent)
    samples = np.frombuffer(buffer.getbuffer(), dtype="<f4", count=n_samples)
    samples.flags.writeable = False
    log.info("clip %s decoded in memory (%d samples): the cache cannot be written",
             path.name, n_samples)
    return DecodedClip(path, sample_rate, n_samples, active_rms, format_name, Path(),
                       memory=samples)


def _decode_to_cache(path: Path, sample_rate: int, data_path: Path) -> tuple[int, float, str]:
    """Decode, resample, measure and write ``data_path`` atomically.

    Returns ``(n_samples, active_rms, format_name)``. Raises ClipError.
    """
    try:
        with atomic_writer(data_path) as out:
            return _decode_into(path, sample_rate, out, data_path.parent)
    except OSError as exc:
        raise _cache_error(path, data_path.parent, exc) from exc


def _decode_into(path: Path, sample_rate: int, out: BinaryIO,
                 cache_dir: Path) -> tuple[int, float, str]:
    """Decode, resample and measure ``path`` into ``out``; ``(n_samples, active_rms,
    format_name)``. Raises ClipError (a write that fails: the cache's problem)."""
    with _open_source(path) as source:
        loudness = _Loudness(sample_rate)
        resampler = None
        if source.sample_rate != sample_rate:
            resampler = soxr.ResampleStream(source.sample_rate, sample_rate, 1,
                                            dtype="float32", quality=RESAMPLE_QUALITY)
        n_in = 0
        n_out = 0
        try:
            for mono in source.blocks:
                n_in += mono.size
                if resampler is not None:
                    mono = resampler.resample_chunk(mono, last=False)
                n_out += _emit(mono, out, loudness)
            if resampler is not None:
                n_out += _emit(resampler.resample_chunk(np.zeros(0, np.float32), last=True),
                               out, loudness)
        except OSError as exc:
            raise _cache_error(path, cache_dir, exc) from exc
        if n_in == 0 or n_out == 0:
            raise _error(path, "it contains no audio.", format_name=source.format_name,
                         hint="Record or export it again.")
        _check_not_truncated(path, source, n_in)
        return n_out, loudness.result(), source.format_name


def _emit(mono: np.ndarray, out: BinaryIO, loudness: _Loudness) -> int:
    if not mono.size:
        return 0
    mono = np.ascontiguousarray(mono, dtype="<f4")
    loudness.feed(mono)
    out.write(mono.data)
    return int(mono.size)


def _check_not_truncated(path: Path, source: _Source, n_frames: int) -> None:
    expected = source.expected_frames
    if not expected:
        return
    tolerance = max(source.sample_rate * _TRUNCATION_TOLERANCE_MS // 1000,
                    int(expected * _TRUNCATION_TOLERANCE_FRACTION))
    if expected - n_frames > tolerance:
        have_ms = n_frames * 1000 // source.sample_rate
        want_ms = expected * 1000 // source.sample_rate
        raise _error(
            path,
            f"the file is truncated or damaged: its header says {want_ms / 1000:.1f} s "
            f"but only {have_ms / 1000:.1f} s of audio could be decoded.",
            format_name=source.format_name,
            hint="Copy or export the recording again.",
        )


class _open_source:  # noqa: N801 - used like a function: `with _open_source(path) as src`
    """Open ``path`` by content: soundfile first, the bundled ffmpeg if it cannot."""

    def __init__(self, path: Path):
        self.path = path
        self._closers: list[object] = []

    def __enter__(self) -> _Source:
        try:
            return self._enter()
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def _enter(self) -> _Source:
        path = self.path
        try:
            handle = sf.SoundFile(str(path))
        except Exception as exc:  # any libsndfile refusal: not its format, or its decoder failed
            log.debug("soundfile cannot open %s (%s); trying ffmpeg", path.name, exc)
            return self._enter_ffmpeg()
        self._closers.append(handle)
        format_name = _soundfile_format_name(handle)
        if handle.frames <= 0:
            raise _error(path, "it contains no audio.", format_name=format_name,
                         hint="Record or export it again.")
        _check_stream(path, handle.samplerate, handle.channels, format_name)
        _check_riff_complete(path, format_name)
        return _Source(format_name, handle.samplerate, handle.frames,
                       _soundfile_blocks(path, handle, format_name))

    def _enter_ffmpeg(self) -> _Source:
        probe = _ffmpeg_probe(self.path)
        process = _FfmpegDecode(self.path, probe)
        self._closers.append(process)
        expected = None
        if probe.duration_ms > 0 and probe.duration_exact:
            expected = probe.duration_ms * probe.sample_rate // 1000
        return _Source(probe.format_name, probe.sample_rate, expected, process.blocks())

    def __exit__(self, *exc_info: object) -> None:
        for item in reversed(self._closers):
            try:
                item.close()  # type: ignore[attr-defined]
            except Exception:  # closing must never mask the real error
                log.debug("closing %r failed", item, exc_info=True)


def _mix_to_mono(frames: np.ndarray) -> np.ndarray:
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


def _soundfile_format_name(handle: sf.SoundFile) -> str:
    """"WAV", "MP3", "FLAC", "OGG/VORBIS", "OGG/FLAC", "OGG/OPUS", "AIFF", ..."""
    container = str(handle.format)
    if container == "OGG":
        return f"OGG/{handle.subtype}"
    return container


def _soundfile_blocks(path: Path, handle: sf.SoundFile, format_name: str) -> Iterator[np.ndarray]:
    buffer = np.empty((READ_BLOCK_FRAMES, handle.channels), dtype=np.float32)
    while True:
        try:
            # Reading into our own buffer is not capped at the header's frame count,
            # which for MP3 without a Xing header is only an estimate.
            n = len(handle.read(out=buffer))
        except (RuntimeError, OSError, ValueError) as exc:  # LibsndfileError is a RuntimeError
            log.info("decoding %s failed: %s", path.name, exc)
            raise _error(path, f"the {format_name} data is damaged part way through.",
                         format_name=format_name,
                         hint="Copy or export the recording again.") from exc
        if n <= 0:
            return
        yield _mix_to_mono(buffer[:n])


# ----------------------------------------------------------------------------------------
# ffmpeg (imageio-ffmpeg's binary) for what libsndfile cannot read


class _FfmpegUnavailableError(RuntimeError):
    pass


@functools.lru_cache(maxsize=1)
def _ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped by imageio-ffmpeg (or IMAGEIO_FFMPEG_EXE)."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception as exc:  # not installed, or no binary for this platform
        raise _FfmpegUnavailableError(str(exc)) from exc


@dataclass(frozen=True)
class _FfmpegProbe:
    container: str  # ffmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    codec: str  # ffmpeg's decoder name, e.g. "aac"
    sample_rate: int
    channels: int  # 0 if the layout was not understood (ffmpeg then mixes to mono)
    duration_ms: int  # 0 if unknown
    duration_exact: bool  # False when ffmpeg estimated it from the bitrate
    format_name: str
    description: str  # for messages: "AAC audio in an MP4 container"


#: ffmpeg demuxer name -> (our name, article for "in a/an ... container").
_CONTAINERS = {
    "mov,mp4,m4a,3gp,3g2,mj2": ("MP4", "an"),
    "ogg": ("Ogg", "an"),
    "matroska,webm": ("Matroska/WebM", "a"),
    "wav": ("WAV", "a"),
    "mp3": ("MP3", "an"),
    "flac": ("FLAC", "a"),
    "aac": ("ADTS", "an"),
    "asf": ("ASF", "an"),
    "aiff": ("AIFF", "an"),
    "caf": ("CAF", "a"),
    "amr": ("AMR", "an"),
}
_CODECS = {"aac": "AAC", "alac": "ALAC", "opus": "Opus", "vorbis": "Vorbis", "flac": "FLAC",
           "mp3": "MP3", "mp3float": "MP3", "wmav2": "WMA", "wmav1": "WMA", "amr_nb": "AMR",
           "ac3": "AC-3", "eac3": "E-AC-3"}
_LAYOUT_CHANNELS = {
    "mono": 1, "stereo": 2, "2.1": 3, "3.0": 3, "3.0(back)": 3, "4.0": 4, "quad": 4,
    "quad(side)": 4, "3.1": 4, "5.0": 5, "5.0(side)": 5, "4.1": 5, "5.1": 6, "5.1(side)": 6,
    "6.0": 6, "6.0(front)": 6, "hexagonal": 6, "6.1": 7, "6.1(back)": 7, "6.1(front)": 7,
    "7.0": 7, "7.0(front)": 7, "7.1": 8, "7.1(wide)": 8, "7.1(wide-side)": 8, "octagonal": 8,
    "downmix": 2,
}
_INPUT_RE = re.compile(r"^Input #0, (?P<container>.+?), from ", re.MULTILINE)
_DURATION_RE = re.compile(r"Duration: (?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)")
_AUDIO_RE = re.compile(
    r"Stream #0:\d+\S*: Audio: (?P<codec>[\w-]+)[^\n]*?, (?P<rate>\d+) Hz, (?P<layout>[^,\n]+)"
)


def _ffmpeg_file_arg(path: Path) -> str:
    # "file:" stops ffmpeg reading "a:b.mp3" as protocol "a" or "-x.mp3" as an option.
    return "file:" + str(path.absolute())


def _sniff_description(path: Path) -> str | None:
    """What the first bytes say the file is, for messages only ("AAC audio in an MP4 ...")."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    if head[4:8] == b"ftyp":
        return "audio in an MP4 container (usually AAC)"
    if head.startswith(b"OggS"):
        return "Ogg audio"
    if head.startswith(b"fLaC"):
        return "FLAC audio"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "WAV audio"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "MPEG audio (MP3 or AAC)"
    if head.startswith(b"\x30\x26\xb2\x75"):
        return "Windows Media audio"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "Matroska/WebM audio"
    return None


def _ffmpeg_probe(path: Path) -> _FfmpegProbe:
    """Ask ffmpeg (``ffmpeg -i``, which prints the header and exits) what ``path`` holds."""
    try:
        exe = _ffmpeg_exe()
    except _FfmpegUnavailableError as exc:
        sniffed = _sniff_description(path)
        what = f"it is {sniffed}, which" if sniffed else "its format is not one that"
        raise _error(
            path,
            f"{what} this computer cannot decode (ffmpeg is not available: {exc}).",
            format_name=sniffed,
            hint=_CONVERT_HINT,
        ) from exc
    try:
        result = subprocess.run(
            [exe, "-hide_banner", "-nostdin", "-i", _ffmpeg_file_arg(path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            timeout=_FFMPEG_PROBE_TIMEOUT_S, check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise _error(path, f"the audio decoder (ffmpeg) could not be started ({exc}).",
                     hint=_CONVERT_HINT) from exc
    text = result.stderr.decode("utf-8", "replace")
    input_match = _INPUT_RE.search(text)
    audio_match = _AUDIO_RE.search(text)
    if input_match is None:
        reason = _ffmpeg_reason(text)
        sniffed = _sniff_description(path)
        if sniffed:
            raise _error(path, f"it looks like {sniffed} but is damaged or incomplete "
                               f"({reason}).", format_name=sniffed,
                         hint="Copy or export the recording again, or " + _CONVERT_HINT[0].lower()
                         + _CONVERT_HINT[1:])
        raise _error(path, "it is not an audio file this program can read "
                           "(the format was not recognised).", hint=_CONVERT_HINT)
    container = input_match["container"]
    container_name, article = _CONTAINERS.get(container, (container.split(",")[0].upper(), "a"))
    if audio_match is None:
        raise _error(path, f"the {container_name} file contains no audio stream.",
                     format_name=container_name, hint=_CONVERT_HINT)
    codec = audio_match["codec"]
    codec_name = _CODECS.get(codec, codec.upper())
    layout = audio_match["layout"].strip()
    channels = _LAYOUT_CHANNELS.get(layout, 0)
    if not channels and (m := re.match(r"(\d+) channels", layout)):
        channels = int(m[1])
    if codec == "none" or "unknown codec" in text:
        raise _error(path, f"its audio is in an encoding this program cannot decode (the "
                           f"{container_name} header names none it knows); the file may be damaged.",
                     format_name=container_name,
                     hint="Copy or export the recording again, or " + _CONVERT_HINT[0].lower()
                     + _CONVERT_HINT[1:])
    if layout.startswith("0 channels") or "unspecified number of channels" in text:
        raise _error(path, "its header gives 0 channels; the file is damaged.",
                     format_name=container_name, hint="Copy or export the recording again.")
    _check_stream(path, int(audio_match["rate"][:9]), channels or 1, container_name)
    duration_ms = 0
    if (d := _DURATION_RE.search(text)) is not None:
        duration_ms = round((int(d["h"]) * 3600 + int(d["m"]) * 60 + float(d["s"])) * 1000)
    if container_name in ("Ogg", "Matroska/WebM") and codec_name != container_name:
        format_name = f"{container_name.upper()}/{codec_name} (ffmpeg)"
    else:
        format_name = f"{codec_name} (ffmpeg)"
    if container_name == codec_name or (container_name, codec_name) == ("ADTS", "AAC"):
        description = f"{codec_name} audio"
    else:
        description = f"{codec_name} audio in {article} {container_name} container"
    return _FfmpegProbe(
        container=container,
        codec=codec,
        sample_rate=int(audio_match["rate"]),
        channels=channels,
        duration_ms=duration_ms,
        duration_exact="Estimating duration from bitrate" not in text,
        format_name=format_name,
        description=description,
    )


#: ffmpeg's words -> ours. Anything else is summed up as "the decoder reported an error";
#: ffmpeg's own text goes to the log (INFO), never into a message.
_FFMPEG_REASONS = (
    ("moov atom not found", "the MP4 index ('moov atom') is missing, so the file is probably "
                            "incomplete"),
    ("End of file", "the file ends too early"),
    ("Invalid data found", "its data is not valid audio"),
    ("Header missing", "its frames are damaged"),
    ("Decoding error", "its audio data is damaged"),
    ("Error while decoding", "its audio data is damaged"),
    ("Invalid argument", "its header describes audio that cannot be decoded"),
    ("Error opening output", "its header describes audio that cannot be decoded"),
    ("Permission denied", "permission denied"),
)


def _ffmpeg_reason(stderr_text: str) -> str:
    """Plain words for ffmpeg's complaint (its own text is logged, not shown)."""
    lines = [re.sub(r"^\[[^\]]*\]\s*", "", line).strip() for line in stderr_text.splitlines()]
    lines = [line for line in lines if line]
    log.info("ffmpeg: %s", " | ".join(lines[-5:]))
    for needle, words in _FFMPEG_REASONS:
        if any(needle in line for line in lines):
            return words
    return "the decoder reported an error"


class _FfmpegDecode:
    """``ffmpeg ... -f f32le -ac N -ar NATIVE -`` as a subprocess, read in blocks.

    ffmpeg keeps the source's channels and rate (both forced, so the framing is
    known); mono mixing (averaging, like the soundfile path: ffmpeg's own ``-ac 1``
    mixes stereo at -3 dB per channel) and resampling (soxr) happen in Python, so
    clips sound the same whichever decoder read them.
    """

    def __init__(self, path: Path, probe: _FfmpegProbe):
        self.path = path
        self.probe = probe
        self.channels = probe.channels or 1
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        command = [
            _ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error",
            "-i", _ffmpeg_file_arg(path), "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-f", "f32le", "-acodec", "pcm_f32le",
            "-ac", str(self.channels), "-ar", str(probe.sample_rate), "-",
        ]
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr,
            )
        except OSError as exc:
            self._stderr.close()
            raise _error(path, f"the audio decoder (ffmpeg) could not be started ({exc}).",
                         format_name=probe.format_name, hint=_CONVERT_HINT) from exc

    def blocks(self) -> Iterator[np.ndarray]:
        process = self._process
        assert process is not None and process.stdout is not None
        frame_bytes = 4 * self.channels
        block_bytes = max(frame_bytes, _PIPE_BLOCK_BYTES // frame_bytes * frame_bytes)
        leftover = b""
        while True:
            chunk = process.stdout.read(block_bytes)
            if not chunk:
                break
            if leftover:
                chunk = leftover + chunk
            usable = len(chunk) // frame_bytes * frame_bytes
            leftover = chunk[usable:]
            if not usable:
                continue
            frames = np.frombuffer(chunk, dtype="<f4", count=usable // 4)
            yield _mix_to_mono(frames.reshape(-1, self.channels))
        returncode = process.wait()
        if returncode != 0:
            self._stderr.seek(0)
            text = self._stderr.read().decode("utf-8", "replace")
            raise _error(
                self.path,
                f"{self.probe.description} could not be decoded ({_ffmpeg_reason(text)}).",
                format_name=self.probe.format_name,
                hint=_CONVERT_HINT,
            )

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self._stderr.close()
