"""`mit-desktop play` on the default output, in real time, through a PulseAudio server.

Each test records the private server's null sink (22,050 Hz, like the sessions,
so nothing is resampled and what the sink received can be compared with
`mit-desktop render` sample for sample) while `mit-desktop play` runs as a user
would run it. A dropout is a run of 4 ms or more of silence between the first and
the last sound (../shared/testing/pulse-capture.md).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from realtime.conftest import (
    RATE,
    assert_quiet,
    busy_cores,
    cli_env,
    raised,
    run_cli,
    write_tone_session,
)
from realtime.pulse import (
    Capture,
    StallProbe,
    compare_with_render,
    find_sound,
    first_sound,
    trim_silence,
)

TONE_S = 60


def dropout_report(gaps: list[tuple[int, int]], capture: Capture, probe: StallProbe,
                   what: str = "dropouts") -> str:
    """The gaps found (capture sample, length ms), each with the machine's stalls around it,
    and the machine's summary.

    Each gap is listed with the machine's stalls around it (`StallProbe`); a play whose
    every gap is beside a stall longer than the stream holds is played once more
    (`once_more_if_the_machine_stalled`), any other gap fails.
    """
    lines = [f"{len(gaps)} {what} (none may occur):"]
    for sample, length_ms in gaps[:12]:
        at_s = capture.time_of(sample)
        stalls = ", ".join(f"{late:.0f} ms at {t - at_s:+.2f} s" for t, late in probe.near(at_s))
        lines.append(f"  at {sample / RATE:.3f} s of the recording, {length_ms} ms; machine "
                     f"stalls within 0.5 s: {stalls or 'none'}")
    lines.append(probe.summary())
    return "\n".join(lines)


@dataclass
class Attempt:
    """One play of a check: the monotonic time each gap found was played, the failure's
    report, and what the test needs to judge it."""

    gap_times: list[float]
    probe: StallProbe
    report: str
    result: Any


def once_more_if_the_machine_stalled(play: Callable[[], Attempt]) -> Attempt:
    """Play once; judge that play, unless it had gaps and *every* one was beside a machine
    stall longer than the stream holds (`StallProbe.explains`): then say so (a warning with
    its full report, in the test summary) and judge a second play instead.

    A gap with no such stall beside it, or any gap in the second play, fails: the
    player's own faults (a gap at every buffer, a queue run dry, the pause gap found by
    CI on 1 December) show without a stall, so they are never played again.
    """
    first = play()
    if not first.gap_times or not all(first.probe.explains(t) for t in first.gap_times):
        return first
    warnings.warn(f"played again, the machine stalled beside every gap:\n{first.report}",
                  stacklevel=2)
    return play()


def difference(heard: np.ndarray, expected: np.ndarray) -> str | None:
    """None if equal sample for sample; else where they first differ (in seconds)."""
    n = min(len(heard), len(expected))
    differ = np.flatnonzero(heard[:n] != expected[:n])
    if len(heard) == len(expected) and not len(differ):
        return None
    where = f"{differ[0] / RATE:.3f} s" if len(differ) else f"{n / RATE:.3f} s (the end)"
    return (f"heard {len(heard) / RATE:.3f} s, rendered {len(expected) / RATE:.3f} s; "
            f"first difference at {where}")


@pytest.mark.slow
@pytest.mark.parametrize("load", ["idle", "both-cores-busy"])
def test_a_sixty_second_tone_plays_without_a_dropout_and_lasts_sixty_seconds(
    pulse, tmp_path: Path, load: str
) -> None:
    script = write_tone_session(tmp_path / "tone", TONE_S)
    env = cli_env(pulse, tmp_path)
    assert run_cli(["timeline", str(script)], env).returncode == 0  # the clip decoded once

    def play() -> Attempt:
        capture = Capture(pulse).start()
        with StallProbe() as probe:
            if load == "idle":
                played = run_cli(["play", str(script)], env)
            else:
                with busy_cores(2):
                    played = run_cli(["play", str(script)], env)
        sound = find_sound(capture.stop(), RATE)
        gaps = [(at_ms * RATE // 1000, length_ms) for at_ms, length_ms in sound.gaps]
        return Attempt([capture.time_of(sample) for sample, _ms in gaps], probe,
                       dropout_report(gaps, capture, probe), (played, sound))

    judged = once_more_if_the_machine_stalled(play)
    played, sound = judged.result
    assert played.returncode == 0, played.stderr
    assert_quiet(played.stderr)
    assert sound.first_ms is not None, "nothing was heard"
    assert not sound.gaps, judged.report
    assert abs(sound.length_ms - TONE_S * 1000) <= 200, (
        f"lasted {sound.length_ms} ms; {judged.probe.summary()}")


#: How long after the interactive prompt the recording may still bring the sound before it.
PROMPT_SETTLE_S = 0.1

SCRIPT = """+++
id = "pulse-capture"
title = "Capture test"
+++

