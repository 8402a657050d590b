"""A private PulseAudio server with a null sink, and a recorder of what it plays.

Used by the real-time playback tests and benchmarks (../shared/testing/pulse-capture.md).
The server runs in a temporary folder with no sound card, no systemd and no
user session; its null sink `cap` consumes audio in real time like a card, and
`Capture` records the sink's monitor with the wall-clock time each chunk arrived,
so a test can find gaps (runs of silence), durations and latencies.

Everything a client needs to reach the server is in `PulseServer.env` (a
`PULSE_SERVER` socket path, and a HOME whose `.asoundrc` routes ALSA's default
device to the server); `PulseServer.apply()` sets it in this process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SINK = "cap"
CAPTURE_RATE = 44_100
ASOUNDRC = "pcm.!default { type pulse }\nctl.!default { type pulse }\n"
PACKAGES = "pulseaudio pulseaudio-utils libasound2-plugins"


#: The niceness the real-time tests' own processes run at, when allowed (root, as in CI):
#: raised together above a shared machine's other work, so that work does not decide the
#: result, while the busy processes of the loaded tests compete at the player's own level.
TEST_NICE = -5


def _die_with_parent() -> None:
    """In the child, before exec: end it if the test process dies (no orphans left running)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def raised() -> None:
    """In the child, before exec: die with the parent, and run at TEST_NICE if allowed."""
    _die_with_parent()
    try:
        os.setpriority(os.PRIO_PROCESS, 0, TEST_NICE)
    except OSError:
        pass  # not root: the inherited niceness


class PulseUnavailable(RuntimeError):
    """The private server could not be started; the message says why and what to install."""


