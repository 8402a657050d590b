"""The real Piper voice and the content-addressed speech cache."""

from __future__ import annotations

import errno
from pathlib import Path

import numpy as np
import pytest

from mit_desktop.render import speech as speech_module
from mit_desktop.render.speech import PiperSpeech
from mit_desktop.render.voices import BUNDLED_VOICE_ID, VoiceError, find_voice, list_voices

RATE = 22_050


def test_a_sentence_is_synthesised_once_then_read_from_the_cache(tmp_path: Path) -> None:
    engine = PiperSpeech(tmp_path / "speech", RATE)
    first = engine.ensure(None, 1.0, "Breathe in slowly.")
    again = engine.ensure(None, 1.0, "Breathe in slowly.")
    assert engine.synthesis_count == 1
    assert first == again
    audio = engine.load(first.key)
    assert audio.dtype == np.int16 and len(audio) == first.n_samples
    assert 0.5 * RATE < len(audio) < 4 * RATE  # a short sentence
    assert np.sqrt(np.mean((audio / 32767.0) ** 2)) > 0.02  # audible speech, not silence
    # a second process (a new engine object) reads the same samples, not a new synthesis
    other = PiperSpeech(tmp_path / "speech", RATE)
    assert np.array_equal(other.load(other.ensure(None, 1.0, "Breathe in slowly.").key), audio)
    assert other.synthesis_count == 0


def test_cache_key_covers_text_rate_and_voice(tmp_path: Path) -> None:
    engine = PiperSpeech(tmp_path / "speech", RATE)
    base = engine.key(None, 1.0, "Hello.")
    assert engine.key(None, 1.0, "Hello!") != base
    assert engine.key(None, 0.9, "Hello.") != base
    assert engine.key("joe", 1.0, "Hello.") == base  # an alias of the same voice
    assert engine.key(None, 1.0, "Hello.") == base


def test_slower_rate_gives_longer_speech(tmp_path: Path) -> None:
    engine = PiperSpeech(tmp_path / "speech", RATE)
    texts = ["You might notice the weight of your body resting in the chair.",
             "Let the breath come and go at its own pace.",
             "When you are ready, bring your attention back to the room around you."]
    # Piper's durations vary a little from run to run, and its short lead-in and tail
    # silences do not stretch, so the ratio sits below 1/0.7 = 1.43 (1.31 measured here)
    normal = sum(engine.ensure(None, 1.0, t).n_samples for t in texts)
    slow = sum(engine.ensure(None, 0.7, t).n_samples for t in texts)
    assert 1.15 < slow / normal < 1.6


def test_a_full_disk_keeps_speech_in_memory_says_why_and_leaves_no_file(
        tmp_path: Path, monkeypatch) -> None:
    """The cache is only a cache: a full disk must not stop a practice (issue 11)."""
    engine = PiperSpeech(tmp_path / "speech", RATE)

    class FullDisk:
        def __init__(self, *a, **k) -> None:
            pass

        def __enter__(self):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __exit__(self, *exc) -> None:
            return None

    monkeypatch.setattr(speech_module, "atomic_writer", FullDisk)
    ref = engine.ensure(None, 1.0, "Nothing fits.")
    assert ref.n_samples > 0 and len(engine.load(ref.key)) == ref.n_samples
    assert "The disk is full" in (engine.cache_problem or "")
    assert list((tmp_path / "speech").rglob("*.s16")) == []


def test_user_voices_are_found_by_id_and_usable(tmp_path: Path) -> None:
    bundled = find_voice(None)
    folder = tmp_path / "voices"
    folder.mkdir()
    (folder / "my-voice.onnx").symlink_to(bundled.model_path)
    (folder / "my-voice.onnx.json").write_bytes(bundled.config_path.read_bytes())
    (folder / "broken.onnx").write_bytes(b"no config beside me")
    ids = [v.id for v in list_voices(folder)]
    assert ids == [BUNDLED_VOICE_ID, "my-voice"]
    engine = PiperSpeech(tmp_path / "speech", RATE, voices_folder=folder)
    ref = engine.ensure("my-voice", 1.0, "Hello.")
    assert ref.n_samples > RATE // 4
    assert engine.key("my-voice", 1.0, "Hello.") != engine.key(None, 1.0, "Hello.")


def test_unknown_voice_names_the_installed_ones(tmp_path: Path) -> None:
    with pytest.raises(VoiceError) as info:
        find_voice("nobody", tmp_path)
    assert "Unknown voice 'nobody'" in str(info.value) and BUNDLED_VOICE_ID in str(info.value)


def test_voice_fingerprint_is_remembered_until_the_voice_file_changes(tmp_path: Path) -> None:
    bundled = find_voice(None)
    folder = tmp_path / "voices"
    folder.mkdir()
    model = folder / "v.onnx"
    model.symlink_to(bundled.model_path)
    config = folder / "v.onnx.json"
    config.write_bytes(bundled.config_path.read_bytes())
    first = PiperSpeech(tmp_path / "speech", RATE, voices_folder=folder)
    key = first.key("v", 1.0, "Hello.")
    memo = tmp_path / "speech" / "voice-fingerprints.json"
    assert memo.is_file()
    assert PiperSpeech(tmp_path / "speech", RATE, voices_folder=folder).key("v", 1.0, "Hello.") == key
    config.write_bytes(bundled.config_path.read_bytes() + b"\n")  # the voice changed
    assert PiperSpeech(tmp_path / "speech", RATE, voices_folder=folder).key("v", 1.0, "Hello.") != key