# Arriving

[ambience rain 25%]
[bell chime]

Breathe in. Breathe out.

[pause 1s]

[reflect 2s note: What is here now?]

# Closing

Thank you.

[bell]
"""


@pytest.mark.slow
def test_a_whole_bundled_session_is_heard_exactly_as_it_renders(
    pulse, tmp_path: Path, render_wav
) -> None:
    """BAM (about three minutes), hands-free: every buffer hand-over, no sample lost or added."""
    env = cli_env(pulse, tmp_path)
    expected = trim_silence(render_wav(Path("bam"), env))  # speech made (and cached) here
    assert len(expected) > 150 * RATE

    def play() -> Attempt:
        capture = Capture(pulse).start()
        with StallProbe() as probe:
            played = run_cli(["play", "bam"], env)
        recorded = capture.stop()
        found = compare_with_render(recorded, expected)
        lead = first_sound(recorded)  # the comparison's sample 0 in the recording
        gaps = [(lead + i.at, i.length * 1000 // RATE) for i in found.inserted]
        times = [capture.time_of(sample) for sample, _ms in gaps]
        if found.unexplained_at is not None:  # samples lost: a gap of its own kind
            times.append(capture.time_of(lead + found.unexplained_at))
        report = dropout_report(gaps, capture, probe, "silences put in")
        if found.unexplained_at is not None:
            report += (f"\nthen {difference(trim_silence(recorded), expected)}, "
                       f"stalls near it: {probe.near(times[-1])}")
        return Attempt(times, probe, report, (played, found))

    judged = once_more_if_the_machine_stalled(play)
    played, found = judged.result
    assert played.returncode == 0, played.stderr
    assert_quiet(played.stderr)
    assert not found.inserted, judged.report
    assert found.unexplained_at is None, judged.report


@pytest.mark.slow
def test_interactive_mode_sends_nothing_past_the_reflection_until_continue(
    pulse, tmp_path: Path, render_wav
) -> None:
    from mit_desktop.render.engine import Engine
    from mit_desktop.session.parser import parse_session
    from mit_desktop.session.timeline import ListeningSettings

    script = tmp_path / "capture.session.md"
    script.write_text(SCRIPT, encoding="utf-8")
    env = cli_env(pulse, tmp_path)
    rendered = render_wav(script, env, mode="interactive")
    timeline = Engine().timeline(parse_session(script), ListeningSettings(mode="interactive"))
    stop_at = timeline.reflections[0].start_sample
    assert 2 * RATE < stop_at < len(rendered) - RATE

    capture = Capture(pulse).start()
    err_path = tmp_path / "stderr.txt"
    with err_path.open("w", encoding="utf-8") as err_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "mit_desktop", "play", str(script), "--mode", "interactive"],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err_file,
            text=True, preexec_fn=raised,
        )
    prompted = threading.Event()
    lines: list[str] = []

    def watch() -> None:  # the only reader of stdout, to its end
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "Press Enter to continue" in line:
                prompted.set()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    assert prompted.wait(120), "".join(lines)
    at_prompt = capture.now_sample()
    time.sleep(2.0)  # the listener writes a note
    waiting = capture.samples()[at_prompt:]
    # The prompt comes when the player reckons the last sample before the stop was heard;
    # the recorder gets what the server played a little later (10 ms fragments, and its
    # thread may wait for the CPU), so the last ms of the sound before the stop can land
    # just after `at_prompt`. That they are the sound before the stop and nothing after
    # it, the exact comparison below checks; here: silence from PROMPT_SETTLE_S on.
    loud = np.flatnonzero(waiting[int(PROMPT_SETTLE_S * RATE):])
    assert len(waiting) > 1.5 * RATE and not len(loud), (
        f"sound while waiting at the reflection, from "
        f"{(loud[0] / RATE + PROMPT_SETTLE_S) * 1000 if len(loud) else 0:.0f} ms after the prompt")
    assert process.stdin is not None
    process.stdin.write("\n")
    process.stdin.close()
    process.wait(timeout=120)
    watcher.join(timeout=10)
    err = err_path.read_text(encoding="utf-8")
    heard = trim_silence(capture.stop())
    assert process.returncode == 0, err
    assert_quiet(err)
    assert "Finished" in "".join(lines)

    first = int(np.flatnonzero(rendered)[0])
    before = stop_at - first
    # Up to the reflection: exactly the render. Then only silence, for as long as the
    # listener took. Then exactly the rest of the render, from the reflection on.
    assert np.array_equal(heard[:before], rendered[first:stop_at])
    rest = trim_silence(rendered[stop_at:])
    silence = len(heard) - before - len(rest)
    assert silence > 2 * RATE
    assert not heard[before:before + silence].any()
    assert np.array_equal(heard[before + silence:], rest)


def test_no_sound_device_at_all_is_said_plainly_and_play_goes_on_silently(
    tmp_path: Path,
) -> None:
    """No sound server answers and ALSA has no card: say so, without guessing why."""
    script = tmp_path / "short.session.md"
    script.write_text('+++\nid = "short"\ntitle = "Short"\n+++\n\n[pause 1s]\n', encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default {\n  type hw\n  card 7\n}\n", encoding="utf-8")
    env = cli_env_without_server(tmp_path, home)
    played = run_cli(["play", str(script)], env, timeout=120)
    assert played.returncode == 0, played.stderr
    assert_quiet(played.stderr)
    assert "unplugged" not in played.stderr
    assert played.stderr.splitlines() == [
        "mit-desktop: No sound device was found on this computer. Playback continues "
        "silently; the captions still advance. Once speakers or headphones are connected, "
        "choose them with --device (`mit-desktop devices` lists them)."
    ]
    assert "Finished" in played.stdout


def cli_env_without_server(tmp_path: Path, home: Path) -> dict[str, str]:
    import os

    env = dict(os.environ)
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(home), PULSE_SERVER=f"unix:{home}/none",
               MIT_DESKTOP_DATA_DIR=str(tmp_path / "data"))
    for key in ("MIT_AUDIO_BACKEND", "MIT_DESKTOP_KEEP_STDERR"):
        env.pop(key, None)
    return env


@pytest.mark.slow
def test_a_sink_removed_mid_play_is_said_plainly_and_the_terminal_stays_quiet(
    pulse, tmp_path: Path
) -> None:
    """PortAudio and ALSA print their own complaints when the device goes: not to the user."""
    script = write_tone_session(tmp_path / "tone", 6)
    env = cli_env(pulse, tmp_path)
    assert run_cli(["timeline", str(script)], env).returncode == 0
    capture = Capture(pulse).start()
    process = subprocess.Popen(
        [sys.executable, "-m", "mit_desktop", "play", str(script)], env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=raised,
    )
    deadline = time.monotonic() + 60
    while find_sound(capture.samples(), RATE).length_ms < 2000:  # two seconds heard
        assert time.monotonic() < deadline and process.poll() is None, "no sound"
        time.sleep(0.1)
    pulse.pactl("unload-module", "module-null-sink")
    capture.stop()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert_quiet(err)
    [line] = err.splitlines()
    assert line.startswith("mit-desktop: The sound device stopped playing at 0:0")
    assert "Playback continues silently; the captions still advance." in line
    assert "Finished (0:06)." in out


def test_a_gap_is_the_machines_only_beside_a_stall_longer_than_the_stream_holds() -> None:
    probe = StallProbe()
    probe.stalls = [(100.0, 90.0), (200.0, 30.0)]  # (monotonic s, ms late)
    assert probe.explains(100.3)  # heard 0.3 s after a 90 ms stall
    assert not probe.explains(100.7)  # too long after it
    assert not probe.explains(99.8)  # before it
    assert not probe.explains(200.1)  # a 30 ms stall: the stream rides that out


def test_a_play_is_played_again_only_when_the_machine_explains_every_gap() -> None:
    probe = StallProbe()
    probe.stalls = [(10.0, 95.0)]

    def plays(*attempts: Attempt) -> Callable[[], Attempt]:
        queue = list(attempts)
        return lambda: queue.pop(0)

    clean = Attempt([], probe, "", "clean")
    with pytest.warns(UserWarning, match="first report"):
        judged = once_more_if_the_machine_stalled(
            plays(Attempt([10.2], probe, "first report", "gap"), clean))
    assert judged.result == "clean"
    assert once_more_if_the_machine_stalled(  # one gap with no stall: judged as it is
        plays(Attempt([10.2, 50.0], probe, "", "gaps"), clean)).result == "gaps"
    assert once_more_if_the_machine_stalled(plays(clean)).result == "clean"
    again = Attempt([10.3], probe, "", "gap again")
    with pytest.warns(UserWarning):  # the second play is judged, whatever it found
        assert once_more_if_the_machine_stalled(
            plays(Attempt([10.2], probe, "", "gap"), again)).result == "gap again"
