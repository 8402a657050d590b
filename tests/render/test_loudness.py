"""The program's one loudness measure (render.loudness) against pyloudnorm, an independent
BS.1770 implementation, on speech (the real Piper voice), a tone and noise; and the voice,
an imported clip and a recorded take all come out at the same loudness by it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from mit_desktop.recording.trim import prepare_samples
from mit_desktop.render import levels
from mit_desktop.render.clips import decode_clip
from mit_desktop.render.loudness import LoudnessMeter, k_weighting, loudness_lufs
from mit_desktop.render.pacing import speech_at_level
from mit_desktop.render.speech import PiperSpeech

RATE = 22_050
SENTENCES = ("Notice the feeling of your breath as it moves in and out.",
             "When you are ready, let that image fade, and come back to the room around you.")


@pytest.fixture(scope="module")
def piper_speech(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """Two sentences of the real voice with a second of silence between (float, full scale 1)."""
    speech = PiperSpeech(tmp_path_factory.mktemp("speech"), RATE)
    parts = [speech.synthesize(None, 1.0, text).astype(np.float32) / 32767.0 for text in SENTENCES]
    return np.concatenate([parts[0], np.zeros(RATE, np.float32), parts[1]])


def tone(seconds: float, amplitude: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * 997 * t)).astype(np.float32)


def noise(seconds: float, amplitude: float, rate: int = RATE) -> np.ndarray:
    return (amplitude * np.random.default_rng(3).standard_normal(int(seconds * rate))
            ).astype(np.float32)


def oracle(audio: np.ndarray, rate: int = RATE) -> float:
    """pyloudnorm's integrated loudness with the K-weighting derived as BS.1770's own (de Man,
    as ours). Its default filters are a cookbook approximation that reads speech and tones at
    22,050 Hz 0.085-0.15 LU apart from the standard's, which is more than this test allows."""
    meter = pyloudnorm.Meter(rate, filter_class="DeMan")
    return float(meter.integrated_loudness(np.asarray(audio, np.float64)))


def test_the_k_weighting_at_48_khz_is_bs_1770s_own() -> None:
    """The published BS.1770-4 coefficients at 48 kHz, so the oracle's filters are the standard."""
    (shelf_b, shelf_a), (pass_b, pass_a) = k_weighting(48_000)
    assert shelf_b == pytest.approx([1.53512485958697, -2.69169618940638, 1.19839281085285],
                                    abs=1e-6)
    assert shelf_a == pytest.approx([1.0, -1.69065929318241, 0.73248077421585], abs=1e-6)
    assert pass_b == pytest.approx([1.0, -2.0, 1.0])
    assert pass_a == pytest.approx([1.0, -1.99004745483398, 0.99007225036621], abs=1e-6)


def test_speech_measures_as_pyloudnorm_does(piper_speech: np.ndarray) -> None:
    for gain in (0.1, 1.0):
        assert loudness_lufs(piper_speech * gain, RATE) == pytest.approx(
            oracle(piper_speech * gain), abs=0.1)


@pytest.mark.parametrize("rate", [22_050, 48_000])
def test_a_tone_and_noise_measure_as_pyloudnorm_does(rate: int) -> None:
    quiet_then_loud = np.concatenate([tone(3, 0.05, rate), np.zeros(rate, np.float32),
                                      tone(5, 0.4, rate)])
    for audio in (tone(4, 0.2, rate), noise(6, 0.05, rate), quiet_then_loud):
        assert loudness_lufs(audio, rate) == pytest.approx(oracle(audio, rate), abs=0.1)


def test_fed_in_odd_blocks_it_measures_the_same() -> None:
    audio = np.concatenate([noise(3, 0.1), np.zeros(RATE, np.float32), tone(3, 0.3)])
    meter = LoudnessMeter(RATE)
    for start in range(0, len(audio), 9_999):  # the filters' state carries over
        meter.feed(audio[start:start + 9_999])
    assert meter.lufs() == pytest.approx(loudness_lufs(audio, RATE), abs=1e-9)


def test_a_word_shorter_than_one_block_still_gets_a_level_and_silence_none() -> None:
    short = tone(0.3, 0.1)  # pyloudnorm has no 400 ms block to gate here
    assert loudness_lufs(short, RATE) == pytest.approx(loudness_lufs(tone(4, 0.1), RATE), abs=0.3)
    assert loudness_lufs(np.zeros(RATE, np.float32), RATE) == float("-inf")


