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
  ``<key>.json`` beside it holds ``n_samples``, ``loudness_lufs``, ``peak``, ``format_name``.
  ``key`` is the sha256 of the source's bytes, the target rate and
  :data:`DECODER_VERSION`. Both files are written atomically (temp file in the same
  folder, fsync, rename; the ``.json`` last, so it marks a complete entry).
- Loudness: ``loudness_lufs`` is the program's one measure (:mod:`render.loudness`,
  BS.1770 integrated loudness, gated so pauses and room tone between phrases do not pull
  it down), measured on the decoded samples as they are written; ``-inf`` if silent.
- Peak: ``peak`` is the largest absolute sample of the whole decoded recording (full scale
  1.0), measured in the same pass. The mixer gives a recording one gain from both
  (`render.levels.voice_gain`), so it plays at the voice's loudness unless its peak would
  pass the voice's peak limit. A cache entry written before peaks were kept has its peak
  measured once from the cached samples and added to its ``.json``.
- Every failure a user can cause (missing, empty, unreadable, truncated, damaged,
  unsupported file; cache folder full or not writable) is a :class:`ClipError` whose
  ``str()`` names the file and says what to do. No library exception escapes.

Opening a file by content is :mod:`~mit_desktop.render.clip_sources` (ffmpeg's part
:mod:`~mit_desktop.render.ffmpeg_decode`); what can be wrong with one, and the checks before
decoding, :mod:`~mit_desktop.render.clip_errors`. The decode loop (resampling, loudness and peak in one pass):
:mod:`~mit_desktop.render.clip_decode`. This module: the cache.

Qt-free: numpy, soundfile, soxr, imageio-ffmpeg.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from mit_desktop.fsutil import atomic_write_bytes, atomic_writer
from mit_desktop.render.cache_limit import mark_used
from mit_desktop.render.clip_decode import decode_into
from mit_desktop.render.clip_errors import (
    ClipError,
    check_file,
    check_riff_complete,
    check_stream,
    clip_error,
)
from mit_desktop.render.clip_sources import (
    READ_BLOCK_FRAMES,
    soundfile_format_name,
)
from mit_desktop.render.ffmpeg_decode import ffmpeg_probe

log = logging.getLogger(__name__)

#: Bumped whenever decoding, mixing, resampling or loudness changes: old cache entries
#: are then simply not found (their key differs) and the clip is decoded again.
DECODER_VERSION = 2  # 2: loudness in LUFS (render.loudness) in place of a gated RMS




_HASH_CHUNK_BYTES = 1 << 20


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

    ``loudness_lufs`` is its loudness (:mod:`render.loudness`), ``-inf`` if it is silent
    throughout; ``peak`` its largest absolute sample (full scale 1.0; 0.0 if silent).
    ``cache_path`` is the raw float32 file that :meth:`samples` maps.
    """

    source: Path
    sample_rate: int
    n_samples: int
    loudness_lufs: float
    peak: float
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
            raise clip_error(
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
    check_file(path)
    try:
        with sf.SoundFile(str(path)) as handle:
            format_name = soundfile_format_name(handle)
            frames, rate, channels = handle.frames, handle.samplerate, handle.channels
    except Exception as exc:  # libsndfile cannot open it: ask ffmpeg
        log.debug("soundfile cannot open %s (%s); probing with ffmpeg", path, exc)
        probe = ffmpeg_probe(path)
        return ClipInfo(path, probe.duration_ms, probe.sample_rate, probe.channels,
                        probe.format_name)
    if frames <= 0:
        raise clip_error(path, "it contains no audio.", format_name=format_name,
                     hint="Record or export it again.")
    check_stream(path, rate, channels, format_name)
    check_riff_complete(path, format_name)
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
    check_file(path)
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
    n_samples, loudness, peak, format_name = _decode_to_cache(path, sample_rate, data_path)
    meta = {
        "decoder_version": DECODER_VERSION,
        "sample_rate": sample_rate,
        "n_samples": n_samples,
        "loudness_lufs": loudness if math.isfinite(loudness) else None,
        "peak": peak,
        "format_name": format_name,
        "source_sha256": digest,
    }
    try:
        atomic_write_bytes(meta_path, json.dumps(meta, indent=1).encode("utf-8"))
    except OSError as exc:
        raise _cache_error(path, cache_dir, exc) from exc
    log.info(
        "clip %s (%s): %d samples at %d Hz, %.1f LUFS, peak %.3f, decoded in %.2f s",
        path.name, format_name, n_samples, sample_rate, loudness, peak,
        time.perf_counter() - started,
    )
    return DecodedClip(path, sample_rate, n_samples, loudness, peak, format_name, data_path)


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
        raise clip_error(path, f"the file cannot be read ({exc.strerror or exc}).") from exc
    digest = sha.hexdigest()
    with _digest_lock:
        if len(_digest_memo) > 1024:
            _digest_memo.clear()
        _digest_memo[memo_key] = digest
    return digest


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
        peak = _peak_of(meta, meta_path, data_path, n_samples)
        return DecodedClip(path, sample_rate, n_samples, _lufs_of(meta), peak,
                           str(meta["format_name"]), data_path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("clip cache entry %s unreadable (%s); decoding again", meta_path.name, exc)
        return None


def _lufs_of(meta: dict) -> float:
    """A cache entry's loudness (``null``: a silent clip, ``-inf``)."""
    value = meta["loudness_lufs"]
    return float("-inf") if value is None else float(value)


