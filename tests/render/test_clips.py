"""Tests of mit_desktop.render.clips: decoding, resampling, cache, loudness, errors.

Real recordings nobody here made are used in place from the shared folder beside the
repository (``../shared/testing/real-audio``); their expected lengths come from their
own headers, parsed here independently of the code under test.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import stat
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from shared_files import real_audio

from mit_desktop.render import clip_sources, clips, ffmpeg_decode
from mit_desktop.render.clips import ClipError, decode_clip, probe_clip
from mit_desktop.render.loudness import loudness_lufs

RATE = 22050


# ----------------------------------------------------------------------------------------
# helpers


def _sine(freq_hz: float, rate: int, n: int, amplitude: float = 0.5) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * freq_hz * np.arange(n) / rate)).astype(np.float32)


def _write(path: Path, data: np.ndarray, rate: int, subtype: str | None = None,
           fmt: str | None = None) -> Path:
    sf.write(str(path), data, rate, subtype=subtype, format=fmt)
    return path


def _peak_hz(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * rate / len(x))


def _cache_files(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def _riff_frames(path: Path) -> int:
    """Frames of a PCM WAV from its data chunk size and block align."""
    data = path.read_bytes()
    offset, block_align, data_size = 12, 0, 0
    while offset + 8 <= len(data):
        chunk, size = struct.unpack("<4sI", data[offset:offset + 8])
        if chunk == b"fmt ":
            block_align = struct.unpack("<H", data[offset + 20:offset + 22])[0]
        if chunk == b"data":
            data_size = size
            break
        offset += 8 + size + (size & 1)
    return data_size // block_align


def _ogg_flac_frames_and_block(path: Path) -> tuple[int, int]:
    """(granule position of the last Ogg page, FLAC STREAMINFO max block size)."""
    data = path.read_bytes()
    last = data.rfind(b"OggS")
    granule = struct.unpack("<q", data[last + 6:last + 14])[0]
    streaminfo = data.find(b"fLaC") + 4 + 4  # skip marker and metadata block header
    max_block = struct.unpack(">H", data[streaminfo + 2:streaminfo + 4])[0]
    return granule, max_block


def _mp4_duration(path: Path) -> tuple[int, int]:
    """(duration, timescale) from the audio track's 'mdhd' box (version 0)."""
    data = path.read_bytes()
    at = data.find(b"mdhd")
    assert data[at + 4] == 0, "test helper reads version-0 mdhd only"
    timescale, duration = struct.unpack(">II", data[at + 16:at + 24])
    return duration, timescale


def _expected(path: Path) -> tuple[int, int, int]:
    """(frames at the source rate per the file's own header, source rate, tolerance frames).

    The tolerance is about one codec frame: exact for PCM, 2 MP3 frames for an MP3
    whose length is a bitrate estimate, one FLAC block, one AAC frame.
    """
    name = path.name
    if name == "test1-8bit.wav":
        return _riff_frames(path), sf.info(str(path)).samplerate, 1
    if name == "test1.mp3":  # Xing/LAME header: exact frame count
        info = sf.info(str(path))
        return info.frames, info.samplerate, 1
    if name == "party.mp3":  # CBR without a frame count: estimated from the bitrate
        info = sf.info(str(path))
        return info.frames, info.samplerate, 2 * 1152
    if name == "bach.ogg":
        granule, block = _ogg_flac_frames_and_block(path)
        return granule, 44100, block
    if name in ("format_test.m4a", "wrong_extension.aac"):
        duration, timescale = _mp4_duration(path)
        return duration, timescale, 1024
    raise AssertionError(name)


# ----------------------------------------------------------------------------------------
# the real recordings, as the README's table says


