"""Playback through a real sound server (issue 10), each figure beside `paplay` in the same run.

A private PulseAudio server with a null sink (22,050 Hz) plays and records in real time
(tests/realtime/pulse.py); the player uses the default `stream` output (PortAudio).
Times are wall-clock, from the call to the moment the server's monitor delivered the
first (or last) loud sample; the recorder adds the same few ms to the player and to
`paplay`.

- play.pulse_first_sound_cached_ms: `bam`, speech cached, opened in a fresh process (as
  its page is shown), Play pressed a second later -> first sound. Baseline: `paplay` of
  the same session rendered to a WAV, spawn -> first sound. Median of 5.
- play.pulse_pause_to_silence_ms: playing a tone, pause() -> last sound. Baseline: paplay
  killed (SIGKILL) -> last sound: how fast the server itself goes quiet. Median of 5.
- play.pulse_resume_to_sound_ms: paused a second, play() -> first sound. Baseline: paplay
  spawn -> first sound. Median of 5.
- play.pulse_cpu_percent: CPU time (user + system, all threads) of a process playing `bam`
  (cached; measured once its timeline is built, so it is playing, not preparing), over
  30 s of wall time, as % of one core; median of 3 runs (each in `runs`), since other
  work on a shared machine moves one run by a few tenths. A run in which the player
  stopped (a device error) is not counted; `invalid_runs` says how many were dropped.
  Baseline: paplay of the rendered WAV for the same 30 s, in the same run.
- play.pulse_dropouts_20min_loaded: `nesting-doll` (about 22 minutes) hands-free, speech
  cached, while two processes keep both cores busy: the breaks a listener hears in what
  the server received, to the end of the session, plus one for a session that did not
  finish. A fault (`faults_in`) is a silence of 4 ms or more put in where the render has
  sound, or a place where samples were lost or changed; faults less than 0.1 s apart are
  one break (`breaks_in`: a stream that ran dry is silent, then skips the few ms that
  came late, two faults and one break). The record lists each fault (`faults`: where,
  what, how long, and whether the machine itself stalled beside it) and `fault_count`.
  Baseline: `paplay` of the rendered WAV to a second null sink at the same time, counted
  the same way. This one takes the session's length in real time (and the render, once,
  before): `make bench ONLY=pulse` runs it; BENCH_PULSE_SESSION=bam tries it with a short
  session (then named play.pulse_dropouts_loaded_bam).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tests.realtime.pulse import (
    Capture,
    Fault,
    PulseServer,
    StallProbe,
    breaks_in,
    busy_cores,
    faults_in,
    first_sound,
    raised,
)

log = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parent.parent
RATE = 22_050
REPEATS = 5
CPU_SECONDS = 30.0
CPU_RUNS = 3
SHORT_SESSION = "bam"
LONG_SESSION = "nesting-doll"

_CHILD = r"""
import json, os, resource, sys, time
what, session_id, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
from mit_desktop.content.library import find_session
from mit_desktop.playback import events as ev
from mit_desktop.playback.output import create_backend
from mit_desktop.playback.player import Player
from mit_desktop.render.engine import Engine
from mit_desktop.session.timeline import ListeningSettings
player = Player(Engine(), create_backend("stream"))
errors = []
player.events.error.connect(lambda e: errors.append(f"{e.kind}: {e.detail or e.message}"))
player.open(find_session(session_id), ListeningSettings())
time.sleep(1.0)  # the listener reads the session's page before pressing Play
started = time.monotonic()
player.play()
if what == "first":
    time.sleep(2.0)
