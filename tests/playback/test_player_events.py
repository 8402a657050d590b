"""Events: checkpoints when a history store needs them, position ticks, sections, captions."""

from __future__ import annotations

import itertools

import numpy as np

from mit_desktop.playback import events as ev


def test_checkpoints_come_every_few_seconds_and_at_pause_reflection_and_stop(make_rig) -> None:
    rig = make_rig(mode="interactive")
    player, clock = rig.player, rig.clock
    worst_lag_ms = 0

    def heard_minus_checkpoint() -> int:
        checkpoints = rig.events("checkpoint")
        return (
            player.position_ms - checkpoints[-1].position_ms if checkpoints else player.position_ms
        )

    player.play()
    start = clock.now()
    while player.state != ev.REFLECTION:
        rig.pump_until(lambda: True, step_ms=10)
        clock.advance_ms(10)
        worst_lag_ms = max(worst_lag_ms, heard_minus_checkpoint())
        assert clock.now() - start < 120
    # A practice killed at any moment resumes within 5 s of where it stopped.
    assert worst_lag_ms <= 5000
    times = [t for t, _c in rig.seen["checkpoint"]]
    assert all(b - a <= 5.0 for a, b in itertools.pairwise(times))
    last = rig.events("checkpoint")[-1]
    reflection = rig.timeline().reflections[0]
    assert (last.reason, last.position_sample) == ("reflection", reflection.start_sample)
    assert (last.session_id, last.mode) == ("player-test", "interactive")
    assert last.session_sha256 == rig.session.content_sha256
    player.continue_()
    rig.pump_until(lambda: player.position_ms >= last.position_ms + 1234)
    player.pause()
    rig.wait_state(ev.PAUSED)
    paused = rig.events("checkpoint")[-1]
    assert (paused.reason, paused.position_sample) == ("pause", player.position_sample)
    player.resume()
    rig.pump_until(lambda: player.position_ms >= paused.position_ms + 500)
    player.stop()
    rig.wait_state(ev.STOPPED)
    stopped = rig.events("checkpoint")[-1]
    assert (stopped.reason, stopped.position_sample) == ("stop", player.position_sample)
    assert stopped.position_ms == stopped.position_sample * 1000 // player.rate


def test_a_checkpoint_resumes_the_practice_where_it_stood(make_rig) -> None:
    rig = make_rig()
    rig.player.play()
    rig.pump_until(lambda: rig.player.position_ms >= 7000)
    rig.player.stop()
    rig.wait_state(ev.STOPPED)
    checkpoint = rig.events("checkpoint")[-1]
    again = make_rig(open_player=False)
    again.player.open(again.session, again.settings, start_ms=checkpoint.position_ms)
    again.player.play()
    again.wait_state(ev.FINISHED)
    start = checkpoint.position_ms * again.player.rate // 1000
    assert np.array_equal(again.recorded(), again.expected()[start:])


def test_position_ticks_at_least_ten_times_a_second_and_is_exact_when_paused(make_rig) -> None:
    rig = make_rig()
    rig.player.play()
    rig.pump_until(lambda: rig.player.position_ms >= 6000, step_ms=10)
    ticks = [(t, p) for t, p in rig.seen["position"] if p.state == ev.PLAYING]
    times = [t for t, _p in ticks]
    assert len(ticks) >= 60
    assert max(b - a for a, b in itertools.pairwise(times)) <= 0.1
    positions = [p.position_sample for _t, p in ticks]
    assert positions == sorted(positions)
    # Within 30 ms of the device clock (the null backend's device is the clock itself).
    for t, p in ticks[5:]:
        device = round((t - ticks[0][0]) * rig.player.rate) + ticks[0][1].position_sample
        assert abs(p.position_sample - device) <= 0.03 * rig.player.rate
    assert ticks[-1][1].duration_ms == rig.timeline().duration_ms


def test_sections_captions_and_hands_free_reflection_arrive_in_order(make_rig) -> None:
    rig = make_rig()
    rig.player.play()
    rig.wait_state(ev.FINISHED)
    timeline = rig.timeline()
    assert [s.title for s in rig.events("section")] == ["Arriving", "Noticing", "Closing"]
    assert [c.text for c in rig.events("caption")] == [
        "Breathe in gently.",
        "Let the breath go.",
        "Notice your feet on the floor.",
        "Thank you for practising.",
    ]
    for (_t, caption), segment in zip(rig.seen["caption"], timeline.captions):
        assert caption.start_ms == timeline.ms(segment.start_sample)
    (reflection,) = rig.events("reflection")
    assert not reflection.waiting and reflection.prompt == "What do you notice?"
    assert rig.events("finished")[0].position_ms == timeline.duration_ms
    assert rig.events("checkpoint")[-1].reason == "finished"
    assert rig.states()[-1] == ev.FINISHED


def test_the_feeder_never_sleeps_through_a_caption_or_section_start(make_rig) -> None:
    """The feeder wakes for the next caption or section, not only at its tick (a tenth of a
    second, one block): each time it waits while playing, it asks to wake no later than
    MOMENT_LATE_S after the listener hears the next start, so each is announced as it is
    heard (with the tick alone, up to a tick late)."""
    import threading

    from mit_desktop.playback.blocks import MOMENT_LATE_S

    rig = make_rig()
    timeline = rig.timeline()
    player, clock = rig.player, rig.clock
    starts = sorted({c.start_sample for c in timeline.captions}
                    | {s.start_sample for s in timeline.sections})
    late: list[tuple[int, float, float]] = []  # (heard, asked to sleep, until the next start)
    waits = 0
    real_wait = clock.wait

    def noting(cond: threading.Condition, timeout_s: float) -> None:
        nonlocal waits
        if threading.current_thread() is player._thread and player.state == ev.PLAYING:
            waits += 1
            heard = player.position_sample
            ahead = [s for s in starts if s > heard]
            if ahead:
                until_s = (ahead[0] - heard) / player.rate + MOMENT_LATE_S
                if timeout_s > until_s + 1e-6:
                    late.append((heard, timeout_s, until_s))
        real_wait(cond, timeout_s)

    clock.wait = noting  # type: ignore[method-assign]
    player.play()
    rig.pump_until(lambda: player.state == ev.FINISHED)
    assert waits > 100 and late == []
    assert len(rig.events("caption")) == len(timeline.captions)