def level_reached(audio: np.ndarray) -> float:
    """VOICE_LUFS, or lower where the peak limit holds audio with a high peak back (LUFS).
    Piper's output differs a little between versions of it and of onnxruntime; a
    synthesis with a high peak is meant to come out a little quieter, not clipped."""
    lufs = loudness_lufs(audio, RATE)
    peak = float(np.max(np.abs(audio)))
    return min(levels.VOICE_LUFS,
               lufs + 20 * float(np.log10(levels.VOICE_PEAK_LIMIT / peak)))


def test_voice_clip_and_take_come_out_at_the_same_loudness(piper_speech: np.ndarray,
                                                            tmp_path: Path) -> None:
    """The synthetic voice, a therapist's imported recording and a recorded take are matched
    by one measure: each reads VOICE_LUFS to pyloudnorm as it plays (less only where the
    peak limit holds it back), and the three read the same."""
    reached = level_reached(piper_speech)
    assert reached > levels.VOICE_LUFS - 3  # real speech: the limit holds back little
    voice = speech_at_level(piper_speech, RATE)
    assert oracle(voice) == pytest.approx(reached, abs=0.3)

    # a loud recording of the same words: its own peak (kept with its loudness) sets its gain
    loud = piper_speech * np.float32(0.99 / np.max(np.abs(piper_speech)))
    path = tmp_path / "therapist.wav"
    sf.write(str(path), loud, RATE, subtype="FLOAT")
    clip = decode_clip(path, RATE, tmp_path / "cache")
    assert clip.peak == pytest.approx(0.99, abs=1e-6)
    played = np.asarray(clip.samples()) * levels.voice_gain(clip.loudness_lufs, clip.peak)
    assert oracle(played) == pytest.approx(level_reached(loud), abs=0.3)
    assert oracle(played) == pytest.approx(oracle(voice), abs=0.3)

    # A quiet take, 20 dB down: quiet enough to need 20 dB of gain, loud enough that the
    # trim keeps all of the words (at 34 dB down the -45 dBFS trim floor kept only the
    # loudest second of these eight, and that second's own peak and loudness decided its
    # gain, so it could not be compared with the voice's)
    quiet = np.float32(0.1) * piper_speech
    take, first, _gain = prepare_samples(quiet, RATE)
    voiced = np.flatnonzero(np.abs(quiet) >= 10 ** (-45 / 20))
    assert first <= voiced[0] and first + len(take) >= voiced[-1]  # every word kept
    assert oracle(take) == pytest.approx(level_reached(quiet[first:first + len(take)]), abs=0.3)
    assert oracle(take) == pytest.approx(reached, abs=0.3)
    assert oracle(take) == pytest.approx(oracle(voice), abs=0.3)


@pytest.mark.parametrize("recording", ["loud", "quiet", "take"])
def test_an_imported_recording_plays_at_the_voice_loudness(piper_speech: np.ndarray,
                                                            tmp_path: Path,
                                                            recording: str) -> None:
    """A therapist's recording of the same words, played in a session through the engine's
    mixer, reads to pyloudnorm as the synthetic voice does: a loud one (peak 0.99), a quiet
    one (peak 0.25: it must be raised) and a recorded take (made ready at the voice's level
    by recording.trim). Its gain comes from its own peak: with an assumed full-scale peak the
    mixer never raised a recording by more than 0.89 (about -1 dB), so the take played
    about 1 dB and the quiet recording about 8 dB under the voice."""
    from mit_desktop.render.engine import Engine
    from mit_desktop.session.parser import parse_session
    from mit_desktop.session.timeline import INTERACTIVE, ListeningSettings

    if recording == "take":
        audio, _first, _gain = prepare_samples(0.05 * piper_speech, RATE)
    else:
        peak = 0.99 if recording == "loud" else 0.25
        audio = piper_speech * np.float32(peak / np.max(np.abs(piper_speech)))
    sf.write(str(tmp_path / "therapist.wav"), audio, RATE, subtype="FLOAT")
    script = tmp_path / "mine.session.md"
    script.write_text('+++\nid = "mine"\ntitle = "Mine"\n+++\n\n[clip therapist.wav]\n',
                      encoding="utf-8")
    engine = Engine()
    timeline = engine.timeline(parse_session(script),
                               ListeningSettings(mode=INTERACTIVE, ambience="off"))
    played = engine.mixer(timeline).render(0, timeline.n_samples)
    voice = speech_at_level(piper_speech, RATE)
    assert oracle(played) == pytest.approx(oracle(voice), abs=0.3)
    assert oracle(played) == pytest.approx(level_reached(piper_speech), abs=0.3)
