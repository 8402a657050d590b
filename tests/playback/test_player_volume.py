"""Volume changes are heard within 150 ms and ramp without a click."""

from __future__ import annotations

import numpy as np
import pytest

from mit_desktop.playback import events as ev
from mit_desktop.render.levels import to_int16
from mit_desktop.render.mixer import STEMS, StemGains


def _moment_ms(timeline, stem: str) -> int:
    if stem == "voice":
        caption = timeline.captions[0]
        return timeline.ms(caption.start_sample + caption.audio_samples // 2)
    if stem == "bells":
        return 150
    # the bed at its full level: 3 s into the reflection, after its rise from under the voice
    return timeline.ms(timeline.reflections[0].start_sample) + 3000


@pytest.mark.parametrize("stem,value", [("ambience", 0.2), ("voice", 1.4), ("bells", 0.0)])
def test_volume_change_takes_effect_within_150_ms_and_ramps_without_a_click(
    make_rig, stem, value
) -> None:
    rig = make_rig()
    player, rate = rig.player, rig.player.rate
    timeline = rig.timeline()
    mixer = rig.engine.mixer(timeline)
    old = rig.expected()
    new = to_int16(mixer.render(0, timeline.n_samples, StemGains(**{stem: value})))
    player.play()
    at_ms = _moment_ms(timeline, stem)
    rig.pump_until(lambda: player.position_ms >= at_ms, step_ms=13)
    asked_at = player.position_sample  # what the listener hears when they move the slider
    player.set_volume(stem, value)
    rig.wait_state(ev.FINISHED)
    got = rig.recorded()
    assert len(got) == timeline.n_samples  # nothing lost or repeated by the re-render
    assert np.array_equal(got[:asked_at], old[:asked_at])  # nothing already heard changes
    still_different = np.nonzero(got != new)[0]
    fully_new = int(still_different[-1]) + 1 if len(still_different) else 0
    assert fully_new - asked_at <= 0.150 * rate  # the new volume holds within 150 ms

    # The gain the stem actually got, sample by sample, where the stem is loud enough to tell.
    stems = mixer.render_stems(0, timeline.n_samples)
    others = sum(stems[s] for s in STEMS if s != stem)
    span = np.arange(asked_at, fully_new + 1)
    source = stems[stem][span]
    loud = np.abs(source) > 0.02
    assert loud.sum() > 100
    gain = (got[span][loud] / 32767.0 - others[span][loud]) / source[loud]
    where = span[loud]
    tolerance = 0.05 * abs(value - 1.0)
    assert np.all(gain >= min(1.0, value) - tolerance) and np.all(
        gain <= max(1.0, value) + tolerance
    )
    leaving = where[np.abs(gain - 1.0) > tolerance]
    arriving = where[np.abs(gain - value) > tolerance]
    # A click is a jump from the old gain to the new one; this one takes at least 20 ms.
    assert arriving[-1] - leaving[0] >= 0.020 * rate
    assert player.volumes == StemGains(**{stem: value})


def test_volumes_are_checked(make_rig) -> None:
    rig = make_rig()
    with pytest.raises(ValueError):
        rig.player.set_volume("voice", 2.0)
    with pytest.raises(ValueError):
        rig.player.set_volume("drums", 1.0)


def test_volumes_set_before_a_session_apply_from_its_first_sample(make_rig) -> None:
    rig = make_rig(open_player=False)
    rig.player.set_volume("ambience", 0.5)
    rig.player.open(rig.session, rig.settings)
    rig.player.play()
    rig.wait_state("finished")
    timeline = rig.timeline()
    want = rig.engine.mixer(timeline).render(0, timeline.n_samples, StemGains(ambience=0.5))
    assert np.array_equal(rig.recorded(), to_int16(want))


def test_playing_before_opening_a_session_is_refused(make_rig) -> None:
    rig = make_rig(open_player=False)
    with pytest.raises(RuntimeError, match="open"):
        rig.player.play()
