"""The player's requests, applied on the feeder thread in the order they were posted:
one function per request in :data:`COMMANDS` (``play``, ``pause``, ``seek`` …), each
acting according to the player's state, plus seeking and volume changes.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mit_desktop.playback import blocks, faults, feeder, reporting
from mit_desktop.playback import events as ev
from mit_desktop.session.timeline import INTERACTIVE

if TYPE_CHECKING:
    from mit_desktop.playback.player import Player

log = logging.getLogger(__name__)


def _play(p: Player, _arg: Any) -> None:
    """Start (from the start once finished), go on after a pause, or continue at a reflection."""
    state = p._state
    if state == ev.FINISHED:
        seek(p, 0)
    if state in (ev.IDLE, ev.STOPPED, ev.FINISHED, ev.PAUSED):
        faults.start(p)
    elif state == ev.REFLECTION:
        continue_(p)


def _resume(p: Player, _arg: Any) -> None:
    state = p._state
    if state == ev.REFLECTION:
        continue_(p)
    elif state in (ev.PAUSED, ev.STOPPED, ev.IDLE):
        faults.start(p)


def _continue(p: Player, _arg: Any) -> None:
    if p._state == ev.REFLECTION:
        continue_(p)


def _pause(p: Player, _arg: Any) -> None:
    if p._state in ev.ACTIVE and feeder.settle(p):
        p._set_state(ev.PAUSED)
        reporting.after_stop(p, "pause")


def _stop(p: Player, _arg: Any) -> None:
    state = p._state
    if state in ev.ACTIVE and not feeder.settle(p):
        return
    if state not in (ev.STOPPED, ev.FINISHED):
        p._set_state(ev.STOPPED)
        reporting.after_stop(p, "stop")


def _seek(p: Player, arg: Any) -> None:
    seek(p, arg)


def _section(p: Player, arg: Any) -> None:
    seek_section(p, arg)


def _volume(p: Player, _arg: Any) -> None:
    apply_volume(p)


def _silent(p: Player, _arg: Any) -> None:
    """After a device fault: go on through the silent backend (captions still advance)."""
    active = p._state in ev.ACTIVE
    if active:
        feeder.settle(p)
    faults.switch_backend(p, p._silent_backend(p.clock), "continuing without sound")
    if active or p._paused_for == "device":
        faults.start(p)


def _backend(p: Player, arg: Any) -> None:
    active = p._state in ev.ACTIVE
    if active:
        feeder.settle(p)
    faults.switch_backend(p, arg, "changed by request")
    if active:
        faults.start(p)


#: request name -> what applying it does (``arg``: the request's argument, or None)
COMMANDS: dict[str, Callable[[Player, Any], None]] = {
    "play": _play, "resume": _resume, "continue": _continue, "pause": _pause,
    "stop": _stop, "seek": _seek, "section": _section, "volume": _volume,
    "silent": _silent, "backend": _backend,
}


def apply(p: Player, name: str, arg: Any) -> None:
    """Apply the posted request ``name`` (a key of :data:`COMMANDS`)."""
    COMMANDS[name](p, arg)


def continue_(p: Player) -> None:
    p._answered.add(p._next_reflection)
    p._next_reflection += 1
    faults.start(p)


def apply_volume(p: Player) -> None:
    with p._cond:
        target = dataclasses.replace(p._target_gains)
    p._preroll = None
    if p._state in ev.ACTIVE:
        dropped = p.backend.discard_pending()
        p._set_sent(p._sent - dropped)
        p._shaper.set_gains(target, ramp_from=p._sent)
    else:
        p._shaper.set_gains(target, ramp_from=None)


def seek(p: Player, target: int) -> None:
    if p._ahead is not None:
        blocks.refresh(p)
        if p._complete:
            target = min(target, p._final)
    target = not_past_a_reflection(p, max(0, target))
    if p._state in ev.ACTIVE:
        p.backend.flush()
    p._set_sent(target)
    p._preroll = None
    p._shaper.settle_gains()
    p._next_reflection = p._moments.jumped(target)
    starts = p._moments.reflection_starts
    while p._next_reflection < len(starts) and starts[p._next_reflection] == target \
            and p._next_reflection in p._answered:
        p._next_reflection += 1  # landing on an answered reflection: not asked again
    p._needs_fade_in = True
    if p._state in ev.ACTIVE and p.declick and target > 0:
        p._shaper.fade_in_at = target
        p._needs_fade_in = False
    if p._state in (ev.REFLECTION, ev.FINISHED):
        p._set_state(ev.PAUSED)
    reporting.emit_position(p, force=True)
    reporting.checkpoint(p, "seek")


def not_past_a_reflection(p: Player, target: int) -> int:
    """Interactive mode: a seek forward over a reflection not yet continued from lands on
    that reflection (whose stop then offers it) instead of jumping over it silently."""
    if p.mode != INTERACTIVE or p._timeline is None or target <= p._sent:
        return target
    for index, start in enumerate(p._moments.reflection_starts):
        if p._sent <= start < target and index not in p._answered:
            log.info("seek to sample %d stops at reflection %d first", target, index + 1)
            return start
    return target


def seek_section(p: Player, index: int) -> None:
    assert p._ahead is not None
    snapshot, _final, complete = p._ahead.state()
    if 0 <= index < len(snapshot.sections):
        seek(p, snapshot.sections[index].start_sample)
        return
    message = (
        "That section is still being prepared; try again in a moment."
        if not complete and index >= 0
        else f"There is no section {index + 1} in this session."
    )
    p.events.error.emit(ev.PlayerError("input", message, p._sent * 1000 // p.rate))
