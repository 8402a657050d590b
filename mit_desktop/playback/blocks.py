"""The blocks the feeder hands over: the newest timeline snapshot, the next place it
must stop (interactive reflections), the queue's capacity, rendering one block through the
volume shaper, and the first block made ready while a session waits for Play. Functions of
the :class:`~mit_desktop.playback.player.Player` whose feeder thread calls them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from mit_desktop.render.levels import to_int16
from mit_desktop.session.timeline import INTERACTIVE

if TYPE_CHECKING:
    from mit_desktop.playback.player import Player

log = logging.getLogger(__name__)

#: The feeder looks at the clock at least this often while playing (position events), and
#: also wakes when the next section, caption or reflection is heard (`until_next_look_s`).
#: One block's length: the feeder then wakes about once per block, to hand it over, rather
#: than twice (at 0.05 s the player took about 7 % more CPU; docs/playback.md).
TICK_S = 0.1
#: How far past a moment the feeder wakes for it, so the heard position has reached it.
MOMENT_LATE_S = 0.003


def refresh(p: Player) -> None:
    """Take the newest snapshot when the current one limits playback (or has just completed)."""
    assert p._ahead is not None
    snapshot, final, complete = p._ahead.state()
    if p._mixer is not None and snapshot is p._timeline:
        return
    if (
        p._mixer is None
        or p._sent + p.block > p._final
        or (complete and not p._complete)
    ):
        p._mixer = p.engine.mixer(snapshot)
        p._timeline, p._final, p._complete = snapshot, final, complete
        p._moments.use(snapshot)


def next_stop(p: Player) -> int | None:
    """Interactive mode: the next reflection sample at or after `sent` not yet continued."""
    if p.mode != INTERACTIVE or p._timeline is None:
        return None
    starts = p._moments.reflection_starts
    while p._next_reflection < len(starts) and starts[p._next_reflection] < p._sent:
        p._next_reflection += 1
    return starts[p._next_reflection] if p._next_reflection < len(starts) else None


def until_next_look_s(p: Player) -> float:
    """Seconds until the feeder should look at the clock again while sound plays: TICK_S, or
    sooner, MOMENT_LATE_S after the listener hears the next section, caption or (hands-free)
    reflection start, so each is announced as it is heard."""
    heard = p._heard()
    start = p._moments.next_start(heard, hands_free=p.mode != INTERACTIVE)
    if start is None:
        return TICK_S
    return min(TICK_S, (start - heard) / p.rate + MOMENT_LATE_S)


def queue_capacity(p: Player) -> int:
    """Samples to keep queued: `queue_blocks` blocks, or more if the backend asks."""
    wanted = p.backend.queue_ms
    return max(p.capacity, wanted * p.rate // 1000 if wanted else 0)


def render_float(p: Player, start: int, n: int) -> np.ndarray:
    assert p._mixer is not None
    return p._shaper.render(p._mixer, start, n)


def render(p: Player, start: int, n: int) -> np.ndarray:
    if p._preroll is not None:
        at, audio = p._preroll
        p._preroll = None
        if at == start and len(audio) == n and p._shaper.steady(start, n):
            return audio
    return to_int16(render_float(p, start, n))


def prepare_preroll(p: Player) -> None:
    """While idle: get the first block ready, so Play hands it over at once."""
    if p._preroll is not None or p._ahead is None:
        return
    refresh(p)
    stop = next_stop(p)
    limit = p._final if stop is None else min(p._final, stop)
    n = min(p.block, limit - p._sent)
    if n <= 0 or (n < p.block and not p._complete):
        return
    try:
        p._preroll = (p._sent, to_int16(render_float(p, p._sent, n)))
    except Exception as exc:  # noqa: BLE001 - reported when playback gets there
        log.debug("preroll failed: %s", exc)
