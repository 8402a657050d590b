"""The player's words for people: what went wrong, where playback stands, what to do.

English here; `PlayerError.kind` lets the GUI choose its own translated text.
"""

from __future__ import annotations

from mit_desktop.playback.output.base import NO_DEVICE, NOT_OPENED, BackendError


def clock(position_ms: int) -> str:
    """`m:ss` (or `h:mm:ss`) for a position in milliseconds, rounded down to the second."""
    seconds = max(0, int(position_ms)) // 1000
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def device_message(error: BackendError, position_ms: int, continuing: bool,
                   where_to_choose: str = "--device (`mit-desktop devices` lists them)") -> str:
    """The sound device could not be opened, or stopped, at `position_ms`.

    Says what was found (no device at all, a device that could not be opened, a
    device that stopped) without guessing why, and where to choose another
    (`where_to_choose`: the terminal's option; the GUI has its own words).
    """
    named = f" ({error.device})" if error.device else ""
    if error.state == NO_DEVICE:
        what = "No sound device was found on this computer"
        choose = f"Once speakers or headphones are connected, choose them with {where_to_choose}."
    elif error.state == NOT_OPENED:
        what = f"The sound device{named} could not be opened"
        choose = f"You can choose another device with {where_to_choose}."
    else:
        what = f"The sound device{named} stopped playing at {clock(position_ms)}"
        choose = f"You can choose another device with {where_to_choose}."
    if continuing:
        then = f"Playback continues silently; the captions still advance. {choose}"
    else:
        then = (
            f"Playback is paused at {clock(position_ms)}. Press Play to try again (on the "
            "same device, or the system's default), or continue without sound (the captions "
            f"still advance). {choose}"
        )
    return f"{what}. {then}"


def render_message(error: BaseException, position_ms: int) -> str:
    """Speech, a clip or the cache failed; playback is paused at `position_ms`."""
    reason = str(error).strip() or error.__class__.__name__
    return (
        f"Part of the session could not be prepared: {reason} "
        f"Playback is paused at {clock(position_ms)}; press Play to try again from there."
    )
