"""Real-time priority for the sound threads (mit_desktop/playback/output/priority.py).

Granted where the system allows it (root, as in CI, or RLIMIT_RTPRIO); refused otherwise,
said once in the log, and nothing else changes. Each branch is checked in a process
that can take it: this one when root, a child that gave up root otherwise.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import threading

from mit_desktop.playback.output import priority


def _allowed() -> bool:
    """Whether this process may use round-robin real-time priority `PRIORITY`."""
    import resource

    soft = resource.getrlimit(resource.RLIMIT_RTPRIO)[0]
    return os.geteuid() == 0 or soft == resource.RLIM_INFINITY or soft >= priority.PRIORITY

CHILD = """
import logging, os, resource, threading
logging.basicConfig(level=logging.INFO, format="%(message)s")
from mit_desktop.playback.output import priority  # (imported while the files are readable)
if os.geteuid() == 0:
    resource.setrlimit(resource.RLIMIT_RTPRIO, (0, 0))
    os.setuid(65534)
got = []
thread = threading.Thread(target=lambda: got.append(priority.make_realtime()))
thread.start(); thread.join()
again = priority.make_realtime()
print("granted" if got[0] or again else "refused", priority.is_realtime())
"""


def test_a_sound_thread_is_made_real_time_when_the_system_allows_it() -> None:
    result: list[tuple[bool, bool]] = []

    def sound_thread() -> None:
        before = priority.is_realtime()
        granted = priority.make_realtime()
        result.append((before, granted and priority.is_realtime()))

    thread = threading.Thread(target=sound_thread)
    thread.start()
    thread.join()
    before, after = result[0]
    assert not before
    if not _allowed():
        assert not after
    if _allowed():
        assert after, "root may use SCHED_RR: the sound thread should have it"
    assert not priority.is_realtime()  # the calling thread only; this one is unchanged


def test_where_it_is_not_allowed_the_threads_keep_normal_priority_and_the_log_says_so() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          timeout=60, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["refused", "False"]
    said = [line for line in done.stderr.splitlines() if "normal priority" in line]
    assert len(said) == 1, done.stderr  # said once, however many threads ask
    assert "Traceback" not in done.stderr


def test_threads_are_found_by_name() -> None:
    ready, leave = threading.Event(), threading.Event()

    def named() -> None:  # the name the kernel knows (PR_SET_NAME), as C libraries set it
        ctypes.CDLL(None).prctl(15, b"mit-probe")
        ready.set()
        leave.wait(10)

    thread = threading.Thread(target=named)
    thread.start()
    ready.wait(10)
    try:
        assert thread.native_id in priority.threads_named("mit-probe")
        assert priority.threads_named("no-such-thread") == []
    finally:
        leave.set()
        thread.join()


def test_while_playing_through_pulseaudio_the_sound_threads_run_real_time(pulse) -> None:
    """The stream's callback thread and the PulseAudio client's thread, when allowed."""
    import time

    import numpy as np

    from mit_desktop.playback.output import create_backend

    backend = create_backend("stream")
    backend.open(22_050)
    try:
        backend.write(np.full(22_050, 3000, dtype="<i2"))
        time.sleep(0.4)  # past the stream's settling: the callback has run
        names = {}
        for tid in (int(task) for task in os.listdir("/proc/self/task")):
            if priority.is_realtime(tid):
                with open(f"/proc/self/task/{tid}/comm", encoding="utf-8") as comm:
                    names[tid] = comm.read().strip()
    finally:
        backend.close()
    if _allowed():
        assert priority.PULSE_CLIENT_THREAD in names.values(), names
        assert len(names) >= 2, names  # and the callback's thread (PortAudio's, unnamed)
    else:
        assert names == {}, names
