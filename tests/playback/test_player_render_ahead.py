"""Rendering ahead: a never-rendered session starts before its speech exists, and what is
played while the rest is still being made is exactly what the finished render contains."""

from __future__ import annotations

import threading

import numpy as np

from mit_desktop.playback import events as ev


def test_playback_starts_before_the_speech_exists_and_matches_the_finished_render(
    make_rig, new_engine
) -> None:
    engine = new_engine()
    tone = engine.speech.synthesize
    gate = threading.Semaphore(0)
    made: list[str] = []

    def slow_voice(voice_id, rate, text):
        # one release per phrase text: a sentence spoken again at the slower voice (pacing)
        # is part of making the same sentence
        if text not in made:
            assert gate.acquire(timeout=30), "the test never let this sentence be made"
            made.append(text)
        return tone(voice_id, rate, text)

    engine.speech.synthesize = slow_voice
    rig = make_rig(engine=engine, open_player=False)
    player = rig.player
    player.open(rig.session, rig.settings)
    player.play()
    rig.pump_until(lambda: len(rig.recorded()) > 0)  # the opening bell needs no speech
    assert made == [] and player.duration_ms is None
    gate.release()  # the first sentence

    def held_after_first_sentence() -> bool:
        built = player.timeline
        if built is None or not built.captions or player.state != ev.BUFFERING:
            return False
        first = built.captions[0]
        return player.position_sample == len(rig.recorded()) > first.start_sample

    rig.pump_until(held_after_first_sentence)
    assert made == ["Breathe in gently."]
    # It holds where later speech could still change the sound (the ambience ducks under
    # speech): here, the end of the first sentence, until the second one exists.
    timeline = player.timeline
    assert timeline is not None
    first = timeline.captions[0]
    assert player.position_sample == len(rig.recorded()) == first.start_sample + first.audio_samples
    gate.release(10)
    rig.wait_state(ev.FINISHED)
    assert np.array_equal(rig.recorded(), rig.expected())
    assert ev.BUFFERING in rig.states()


def test_a_cached_session_needs_no_synthesis_to_play(make_rig) -> None:
    rig = make_rig()  # rendered once
    again = make_rig(open_player=False, engine=None)
    count = again.engine.speech.synthesis_count
    again.player.open(again.session, again.settings)
    again.player.play()
    again.wait_state(ev.FINISHED)
    assert again.engine.speech.synthesis_count == count == 0
    assert np.array_equal(again.recorded(), rig.expected())