elif what == "cpu":
    player.wait_rendered(600)  # playing, not preparing: the whole timeline is built
    time.sleep(1.0)
    usage0, wall0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    time.sleep(seconds)
    usage1, wall1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    cpu = (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    print(json.dumps({"cpu_percent": cpu / (wall1 - wall0) * 100,
                      "playing": player.state == "playing"}), flush=True)
else:
    player.wait_state((ev.FINISHED,), seconds)
player.close()
print(json.dumps({"play_s": started, "state": player.state, "errors": errors}), flush=True)
"""


def _child(server: PulseServer, env: dict[str, str], what: str, session_id: str,
           seconds: float = 0.0) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, what, session_id, str(seconds)],
        capture_output=True, text=True, check=True, cwd=REPO, timeout=3600,
        env=dict(env, PULSE_SERVER=server.env["PULSE_SERVER"]),
        preexec_fn=raised,  # level with the recorder and the busy processes (as root)
    )
    result: dict = {}
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            result.update(json.loads(line))
    return result


def _first_sound_s(capture: Capture, after_sample: int = 0) -> float:
    samples = capture.samples()
    loud = np.flatnonzero(np.abs(samples[after_sample:].astype(np.int32)) >= 64)
    if not len(loud):
        raise RuntimeError("nothing was heard")
    return capture.time_of(after_sample + int(loud[0]))


def _last_sound_s(capture: Capture) -> float:
    samples = capture.samples()
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) >= 64)
    if not len(loud):
        raise RuntimeError("nothing was heard")
    return capture.time_of(int(loud[-1]))


def _paplay(server: PulseServer, wav: Path) -> subprocess.Popen:
    return subprocess.Popen(
        ["paplay", "--device=cap", str(wav)], env=dict(os.environ, **server.env),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _paplay_first_sound_ms(server: PulseServer, wav: Path) -> float:
    capture = Capture(server).start()
    try:
        time.sleep(0.3)
        started = time.monotonic()
        process = _paplay(server, wav)
        time.sleep(2.0)
        process.kill()
        process.wait(10)
        return (_first_sound_s(capture) - started) * 1000
    finally:
        capture.stop()


def _paplay_kill_to_silence_ms(server: PulseServer, wav: Path) -> float:
    capture = Capture(server).start()
    try:
        process = _paplay(server, wav)
        time.sleep(1.5)
        killed = time.monotonic()
        process.kill()
        process.wait(10)
        time.sleep(0.5)
        return (_last_sound_s(capture) - killed) * 1000
    finally:
        capture.stop()


def _player_first_sound_ms(server: PulseServer, env: dict[str, str]) -> float:
    capture = Capture(server).start()
    try:
        result = _child(server, env, "first", SHORT_SESSION)
        return (_first_sound_s(capture) - result["play_s"]) * 1000
    finally:
        capture.stop()


def _pause_resume_ms(server: PulseServer, folder: Path) -> tuple[list[float], list[float]]:
    """In this process: a tone played, paused and resumed REPEATS times."""
    import soundfile as sf

    from mit_desktop.playback import events as ev
    from mit_desktop.playback.output import create_backend
    from mit_desktop.playback.player import Player
    from mit_desktop.render.engine import Engine
    from mit_desktop.session.parser import parse_session
    from mit_desktop.session.timeline import ListeningSettings

    os.environ["PULSE_SERVER"] = server.env["PULSE_SERVER"]
    t = np.arange(60 * RATE) / RATE
    (folder / "tone").mkdir()
    sf.write(str(folder / "tone" / "tone.wav"), 0.25 * np.sin(2 * np.pi * 440 * t), RATE,
             subtype="PCM_16")
    script = folder / "tone" / "tone.session.md"
    script.write_text('+++\nid = "tone"\ntitle = "Tone"\n+++\n\n[clip tone.wav]\n',
                      encoding="utf-8")
    session = parse_session(script)
    player = Player(Engine(), create_backend("stream"))
    player.open(session, ListeningSettings())
    assert player.wait_rendered(120)
    time.sleep(1.0)
    capture = Capture(server).start()
    pauses, resumes = [], []
    try:
        player.play()
        time.sleep(1.5)
        for _ in range(REPEATS):
            paused = time.monotonic()
            player.pause()
            player.wait_state((ev.PAUSED,), 5)
            time.sleep(1.0)
            pauses.append((_last_sound_s(capture) - paused) * 1000)
            at = capture.now_sample()
            resumed = time.monotonic()
            player.play()
            time.sleep(1.0)
            resumes.append((_first_sound_s(capture, at) - resumed) * 1000)
    finally:
        player.close()
        capture.stop()
    return pauses, resumes


def _process_cpu_s(pid: int) -> float:
    """CPU time of process `pid`, all its threads: nanoseconds from schedstat where the
    kernel keeps it, else clock ticks (10 ms: too coarse for paplay's few ms a minute)."""
    try:
        return sum(int((task / "schedstat").read_text().split()[0])
                   for task in Path(f"/proc/{pid}/task").iterdir()) / 1e9
    except (OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_record(server: PulseServer, env: dict[str, str], wav: Path) -> dict:
    """CPU while playing: the median of CPU_RUNS runs in which the player played the whole
    time (a device error pauses it, and a paused player costs nothing); a run in which it
    did not is logged, counted in the record's `invalid_runs` and run again (at most
    CPU_RUNS more)."""
    invalid: list[list[str]] = []
    runs: list[float] = []
    while len(runs) < CPU_RUNS and len(invalid) <= CPU_RUNS:
        result = _child(server, env, "cpu", SHORT_SESSION, CPU_SECONDS)
        if result.get("playing") and not result.get("errors"):
            runs.append(result["cpu_percent"])
            continue
        log.warning("CPU run not counted: the player was %s (%s)", result.get("state"),
                    "; ".join(result.get("errors", [])) or "no error")
        invalid.append(result.get("errors", []))
    if not runs:
        raise RuntimeError(f"the player stopped in every CPU run: {invalid}")
    record = _record("play.pulse_cpu_percent", statistics.median(runs), "%",
                     f"paplay of the rendered WAV, {CPU_SECONDS:.0f} s; ours the median "
                     f"of {len(runs)} runs", _paplay_cpu_percent(server, wav))
    record["runs"] = [round(run, 3) for run in runs]
    record["invalid_runs"] = len(invalid)
    return record


def _paplay_cpu_percent(server: PulseServer, wav: Path) -> float:
    process = _paplay(server, wav)
    try:
        time.sleep(1.0)
        cpu0, wall0 = _process_cpu_s(process.pid), time.monotonic()
        time.sleep(CPU_SECONDS)
        cpu1, wall1 = _process_cpu_s(process.pid), time.monotonic()
        return (cpu1 - cpu0) / (wall1 - wall0) * 100
    finally:
        process.kill()
        process.wait(10)


def _loaded_dropouts(server: PulseServer, env: dict[str, str], wav: Path) -> dict:
    """The long session played by the player (to the sink `cap`) and by `paplay` (to a
    second null sink `ref`) at the same time, both cores kept busy throughout: the same
    load for both, and the whole figure in one session's time (about 22 minutes)."""
    session_id = os.environ.get("BENCH_PULSE_SESSION", LONG_SESSION)
    expected = _render(session_id, env, wav)
    minutes = len(expected) / RATE / 60
    log.info("%s: %.1f minutes, played by the player and by paplay at once, both cores busy",
             session_id, minutes)
    loaded = server.pactl("load-module", "module-null-sink", "sink_name=ref",
                          f"rate={RATE}").stdout.strip()
    try:
        with busy_cores(2), StallProbe() as probe:
            ours_capture = Capture(server).start()
            theirs_capture = Capture(server, sink="ref").start()
            process = subprocess.Popen(
                ["paplay", "--device=ref", str(wav)], env=dict(os.environ, **server.env),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=raised)
            result = _child(server, env, "whole", session_id, len(expected) / RATE + 120)
            process.wait(120)
            time.sleep(0.5)
            heard, reference = ours_capture.stop(), theirs_capture.stop()
    finally:
        server.pactl("unload-module", loaded, check=False)
    ours_found = faults_in(heard, expected)
    theirs_found = faults_in(reference, expected, lost_head_ms=200)
    ours_when = _fault_times(ours_found, heard, ours_capture, probe)
    theirs_when = _fault_times(theirs_found, reference, theirs_capture, probe)
    log.info("player: %s; state %s. paplay: %s. %s", _faults_said(ours_when),
             result.get("state"), _faults_said(theirs_when), probe.summary())
    # Every break counts, to the end of the session: silence put in, and samples lost or
    # changed (the walk finds where the two agree again and goes on), faults under 0.1 s
    # apart as one; a session that did not finish counts once more. paplay's new stream
    # may lose its first few ms (not a fault): its walk starts where it was heard.
    ours, theirs = breaks_in(ours_found), breaks_in(theirs_found)
    if result.get("state") != "finished":
        ours += 1
    name = ("play.pulse_dropouts_20min_loaded" if session_id == LONG_SESSION
            else f"play.pulse_dropouts_loaded_{session_id}")
    record = _record(name, ours, "gaps",
                     f"paplay of the rendered WAV at the same time ({minutes:.1f} min), "
                     "both cores busy", theirs)
    record["fault_count"] = len(ours_found)
    record["baseline_fault_count"] = len(theirs_found)
    record["faults"] = ours_when
    record["baseline_faults"] = theirs_when
    record["machine_stalls_70ms_or_more"] = sum(late >= 70 for _t, late in probe.stalls)
    return record


def _fault_times(faults: list[Fault], recorded: np.ndarray, capture: Capture,
                 probe: StallProbe) -> list[dict]:
    """Each fault: where in the session (s), what, how long (ms), and whether the machine
    itself stalled beside it (`StallProbe.explains`: every process was off the CPU for
    longer than the stream holds)."""
    lead = first_sound(recorded)
    out = []
    for fault in faults:
        played_s = capture.time_of(lead + fault.at)
        out.append({"at_s": round(fault.at / RATE, 3), "kind": fault.kind,
                    "ms": round(fault.length * 1000 / RATE, 1) if fault.length >= 0 else None,
                    "machine_stalled_beside": probe.explains(played_s)})
    return out


def _faults_said(faults: list[dict]) -> str:
    if not faults:
        return "no fault"
    said = []
    for f in faults:
        length = "to the end" if f["ms"] is None else f"{f['ms']} ms"
        beside = ", the machine stalled beside it" if f["machine_stalled_beside"] else ""
        said.append(f"{f['kind']} at {f['at_s']:.1f} s ({length}{beside})")
    return f"{len(faults)} faults: " + ", ".join(said)


def _render(session_id: str, env: dict[str, str], out: Path) -> np.ndarray:
    import soundfile as sf

    subprocess.run([sys.executable, "-m", "mit_desktop", "render", session_id, "-o", str(out)],
                   env=env, cwd=REPO, check=True, capture_output=True, timeout=3600)
    data, rate = sf.read(str(out), dtype="int16")
    assert rate == RATE
    return data


def run() -> list[dict]:
    records: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(os.environ, MIT_DESKTOP_CACHE_DIR=str(folder / "cache"),
                   MIT_DESKTOP_DATA_DIR=str(folder / "data"), MIT_DESKTOP_KEEP_STDERR="")
        env.pop("MIT_AUDIO_BACKEND", None)
        os.environ["MIT_DESKTOP_CACHE_DIR"] = env["MIT_DESKTOP_CACHE_DIR"]
        short_wav, long_wav = folder / "short.wav", folder / "long.wav"
        short = _render(SHORT_SESSION, env, short_wav)  # also caches its speech
        server = PulseServer(folder / "pulse", rate=RATE).start()
        try:
            player_ms = statistics.median(_player_first_sound_ms(server, env)
                                          for _ in range(REPEATS))
            paplay_ms = statistics.median(_paplay_first_sound_ms(server, short_wav)
                                          for _ in range(REPEATS))
            records.append(_record("play.pulse_first_sound_cached_ms", player_ms, "ms",
                                   f"paplay of the same session's WAV, spawn -> first sound, "
                                   f"median of {REPEATS}", paplay_ms))
            pauses, resumes = _pause_resume_ms(server, folder)
            kill_ms = statistics.median(_paplay_kill_to_silence_ms(server, short_wav)
                                        for _ in range(REPEATS))
            records.append(_record("play.pulse_pause_to_silence_ms", statistics.median(pauses),
                                   "ms", f"paplay killed -> silence, median of {REPEATS}",
                                   kill_ms))
            records.append(_record("play.pulse_resume_to_sound_ms", statistics.median(resumes),
                                   "ms", f"paplay spawn -> first sound, median of {REPEATS}",
                                   paplay_ms))
            records.append(_cpu_record(server, env, short_wav))

            records.append(_loaded_dropouts(server, env, long_wav))
        finally:
            server.stop()
    del short
    return records


def _record(name: str, value: float, unit: str, baseline: str, baseline_value: float) -> dict:
    log.info("%s = %.3f %s (baseline %.3f: %s)", name, value, unit, baseline_value, baseline)
    return {"name": name, "value": float(value), "unit": unit, "baseline": baseline,
            "baseline_value": float(baseline_value)}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for r in run():
        print(r)