@dataclass
class PulseServer:
    """`start()` launches `pulseaudio` in `folder`; `stop()` ends it (by its own PID)."""

    folder: Path
    rate: int = CAPTURE_RATE
    process: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def socket(self) -> Path:
        return self.folder / "run" / "native"

    @property
    def log_path(self) -> Path:
        return self.folder / "pa.log"

    def start(self, timeout_s: float = 15.0) -> PulseServer:
        missing = [tool for tool in ("pulseaudio", "pactl", "parec") if not shutil.which(tool)]
        if missing:
            raise PulseUnavailable(
                f"{', '.join(missing)} not found: install the Debian packages {PACKAGES} "
                "(scripts/ensure-system-packages.sh does, as root)"
            )
        run = self.folder / "run"
        run.mkdir(parents=True, exist_ok=True)
        run.chmod(0o700)
        (self.folder / ".asoundrc").write_text(ASOUNDRC, encoding="utf-8")
        self.env = {
            "HOME": str(self.folder),
            "XDG_RUNTIME_DIR": str(run),
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_RUNTIME_PATH": str(run),
        }
        server_env = dict(os.environ, **self.env)
        server_env.pop("PULSE_SERVER")
        self.process = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "--use-pid-file=no",
                "--system=no",
                f"--log-target=file:{self.log_path}",
                "-L",
                f"module-null-sink sink_name={SINK} rate={self.rate}",
                "-L",
                f"module-native-protocol-unix auth-anonymous=1 socket={self.socket}",
            ],
            env=server_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.folder,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PulseUnavailable(
                    f"pulseaudio exited with code {self.process.returncode}: {self._log_tail()}"
                )
            if self.pactl("info", check=False).returncode == 0:
                self.pactl("set-default-sink", SINK)
                return self
            time.sleep(0.05)
        self.stop()
        raise PulseUnavailable(f"pulseaudio did not answer in {timeout_s:.0f} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").splitlines()[-5:])
        except OSError:
            return "(no log)"

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["pactl", *args],
            env=dict(os.environ, **self.env),
            capture_output=True,
            text=True,
            timeout=10,
            check=check,
            stdin=subprocess.DEVNULL,
        )

    def sink_present(self) -> bool:
        done = self.pactl("list", "short", "sinks", check=False)
        return done.returncode == 0 and any(
            line.split("\t")[1:2] == [SINK] for line in done.stdout.splitlines()
        )

    def ensure_sink(self) -> None:
        """Load the null sink again (after a test unloaded it) and make it the default."""
        if not self.sink_present():
            self.pactl("load-module", "module-null-sink", f"sink_name={SINK}", f"rate={self.rate}")
        self.pactl("suspend-sink", SINK, "0")
        self.pactl("set-default-sink", SINK)

    @contextlib.contextmanager
    def extra_sink(self, name: str, description: str) -> Iterator[str]:
        """A second null sink `name` described as `description` (as a card's output is),
        removed on exit; the default sink stays `cap`."""
        loaded = self.pactl("load-module", "module-null-sink", f"sink_name={name}",
                            f"rate={self.rate}",
                            f"sink_properties='device.description=\"{description}\"'")
        module = loaded.stdout.strip()
        try:
            yield name
        finally:
            self.pactl("unload-module", module, check=False)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def apply(self) -> None:
        """Make this process's audio clients (libpulse, ALSA's default) use this server."""
        os.environ.update(self.env)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def kill(self) -> None:
        """End the server abruptly (as a crash would); `start()` brings a new one up."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            self.process = None


class Capture:
    """Records the null sink's monitor (mono int16 at the sink's rate) with arrival times.

    `chunks` holds (monotonic time the chunk arrived, index of its first sample);
    `time_of(sample)` maps a capture sample to the wall time it was played, within
    the recorder's latency (a few ms).
    """

    def __init__(self, server: PulseServer, latency_ms: int = 10, sink: str = SINK) -> None:
        self.server = server
        self.sink = sink
        self.rate = server.rate
        self._latency_ms = latency_ms
        self._data = bytearray()
        self._chunks: list[tuple[float, int]] = []
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Capture:
        self._process = subprocess.Popen(
            [
                "parec",
                f"--device={self.sink}.monitor",
                f"--rate={self.rate}",
                "--channels=1",
                "--format=s16le",
                "--raw",
                f"--latency-msec={self._latency_ms}",
            ],
            env=dict(os.environ, **self.server.env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            preexec_fn=raised,
        )
        self._thread = threading.Thread(target=self._read, name="pulse-capture", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._chunks and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self._chunks:
            self.stop()
            raise PulseUnavailable("parec recorded nothing from the null sink's monitor")
        return self

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        stream = self._process.stdout
        odd = b""
        while True:
            data = stream.read(4096)
            if not data:
                return
            now = time.monotonic()
            data = odd + data
            keep = len(data) - len(data) % 2
            odd = data[keep:]
            with self._lock:
                self._chunks.append((now, len(self._data) // 2))
                self._data += data[:keep]

    def stop(self) -> np.ndarray:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if self._thread is not None:
            self._thread.join(5)
        return self.samples()

    def samples(self) -> np.ndarray:
        with self._lock:
            return np.frombuffer(bytes(self._data), dtype="<i2").copy()

    def now_sample(self) -> int:
        with self._lock:
            return len(self._data) // 2

    def time_of(self, sample: int) -> float:
        """Monotonic time at which capture sample `sample` was played (end of its chunk)."""
        with self._lock:
            chunks = list(self._chunks)
            total = len(self._data) // 2
        for (t, start), nxt in zip(chunks, [*chunks[1:], (None, total)]):
            if start <= sample < nxt[1]:
                return t - (nxt[1] - 1 - sample) / self.rate
        raise ValueError(f"sample {sample} is not in the capture")


def loud_windows(samples: np.ndarray, rate: int, window_ms: int = 2, threshold: int = 64) -> np.ndarray:
    """One bool per `window_ms` window: does any sample's magnitude reach `threshold`?"""
    n = rate * window_ms // 1000
    usable = len(samples) // n * n
    windows = np.abs(samples[:usable].astype(np.int32)).reshape(-1, n)
    return windows.max(axis=1) >= threshold


@dataclass(frozen=True)
class Sound:
    """Where a capture is loud: first and last loud window (ms from the capture's start)
    and every run of quiet windows between them of at least the minimum gap."""

    first_ms: int | None
    last_ms: int | None
    gaps: list[tuple[int, int]]  # (start, length) in ms from the capture's start

    @property
    def length_ms(self) -> int:
        return 0 if self.first_ms is None or self.last_ms is None else self.last_ms - self.first_ms