@pytest.mark.parametrize(
    "name, format_name",
    [
        ("test1.mp3", "MP3"),
        ("party.mp3", "MP3"),
        ("bach.ogg", "OGG/FLAC (ffmpeg)"),  # libsndfile 1.2.2 fails on this FLAC-in-Ogg
        ("test1-8bit.wav", "WAV"),
        ("format_test.m4a", "AAC (ffmpeg)"),
        ("wrong_extension.aac", "AAC (ffmpeg)"),  # MP4 content, decided by content
    ],
)
def test_real_recording_decodes_to_its_header_length(name: str, format_name: str,
                                                     tmp_path: Path) -> None:
    path = real_audio(name)
    frames, source_rate, tolerance_frames = _expected(path)
    clip = decode_clip(path, RATE, tmp_path / "cache")
    expected = frames * RATE / source_rate
    tolerance = tolerance_frames * RATE / source_rate + 1
    assert abs(clip.n_samples - expected) <= tolerance, (clip.n_samples, expected, tolerance)
    assert clip.format_name == format_name
    assert clip.sample_rate == RATE
    x = clip.samples()
    assert x.dtype == np.float32 and x.shape == (clip.n_samples,)
    assert np.isfinite(x).all()
    assert 0.001 < float(np.abs(x).max()) <= 1.05
    assert -60.0 < clip.loudness_lufs < 0.0


def test_empty_wav_from_the_real_set_is_a_clear_error(tmp_path: Path) -> None:
    for call in (lambda p: decode_clip(p, RATE, tmp_path), probe_clip):
        with pytest.raises(ClipError) as caught:
            call(real_audio("test1_empty.wav"))
        assert "test1_empty.wav" in str(caught.value)
        assert "contains no audio" in str(caught.value)
    assert _cache_files(tmp_path) == []


def test_mp3_and_wav_of_the_same_recording_decode_sample_aligned(tmp_path: Path) -> None:
    mp3 = decode_clip(real_audio("test1.mp3"), RATE, tmp_path).samples()
    wav = decode_clip(real_audio("test1-8bit.wav"), RATE, tmp_path).samples()
    n = min(len(mp3), len(wav))
    assert np.corrcoef(mp3[:n], wav[:n])[0, 1] > 0.999  # no decoder delay left in


def test_extension_alias_decodes_to_the_same_samples(tmp_path: Path) -> None:
    a = decode_clip(real_audio("format_test.m4a"), RATE, tmp_path)
    b = decode_clip(real_audio("wrong_extension.aac"), RATE, tmp_path)
    assert np.array_equal(a.samples(), b.samples())


