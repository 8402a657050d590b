"""Sound devices, for both directions: outputs and microphones.

One type (:class:`AudioDevice`) names a device the player plays to
(`stream.list_output_devices`) and one the recorder records from
(`recording.sources.list_input_devices`).

Imports no audio library.
"""

from __future__ import annotations

from dataclasses import dataclass


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
