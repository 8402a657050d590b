"""Pause, resume and seek neither lose nor repeat a sample; interactive stops are exact."""

from __future__ import annotations

import random

import numpy as np

from mit_desktop.playback import events as ev
from mit_desktop.playback.output.null import NullBackend

RATE_HZ = 22_050


def test_plays_the_whole_session_exactly_as_render_makes_it(make_rig) -> None:
    rig = make_rig()
    rig.player.play()
    rig.wait_state(ev.FINISHED)
    assert np.array_equal(rig.recorded(), rig.expected())
    assert rig.player.position_sample == rig.timeline().n_samples


def test_pause_and_resume_at_arbitrary_points_lose_and_repeat_nothing(make_rig) -> None:
    rig = make_rig()
    player = rig.player
    total_ms = rig.timeline().duration_ms
    points = sorted(random.Random(7).sample(range(300, total_ms - 300), 5))
    player.play()
    for point_ms in points:
        rig.pump_until(lambda point_ms=point_ms: player.position_ms >= point_ms, step_ms=7)
        player.pause()
        rig.wait_state(ev.PAUSED)
        position = player.position_sample
        # Exact: everything handed over has been heard, nothing after the position was sent.
        assert len(rig.recorded()) == position
        assert rig.events("checkpoint")[-1].reason == "pause"
        assert rig.events("checkpoint")[-1].position_sample == position
        rig.clock.advance_ms(5000)  # time passes while paused; nothing is sent
        assert len(rig.recorded()) == position
        player.resume()
    rig.wait_state(ev.FINISHED)
    assert np.array_equal(rig.recorded(), rig.expected())


