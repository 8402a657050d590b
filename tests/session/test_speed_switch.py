"""The same place in a practice at another speaking speed (the speed changed in the player
goes on from there)."""

from __future__ import annotations

from pathlib import Path

from fakes import FakeRef, FakeSources

from mit_desktop.session.parser import parse_text
from mit_desktop.session.speed_switch import in_a_pause, same_place, segment_at
from mit_desktop.session.timeline import ListeningSettings, Timeline, TimelineBuilder

HEAD = '+++\nid = "t"\ntitle = "T"\n+++\n'
BODY = """# One

First sentence here. Second one.
[pause 4s]
[bell 1]
Third sentence after the bell.
[reflect 3s note: What do you notice?]
Last words.
"""


class SpeedSources(FakeSources):
    """Speech that is longer at a slower speed, as Piper's is."""

    def ensure(self, voice_id: str | None, rate: float, text: str) -> FakeRef:
        ref = super().ensure(voice_id, rate, text)
        return FakeRef(ref.key, round(ref.n_samples / rate))


def build(rate: float, body: str = BODY) -> Timeline:
    sources = SpeedSources()
    session = parse_text(HEAD + body, Path("/tmp/t.session.md"))
    return TimelineBuilder(session, ListeningSettings(rate=rate), sources, sources,
                           sources).build()


def test_a_gap_or_pause_goes_on_as_far_into_it_and_a_sentence_from_its_start() -> None:
    slow, quick = build(0.5), build(1.0)
    kinds = [s.kind for s in slow.segments]
    assert kinds == [s.kind for s in quick.segments]
    assert slow.n_samples > quick.n_samples
    pause = kinds.index("silence", kinds.index("speech", kinds.index("speech") + 1))
    a, b = slow.segments[pause], quick.segments[pause]
    assert a.n_samples == b.n_samples  # the 4 s pause (and its gap) keep their length
    assert same_place(slow, a.start_sample + 1000, quick) == b.start_sample + 1000
    assert in_a_pause(slow, a.start_sample + 1000)
    third = [i for i, s in enumerate(slow.segments) if s.kind == "speech"][2]
    middle = slow.segments[third].start_sample + slow.segments[third].n_samples // 2
    assert not in_a_pause(slow, middle)
    assert same_place(slow, middle, quick) == quick.segments[third].start_sample
    bell = kinds.index("bell")
    assert same_place(slow, slow.segments[bell].start_sample + 5, quick) == \
        quick.segments[bell].start_sample
    assert same_place(quick, 0, slow) == 0
    assert same_place(slow, slow.n_samples, quick) == quick.n_samples  # at the end: the end


def test_where_the_segments_differ_the_same_sentence_is_found_by_its_number() -> None:
    slow = build(0.5)
    other = build(1.0, BODY.replace("[pause 4s]\n", ""))
    speech_slow = [s for s in slow.segments if s.kind == "speech"]
    speech_other = [s for s in other.segments if s.kind == "speech"]
    in_third = speech_slow[2].start_sample + 10
    assert same_place(slow, in_third, other) == speech_other[2].start_sample


def test_the_segment_at_a_sample() -> None:
    timeline = build(1.0)
    assert segment_at(timeline, 0) == 0
    assert segment_at(timeline, timeline.segments[1].start_sample) == 1
    assert segment_at(timeline, timeline.segments[1].start_sample - 1) == 0
    assert segment_at(timeline, timeline.n_samples) is None
    assert segment_at(timeline, -1) is None
