"""Recorded audio is placed sample for sample: no grid, no padding, no fade at a join.

A therapist's recording cut at Audacity labels must play back as the recording itself,
with every reflection at its label's sample (issue 15).
"""

from __future__ import annotations

from fractions import Fraction
from math import floor
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mit_desktop.cli import main
from mit_desktop.render import levels
from mit_desktop.render.engine import Engine
from mit_desktop.session.labels import parse_labels
from mit_desktop.session.parser import parse_session
from mit_desktop.session.timeline import HANDS_FREE, INTERACTIVE, ListeningSettings

RATE = 22_050
SECONDS = 29


def label_sample(seconds_text: str, rate: int = RATE) -> int:
    """round(t × rate) computed independently of the code under test (halves up)."""
    return floor(Fraction(seconds_text) * rate + Fraction(1, 2))


def write_recording(path: Path, rate: int) -> np.ndarray:
    """29 s of speech-like noise (a band-limited random signal with syllable-rate swells)."""
    rng = np.random.default_rng(15)
    n = SECONDS * rate
    noise = rng.standard_normal(n)
    smooth = np.convolve(noise, np.hanning(9) / np.hanning(9).sum(), mode="same")
    swell = 0.55 + 0.45 * np.sin(2 * np.pi * 3.1 * np.arange(n) / rate)
    audio = np.round(np.clip(smooth * swell * 0.25, -1, 1) * 20_000).astype(np.int16)
    sf.write(path, audio, rate, subtype="PCM_16")
    return audio


