from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FakeSources

from mit_desktop.session.parser import parse_text
from mit_desktop.session.timeline import ListeningSettings, TimelineBuilder, TimelineError

RATE = 22_050
HEAD = '+++\nid = "t"\ntitle = "T"\n[variables]\nloved_one = "the person you care for"\n+++\n'


def build(body: str, sources: FakeSources | None = None, **settings):
    sources = sources or FakeSources()
    session = parse_text(HEAD + body, Path("/tmp/t.session.md"))
    return TimelineBuilder(session, ListeningSettings(**settings), sources, sources, sources).build(), sources


def test_segments_are_contiguous_exactly_their_own_length_and_sum_to_the_duration() -> None:
    timeline, sources = build("# A\nOne. Two two.\n\n[pause 1.5s]\n[bell 2]\nThree.\n[reflect 10s: Notice?]\n")
    position = 0
    for seg in timeline.segments:
        assert seg.start_sample == position
        position = seg.end_sample
    assert timeline.n_samples == position
    assert timeline.duration_ms == position * 1000 // RATE
    speech = [seg for seg in timeline.segments if seg.kind == "speech"]
    assert [seg.n_samples for seg in speech] == [1000 + 97 * len(t) for _, _, t in sources.calls]
    bell = next(seg for seg in timeline.segments if seg.kind == "bell")
    assert bell.n_samples == 2 * 10_000 + 1234  # no padding to any grid


def test_durations_in_milliseconds_are_the_nearest_sample() -> None:
    timeline, _ = build("[pause 1ms]\n[pause 7ms]\n[pause 1.013s]\n")
    assert [seg.n_samples for seg in timeline.segments] == [22, 154, 22_337]  # 22.05, 154.35, 22,336.65


