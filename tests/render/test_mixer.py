from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "session"))
from fakes import FakeSources  # noqa: E402

from mit_desktop.render import levels  # noqa: E402
from mit_desktop.render.ambience import ambience_loop  # noqa: E402
from mit_desktop.render.loudness import loudness_lufs  # noqa: E402
from mit_desktop.render.mixer import Mixer, StemGains  # noqa: E402
from mit_desktop.session.parser import parse_text  # noqa: E402
from mit_desktop.session.timeline import ListeningSettings, TimelineBuilder  # noqa: E402

RATE = 22_050
HEAD = '+++\nid = "t"\ntitle = "T"\n+++\n'


def mixer_for(body: str, **settings) -> Mixer:
    sources = FakeSources()
    session = parse_text(HEAD + body, Path("/tmp/t.session.md"))
    timeline = TimelineBuilder(session, ListeningSettings(**settings), sources, sources, sources).build()
    return Mixer(timeline, sources)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.asarray(x, dtype=np.float64) ** 2))) if len(x) else 0.0


def test_rendering_in_any_block_size_gives_the_same_samples() -> None:
    mixer = mixer_for("[ambience stream 20%]\nOne. Two.\n[bell]\n[pause 1s]\nThree.\n[reflect 3s: Hm?]\n")
    total = mixer.timeline.n_samples
    whole = mixer.render(0, total)
    for block in (1, 441, 4096, 22_050 * 3 + 7):
        pieces = [mixer.render(s, min(block, total - s)) for s in range(0, min(total, 60_000), block)]
        assert np.array_equal(np.concatenate(pieces), whole[: sum(len(p) for p in pieces)])
    # and from an arbitrary seek point
    assert np.array_equal(mixer.render(12_345, 5000), whole[12_345:17_345])


def test_pauses_are_silent_and_speech_is_at_the_voice_level() -> None:
    mixer = mixer_for("Hello there.\n[pause 2s]\n")
    speech, gap, pause = mixer.timeline.segments[0], mixer.timeline.segments[1], mixer.timeline.segments[2]
    audio = mixer.render(0, mixer.timeline.n_samples)
    spoken = audio[speech.start_sample:speech.start_sample + speech.audio_samples]
    assert loudness_lufs(spoken[200:-500], RATE) == pytest.approx(levels.VOICE_LUFS, abs=0.3)
    assert not np.any(audio[speech.start_sample + speech.audio_samples:])  # gap and pause: digital silence
    assert pause.kind == "silence" and gap.kind == "silence"


def test_speech_fades_in_and_out_without_a_step() -> None:
    mixer = mixer_for("Hello there.\n")
    seg = mixer.timeline.segments[0]
    audio = mixer.render(0, seg.n_samples)
    steps = np.abs(np.diff(np.concatenate([[0.0], audio, [0.0]])))
    peak = float(np.max(np.abs(audio)))
    tone_step = 2 * np.pi * 300 / RATE * peak  # largest step of the tone itself
    assert steps.max() <= tone_step * 1.05


def test_ambience_fades_in_ducks_under_speech_and_fades_out() -> None:
    mixer = mixer_for("[ambience stream 20%]\n[pause 10s]\nA long sentence to duck under.\n"
                      "[pause 10s]\n[ambience off]\n[pause 5s]\n")
    t = mixer.timeline
    stems = mixer.render_stems(0, t.n_samples)
    amb = stems["ambience"]
    speech = t.captions[0]
    fade = levels.AMBIENCE_FADE_MS * RATE // 1000
    loop = ambience_loop("stream", RATE)
    bed = loop[np.arange(t.n_samples) % len(loop)]
    steady = slice(fade, speech.start_sample - RATE)  # after the fade-in, before ducking begins
    assert np.allclose(amb[steady], bed[steady] * 0.20, atol=1e-6)
    full = rms(amb[steady])
    assert rms(amb[: RATE // 10]) < full * 0.2  # starts from silence
    inside = slice(speech.start_sample, speech.start_sample + speech.audio_samples)
    under = 10 ** (levels.DUCKING.under_voice_db / 20)
    assert np.allclose(amb[inside], bed[inside] * 0.20 * under, atol=1e-6)
    off = t.ambience[-1].start_sample
    assert not np.any(amb[off + fade:])  # fully faded after [ambience off]
    assert rms(amb[off: off + RATE // 10]) > full * 0.5  # but not cut off abruptly


def test_bell_and_hands_free_reflection_chime_are_on_the_bells_stem() -> None:
    mixer = mixer_for("[bell]\n[reflect 5s: Rest.]\n", mode="hands-free")
    bell, reflection = mixer.timeline.segments
    stems = mixer.render_stems(0, mixer.timeline.n_samples)
    assert np.max(np.abs(stems["bells"][: bell.n_samples])) == pytest.approx(levels.BELL_PEAK["bowl"], rel=1e-3)
    chime = stems["bells"][reflection.start_sample:reflection.end_sample]
    assert not np.any(chime[: RATE])  # silence first
    assert np.max(np.abs(chime[-3 * RATE:])) > 0.1  # the soft chime ends the reflection
    assert not np.any(stems["voice"])


def test_interactive_reflection_adds_no_audio() -> None:
    hands_free = mixer_for("A.\n[reflect 5s: Rest.]\nB.\n", mode="hands-free")
    interactive = mixer_for("A.\n[reflect 5s: Rest.]\nB.\n", mode="interactive")
    point = interactive.timeline.reflections[0].start_sample
    a = interactive.render(0, interactive.timeline.n_samples)
    b = hands_free.render(0, hands_free.timeline.n_samples)
    assert np.array_equal(a[:point], b[:point])
    assert np.array_equal(a[point:], b[point + 5 * RATE:])


def test_stem_gains_scale_each_stem() -> None:
    mixer = mixer_for("[ambience rain 20%]\nWords.\n[bell]\n")
    n = mixer.timeline.n_samples
    stems = mixer.render_stems(0, n)
    mixed = mixer.render(0, n, StemGains(voice=0.5, bells=0.0, ambience=2.0))
    assert np.allclose(mixed, 0.5 * stems["voice"] + 2.0 * stems["ambience"], atol=1e-6)


def test_clips_are_normalised_and_trimmed(tmp_path: Path) -> None:
    clip = tmp_path / "c.wav"
    clip.write_bytes(b"x")
    script = tmp_path / "s.session.md"
    script.write_text(HEAD + "[clip c.wav from 0:01 to 0:03]\n", encoding="utf-8")
    from mit_desktop.session.parser import parse_session

    sources = FakeSources(clip_lengths={clip.resolve(): 5 * RATE})
    timeline = TimelineBuilder(parse_session(script), ListeningSettings(), sources, sources, sources).build()
    audio = Mixer(timeline, sources).render(0, timeline.n_samples)
    assert timeline.segments[0].audio_samples == 2 * RATE
    assert loudness_lufs(audio, RATE) == pytest.approx(levels.VOICE_LUFS, abs=0.2)
    assert abs(audio[0]) < 0.01 and abs(audio[2 * RATE - 1]) < 0.01  # faded at the cut points