def write_label_file(path: Path) -> list[str]:
    """An Audacity export of 61 labels at irregular times with six decimals: regions of
    random lengths, several overlapping the next by a few ms, one zero-length point label
    and a frequency-range line. Returns the start times as written."""
    rng = np.random.default_rng(61)
    starts = np.sort(rng.uniform(0.2, SECONDS - 0.3, 61))
    lines, written = [], []
    for i, start in enumerate(starts):
        start_text = f"{start:.6f}"
        if i == 30:
            end_text = start_text  # a point label
        elif i % 7 == 3 and i + 1 < len(starts):
            end_text = f"{starts[i + 1] + 0.003 + 0.001 * (i % 4):.6f}"  # overlaps the next region
        else:
            end_text = f"{start + rng.uniform(0.05, 0.3):.6f}"
        lines.append(f"{start_text}\t{end_text}\tWhat do you notice now, {i}?")
        if i == 10:
            lines.append("\\\t120.000000\t4000.000000")  # Audacity's spectral selection line
        written.append(start_text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


@pytest.fixture
def imported(tmp_path: Path, capsys):
    def make(rate: int):
        audio = tmp_path / f"talk-{rate}.wav"
        source = write_recording(audio, rate)
        labels = tmp_path / "labels.txt"
        starts = write_label_file(labels)
        out = tmp_path / f"talk-{rate}.session.md"
        assert main(["import-recording", str(audio), "--labels", str(labels), "-o", str(out)]) == 0
        capsys.readouterr()
        return source, starts, parse_session(out)
    return make


def test_label_file_is_read_exactly(tmp_path: Path) -> None:
    labels = tmp_path / "labels.txt"
    starts = write_label_file(labels)
    parsed = parse_labels(labels)
    assert len(parsed) == 61
    assert [label.start_us for label in parsed] == [round(Fraction(t) * 10**6) for t in starts]
    point = parsed[30]
    assert point.start_us == point.end_us
    assert sum(a.end_us > b.start_us for a, b in zip(parsed, parsed[1:])) >= 5  # overlaps


def test_labelled_recording_plays_back_as_the_recording_with_reflections_at_their_samples(
        imported) -> None:
    source, starts, session = imported(RATE)
    engine = Engine()
    timeline = engine.timeline(session, ListeningSettings(mode=INTERACTIVE, ambience="off"))
    clips = [seg for seg in timeline.segments if seg.kind == "clip"]
    assert len(clips) == 62 and len(timeline.reflections) == 61
    assert timeline.n_samples == len(source)  # the pieces add up to the recording exactly
    assert [r.start_sample for r in timeline.reflections] == [label_sample(t) for t in starts]

    mixer = engine.mixer(timeline)
    block = 4_321  # not related to any segment or label
    rendered = np.concatenate([mixer.render(s, min(block, timeline.n_samples - s))
                               for s in range(0, timeline.n_samples, block)])
    decoded, lufs, peak = engine.clip_samples_array(session.clips[0].path)
    assert np.array_equal(np.asarray(decoded), source.astype(np.float32) / 32768.0)
    gain = np.float32(levels.voice_gain(lufs, peak))
    fade = round(levels.CLIP_FADE_MS * RATE / 1000)
    expected = np.asarray(decoded) * gain
    # sample for sample, across all 61 joins; only the very start and end are faded
    assert np.array_equal(rendered[fade:-fade], expected[fade:-fade])
    assert np.max(np.abs(rendered[:fade])) > 0 and np.max(np.abs(rendered[-fade:])) > 0


def test_hands_free_reflections_begin_where_their_label_cuts_the_recording(imported) -> None:
    _source, starts, session = imported(RATE)
    timeline = Engine().timeline(session, ListeningSettings(mode=HANDS_FREE, ambience="off"))
    segments = list(timeline.segments)
    for point, start in zip(timeline.reflections, starts):
        index = next(i for i, seg in enumerate(segments)
                     if seg.kind == "reflection" and seg.reflection_index == point.index)
        before = segments[index - 1]
        assert before.kind == "clip"
        assert before.end_sample == point.start_sample
        assert before.clip_offset_sample + before.audio_samples == label_sample(start)


def test_a_resampled_recording_still_joins_sample_for_sample(imported) -> None:
    """At 44.1 kHz the labels still fall at round(t × 22,050) of the resampled recording and
    the joined pieces equal the whole recording resampled once."""
    _source, starts, session = imported(44_100)
    engine = Engine()
    timeline = engine.timeline(session, ListeningSettings(mode=INTERACTIVE, ambience="off"))
    assert [r.start_sample for r in timeline.reflections] == [label_sample(t) for t in starts]
    decoded, lufs, peak = engine.clip_samples_array(session.clips[0].path)
    assert timeline.n_samples == len(decoded)
    rendered = engine.mixer(timeline).render(0, timeline.n_samples)
    gain = np.float32(levels.voice_gain(lufs, peak))
    fade = round(levels.CLIP_FADE_MS * RATE / 1000)
    assert np.array_equal(rendered[fade:-fade], (np.asarray(decoded) * gain)[fade:-fade])


@pytest.mark.parametrize("clarity, cut", [(False, "1.234"), (False, "1.234567"), (True, "1.234567")])
def test_two_clips_of_one_sine_join_without_a_step(tmp_path: Path, clarity: bool, cut: str) -> None:
    rate = RATE
    t = np.arange(3 * rate) / rate
    sine = np.round(np.sin(2 * np.pi * 440 * t) * 12_000).astype(np.int16)
    sf.write(tmp_path / "sine.wav", sine, rate, subtype="PCM_16")
    script = tmp_path / "sine.session.md"
    script.write_text('+++\nid = "sine"\ntitle = "Sine"\n+++\n'
                      f"[clip sine.wav to 0:0{cut}]\n[clip sine.wav from 0:0{cut}]\n",
                      encoding="utf-8")
    engine = Engine()
    timeline = engine.timeline(parse_session(script), ListeningSettings(voice_clarity=clarity,
                                                                        ambience="off"))
    first, second = timeline.segments
    join = first.end_sample
    assert join == second.start_sample == label_sample(cut)
    audio = engine.mixer(timeline).render(0, timeline.n_samples)
    fade = round(levels.CLIP_FADE_MS * RATE / 1000) + 60
    inside = np.abs(np.diff(audio[fade:join - 2_000])).max()  # steps of the sine itself
    at_join = np.abs(np.diff(audio[join - 1_000:join + 1_000])).max()
    assert at_join <= inside * 1.001
    full = np.abs(audio[fade:join - 2_000]).max()
    cycle = RATE // 440 + 2  # every window a little longer than one cycle keeps the full peak
    peaks = [np.abs(audio[a:a + cycle]).max() for a in range(join - 1_000, join + 1_000, 10)]
    assert min(peaks) >= 0.99 * full  # no dip (fade) at the join
