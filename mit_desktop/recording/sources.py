"""The microphones (input devices) the recorder can record from, named as people know them.

As for the outputs (`playback.output.stream.list_output_devices`): through a sound server
(PulseAudio, or PipeWire's PulseAudio service) PortAudio sees only ALSA's names
("default", "pulse"), so when `pactl -f json list sources` answers, the server's own
sources come first by their descriptions ("Built-in Audio Analog Stereo", "USB
microphone"), named ``source:NAME``; a source is recorded from by opening PortAudio's
"pulse" device with ``PULSE_SOURCE`` naming it. The monitors of outputs (what the
computer plays) are left out: recording them is never what a therapist means. Otherwise
PortAudio's own input devices are listed by their names.

Qt-free: PortAudio through `sounddevice`, and pactl (pulseaudio-utils) when present.
"""

from __future__ import annotations

import json
import logging

from mit_desktop.playback.output.devices import AudioDevice, portaudio_devices
from mit_desktop.playback.output.sinks import run_pactl
from mit_desktop.playback.output.stream import THROUGH_SERVER, _pa_lock, refresh_portaudio

log = logging.getLogger(__name__)

SOURCE_PREFIX = "source:"


def source_of(device: str | None) -> str | None:
    """The server source named by a device setting ("source:NAME"), else None."""
    if device and device.startswith(SOURCE_PREFIX):
        return device[len(SOURCE_PREFIX):] or None
    return None


def parse_sources(listing: str, default: str = "") -> list[AudioDevice]:
    """`pactl -f json list sources` output as AudioDevices, monitors left out
    (ValueError if it is not that JSON)."""
    found = json.loads(listing)
    if not isinstance(found, list):
        raise ValueError("not a list of sources")
    devices = []
    for entry in found:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        # a monitor names its sink ("monitor_source" in pactl 16's JSON, "monitor_of_sink"
        # in some versions) and its device.class is "monitor"
        monitor_of = entry.get("monitor_source", entry.get("monitor_of_sink"))
        properties = entry.get("properties")
        if (isinstance(monitor_of, str) and monitor_of not in ("", "n/a")) or (
                isinstance(properties, dict) and properties.get("device.class") == "monitor"):
            continue
        name = entry["name"]
        description = entry.get("description")
        if not isinstance(description, str) or not description.strip():
            description = name
        devices.append(AudioDevice(SOURCE_PREFIX + name, "PulseAudio", name == default,
                                   description.strip()))
    return devices


def server_sources() -> list[AudioDevice]:
    """The sound server's sources (not monitors), the default marked; [] if unreadable."""
    listing = run_pactl("-f", "json", "list", "sources")
    if listing is None:
        return []
    default = (run_pactl("get-default-source") or "").strip()
    try:
        return parse_sources(listing, default)
    except ValueError as exc:  # an older pactl prints text, not JSON
        log.info("the sound server's inputs could not be read: %s", exc)
        return []


def list_input_devices(refresh: bool = True) -> list[AudioDevice]:
    """The microphones there are now, the system default marked (may be empty).

    `refresh` re-initialises PortAudio first (unless a stream is open), so a microphone
    plugged in since is seen. BackendError if the audio library cannot be loaded.
    """
    from mit_desktop.playback.output.stream import load_library

    sd = load_library()
    with _pa_lock:
        if refresh:
            refresh_portaudio(sd)
        found = [device for _index, device in portaudio_devices(sd, "input")]
    if not any(device.name in THROUGH_SERVER for device in found):
        return found
    sources = server_sources()
    if not sources:
        return found
    return sources + [device for device in found if device.name not in THROUGH_SERVER]
