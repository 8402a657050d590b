"""What the player tells its listeners, from the feeder thread: the heard position,
section and caption changes, reflections, checkpoints (periodic, and on pause, stop,
seek, reflection, finish and error) and the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mit_desktop.playback import blocks
from mit_desktop.playback import events as ev
from mit_desktop.session.timeline import INTERACTIVE

if TYPE_CHECKING:
    from mit_desktop.playback.player import Player

CHECKPOINT_INTERVAL_S = 4.0  # periodic checkpoints (the goal is "at least every 5 s")


def tick(p: Player) -> None:
    """Emit what the listener's position implies: position, section, caption, checkpoints."""
    if p._timeline is None:
        return
    heard = p._heard()
    changes = p._moments.advance(
        heard, at_stop=blocks.next_stop(p) == heard, hands_free=p.mode != INTERACTIVE
    )
    if changes.section is not None:
        p.events.section.emit(changes.section)
    if changes.caption is not None:
        p.events.caption.emit(changes.caption)
    if changes.reflection_index is not None:
        emit_reflection(p, changes.reflection_index, waiting=False)
    if p._state in ev.ACTIVE:
        emit_position(p)
        if p.clock.now() - p._last_checkpoint_s >= CHECKPOINT_INTERVAL_S:
            checkpoint(p, "periodic")


def emit_position(p: Player, force: bool = False) -> None:
    now = p.clock.now()
    if not force and now - p._last_position_s < blocks.TICK_S / 2:
        return
    p._last_position_s = now
    heard = p._heard()
    duration = None
    if (
        p._complete
        and p._timeline is not None
        and p._ahead
        and p._ahead.error is None
    ):
        duration = p._timeline.duration_ms
    p.events.position.emit(
        ev.Position(heard, heard * 1000 // p.rate, duration, p._state)
    )


def emit_reflection(p: Player, index: int, waiting: bool) -> None:
    assert p._timeline is not None
    r = p._timeline.reflections[index]
    p.events.reflection.emit(
        ev.ReflectionReached(
            index,
            r.prompt,
            r.inputs,
            r.start_sample,
            r.start_sample * 1000 // p.rate,
            waiting,
            r.scale,
        )
    )
    p.stats.reflection_events_s.append(p.clock.now())


def checkpoint(p: Player, reason: str) -> None:
    if p._session is None or p._settings is None:
        return
    p._last_checkpoint_s = p.clock.now()
    heard = p._heard()
    p.events.checkpoint.emit(
        ev.Checkpoint(
            p._session.id,
            p._session.content_sha256,
            heard * 1000 // p.rate,
            heard,
            p._settings.mode,
            reason,
        )
    )


def after_stop(p: Player, reason: str) -> None:
    tick(p)
    emit_position(p, force=True)
    checkpoint(p, reason)


def reached_reflection(p: Player) -> None:
    p._set_state(ev.REFLECTION)
    tick(p)
    emit_reflection(p, p._next_reflection, waiting=True)
    emit_position(p, force=True)
    checkpoint(p, "reflection")


def finish(p: Player) -> None:
    p._set_state(ev.FINISHED)
    tick(p)
    emit_position(p, force=True)
    p.events.finished.emit(ev.Finished(p._sent * 1000 // p.rate))
    checkpoint(p, "finished")
