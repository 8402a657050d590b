"""Speech above the background: the bed under the voice, between sentences, and with Voice clarity."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import welch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "session"))
from fakes import FakeSources  # noqa: E402

from mit_desktop.render import levels  # noqa: E402
from mit_desktop.render.ambience import ambience_loop, unpitched_loop  # noqa: E402
from mit_desktop.render.loudness import loudness_lufs  # noqa: E402
from mit_desktop.render.mixer import Mixer, presence_filter  # noqa: E402
from mit_desktop.session.parser import parse_text  # noqa: E402
from mit_desktop.session.timeline import ListeningSettings, TimelineBuilder  # noqa: E402

RATE = 22_050
HEAD = '+++\nid = "t"\ntitle = "T"\n+++\n'
BODY = ("[ambience stream 15%]\n[pause 6s]\nFirst sentence here. Second sentence here.\n"
        "[pause 12s]\nThird one.\n[pause 4s]\n")


def mixer_for(body: str = BODY, sources: FakeSources | None = None, **settings) -> Mixer:
    sources = sources or FakeSources()
    session = parse_text(HEAD + body, Path("/tmp/t.session.md"))
    timeline = TimelineBuilder(session, ListeningSettings(**settings), sources, sources, sources).build()
    return Mixer(timeline, sources)


def bed_gain(mixer: Mixer) -> np.ndarray:
    """The bed's gain at every sample (stem / the loop at the script's 15 %)."""
    t = mixer.timeline
    loop = ambience_loop("stream", RATE)
    bed = loop[np.arange(t.n_samples) % len(loop)] * 0.15
    amb = mixer.render_stems(0, t.n_samples)["ambience"]
    fade = levels.AMBIENCE_FADE_MS * RATE // 1000
    gain = np.full(t.n_samples, np.nan)
    ok = np.abs(bed) > 1e-3
    gain[ok] = amb[ok] / bed[ok]
    gain[:fade] = np.nan  # the bed's own fade-in
    return gain


def db(x: float) -> float:
    return 20 * np.log10(x)


def test_under_speech_the_bed_sits_far_below_and_stays_down_between_sentences() -> None:
    mixer = mixer_for()
    gain = bed_gain(mixer)
    first, second, third = mixer.timeline.captions
    under = levels.DUCKING.under_voice_db
    for seg in (first, second):
        inside = gain[seg.start_sample:seg.start_sample + seg.audio_samples]
        assert np.nanmax(np.abs([db(g) - under for g in inside[~np.isnan(inside)]])) < 0.01
    gap = gain[first.start_sample + first.audio_samples:second.start_sample]  # 1.5 s sentence gap
    assert db(np.nanmax(gap)) == pytest.approx(under, abs=0.01)  # no pumping between sentences
    before = gain[3 * RATE + RATE // 2:first.start_sample - levels.DUCK_RAMP_MS * RATE // 1000]
    assert db(np.nanmin(before)) == pytest.approx(0.0, abs=0.01)  # the script's level in a pause


def test_in_a_long_pause_the_bed_rises_gently_and_comes_down_before_the_voice() -> None:
    mixer = mixer_for()
    gain = bed_gain(mixer)
    _first, second, third = mixer.timeline.captions
    end = second.start_sample + second.audio_samples
    release = levels.DUCK_RELEASE_MS * RATE // 1000
    rise = np.array([db(g) for g in gain[end:end + release] if not np.isnan(g)])
    assert np.all(np.diff(rise) >= -1e-5)  # only up (within float32 rounding of stem / loop)
    per_100ms = np.max(rise[RATE // 10:] - rise[:-RATE // 10])
    assert per_100ms < 2.0  # never faster than 2 dB in 100 ms: heard as a swell, not a pump
    assert db(np.nanmax(gain[end + release:third.start_sample - RATE])) == pytest.approx(0.0, abs=0.01)
    attack = levels.DUCK_RAMP_MS * RATE // 1000
    assert db(np.nanmean(gain[third.start_sample:third.start_sample + 200])) == pytest.approx(levels.DUCKING.under_voice_db, abs=0.01)
    assert db(np.nanmean(gain[third.start_sample - attack - 200:third.start_sample - attack])) == \
        pytest.approx(0.0, abs=0.01)


def test_voice_clarity_lowers_the_bed_further_everywhere() -> None:
    usual, clear = bed_gain(mixer_for()), bed_gain(mixer_for(voice_clarity=True))
    first = mixer_for().timeline.captions[0]
    pause = slice(4 * RATE, 5 * RATE)
    assert db(np.nanmean(clear[pause])) == pytest.approx(levels.CLARITY_DUCKING.bed_db, abs=0.01)
    inside = first.start_sample + 2000
    assert db(clear[inside]) - db(usual[inside]) <= -6.0


def band_db(audio: np.ndarray, lo: float, hi: float) -> float:
    freqs, power = welch(audio, RATE, nperseg=2048)
    return 10 * np.log10(power[(freqs >= lo) & (freqs < hi)].sum())


def test_voice_clarity_lifts_the_presence_range_and_keeps_the_voice_level() -> None:
    rng = np.random.default_rng(1)
    noise = (rng.standard_normal(3 * RATE) * 8000).astype(np.int16)

    class NoisySpeech(FakeSources):
        def ensure(self, voice_id, rate, text):  # type: ignore[no-untyped-def]
            ref = super().ensure(voice_id, rate, text)
            self.speech[ref.key] = noise[: ref.n_samples]
            return ref

    body = "A sentence long enough to measure its spectrum well.\n"
    plain = mixer_for(body, NoisySpeech())
    clear = mixer_for(body, NoisySpeech(), voice_clarity=True)
    seg = plain.timeline.captions[0]
    a = plain.render_stems(seg.start_sample, seg.audio_samples)["voice"]
    b = clear.render_stems(seg.start_sample, seg.audio_samples)["voice"]
    lift = (band_db(b, 2500, 4500) - band_db(b, 200, 1000)) - (band_db(a, 2500, 4500) - band_db(a, 200, 1000))
    assert lift == pytest.approx(levels.CLARITY_PRESENCE_DB, abs=0.7)
    assert loudness_lufs(b, RATE) == pytest.approx(levels.VOICE_LUFS, abs=0.3)


def test_presence_filter_is_symmetric_and_flat_in_the_low_range() -> None:
    taps = presence_filter(RATE)
    assert len(taps) % 2 == 1 and np.allclose(taps, taps[::-1])
    assert abs(np.sum(taps) - 1.0) < 0.01  # 0 dB at DC


def test_clarity_clips_render_the_same_in_any_block_size(tmp_path: Path) -> None:
    clip = tmp_path / "c.wav"
    clip.write_bytes(b"x")
    script = tmp_path / "s.session.md"
    script.write_text(HEAD + "[ambience rain 12%]\n[clip c.wav from 0:01 to 0:03]\nWords here.\n",
                      encoding="utf-8")
    from mit_desktop.session.parser import parse_session

    sources = FakeSources(clip_lengths={clip.resolve(): 5 * RATE})
    timeline = TimelineBuilder(parse_session(script), ListeningSettings(voice_clarity=True),
                               sources, sources, sources).build()
    whole = Mixer(timeline, sources).render(0, timeline.n_samples)
    mixer = Mixer(timeline, sources)
    blocks = np.concatenate([mixer.render(s, 1000) for s in range(0, timeline.n_samples, 1000)])
    assert np.array_equal(whole, blocks[:timeline.n_samples])


DRONE_BODY = BODY.replace("[ambience stream 15%]", "[ambience drone 12%]")


def test_under_speech_the_drone_loses_its_pitch_and_ducks_further_than_a_noise_bed() -> None:
    mixer = mixer_for(DRONE_BODY)
    t = mixer.timeline
    amb = mixer.render_stems(0, t.n_samples)["ambience"]
    first, second, _third = t.captions
    tones, wash = ambience_loop("drone", RATE), unpitched_loop("drone", RATE)
    at = np.arange(t.n_samples) % len(tones)
    under = slice(first.start_sample, second.start_sample + second.audio_samples)  # two sentences and their gap
    down = 0.12 * 10 ** ((levels.DUCKING.under_voice_db + levels.PITCHED_EXTRA_UNDER_VOICE_DB) / 20)
    assert levels.PITCHED_EXTRA_UNDER_VOICE_DB <= -10.0  # further down than a noise bed
    assert np.allclose(amb[under], wash[at[under]] * down, atol=1e-7)  # the wash, fully down
    away = slice(4 * RATE, first.start_sample - levels.DUCK_RAMP_MS * RATE // 1000)
    assert np.allclose(amb[away], tones[at[away]] * 0.12, atol=1e-6)  # the chord itself in a pause


def test_the_drones_change_to_and_from_its_wash_does_not_pump() -> None:
    mixer = mixer_for(DRONE_BODY)
    t = mixer.timeline
    amb = mixer.render_stems(0, t.n_samples)["ambience"].astype(np.float64)
    positions = np.arange(t.n_samples, dtype=np.float64)
    weight = mixer._duck_weight(positions)
    gain = 0.12 * mixer._duck(weight, levels.PITCHED_EXTRA_UNDER_VOICE_DB).astype(np.float64)
    assert np.all(np.diff(np.log(gain[: t.captions[0].start_sample])) <= 1e-12)  # down in one smooth move
    at = np.arange(t.n_samples) % len(ambience_loop("drone", RATE))
    tones = ambience_loop("drone", RATE)[at] * gain
    wash = unpitched_loop("drone", RATE)[at] * gain
    changing = np.flatnonzero((weight > 0.05) & (weight < 0.95))
    assert len(changing) > 2 * RATE  # the ramps down to each sentence and up after the last
    width = RATE // 5  # 200 ms windows through every ramp
    for start in range(changing[0], changing[-1] - width, width // 2):
        window = slice(start, start + width)
        if not 0.05 < weight[start + width // 2] < 0.95:
            continue
        power, a, b = (float(np.mean(x[window] ** 2)) for x in (amb, tones, wash))
        # as loud as the chord or its wash would be at that point of the duck: no dip, no bump
        assert 10 * np.log10(min(a, b)) - 1.0 <= 10 * np.log10(power) <= 10 * np.log10(max(a, b)) + 1.0