def test_seek_while_playing_and_while_paused_plays_exactly_the_chosen_ranges(make_rig) -> None:
    rig = make_rig()
    player, rate = rig.player, rig.player.rate
    expected = rig.expected()
    player.play()
    rig.pump_until(lambda: player.position_ms >= 1500, step_ms=3)
    first_end = player.position_sample  # the clock stands still until we advance it
    player.seek_ms(9000)
    rig.pump_until(lambda: player.position_ms >= 10_333, step_ms=3)
    player.pause()
    rig.wait_state(ev.PAUSED)
    second_end = player.position_sample
    player.seek_ms(300)
    rig.pump_until(lambda: player.position_sample == 300 * rate // 1000)
    player.resume()
    rig.wait_state(ev.FINISHED)
    want = np.concatenate(
        [
            expected[:first_end],
            expected[9000 * rate // 1000 : second_end],
            expected[300 * rate // 1000 :],
        ]
    )
    assert np.array_equal(rig.recorded(), want)


def test_seek_to_a_section_starts_exactly_at_its_first_sample(make_rig) -> None:
    rig = make_rig()
    player = rig.player
    timeline = rig.timeline()
    player.seek_section(2)
    rig.pump_until(lambda: player.position_sample == timeline.sections[2].start_sample)
    player.play()
    rig.wait_state(ev.FINISHED)
    assert np.array_equal(rig.recorded(), rig.expected()[timeline.sections[2].start_sample :])
    assert [s.title for s in rig.events("section")][-1] == "Closing"


class _CountingBackend(NullBackend):
    """Remembers the furthest sample ever handed over (discarded or not)."""

    def __init__(self, clock) -> None:
        super().__init__(clock, record=True)
        self.handed_over = 0

    def write(self, samples: np.ndarray) -> None:
        self.handed_over += len(samples)
        super().write(samples)


def test_interactive_mode_stops_exactly_at_the_reflection_and_continues_from_it(make_rig) -> None:
    rig = make_rig(mode="interactive", backend=_CountingBackend)
    player, backend = rig.player, rig.backend
    reflection = rig.timeline().reflections[0]
    player.play()
    rig.wait_state(ev.REFLECTION)
    assert backend.handed_over == reflection.start_sample  # not one sample past it was sent
    assert player.position_sample == reflection.start_sample
    expected = rig.expected()
    assert np.array_equal(rig.recorded(), expected[: reflection.start_sample])
    event = rig.events("reflection")[-1]
    assert event.waiting and event.start_sample == reflection.start_sample
    assert event.prompt == "What do you notice?"
    assert rig.events("checkpoint")[-1].reason == "reflection"
    rig.clock.advance_ms(60_000)  # the listener takes their time
    assert backend.handed_over == reflection.start_sample
    player.continue_()
    rig.wait_state(ev.FINISHED)
    assert np.array_equal(rig.recorded(), expected)


def test_pause_fades_out_and_resume_fades_in_around_the_exact_position(make_rig) -> None:
    rig = make_rig(declick_ms=20)
    player = rig.player
    expected = rig.expected()
    fade = player.declick
    player.play()
    rig.pump_until(lambda: player.position_ms >= 4300)  # inside the first sentence
    player.pause()
    rig.wait_state(ev.PAUSED)
    position = player.position_sample
    before = rig.recorded().astype(np.int32)
    assert len(before) == position
    tail, want = before[-fade:], expected[position - fade : position].astype(np.int32)
    assert abs(int(tail[-1])) <= 2 < int(np.max(np.abs(want)))  # faded to silence, not cut
    assert np.all(np.abs(tail) <= np.abs(want) + 1)
    assert np.array_equal(before[:-fade], expected[: position - fade])
    player.resume()
    rig.wait_state(ev.FINISHED)
    after = rig.recorded()[position:].astype(np.int32)
    rest = expected[position:].astype(np.int32)
    assert len(after) == len(rest)  # nothing lost, nothing repeated
    assert abs(int(after[0])) <= abs(int(rest[0])) // 10 + 2
    assert np.array_equal(after[fade + 1 :], rest[fade + 1 :])


def test_opening_another_session_silences_the_last_one_at_once(make_rig) -> None:
    rig = make_rig(mode="interactive")
    player = rig.player
    player.play()
    rig.pump_until(lambda: player.position_ms >= 3000)
    heard = player.position_sample
    hands_free = make_rig(open_player=False).settings  # the mode can change between sessions
    player.open(rig.session, hands_free)
    assert player.wait_rendered(30)
    player.play()
    rig.wait_state(ev.FINISHED)
    assert player.mode == "hands-free"
    full = rig.engine.timeline(rig.session, hands_free)
    expected = rig.expected(full)
    assert np.array_equal(rig.recorded(), np.concatenate([expected[:heard], expected]))


def test_seeking_over_an_unanswered_reflection_stops_at_it(make_rig) -> None:
    """Interactive mode: Forward, End or a click past a reflection not yet answered lands
    on the reflection and offers it (it once jumped over it silently); once continued
    from, it can be jumped over."""
    rig = make_rig(mode="interactive")
    player = rig.player
    timeline = rig.timeline()
    reflection = timeline.reflections[0]
    later = timeline.sections[2].start_sample + RATE_HZ  # a second into the last section
    assert reflection.start_sample < later
    player.seek_sample(later)  # while still stopped
    rig.settle()
    assert player.position_sample == reflection.start_sample
    player.play()
    rig.wait_state(ev.REFLECTION)
    assert player.position_sample == reflection.start_sample
    assert rig.events("reflection")[-1].waiting
    player.continue_()
    rig.wait_state(ev.PLAYING)
    player.seek_sample(0)
    rig.settle()
    player.seek_sample(later)  # answered now: the seek goes where it was asked
    rig.settle()
    assert player.position_sample >= later


def test_hands_free_seeking_goes_where_it_was_asked(make_rig) -> None:
    rig = make_rig()
    later = rig.timeline().sections[2].start_sample + RATE_HZ
    rig.player.seek_sample(later)
    rig.settle()
    assert rig.player.position_sample == later


def test_opened_again_at_an_answered_reflection_it_is_not_asked_again(make_rig) -> None:
    """Another mode or speed opens the session again at a section; a reflection answered
    before, where that section starts, is not asked a second time."""
    rig = make_rig(mode="interactive")
    player = rig.player
    reflection = rig.timeline().reflections[0]
    player.play()
    rig.wait_state(ev.REFLECTION)
    player.continue_()
    rig.wait_state(ev.PLAYING)
    assert player.answered_reflections == {0}
    player.open(rig.session, rig.settings, 0, answered=player.answered_reflections)
    assert player.wait_rendered(30.0)
    seen = len(rig.states())
    player.seek_sample(reflection.start_sample)
    player.play()
    rig.wait_state(ev.FINISHED)
    assert ev.REFLECTION not in rig.states()[seen:]