def find_sound(samples: np.ndarray, rate: int, min_gap_ms: int = 4, window_ms: int = 2,
               threshold: int = 64) -> Sound:
    """First and last sound, and the silent runs (>= `min_gap_ms`) between them."""
    loud = loud_windows(samples, rate, window_ms, threshold)
    idx = np.flatnonzero(loud)
    if len(idx) == 0:
        return Sound(None, None, [])
    first, last = int(idx[0]), int(idx[-1])
    inner = loud[first : last + 1]
    changes = np.flatnonzero(np.diff(inner.astype(np.int8)))
    gaps = []
    for start, stop in zip(changes[inner[changes] == 1] + 1,
                           changes[inner[changes] == 0] + 1, strict=False):
        length = int(stop - start) * window_ms
        if length >= min_gap_ms:
            gaps.append(((first + int(start)) * window_ms, length))
    return Sound(first * window_ms, (last + 1) * window_ms, gaps)


def trim_silence(samples: np.ndarray) -> np.ndarray:
    """`samples` from the first to the last non-zero sample."""
    nonzero = np.flatnonzero(samples)
    return samples[nonzero[0] : nonzero[-1] + 1] if len(nonzero) else samples[:0]


def first_sound(samples: np.ndarray) -> int:
    """The first non-zero sample of `samples` (0 if none): where `trim_silence`'s sample 0
    is in the recording, so a place found in the trimmed capture can be timed there."""
    nonzero = np.flatnonzero(samples)
    return int(nonzero[0]) if len(nonzero) else 0


_PROBE = r"""
import sys, time
interval, limit = 0.001, float(sys.argv[1])
while True:
    before = time.monotonic()
    time.sleep(interval)
    late = time.monotonic() - before - interval
    if late >= limit:
        print(f"{before + interval:.4f} {late * 1000:.1f}", flush=True)
"""


#: A wake-up this late means the machine held every process at the tests' priority off the
#: CPU for longer than the stream holds for the listener (at least 50-58 ms while a tone
#: played, the stream's table in mit_desktop/playback/output/stream.py), so a gap beside it
#: is the machine's, not the player's.
MACHINE_STALL_MS = 60


