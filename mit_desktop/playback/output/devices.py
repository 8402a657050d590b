"""Sound devices as PortAudio lists them, for both directions: outputs and microphones.

One type (:class:`AudioDevice`) names a device the player plays to
(`stream.list_output_devices`) and one the recorder records from
(`recording.sources.list_input_devices`); :func:`portaudio_devices` lists either kind
from PortAudio; :func:`pulse_device` names the sound server's sink or source that a
stream opened through ALSA's PulseAudio plugin reaches.

Imports no audio library: the caller passes `sounddevice` in, and holds
`stream._pa_lock` around PortAudio's calls.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Literal

log = logging.getLogger(__name__)

#: What a listing asks PortAudio for: "input" (microphones) or "output" (speakers).
Kind = Literal["input", "output"]


@dataclass(frozen=True)
class AudioDevice:
    """A sound device (an output or a microphone) the audio library or server sees.

    `name` is what a setting remembers and what the `stream` output or the recorder's
    `capture` is given ("sink:NAME" / "source:NAME" for a sound server's own); `host_api`
    is the way to reach it (e.g. "ALSA", "Windows WASAPI", "PulseAudio"); `is_default`
    marks the system's default device of its kind; `label` is what a person sees when it
    differs from `name` (a sound server's description of the device).
    """

    name: str
    host_api: str
    is_default: bool = False
    label: str = ""

    @property
    def shown(self) -> str:
        """What a person sees: the label, else the name."""
        return self.label or self.name


def portaudio_devices(sd: ModuleType, kind: Kind) -> list[tuple[int, AudioDevice]]:
    """PortAudio's devices of `kind` with their indexes, the system default marked.

    `sd` is the loaded `sounddevice` module; the caller holds `stream._pa_lock`.
    [] (logged) when PortAudio cannot list devices (not initialised).
    """
    column = 0 if kind == "input" else 1
    try:
        devices = sd.query_devices()
        apis = sd.query_hostapis()
        default = sd.default.device[column]
        if default is None or default < 0:
            default = next((api[f"default_{kind}_device"] for api in apis
                            if api[f"default_{kind}_device"] >= 0), -1)
    except Exception as exc:  # noqa: BLE001 - PortAudio not initialised: nothing to list
        log.info("no %s devices listed: %s", kind, exc)
        return []
    return [(index, AudioDevice(device["name"], apis[device["hostapi"]]["name"],
                                index == default))
            for index, device in enumerate(devices) if device[f"max_{kind}_channels"] > 0]


@contextlib.contextmanager
def pulse_device(kind: Kind, name: str | None) -> Iterator[None]:
    """While a stream is opened (the caller holds `stream._pa_lock`): PULSE_SINK (for an
    output) or PULSE_SOURCE (for an input) names the server's device `name`.

    libpulse reads it when ALSA's PulseAudio plugin connects, and uses that sink or source
    instead of the server's default. The variable is restored afterwards. None: nothing
    is set.
    """
    if name is None:
        yield
        return
    variable = "PULSE_SOURCE" if kind == "input" else "PULSE_SINK"
    before = os.environ.get(variable)
    os.environ[variable] = name
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = before