def _peak_of(meta: dict, meta_path: Path, data_path: Path, n_samples: int) -> float:
    """A cache entry's peak. An entry written before peaks were kept (no ``peak``, or not a
    number) has it measured from its cached samples, block by block, and added to its
    ``.json`` (if that cannot be written, it is measured again next time). Raises OSError if
    the samples cannot be read (the caller then decodes the clip again)."""
    value = meta.get("peak")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
            and value >= 0:
        return float(value)
    samples = np.memmap(data_path, dtype="<f4", mode="r", shape=(n_samples,))
    peak = 0.0
    for start in range(0, n_samples, READ_BLOCK_FRAMES):
        block = np.asarray(samples[start:start + READ_BLOCK_FRAMES])
        peak = max(peak, float(np.max(np.abs(block), initial=0.0)))
    del samples
    meta = dict(meta, peak=peak)
    try:
        atomic_write_bytes(meta_path, json.dumps(meta, indent=1).encode("utf-8"))
    except OSError as exc:
        log.warning("clip cache entry %s: its peak cannot be stored (%s)", meta_path.name, exc)
    log.info("clip cache entry %s: peak %.3f measured from its samples", meta_path.name, peak)
    return peak


def _cache_error(path: Path, cache_dir: Path, exc: OSError) -> ClipError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        error = clip_error(path, f"there is no space left to store its decoded audio in {cache_dir}.",
                       hint="Free some disk space and try again.")
    else:
        error = clip_error(path, f"its decoded audio cannot be stored in {cache_dir} "
                             f"({exc.strerror or exc}).",
                       hint="Check that the folder exists and is writable.")
    error.cache_problem = True
    return error


# ----------------------------------------------------------------------------------------
# Decoding


def decode_clip_in_memory(path: Path, sample_rate: int) -> DecodedClip:
    """:func:`decode_clip` without the cache, for when the cache cannot be written: the decoded
    samples are kept in memory (4 bytes a sample: about 5 MB a minute at 22,050 Hz).
    Raises :class:`ClipError` for a clip that cannot be used."""
    path = Path(path)
    check_file(path)
    buffer = io.BytesIO()
    n_samples, loudness, peak, format_name = decode_into(
        path, sample_rate, buffer, lambda exc: _cache_error(path, path.parent, exc))
    samples = np.frombuffer(buffer.getbuffer(), dtype="<f4", count=n_samples)
    samples.flags.writeable = False
    log.info("clip %s decoded in memory (%d samples): the cache cannot be written",
             path.name, n_samples)
    return DecodedClip(path, sample_rate, n_samples, loudness, peak, format_name, Path(),
                       memory=samples)


def _decode_to_cache(path: Path, sample_rate: int,
                     data_path: Path) -> tuple[int, float, float, str]:
    """Decode, resample, measure and write ``data_path`` atomically.

    Returns ``(n_samples, loudness_lufs, peak, format_name)``. Raises ClipError.
    """
    try:
        with atomic_writer(data_path) as out:
            return decode_into(path, sample_rate, out,
                               lambda exc: _cache_error(path, data_path.parent, exc))
    except OSError as exc:
        raise _cache_error(path, data_path.parent, exc) from exc
