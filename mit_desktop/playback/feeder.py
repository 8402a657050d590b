"""One step of the player's feeder thread: hand the next block to the backend (or wait
for room, for speech still being made, or at a reflection), play out what is queued, and
settle (drop unstarted blocks and fade out) for pause and stop. See
:mod:`mit_desktop.playback.player` for the contracts; called on the feeder thread only.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from mit_desktop.playback import blocks, faults, reporting
from mit_desktop.playback import events as ev
from mit_desktop.playback.blocks import TICK_S
from mit_desktop.playback.output import BackendError
from mit_desktop.render.levels import fade_out_ramp, to_int16

if TYPE_CHECKING:
    from mit_desktop.playback.player import Player

log = logging.getLogger(__name__)


def step(p: Player) -> None:
    try:
        p.backend.check()
    except BackendError as exc:
        faults.device_failed(p, exc)
        return
    reporting.tick(p)
    blocks.refresh(p)
    stop = blocks.next_stop(p)
    if stop is not None and p._sent >= stop:
        if drain(p):
            reporting.reached_reflection(p)
        return
    if p._complete and p._sent >= p._final:
        if drain(p):
            assert p._ahead is not None
            if p._ahead.error is not None:
                faults.render_failed(p, p._ahead.error)
            else:
                reporting.finish(p)
        return
    limit = p._final if stop is None else min(p._final, stop)
    if limit <= p._sent:
        p._set_state(ev.BUFFERING)
        p._wait(TICK_S)
        return
    n = min(p.block, limit - p._sent)
    queued = p.backend.queued_samples()
    capacity = blocks.queue_capacity(p)
    if queued + n > capacity:
        p._wait(min((queued + n - capacity) / p.rate, blocks.until_next_look_s(p)))
        return
    try:
        audio = blocks.render(p, p._sent, n)
    except Exception as exc:  # noqa: BLE001 - speech, clip or cache: play out the queue, pause
        log.warning("render failed at sample %d: %s", p._sent, exc)
        if drain(p):
            faults.render_failed(p, exc)
        return
    try:
        p.backend.write(audio)
    except BackendError as exc:
        faults.device_failed(p, exc)
        return
    p._set_sent(p._sent + n)
    p.stats.writes += 1
    if p.stats.first_write_s is None:
        p.stats.first_write_s = p.clock.now()
    if p._state == ev.BUFFERING:
        p._set_state(ev.PLAYING)


def drain(p: Player) -> bool:
    """Wait until the backend has played everything handed over. False if the device failed."""
    while True:
        try:
            p.backend.check()
        except BackendError as exc:
            faults.device_failed(p, exc)
            return False
        queued = p.backend.queued_samples()
        if queued == 0 or p._quit:
            return not p._quit
        reporting.tick(p)
        with p._cond:
            if p._quit:
                return False
            p.clock.wait(p._cond, min(queued / p.rate, blocks.until_next_look_s(p)))


def settle(p: Player) -> bool:
    """Drop unstarted blocks, fade out over `declick` samples, play out.

    The fade is made from what is queued, by the backend in the same step that drops
    the rest (`fade_out_pending`), so a device on its own thread cannot run dry between
    the sound and its fade; a backend that cannot do that gets a fade rendered here.
    False if the device failed meanwhile.
    """
    fading = p.declick and p._mixer is not None and p._state == ev.PLAYING
    if fading:
        dropped, faded = p.backend.fade_out_pending(p.declick)
    else:
        dropped, faded = p.backend.discard_pending(), 0
    p._set_sent(p._sent - dropped)
    p._preroll = None
    p._needs_fade_in = True
    if fading and not faded:
        stop = blocks.next_stop(p)
        limit = p._final if stop is None else min(p._final, stop)
        tail = min(p.declick, limit - p._sent)
        if tail > 0:
            try:
                audio = blocks.render_float(p, p._sent, tail)
                audio *= fade_out_ramp(tail)
                p.backend.write(to_int16(audio))
                p._set_sent(p._sent + tail)
            except BackendError as exc:
                faults.device_failed(p, exc)
                return False
            except Exception as exc:  # noqa: BLE001 - only a nicety; position stays exact
                log.warning("no fade at pause: %s", exc)
    return drain(p)
