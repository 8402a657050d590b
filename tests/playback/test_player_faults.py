"""Faults: no device, device lost, a clip deleted, the speech cache failing — clear words,
graceful stop or fallback, and the position kept."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mit_desktop.playback import events as ev
from mit_desktop.playback.output import NO_DEVICE, NOT_OPENED, STOPPED, Backend, BackendError
from mit_desktop.render import pacing
from mit_desktop.render import speech as speech_module


class InstantDevice(Backend):
    """A device that takes every buffer at once (like ALSA's null device) and keeps it;
    it cannot be opened while `fail_at` is 0, and stops working at buffer `fail_at`."""

    name = "instant"

    def __init__(self, fail_at: int | None = None, state: str = NOT_OPENED) -> None:
        self.fail_at = fail_at
        self.state = state
        self.buffers: list[np.ndarray] = []
        self.opened = 0

    def open(self, sample_rate: int) -> None:
        assert sample_rate == 22_050
        if self.fail_at == 0:
            raise BackendError("cannot open 'default': Invalid device", state=self.state)
        self.opened += 1

    def write(self, samples: np.ndarray) -> None:
        if self.fail_at is not None and len(self.buffers) >= self.fail_at:
            raise BackendError("the sound stream ended by itself", state=STOPPED,
                               device="USB Headset")
        self.buffers.append(np.array(samples, dtype="<i2"))

    def queued_samples(self) -> int:
        return 0

    def discard_pending(self) -> int:
        return 0

    def flush(self) -> None:
        pass

    def played(self) -> np.ndarray:
        return np.concatenate(self.buffers) if self.buffers else np.zeros(0, dtype="<i2")


def _device(fake: InstantDevice) -> Any:
    return lambda clock: fake


def test_device_lost_mid_session_pauses_keeps_the_position_and_goes_on_silently(make_rig) -> None:
    fake = InstantDevice(fail_at=40)
    rig = make_rig(backend=_device(fake))
    player = rig.player
    player.play()
    rig.wait_state(ev.PAUSED)
    (error,) = rig.events("error")
    assert error.kind == "device" and error.can_continue_silently
    assert error.device_state == STOPPED
    assert error.message.startswith("The sound device (USB Headset) stopped playing at 0:")
    assert "paused at" in error.message and "Traceback" not in error.message
    played = fake.played()
    assert len(played) == 40 * player.block
    assert player.position_sample == len(played)  # nothing that failed counts as heard
    assert error.position_ms == len(played) * 1000 // player.rate
    assert rig.events("checkpoint")[-1].reason == "error"
    player.continue_silently()
    rig.wait_state(ev.FINISHED)
    assert [b.name for b in rig.events("backend_changed")] == ["null"]
    silent = player.backend.recorded()
    assert np.array_equal(np.concatenate([played, silent]), rig.expected())
    assert len(rig.events("caption")) == 4  # captions kept coming without sound


@pytest.mark.parametrize(
    ("state", "found"),
    [(NO_DEVICE, "No sound device was found on this computer."),
     (NOT_OPENED, "The sound device could not be opened.")],
)
def test_no_sound_device_says_what_was_found_and_continues_silently_with_the_null_fallback(
    make_rig, state: str, found: str
) -> None:
    fake = InstantDevice(fail_at=0, state=state)
    rig = make_rig(backend=_device(fake), fallback="null")
    rig.player.play()
    rig.wait_state(ev.FINISHED)
    (error,) = rig.events("error")
    assert error.device_state == state
    assert error.message.startswith(f"{found} Playback continues silently; the captions "
                                    "still advance.")
    assert "--device" in error.message
    assert "unplugged" not in error.message
    assert rig.events("backend_changed")[0].name == "null"
    assert np.array_equal(rig.player.backend.recorded(), rig.expected())


def test_a_clip_deleted_after_opening_stops_there_with_its_name_and_keeps_the_position(
    make_rig, new_engine, session_path: Path
) -> None:
    rig = make_rig(open_player=False)
    full = new_engine().timeline(rig.session, rig.settings)  # where the clip would start
    clip = next(s for s in full.segments if s.kind == "clip")
    (session_path.parent / "tone.wav").unlink()
    rig.player.open(rig.session, rig.settings)
    rig.player.play()
    rig.wait_state(ev.PAUSED)
    (error,) = rig.events("error")
    assert error.kind == "render"
    assert "tone.wav" in error.message and "does not exist" in error.message
    assert rig.player.position_sample == clip.start_sample
    assert len(rig.recorded()) == clip.start_sample
    assert rig.events("checkpoint")[-1].position_sample == clip.start_sample


def test_speech_cache_failing_mid_session_plays_on_from_memory(
    make_rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills after two sentences: the cache is only a cache, so the practice plays to
    its end without a pause or a gap, the later speech kept in memory, and the cache's
    problem is kept to be said once (issue 11)."""
    real_writer = speech_module.atomic_writer
    real_sentence = pacing.PhrasedSpeech.sentence
    sentences = {"n": 0}

    def counting_sentence(self: Any, *args: Any) -> Any:
        layout = real_sentence(self, *args)
        sentences["n"] += 1
        return layout

    def flaky_writer(target: Path, mode: int = 0o600) -> Any:
        if sentences["n"] >= 2:  # the disk fills up after two sentences (of one or more phrases)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_writer(target, mode)

    monkeypatch.setattr(pacing.PhrasedSpeech, "sentence", counting_sentence)
    monkeypatch.setattr(speech_module, "atomic_writer", flaky_writer)
    rig = make_rig()
    player = rig.player
    player.play()
    assert player.wait_rendered(30)
    rig.wait_state(ev.FINISHED)
    assert rig.events("error") == []  # never paused for the cache
    assert "The disk is full" in (rig.engine.speech.cache_problem or "")
    built = player.timeline
    assert built is not None and len(built.captions) == 4  # every sentence, two from memory
    assert np.array_equal(rig.recorded(), rig.expected())


def test_speech_removed_from_the_cache_while_playing_pauses_before_it_then_recovers(
    make_rig,
) -> None:
    rig = make_rig()
    player = rig.player
    timeline = rig.timeline()
    third = timeline.captions[2]
    player.play()
    rig.pump_until(lambda: player.position_ms >= 1000)
    rig.engine.speech.path_for(third.speech_key).unlink()
    rig.wait_state(ev.PAUSED)
    (error,) = rig.events("error")
    assert error.kind == "render" and "Cached speech is missing" in error.message
    position = player.position_sample
    assert position <= third.start_sample and len(rig.recorded()) == position
    player.resume()
    rig.settle()
    assert player.wait_rendered(30)
    rig.wait_state(ev.FINISHED)
    # The sentence is made again (same tone voice here), and the session plays on from `position`.
    assert len(rig.recorded()) == rig.timeline().n_samples
    assert np.array_equal(rig.recorded(), rig.expected())


def test_a_listener_that_raises_does_not_stop_the_sound(make_rig) -> None:
    rig = make_rig()

    def broken(_item: object) -> None:
        raise RuntimeError("listener bug")

    rig.player.events.position.connect(broken)
    rig.player.play()
    rig.wait_state(ev.FINISHED)
    assert np.array_equal(rig.recorded(), rig.expected())


def test_play_after_a_device_fault_tries_the_device_again_from_the_same_sample(make_rig) -> None:
    fake = InstantDevice(fail_at=25)
    rig = make_rig(backend=_device(fake))
    player = rig.player
    player.play()
    rig.wait_state(ev.PAUSED)
    assert player.position_sample == 25 * player.block
    fake.fail_at = None  # the headphones are plugged in again
    player.play()
    rig.wait_state(ev.FINISHED)
    assert rig.events("backend_changed") == []
    assert np.array_equal(fake.played(), rig.expected())


def test_a_section_that_does_not_exist_is_reported_not_fatal(make_rig) -> None:
    rig = make_rig()
    rig.player.seek_section(7)
    rig.pump_until(lambda: len(rig.events("error")) == 1)
    error = rig.events("error")[0]
    assert error.kind == "input" and "no section 8" in error.message
    rig.player.play()
    rig.wait_state(ev.FINISHED)
    assert np.array_equal(rig.recorded(), rig.expected())
