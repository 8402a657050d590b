"""Starting the sound, and what happens when the sound device or a render fails: the
device is opened early (so Play is heard at once) and again on Play; a device that fails
pauses the player (or, with the ``null`` fallback, goes on silently), a render that fails
pauses it (Play tries again); each is reported as a
:class:`~mit_desktop.playback.events.PlayerError` in words a listener can act on, with a
checkpoint. Also switching the backend on request.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from mit_desktop.playback import blocks, reporting
from mit_desktop.playback import events as ev
from mit_desktop.playback.messages import device_message, render_message
from mit_desktop.playback.output import Backend, BackendError
from mit_desktop.playback.render_ahead import RenderAhead

if TYPE_CHECKING:
    from mit_desktop.playback.player import Player

log = logging.getLogger(__name__)


def open_early(p: Player) -> None:
    """While a session waits for Play: open the device, so Play is heard at once.

    A failure is not reported here; Play tries again and reports it.
    """
    if p._backend_open or p._tried_early:
        return
    p._tried_early = True
    try:
        p.backend.open(p.rate)
        p._backend_open = True
    except BackendError as exc:
        log.info("the sound device is not ready yet: %s", exc.detail)


def start(p: Player) -> None:
    if p._paused_for == "render":
        restart_render(p)
    p._paused_for = None
    if p._backend_open:
        try:
            p.backend.check()
        except BackendError as exc:  # failed while paused: try it (or the default) again
            log.info("the sound device failed while paused (%s); opening it again", exc.detail)
            close_backend(p)
    if not p._backend_open:
        try:
            p.backend.open(p.rate)
            p._backend_open = True
        except BackendError as exc:
            device_failed(p, exc)
            return
    if p._needs_fade_in and p.declick and p._sent > 0:
        p._shaper.fade_in_at = p._sent
    p._needs_fade_in = False
    if p._ahead is not None:
        blocks.refresh(p)  # the newest snapshot: a prepared practice's first event has its length
    p._set_state(ev.PLAYING)
    reporting.emit_position(p, force=True)


def restart_render(p: Player) -> None:
    assert p._session is not None and p._settings is not None
    if p._ahead is not None:
        p._ahead.cancel()
    p._ahead = RenderAhead(p.engine, p._session, p._settings, p._wake).start()
    p._mixer, p._timeline, p._final, p._complete = None, None, 0, False


def device_failed(p: Player, exc: BackendError) -> None:
    dropped = p.backend.discard_pending()
    p._set_sent(max(0, p._sent - dropped))
    p._preroll = None
    p._needs_fade_in = True
    close_backend(p)
    position_ms = p._sent * 1000 // p.rate
    continuing = p.fallback == "null"
    log.info("audio device failed at %d ms: %s", position_ms, exc.detail)
    p._set_state(ev.PAUSED)
    p._paused_for = "device"
    p.events.error.emit(
        ev.PlayerError(
            "device",
            device_message(exc, position_ms, continuing),
            position_ms,
            can_continue_silently=True,
            detail=exc.detail,
            device_state=exc.state,
        )
    )
    reporting.checkpoint(p, "error")
    if continuing:
        switch_backend(p, p._silent_backend(p.clock), "the sound device failed")
        start(p)


def close_backend(p: Player) -> None:
    try:
        p.backend.close()
    except Exception as exc:  # noqa: BLE001 - the device is already gone
        log.debug("closing failed backend: %s", exc)
    p._backend_open = False


def render_failed(p: Player, exc: BaseException) -> None:
    position_ms = p._sent * 1000 // p.rate
    p._set_state(ev.PAUSED)
    p._paused_for = "render"
    p.events.error.emit(
        ev.PlayerError(
            "render",
            render_message(exc, position_ms),
            position_ms,
            detail=f"{exc.__class__.__name__}: {exc}",
        )
    )
    reporting.checkpoint(p, "error")


def switch_backend(p: Player, backend: Backend, reason: str) -> None:
    old = p.backend
    if old is not backend:
        try:
            old.close()
        except Exception as exc:  # noqa: BLE001 - already broken
            log.debug("closing old backend: %s", exc)
    backend.on_progress = p._wake
    p.backend = backend
    p._backend_open = False
    try:
        backend.open(p.rate)
        p._backend_open = True
    except BackendError as exc:
        log.warning("new backend %s failed to open: %s", backend.name, exc)
    p.events.backend_changed.emit(ev.BackendChanged(backend.name, reason))
