"""The sound server's outputs ("sinks") by the names people know them by.

Through a sound server (PulseAudio, or PipeWire's PulseAudio service) PortAudio sees
only ALSA's names ("default", "pulse"), which say nothing about where the sound goes.
The server itself knows each output's description ("Built-in Audio Analog Stereo",
"Jabra Evolve 65"). `pactl -f json list sinks` (pulseaudio-utils 16 or later, also
with PipeWire) gives them without a new dependency; when pactl is missing, too old,
or no server answers, :func:`server_sinks` returns [] and the caller shows
PortAudio's names instead.

A sink is played to by opening PortAudio's "pulse" (else "default") device with
``PULSE_SINK`` naming the sink: libpulse reads it when ALSA's PulseAudio plugin
connects (see `stream.StreamBackend`). Local only: pactl talks to the user's own
server through its socket.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: What a remembered device setting starts with when it names a server's sink.
SINK_PREFIX = "sink:"
PACTL_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Sink:
    """One of the sound server's outputs: `name` (stable id), `description` (for people)."""

    name: str
    description: str
    is_default: bool = False


def run_pactl(*args: str) -> str | None:
    """pactl's standard output for `args`, or None (no pactl, no server, an error: logged)."""
    pactl = shutil.which("pactl")
    if pactl is None:
        return None
    try:
        done = subprocess.run([pactl, *args], capture_output=True, text=True,
                              timeout=PACTL_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("pactl %s: %s", " ".join(args), exc)
        return None
    if done.returncode != 0:
        log.info("pactl %s: exit %d: %s", " ".join(args), done.returncode,
                 done.stderr.strip()[:200])
        return None
    return done.stdout


def parse_sinks(listing: str, default: str = "") -> list[Sink]:
    """`pactl -f json list sinks` output as Sinks (ValueError if it is not that JSON)."""
    found = json.loads(listing)
    if not isinstance(found, list):
        raise ValueError("not a list of sinks")
    sinks = []
    for entry in found:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        name = entry["name"]
        description = entry.get("description")
        if not isinstance(description, str) or not description.strip():
            description = name
        sinks.append(Sink(name, description.strip(), name == default))
    return sinks


def server_sinks() -> list[Sink]:
    """The sound server's sinks, the default marked; [] if they cannot be read."""
    listing = run_pactl("-f", "json", "list", "sinks")
    if listing is None:
        return []
    default = (run_pactl("get-default-sink") or "").strip()
    try:
        return parse_sinks(listing, default)
    except ValueError as exc:  # an older pactl prints text, not JSON
        log.info("the sound server's outputs could not be read: %s", exc)
        return []


def sink_of(device: str | None) -> str | None:
    """The sink named by a device setting ("sink:NAME"), else None."""
    if device and device.startswith(SINK_PREFIX):
        return device[len(SINK_PREFIX):] or None
    return None