def test_sentence_and_paragraph_gaps_follow_settings_and_pacing() -> None:
    body = "One. Two two.\n\nThree.\n"
    timeline, sources = build(body, sentence_gap_ms=1000, paragraph_gap_ms=3000, pacing=1.5)
    kinds = [(s.kind, s.n_samples) for s in timeline.segments]
    lengths = [1000 + 97 * len(t) for _, _, t in sources.calls]
    assert kinds == [
        ("speech", lengths[0]), ("silence", 1500 * RATE // 1000),
        ("speech", lengths[1]), ("silence", 4500 * RATE // 1000),
        ("speech", lengths[2]), ("silence", 4500 * RATE // 1000),
    ]
    assert [s.text for s in timeline.captions] == ["One.", "Two two.", "Three."]


def test_pause_is_scaled_by_pacing_but_reflection_is_not() -> None:
    timeline, _ = build("[pause 2s]\n[reflect 10s: Notice?]\n", pacing=2.0)
    assert [(s.kind, s.n_samples) for s in timeline.segments] == [
        ("silence", 4 * RATE), ("reflection", 10 * RATE)]


def test_hands_free_reflection_has_its_duration_and_interactive_has_none() -> None:
    body = "Before.\n[reflect 40s body-map note: Where is {loved_one}?]\nAfter.\n"
    hands_free, _ = build(body, mode="hands-free")
    interactive, _ = build(body, mode="interactive")
    hf = [s for s in hands_free.segments if s.kind == "reflection"][0]
    ia = [s for s in interactive.segments if s.kind == "reflection"][0]
    assert hf.n_samples == 40 * RATE and ia.n_samples == 0
    assert hf.start_sample == ia.start_sample
    assert hands_free.n_samples - interactive.n_samples == 40 * RATE
    point = interactive.reflections[0]
    assert point.prompt == "Where is the person you care for?"
    assert point.inputs == ("body-map", "note") and point.start_sample == ia.start_sample


def test_profile_variables_override_defaults_and_unknown_ones_are_ignored() -> None:
    timeline, sources = build("Think of {loved_one}.\n",
                              variables={"loved_one": "Margaret", "other": "x"})
    assert timeline.captions[0].text == "Think of Margaret."


def test_voice_and_rate_reach_the_speech_engine() -> None:
    _, sources = build("A.\n[voice other]\n[rate 0.5]\nB.\n", voice="mine", rate=0.8)
    assert sources.calls[0][:2] == ("mine", pytest.approx(0.8))
    assert sources.calls[1][:2] == ("other", pytest.approx(0.4))


def test_sections_start_where_their_heading_stands() -> None:
    timeline, _ = build("# One\nA.\n# Two\nB.\n")
    second_speech = timeline.captions[1]
    assert [s.title for s in timeline.sections] == ["One", "Two"]
    assert timeline.sections[0].start_sample == 0
    assert timeline.sections[1].start_sample == second_speech.start_sample


def test_the_section_playing_at_a_position_is_known_from_the_timeline() -> None:
    """An "I need to stop" record names the section from the position itself (the player's
    section event may not have reached the window yet)."""
    timeline, _ = build("# One\nA.\n# Two\nB.\n")
    second_ms = timeline.ms(timeline.sections[1].start_sample)
    assert timeline.section_title_at(0) == "One"
    assert timeline.section_title_at(second_ms - 1) == "One"
    assert timeline.section_title_at(second_ms) == "Two"
    assert timeline.section_title_at(timeline.duration_ms + 5_000) == "Two"


def test_bells_and_ambience(tmp_path: Path) -> None:
    timeline, _ = build("[ambience rain 20%]\n[bell chime 2]\n[ambience off]\n")
    bell = timeline.segments[0]
    assert (bell.kind, bell.sound, bell.strikes, bell.n_samples) == ("bell", "chime", 2, 21_234)
    assert [(a.start_sample, a.name, a.level_percent) for a in timeline.ambience] == [
        (0, "rain", 20), (bell.end_sample, None, 0)]


def test_clip_trim_becomes_samples(tmp_path: Path) -> None:
    clip = tmp_path / "c.wav"
    clip.write_bytes(b"x")
    script = tmp_path / "s.session.md"
    script.write_text(HEAD + "[clip c.wav from 0:01 to 0:02.5]\n[clip c.wav]\n", encoding="utf-8")
    from mit_desktop.session.parser import parse_session

    sources = FakeSources(clip_lengths={clip.resolve(): 5 * RATE})
    timeline = TimelineBuilder(parse_session(script), ListeningSettings(), sources, sources, sources).build()
    first, second = timeline.segments
    assert (first.clip_offset_sample, first.audio_samples, first.n_samples) == (RATE, 33_075, 33_075)
    assert (second.clip_offset_sample, second.audio_samples) == (0, 5 * RATE)
    assert second.start_sample == first.end_sample == 33_075


def test_clip_times_with_six_decimals_are_the_nearest_sample(tmp_path: Path) -> None:
    """A clip occupies exactly its own samples: [round(from × rate), round(to × rate))."""
    clip = tmp_path / "c.wav"
    clip.write_bytes(b"x")
    script = tmp_path / "s.session.md"
    script.write_text(HEAD + "[clip c.wav to 0:00.013607]\n[clip c.wav from 0:00.013607 to 1.000001s]\n"
                      "[clip c.wav from 0:01.000001]\n", encoding="utf-8")
    from mit_desktop.session.parser import parse_session

    sources = FakeSources(clip_lengths={clip.resolve(): 5 * RATE})
    timeline = TimelineBuilder(parse_session(script), ListeningSettings(), sources, sources, sources).build()
    a, b, c = timeline.segments
    # 0.013607 s × 22,050 = 300.03 -> 300; 1.000001 s × 22,050 = 22,050.02 -> 22,050
    assert (a.start_sample, a.clip_offset_sample, a.n_samples) == (0, 0, 300)
    assert (b.start_sample, b.clip_offset_sample, b.n_samples) == (300, 300, 22_050 - 300)
    assert (c.start_sample, c.clip_offset_sample, c.n_samples) == (22_050, 22_050, 4 * RATE)
    assert timeline.n_samples == 5 * RATE  # the pieces add up to the recording, sample for sample


def test_clip_times_past_the_end_are_an_error_naming_the_line(tmp_path: Path) -> None:
    clip = tmp_path / "c.wav"
    clip.write_bytes(b"x")
    script = tmp_path / "s.session.md"
    script.write_text(HEAD + "\n[clip c.wav from 0:10]\n", encoding="utf-8")
    from mit_desktop.session.parser import parse_session

    sources = FakeSources(clip_lengths={clip.resolve(): 5 * RATE})
    with pytest.raises(TimelineError) as info:
        TimelineBuilder(parse_session(script), ListeningSettings(), sources, sources, sources).build()
    assert str(info.value).startswith(f"{script}:8: the clip c.wav is only 5.0 s long")


def test_incremental_steps_match_the_whole_build() -> None:
    sources = FakeSources()
    session = parse_text(HEAD + "A. B.\n\n[pause 1s]\nC.\n", Path("/tmp/t.session.md"))
    builder = TimelineBuilder(session, ListeningSettings(), sources, sources, sources)
    steps = builder.steps()
    first = next(steps)
    assert first.kind == "speech" and len(sources.calls) == 1  # speech is made only as needed
    partial = builder.snapshot()
    assert partial.n_samples == first.n_samples
    list(steps)
    whole = TimelineBuilder(session, ListeningSettings(), FakeSources(), FakeSources(), FakeSources()).build()
    assert builder.snapshot().segments == whole.segments


def test_timeline_json_gives_exact_samples_and_whole_milliseconds() -> None:
    timeline, _ = build("# S\nHello there.\n[reflect 5s note: How?]\n[bell]\n")
    doc = timeline.to_json()
    assert doc["sample_rate"] == RATE
    end = timeline.segments[0].n_samples
    assert doc["segments"][0] == {"kind": "speech", "start_sample": 0, "end_sample": end, "start_ms": 0,
                                  "end_ms": end * 1000 // RATE, "text": "Hello there."}
    reflection = doc["segments"][2]
    assert doc["reflections"] == [{"start_sample": reflection["start_sample"],
                                   "start_ms": reflection["start_ms"], "duration_ms": 5000,
                                   "prompt": "How?", "inputs": ["note"]}]
    assert doc["sections"] == [{"title": "S", "start_sample": 0, "start_ms": 0}]
    assert doc["duration_ms"] == doc["segments"][-1]["end_ms"]
    assert doc["n_samples"] == doc["segments"][-1]["end_sample"] == timeline.n_samples


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        ListeningSettings(mode="loud")
    with pytest.raises(ValueError, match="pacing"):
        ListeningSettings(pacing=10)


def test_listener_can_choose_or_silence_the_background() -> None:
    body = "[ambience stream 20%]\nA.\n[ambience rain 10%]\nB.\n[ambience off]\n"
    as_written, _ = build(body)
    assert [(a.name, a.level_percent) for a in as_written.ambience] == [("stream", 20), ("rain", 10), (None, 0)]
    ocean, _ = build(body, ambience="ocean")
    assert [(a.name, a.level_percent) for a in ocean.ambience] == [("ocean", 20), ("ocean", 10), (None, 0)]
    silent, _ = build(body, ambience="off")
    assert [a.name for a in silent.ambience] == [None, None, None]
    with pytest.raises(ValueError, match="ambience"):
        ListeningSettings(ambience="waves")
