"""Real-time scheduling for the threads that carry sound to the device, where allowed.

The sound server (PulseAudio, PipeWire) runs its own threads at real-time priority; a
client's threads run at normal priority unless it asks. Then any busy process, or a
burst of work after the machine was held up, can keep the client's sound thread off
the CPU for longer than the stream holds (65 ms asked), and the listener hears a gap.
So the stream's callback thread, and the PulseAudio client library's own thread that
carries the samples to the server (named ``threaded-ml``, present when ALSA's
PulseAudio plugin is used), ask for round-robin real-time priority `PRIORITY`, one
below PulseAudio's default for its own threads (5), and never inherited by children.

Linux allows this to root, and to users whose `RLIMIT_RTPRIO` permits it (members of
an "audio" group on many distributions); otherwise the threads keep normal priority,
which is said once in the log. (Asking RealtimeKit over D-Bus, as sound servers do for
their clients, is not done.) Elsewhere (macOS, Windows) the audio library's own threads
are already high priority, and nothing is done.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)

#: Round-robin real-time priority asked for (1 is lowest, PulseAudio's own threads use 5).
PRIORITY = 4
#: The PulseAudio client library's thread that carries samples to the server.
PULSE_CLIENT_THREAD = "threaded-ml"

_said = threading.Event()


def _policy() -> int | None:
    policy = getattr(os, "SCHED_RR", None)
    if policy is None or not hasattr(os, "sched_setscheduler"):
        return None
    return policy | getattr(os, "SCHED_RESET_ON_FORK", 0)


def make_realtime(thread_id: int = 0) -> bool:
    """Ask real-time priority for `thread_id` (0: the calling thread). True if granted.

    Never raises: refused or unsupported leaves the thread as it was (said once, in the log).
    """
    policy = _policy()
    if policy is None:
        return False
    try:
        os.sched_setscheduler(thread_id, policy, os.sched_param(PRIORITY))
    except OSError as exc:
        if not _said.is_set():
            _said.set()
            log.info("sound threads keep normal priority (real-time priority not allowed: %s)",
                     exc.strerror or exc)
        return False
    return True


def is_realtime(thread_id: int = 0) -> bool:
    """True if `thread_id` (0: the calling thread) runs round-robin real-time."""
    policy = _policy()
    if policy is None:
        return False
    try:
        return os.sched_getscheduler(thread_id) & ~getattr(os, "SCHED_RESET_ON_FORK", 0) == \
            os.SCHED_RR
    except OSError:
        return False


def threads_named(name: str) -> list[int]:
    """This process's thread ids whose name is `name` (Linux; [] elsewhere)."""
    found = []
    try:
        tasks = list(Path("/proc/self/task").iterdir())
    except OSError:
        return []
    for task in tasks:
        try:
            if (task / "comm").read_text(encoding="utf-8").strip() == name:
                found.append(int(task.name))
        except (OSError, ValueError):
            continue
    return found


def make_pulse_client_realtime() -> int:
    """Real-time priority for the PulseAudio client thread(s) of this process, where allowed.

    Returns how many threads now run real-time.
    """
    if _policy() is None:
        return 0
    return sum(make_realtime(tid) for tid in threads_named(PULSE_CLIENT_THREAD))