class StallProbe:
    """What the shared machine did to a real-time test: a process at the tests' own niceness
    asks to wake every millisecond and records each wake-up `min_late_ms` or more late.

    A wake-up later than what the stream holds (about 65-90 ms) means any process at that priority
    could have been kept off the CPU long enough to drop out, whatever the player does.
    `near(t)` lists the stalls around a moment (monotonic s); `summary()` says it in words.
    """

    def __init__(self, min_late_ms: float = 20.0) -> None:
        self.min_late_ms = min_late_ms
        self._process: subprocess.Popen | None = None
        self._started = 0.0
        self._stopped = 0.0
        self.stalls: list[tuple[float, float]] = []  # (monotonic s it should have woken, ms late)
        self._load = (0.0, 0.0, 0.0)

    def __enter__(self) -> StallProbe:
        self._started = time.monotonic()
        self._process = subprocess.Popen(
            [sys.executable, "-c", _PROBE, str(self.min_late_ms / 1000)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, preexec_fn=raised,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped = time.monotonic()
        self._load = os.getloadavg()
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        out, _ = process.communicate(timeout=10)
        for line in out.splitlines():
            at, late = line.split()
            self.stalls.append((float(at), float(late)))

    def near(self, at_s: float, within_s: float = 0.5) -> list[tuple[float, float]]:
        return [(t, late) for t, late in self.stalls if abs(t - at_s) <= within_s]

    def explains(self, at_s: float) -> bool:
        """True if the machine stalled `MACHINE_STALL_MS` or more in the 0.5 s before the
        moment `at_s` (monotonic s) was played, or just after: every process at the tests'
        priority was off the CPU for longer than the stream holds, whatever the player did."""
        return any(late >= MACHINE_STALL_MS and -0.5 <= t - at_s <= 0.1
                   for t, late in self.stalls)

    def summary(self) -> str:
        worst = max((late for _t, late in self.stalls), default=0.0)
        return (f"the machine, measured beside it for {self._stopped - self._started:.0f} s: "
                f"{len(self.stalls)} wake-ups {self.min_late_ms:.0f} ms or more late (worst "
                f"{worst:.0f} ms), {sum(late >= 70 for _t, late in self.stalls)} of them "
                f"70 ms or more; load average {self._load[0]:.1f} on {os.cpu_count()} cores")


RENDER_RATE = 22_050  # the sessions' sample rate (and the tests' sink's)
#: A dropout: a run of silence of at least this many samples (4 ms at 22,050 Hz) put in
#: where the render's own silence is shorter (the issue's definition, against the render).
DROPOUT_SAMPLES = 88


@dataclass(frozen=True)
class Inserted:
    """Silence put into what was heard: at heard sample `at` (of the trimmed capture),
    `length` samples more than the render has there, in a silent run of `run` samples
    where the render's own run is `own` samples."""

    at: int
    length: int
    run: int
    own: int

    @property
    def is_dropout(self) -> bool:
        return self.run >= DROPOUT_SAMPLES and self.own < DROPOUT_SAMPLES


@dataclass(frozen=True)
class Comparison:
    """What was heard against the render: the silences put in, and where (heard sample of
    the trimmed capture) the two first differ otherwise (None: nowhere). `head_lost`: how
    many of the render's first samples were never heard (at most `lost_head_ms`)."""

    inserted: list[Inserted]
    unexplained_at: int | None
    head_lost: int = 0

    @property
    def dropouts(self) -> list[Inserted]:
        return [i for i in self.inserted if i.is_dropout]

    @property
    def exact(self) -> bool:
        return not self.inserted and self.unexplained_at is None


def compare_with_render(heard: np.ndarray, expected: np.ndarray,
                        lost_head_ms: int = 0) -> Comparison:
    """Compare what the server got with the render, both trimmed to their first and last sound.

    A player that falls behind makes the device play silence and then goes on with the
    very next sample (nothing is lost, through PortAudio or `paplay`), so what is heard
    is the render with runs of zeros put in. Walking both: at each difference the zeros
    `heard` has beyond the render's are an insertion. A difference that is not one
    (samples lost or changed) ends the walk: everything after it is out of step.
    `lost_head_ms` allows for a stream that lost up to that much of its start (as a new
    PulseAudio stream, such as `paplay`'s, does): the walk starts where it was heard.
    """
    heard, expected = trim_silence(heard), trim_silence(expected)
    a = b = 0
    probe = heard[:1000]
    for offset in range(lost_head_ms * RENDER_RATE // 1000 + 1):
        if np.array_equal(expected[offset:offset + len(probe)], probe):
            b = offset
            break
    head_lost = b
    found: list[Inserted] = []
    while True:
        n = min(len(heard) - a, len(expected) - b)
        differ = np.flatnonzero(heard[a:a + n] != expected[b:b + n])
        if not len(differ):
            same_end = len(heard) - a == len(expected) - b
            return Comparison(found, None if same_end else a + n, head_lost)
        a, b = a + int(differ[0]), b + int(differ[0])
        start = a
        while start > 0 and heard[start - 1] == 0:
            start -= 1
        loud_h, loud_e = np.flatnonzero(heard[a:]), np.flatnonzero(expected[b:])
        if heard[a] != 0 or not len(loud_h) or not len(loud_e):
            return Comparison(found, a, head_lost)
        a2, b2 = a + int(loud_h[0]), b + int(loud_e[0])
        inserted = (a2 - a) - (b2 - b)
        if inserted <= 0:
            return Comparison(found, a, head_lost)
        found.append(Inserted(a, inserted, a2 - start, b2 - (b - (a - start))))
        a, b = a2, b2


#: After a difference, how far from where the render was the walk looks for the two to
#: agree again (`faults_in`), and how much sound must agree (0.1 s at 22,050 Hz).
RESYNC_SEARCH_S = 10
RESYNC_SAMPLES = 2_205


@dataclass(frozen=True)
class Fault:
    """One fault in a recording: at heard sample `at` (of the trimmed capture), a
    "dropout" (silence put in where the render has sound, `length` samples) or a
    "difference" (samples lost or changed; `length` is how far the render is ahead of the
    heard where the two agree again, -1 if they never do: the walk ended there)."""

    at: int
    kind: str
    length: int


def faults_in(heard: np.ndarray, expected: np.ndarray, lost_head_ms: int = 0) -> list[Fault]:
    """Every fault in `heard` against the render, to the end of a long recording.

    `compare_with_render` stops at the first difference that is not silence put in (a
    PulseAudio stream that ran dry skips what arrives late, so after a long gap samples
    are lost). Here the walk goes on: it takes the next `RESYNC_SAMPLES` of sound heard
    after the difference, finds them in the render within `RESYNC_SEARCH_S` of where the
    render was, and compares on from there. Silences put in that are not dropouts
    (`Inserted.is_dropout`) are not faults.
    """
    heard, expected = trim_silence(heard), trim_silence(expected)
    faults: list[Fault] = []
    a0 = b0 = 0
    head_ms = lost_head_ms
    while True:
        found = compare_with_render(heard[a0:], expected[b0:], head_ms)
        head_ms = 0
        faults += [Fault(a0 + i.at, "dropout", i.length) for i in found.dropouts]
        if found.unexplained_at is None:
            return faults
        at = a0 + found.unexplained_at
        where = (b0 + found.head_lost + found.unexplained_at
                 - sum(i.length for i in found.inserted))
        again = _agree_again(heard, expected, at, where)
        if again is None:
            faults.append(Fault(at, "difference", -1))
            return faults
        a0, b0 = again
        faults.append(Fault(at, "difference", (b0 - where) - (a0 - at)))


#: Faults closer than this (from the end of one to the start of the next) are one break.
BREAK_GAP_S = 0.1


def breaks_in(faults: list[Fault]) -> int:
    """How many breaks a listener hears: runs of `faults` (in order) less than
    BREAK_GAP_S apart count once. A difference that never agrees again (length -1) ends
    the list, so nothing follows it."""
    breaks, end = 0, None
    for fault in faults:
        if end is None or fault.at - end >= BREAK_GAP_S * RENDER_RATE:
            breaks += 1
        end = fault.at + (fault.length if fault.kind == "dropout" else 0)
    return breaks


def _agree_again(heard: np.ndarray, expected: np.ndarray, at: int,
                 where: int) -> tuple[int, int] | None:
    """(heard, render) sample where the next sound heard after `at` is found in the
    render near `where` (see `faults_in`), or None."""
    loud = np.flatnonzero(heard[at + 1:])
    if not len(loud):
        return None
    start = at + 1 + int(loud[0]) + RESYNC_SAMPLES // 2  # past the ragged edge of a gap
    window = heard[start:start + RESYNC_SAMPLES]
    if len(window) < RESYNC_SAMPLES or not np.any(window):
        return None
    reach = RESYNC_SEARCH_S * RENDER_RATE
    lo = max(0, where - reach)
    hi = min(len(expected) - RESYNC_SAMPLES, where + (start - at) + reach)
    if hi < lo:
        return None
    region = expected[lo:hi + 1]
    # match on the window's first sound, not its first sample: a zero would match every
    # silent sample of the region
    k = int(np.flatnonzero(window)[0])
    candidates = np.flatnonzero(region[k:] == window[k])
    for step in (1, 2, 3):
        if k + step >= RESYNC_SAMPLES:
            break
        candidates = candidates[candidates + k + step < len(region)]
        candidates = candidates[region[candidates + k + step] == window[k + step]]
    for offset in candidates:
        b = lo + int(offset)
        if np.array_equal(expected[b:b + RESYNC_SAMPLES], window):
            return start, b
    return None


@contextlib.contextmanager
def busy_cores(count: int = 2) -> Iterator[list[subprocess.Popen]]:
    """`count` processes that each keep one core busy (a tight loop), stopped on exit."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"],
                              stdin=subprocess.DEVNULL, preexec_fn=raised)
             for _ in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait(10)