def test_aac_without_ffmpeg_is_an_error_naming_file_and_format(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable() -> str:
        raise ffmpeg_decode.FfmpegUnavailableError("no ffmpeg binary for this platform")

    monkeypatch.setattr(ffmpeg_decode, "ffmpeg_exe", unavailable)
    for name in ("format_test.m4a", "wrong_extension.aac"):
        with pytest.raises(ClipError) as caught:
            decode_clip(real_audio(name), RATE, tmp_path)
        message = str(caught.value)
        assert name in message and "MP4" in message and "AAC" in message
        assert "Convert it to WAV, FLAC, MP3 or OGG" in message


@pytest.mark.parametrize(
    "name, duration_ms, rate, channels",
    [
        ("test1.mp3", 10009, 32000, 2),
        ("test1-8bit.wav", 10009, 32000, 2),
        ("bach.ogg", 3060, 44100, 1),
        ("format_test.m4a", 9660, 44100, 1),
    ],
)
def test_probe_reads_the_header(name: str, duration_ms: int, rate: int, channels: int) -> None:
    info = probe_clip(real_audio(name))
    assert abs(info.duration_ms - duration_ms) <= 10
    assert (info.sample_rate, info.channels) == (rate, channels)


# ----------------------------------------------------------------------------------------
# generated audio: sample formats, resampling, mixing, loudness


@pytest.mark.parametrize(
    "subtype, tolerance",
    [("PCM_U8", 1 / 128), ("PCM_16", 1 / 32768), ("PCM_24", 1 / 8388608), ("FLOAT", 0.0)],
)
def test_wav_sample_formats_decode_to_the_same_samples(subtype: str, tolerance: float,
                                                       tmp_path: Path) -> None:
    original = _sine(440, RATE, RATE // 2)
    path = _write(tmp_path / f"{subtype}.wav", original, RATE, subtype)
    clip = decode_clip(path, RATE, tmp_path / "cache")
    assert clip.format_name == "WAV"
    assert clip.n_samples == len(original)
    assert np.max(np.abs(clip.samples() - original)) <= tolerance


def test_flac_decodes_losslessly(tmp_path: Path) -> None:
    original = np.round(_sine(300, RATE, RATE) * 32767) / 32768
    path = _write(tmp_path / "a.flac", original, RATE, "PCM_16")
    clip = decode_clip(path, RATE, tmp_path / "cache")
    assert clip.format_name == "FLAC"
    assert np.max(np.abs(clip.samples() - original)) <= 1 / 32768


@pytest.mark.parametrize(
    "suffix, fmt, subtype, format_name",
    [(".ogg", "OGG", "VORBIS", "OGG/VORBIS"), (".mp3", "MP3", "MPEG_LAYER_III", "MP3")],
)
def test_lossy_formats_keep_pitch_and_length(suffix: str, fmt: str, subtype: str,
                                             format_name: str, tmp_path: Path) -> None:
    path = _write(tmp_path / f"a{suffix}", _sine(1000, 44100, 2 * 44100), 44100, subtype, fmt)
    clip = decode_clip(path, RATE, tmp_path / "cache")
    assert clip.format_name == format_name
    assert abs(clip.n_samples - 2 * RATE) <= 1152  # within one codec frame
    assert abs(_peak_hz(np.asarray(clip.samples()), RATE) - 1000) <= 2


@pytest.mark.parametrize("source_rate", [8000, 44100, 48000])
def test_resampling_keeps_frequency_duration_and_level(source_rate: int, tmp_path: Path) -> None:
    path = _write(tmp_path / "s.wav", _sine(1000, source_rate, 2 * source_rate), source_rate,
                  "FLOAT")
    clip = decode_clip(path, RATE, tmp_path / "cache")
    x = np.asarray(clip.samples())
    assert abs(clip.n_samples - 2 * RATE) <= 1
    assert abs(_peak_hz(x, RATE) - 1000) <= 1
    middle = x[RATE // 4: -RATE // 4]  # away from the filter's edges
    assert np.sqrt(np.mean(middle.astype(np.float64) ** 2)) == pytest.approx(0.5 / np.sqrt(2),
                                                                             rel=0.01)


def test_any_target_rate_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.wav", _sine(440, 44100, 44100), 44100, "PCM_16")
    for rate in (16000, 22050, 48000):
        assert abs(decode_clip(path, rate, tmp_path / "cache").n_samples - rate) <= 1


def _stereo(tmp_path: Path) -> Path:
    left, right = _sine(440, RATE, RATE, 0.6), _sine(440, RATE, RATE, 0.2)
    return _write(tmp_path / "stereo.wav", np.stack([left, right], axis=1), RATE, "FLOAT")


def test_stereo_is_mixed_to_mono_by_averaging(tmp_path: Path) -> None:
    clip = decode_clip(_stereo(tmp_path), RATE, tmp_path / "cache")
    assert np.allclose(clip.samples(), _sine(440, RATE, RATE, 0.4), atol=1e-6)


def test_ffmpeg_path_also_averages_channels(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise sf.LibsndfileError(1, "Format not recognised.")

    stereo = _stereo(tmp_path)
    monkeypatch.setattr(clips.sf, "SoundFile", refuse)  # libsndfile "cannot read" anything
    clip = decode_clip(stereo, RATE, tmp_path / "cache")
    assert clip.format_name.endswith("(ffmpeg)")
    # ffmpeg's own "-ac 1" would give 0.566 (each channel at -3 dB); we want the average
    assert np.allclose(clip.samples(), _sine(440, RATE, RATE, 0.4), atol=1e-6)


def test_a_clip_is_measured_by_the_one_loudness_measure_ignoring_silent_stretches(
        tmp_path: Path) -> None:
    tone = _sine(440, RATE, 2 * RATE, 0.5)
    hush = (1e-4 * np.random.default_rng(1).standard_normal(4 * RATE)).astype(np.float32)
    path = _write(tmp_path / "t.wav", np.concatenate([hush, tone, hush]), RATE, "FLOAT")
    clip = decode_clip(path, RATE, tmp_path / "cache")
    whole = np.asarray(clip.samples(), np.float64)
    assert clip.loudness_lufs == pytest.approx(pyloudnorm.Meter(RATE).integrated_loudness(whole),
                                               abs=0.1)
    # the hush is gated out: within a dB of the tone alone, not 5 dB under it as an average
    assert abs(clip.loudness_lufs - loudness_lufs(tone, RATE)) < 1.0


def test_silent_clip_has_no_loudness(tmp_path: Path) -> None:
    path = _write(tmp_path / "z.wav", np.zeros(RATE, np.float32), RATE, "PCM_16")
    clip = decode_clip(path, RATE, tmp_path / "cache")
    assert clip.n_samples == RATE
    assert clip.loudness_lufs == float("-inf")
    assert decode_clip(path, RATE, tmp_path / "cache").loudness_lufs == float("-inf")  # cached


def test_a_clip_keeps_its_peak_over_the_whole_recording(tmp_path: Path) -> None:
    """The peak is the largest absolute sample anywhere in the recording (here in its last
    block, past many read blocks), kept in the cache entry and read back from it."""
    quiet = _sine(440, RATE, 10 * RATE, 0.2)
    loud = _sine(440, RATE, RATE // 2, 0.9)
    path = _write(tmp_path / "p.wav", np.concatenate([quiet, -loud]), RATE, "FLOAT")
    clip = decode_clip(path, RATE, tmp_path / "cache")
    assert clip.peak == pytest.approx(float(np.max(np.abs(loud))), abs=1e-6)
    again = decode_clip(path, RATE, tmp_path / "cache")  # from the cache
    assert again.peak == clip.peak
    silent = decode_clip(_write(tmp_path / "z.wav", np.zeros(RATE, np.float32), RATE, "PCM_16"),
                         RATE, tmp_path / "cache")
    assert silent.peak == 0.0


@pytest.mark.parametrize("stored", ["missing", None, "loud", -1.0])
def test_a_cache_entry_from_before_peaks_were_kept_gets_its_peak(tmp_path: Path,
                                                                  stored) -> None:
    """An entry written without a peak (or with a damaged one) is not refused and does not
    crash: the peak is measured from the cached samples and stored in its .json."""
    import json
    path = _write(tmp_path / "old.wav", _sine(440, RATE, 3 * RATE, 0.6), RATE, "FLOAT")
    cache = tmp_path / "cache"
    first = decode_clip(path, RATE, cache)
    meta_path = next(cache.glob("*.json"))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if stored == "missing":
        del meta["peak"]
    else:
        meta["peak"] = stored
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    data_mtime = first.cache_path.stat().st_mtime_ns
    reopened = decode_clip(path, RATE, cache)
    assert reopened.peak == pytest.approx(0.6, abs=1e-4)
    assert reopened.peak == pytest.approx(first.peak, abs=1e-9)
    assert json.loads(meta_path.read_text(encoding="utf-8"))["peak"] == reopened.peak
    assert first.cache_path.stat().st_mtime_ns == data_mtime  # not decoded again


def test_format_is_decided_by_content_not_by_name(tmp_path: Path) -> None:
    wav_named_mp3 = tmp_path / "really-a-wav.mp3"
    wav_named_mp3.write_bytes((real_audio("test1-8bit.wav")).read_bytes())
    mp3_named_wav = tmp_path / "really-an-mp3.wav"
    mp3_named_wav.write_bytes((real_audio("test1.mp3")).read_bytes())
    assert decode_clip(wav_named_mp3, RATE, tmp_path / "c").format_name == "WAV"
    assert decode_clip(mp3_named_wav, RATE, tmp_path / "c").format_name == "MP3"


def test_probe_gives_exact_length_of_a_generated_wav(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.wav", np.zeros((48000 * 3 // 2, 2), np.float32), 48000, "PCM_16")
    info = probe_clip(path)
    assert (info.duration_ms, info.sample_rate, info.channels, info.format_name) == (
        1500, 48000, 2, "WAV")


# ----------------------------------------------------------------------------------------
# cache


def test_second_decode_reuses_the_cache_without_decoding(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "s.wav", _sine(440, 44100, 44100), 44100, "PCM_16")
    cache = tmp_path / "cache"
    calls: list[Path] = []
    real = clips._decode_to_cache

    def spy(*args: object) -> tuple[int, float, str]:
        calls.append(args[0])  # type: ignore[arg-type]
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(clips, "_decode_to_cache", spy)
    first = decode_clip(path, RATE, cache)
    data_file = first.cache_path
    mtime_ns = data_file.stat().st_mtime_ns
    second = decode_clip(path, RATE, cache)
    assert len(calls) == 1
    assert data_file.stat().st_mtime_ns == mtime_ns
    assert second == first
    assert sorted(_cache_files(cache)) == sorted([data_file.name, data_file.stem + ".json"])
    x = second.samples()
    assert isinstance(x, np.memmap)
    assert not x.flags.writeable
    assert data_file.stat().st_size == 4 * second.n_samples
    with pytest.raises(ValueError):
        x[0] = 1.0

    decode_clip(path, 16000, cache)  # another rate: another entry
    assert len(calls) == 2
    _write(path, _sine(880, 44100, 44100), 44100, "PCM_16")  # new content, same name
    changed = decode_clip(path, RATE, cache)
    assert len(calls) == 3
    assert abs(_peak_hz(np.asarray(changed.samples()), RATE) - 880) <= 2


def test_damaged_cache_entry_is_decoded_again(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.wav", _sine(440, RATE, RATE), RATE, "FLOAT")
    first = decode_clip(path, RATE, tmp_path / "cache")
    with first.cache_path.open("r+b") as fh:
        fh.truncate(100)
    again = decode_clip(path, RATE, tmp_path / "cache")
    assert np.array_equal(again.samples(), _sine(440, RATE, RATE))


def test_samples_of_a_removed_cache_file_is_a_clip_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.wav", _sine(440, RATE, RATE), RATE, "FLOAT")
    clip = decode_clip(path, RATE, tmp_path / "cache")
    clip.cache_path.unlink()
    with pytest.raises(ClipError, match=re.escape("s.wav")):
        clip.samples()


@pytest.mark.parametrize("fail_on_write", [1, 3])
def test_disk_full_while_caching_leaves_no_file(fail_on_write: int, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # 4 read blocks long, so the cache is written in several pieces
    path = _write(tmp_path / "long.wav", _sine(440, RATE, 4 * clip_sources.READ_BLOCK_FRAMES), RATE,
                  "PCM_16")
    cache = tmp_path / "cache"
    real_writer = clips.atomic_writer
    writes = 0

    class FillingDisk:
        def __init__(self, handle) -> None:
            self.handle = handle

        def write(self, data) -> int:
            nonlocal writes
            writes += 1
            raw = memoryview(data).cast("B")
            if writes == fail_on_write:
                self.handle.write(raw[: len(raw) // 2])  # a partial write, then the disk is full
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return self.handle.write(raw)

    @contextlib.contextmanager
    def filling_writer(target, *args, **kwargs):
        with real_writer(target, *args, **kwargs) as handle:
            yield FillingDisk(handle)

    monkeypatch.setattr(clips, "atomic_writer", filling_writer)
    with pytest.raises(ClipError) as caught:
        decode_clip(path, RATE, cache)
    assert "long.wav" in str(caught.value)
    assert "no space left" in str(caught.value)
    assert _cache_files(cache) == []  # neither a final file nor a temp file


def test_unwritable_cache_folder_is_a_clip_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.wav", _sine(440, RATE, RATE), RATE, "FLOAT")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ClipError, match=re.escape("s.wav")) as caught:
        decode_clip(path, RATE, blocker / "clips")
    assert caught.value.cache_problem  # the cache's fault, not the recording's


def test_a_clip_plays_from_memory_when_the_cache_cannot_be_written(tmp_path: Path) -> None:
    """Only a cache: an unwritable clip cache must not make a recording unplayable."""
    from mit_desktop.render.clips import decode_clip_in_memory
    from mit_desktop.render.engine import Engine

    path = _write(tmp_path / "s.wav", _sine(440, RATE, RATE), RATE, "FLOAT")
    cached = decode_clip(path, RATE, tmp_path / "good-cache")
    in_memory = decode_clip_in_memory(path, RATE)
    assert (in_memory.n_samples, in_memory.loudness_lufs) == (cached.n_samples, cached.loudness_lufs)
    np.testing.assert_array_equal(in_memory.samples(), cached.samples())
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    engine = Engine(blocker)  # every cache folder under it is unusable
    clip = engine.decoded_clip(path)
    np.testing.assert_array_equal(clip.samples(), cached.samples())
    assert engine.speech.cache_problem and "cannot be stored" in engine.speech.cache_problem
    with pytest.raises(ClipError, match="does not exist"):  # the recording's own faults stay
        engine.decoded_clip(tmp_path / "gone.wav")


def test_long_clip_decodes_with_little_memory(tmp_path: Path) -> None:
    source_rate, minutes = 44100, 10
    path = tmp_path / "long.wav"
    n_frames = minutes * 60 * source_rate
    with sf.SoundFile(str(path), "w", source_rate, 1, "PCM_16") as out:
        block = _sine(220, source_rate, source_rate * 10, 0.3)  # a whole number of periods
        for _ in range(n_frames // len(block)):
            out.write(block)
    decoded_bytes = 4 * minutes * 60 * RATE

    tracemalloc.start()
    try:
        clip = decode_clip(path, RATE, tmp_path / "cache")
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert abs(clip.n_samples - minutes * 60 * RATE) <= 1
    # measured: about 2 MB (a few read blocks) for 53 MB of decoded audio
    assert peak_bytes < decoded_bytes / 10, (peak_bytes, decoded_bytes)
    assert clip.loudness_lufs == pytest.approx(loudness_lufs(_sine(440, RATE, 10 * RATE, 0.3), RATE),
                                               abs=0.3)


# ----------------------------------------------------------------------------------------
# files a user can get wrong


def _clip_error(path: Path, cache: Path) -> str:
    with pytest.raises(ClipError) as caught:
        decode_clip(path, RATE, cache)
    message = str(caught.value)
    assert path.name in message
    assert "Traceback" not in message
    assert _cache_files(cache) == [] or all(
        not name.startswith(".") for name in _cache_files(cache))
    return message


def test_missing_file(tmp_path: Path) -> None:
    assert "does not exist" in _clip_error(tmp_path / "gone.wav", tmp_path / "c")
    with pytest.raises(ClipError, match=re.escape("gone.wav")):
        probe_clip(tmp_path / "gone.wav")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.mp3").write_bytes(b"")
    assert "empty (0 bytes)" in _clip_error(tmp_path / "empty.mp3", tmp_path / "c")
    with pytest.raises(ClipError, match=re.escape("empty.mp3")):
        probe_clip(tmp_path / "empty.mp3")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "clip.wav").mkdir()
    assert "folder" in _clip_error(tmp_path / "clip.wav", tmp_path / "c")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "locked.wav", _sine(440, RATE, RATE), RATE, "PCM_16")
    path.chmod(0)
    # root reads anything whatever the mode bits say: make the permission check see them
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == path
                        else real_access(p, mode, **kw))
    try:
        assert "permission denied" in _clip_error(path, tmp_path / "c")
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.parametrize(
    "name, content",
    [
        ("noise.mp3", np.random.default_rng(7).bytes(20000)),
        ("notes.wav", b"These are my session notes, not audio.\n" * 50),
        ("fake.m4a", b"\x00\x00\x00\x20ftypM4A " + bytes(200)),
    ],
)
def test_garbage_files(name: str, content: bytes, tmp_path: Path) -> None:
    (tmp_path / name).write_bytes(content)
    _clip_error(tmp_path / name, tmp_path / "c")
    with pytest.raises(ClipError, match=re.escape(name)):
        probe_clip(tmp_path / name)


def test_truncated_wav(tmp_path: Path) -> None:
    whole = _write(tmp_path / "whole.wav", _sine(440, RATE, 2 * RATE), RATE, "PCM_16")
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert "truncated" in _clip_error(cut, tmp_path / "c")


def test_truncated_real_mp3(tmp_path: Path) -> None:
    data = (real_audio("test1.mp3")).read_bytes()
    cut = tmp_path / "test1-cut.mp3"
    cut.write_bytes(data[: len(data) // 2])
    assert "truncated" in _clip_error(cut, tmp_path / "c")


def test_truncated_real_m4a(tmp_path: Path) -> None:
    data = (real_audio("format_test.m4a")).read_bytes()
    cut = tmp_path / "format_test-cut.m4a"
    cut.write_bytes(data[: len(data) // 2])
    message = _clip_error(cut, tmp_path / "c")
    assert "MP4" in message and ("incomplete" in message or "damaged" in message)


def test_wav_header_on_garbage(tmp_path: Path) -> None:
    whole = _write(tmp_path / "h.wav", _sine(440, RATE, RATE), RATE, "PCM_16")
    header_only = tmp_path / "header-only.wav"
    header_only.write_bytes(whole.read_bytes()[:44])
    _clip_error(header_only, tmp_path / "c")


def test_ffmpeg_failing_mid_stream_is_a_clip_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """A decoder that starts, writes some audio, then fails: ClipError naming the format in plain
    words; ffmpeg's own text goes to the log, never into the message."""
    probe_text = (
        "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x':\\n"
        "  Duration: 00:00:01.00, start: 0.000000, bitrate: 65 kb/s\\n"
        "  Stream #0:0[0x1](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, "
        "fltp, 63 kb/s (default)\\n"
    )
    fake = tmp_path / "fake-ffmpeg"
    fake.write_text(
        "#!/bin/sh\n"
        'case "$*" in\n'
        f'  *f32le*) head -c 4000 /dev/zero; echo "[aac @ 0x1] Decoding error: bad data" >&2; '
        "exit 1;;\n"
        f'  *) printf "{probe_text}" >&2; exit 1;;\n'
        "esac\n"
    )
    fake.chmod(0o755)
    monkeypatch.setattr(ffmpeg_decode, "ffmpeg_exe", lambda: str(fake))
    with caplog.at_level(logging.INFO, logger="mit_desktop.render.ffmpeg_decode"):
        message = _clip_error(real_audio("format_test.m4a"), tmp_path / "c")
    assert "AAC audio in an MP4 container could not be decoded (its audio data is damaged)" in message
    assert "Decoding error" not in message and "Decoding error: bad data" in caplog.text
    assert _cache_files(tmp_path / "c") == []


def test_rate_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        decode_clip(real_audio("test1.mp3"), 0, tmp_path)
