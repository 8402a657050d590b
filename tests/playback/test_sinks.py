"""The sound server's outputs read from `pactl -f json list sinks` (no server needed here)."""

from __future__ import annotations

import json

import pytest

from mit_desktop.playback.output.sinks import Sink, parse_sinks, sink_of

LISTING = json.dumps([
    {"index": 0, "name": "alsa_output.pci-0000_00_1f.3.analog-stereo",
     "description": "Built-in Audio Analog Stereo", "state": "RUNNING"},
    {"index": 3, "name": "bluez_sink.00_11", "description": "  Jabra Evolve 65 ",
     "state": "SUSPENDED"},
    {"index": 4, "name": "nameless", "description": ""},
    {"index": 5, "description": "no name: not an output anyone can choose"},
])


def test_each_sink_is_listed_by_its_description_with_the_default_marked() -> None:
    assert parse_sinks(LISTING, default="bluez_sink.00_11") == [
        Sink("alsa_output.pci-0000_00_1f.3.analog-stereo", "Built-in Audio Analog Stereo"),
        Sink("bluez_sink.00_11", "Jabra Evolve 65", is_default=True),
        Sink("nameless", "nameless"),  # no description: its name, rather than nothing
    ]


@pytest.mark.parametrize("listing", ["Sink #0\n\tState: RUNNING\n", '{"name": "x"}'])
def test_what_is_not_that_json_is_refused_so_the_library_names_are_shown(listing: str) -> None:
    with pytest.raises(ValueError):
        parse_sinks(listing)


def test_a_device_setting_names_a_sink_only_with_its_prefix() -> None:
    assert sink_of("sink:bluez_sink.00_11") == "bluez_sink.00_11"
    assert sink_of("pulse") is None
    assert sink_of("sink:") is None
    assert sink_of(None) is None
