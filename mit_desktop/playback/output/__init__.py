"""Audio outputs: the contract (`base`), one module per output, and this registry.

The registry imports no output module until one is chosen, so choosing the
silent `null` output never loads an audio library, and no import circle is
possible (each output imports only `base`). Chosen by name
(:func:`create_backend`): a setting or ``--backend``, else the environment
variable ``MIT_AUDIO_BACKEND``, else ``stream``:

- ``stream`` (or ``stream:DEVICE``): the default. One continuous PortAudio
  stream to the system's default output (or the named device); see `stream`.
- ``null``: silence, paced in real time by the player's clock; for machines
  without sound and for tests.
- ``file:PATH``: exactly what would be played, as fast as it is made (WAV or
  FLAC by extension, otherwise raw 16-bit little-endian mono).

The names of the removed outputs, ``simpleaudio`` and ``alsa[:DEVICE]``, still
work and mean ``stream`` (``alsa:hw:1,0`` asks the stream for that device).
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mit_desktop.playback.output.base import (
    NO_DEVICE,
    NOT_OPENED,
    STOPPED,
    Backend,
    BackendError,
)
from mit_desktop.playback.output.devices import AudioDevice

if TYPE_CHECKING:
    from mit_desktop.playback.clock import Clock

log = logging.getLogger(__name__)

ENV_VAR = "MIT_AUDIO_BACKEND"
DEFAULT_BACKEND = "stream"
#: name -> "module:class", imported only when chosen.
BACKENDS = {
    "stream": "mit_desktop.playback.output.stream:StreamBackend",
    "null": "mit_desktop.playback.output.null:NullBackend",
    "file": "mit_desktop.playback.output.file:FileBackend",
}
_RENAMED = {"simpleaudio": "stream", "alsa": "stream"}

__all__ = [
    "AudioDevice",
    "BACKENDS",
    "DEFAULT_BACKEND",
    "ENV_VAR",
    "NO_DEVICE",
    "NOT_OPENED",
    "STOPPED",
    "Backend",
    "BackendError",
    "backend_class",
    "backend_spec",
    "create_backend",
    "list_output_devices",
    "play_test_sound",
]


def backend_spec(setting: str | None = None) -> str:
    """The output to use: `setting`, else $MIT_AUDIO_BACKEND, else 'stream'."""
    return (setting or os.environ.get(ENV_VAR) or DEFAULT_BACKEND).strip()


def backend_class(name: str) -> type[Backend]:
    """Import and return the output class registered as `name`. KeyError if unknown."""
    module_name, _sep, class_name = BACKENDS[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def _constructor(name: str) -> Callable[..., Backend]:
    """The output class registered as ``name``, as the constructor it is: each output takes
    its own arguments (a device, a clock, a path), which Backend's own signature does not
    say."""
    return backend_class(name)


def create_backend(setting: str | None = None, clock: Clock | None = None,
                   device: str | None = None) -> Backend:
    """An output from its name: 'stream[:DEVICE]', 'null' or 'file:PATH'.

    `device` (a name from :func:`list_output_devices`; None for the system default)
    is used by `stream` unless the name carries one. ValueError if the name is unknown.
    """
    spec = backend_spec(setting)
    name, sep, arg = spec.partition(":")
    if name in _RENAMED:
        log.info("audio output '%s' was replaced by '%s'", name, _RENAMED[name])
        name = _RENAMED[name]
    if name == "stream":
        return _constructor("stream")(device=arg or device)
    if name == "null" and not sep:
        return _constructor("null")(clock)
    if name == "file" and arg:
        return _constructor("file")(Path(arg).expanduser())
    raise ValueError(
        f"unknown audio output '{spec}'; use stream, stream:DEVICE, null or file:PATH "
        f"(in --backend or {ENV_VAR})"
    )


def list_output_devices(refresh: bool = True) -> list[AudioDevice]:
    """The output devices the default (`stream`) output can play to; may be empty.

    BackendError if the audio library itself cannot be loaded.
    """
    from mit_desktop.playback.output.stream import list_output_devices as listing

    return listing(refresh)


def play_test_sound(device: str | None = None) -> str:
    """Play a short chime on `device` (None: system default) through the `stream` output.

    Blocks until it has been heard (about 2 s); returns the device's name.
    BackendError if it could not be played.
    """
    from mit_desktop.playback.output.stream import play_test_sound as play

    return play(device)
