"""The player's words for people: what went wrong, where playback stands, what to do.

English here; `PlayerError.kind` lets the GUI choose its own translated text.
"""

from __future__ import annotations

from mit_desktop.playback.backends import BackendError


def clock(position_ms: int) -> str:
    """`m:ss` (or `h:mm:ss`) for a position in milliseconds, rounded down to the second."""
    seconds = max(0, int(position_ms)) // 1000
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def device_message(error: BackendError, position_ms: int, continuing: bool) -> str:
    """The sound device could not be opened, or stopped working, at `position_ms`."""
    what = (
        "The sound device stopped working"
        if error.opened
        else "The sound device could not be opened"
    )
    then = (
        "Playback continues silently; the captions still advance."
        if continuing
        else f"Playback is paused at {clock(position_ms)}. Check that speakers or headphones are "
        "connected and press Play, or continue without sound (the captions still advance)."
    )
    return f"{what}. {then}"


def render_message(error: BaseException, position_ms: int) -> str:
    """Speech, a clip or the cache failed; playback is paused at `position_ms`."""
    reason = str(error).strip() or error.__class__.__name__
    return (
        f"Part of the session could not be prepared: {reason} "
        f"Playback is paused at {clock(position_ms)}; press Play to try again from there."
    )
