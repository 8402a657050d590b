"""Keep the audio libraries' own messages off the terminal; they go to the log instead.

ALSA (``ALSA lib pcm.c:… underrun occurred``), JACK (``Cannot connect to server
socket``) and PortAudio (``Expression '…' failed in 'src/hostapi/alsa/…'``)
print to the process's standard error from C, often from their own threads,
when a device is probed, lost or suspended. None of it helps a listener.

:func:`route_native_stderr_to_log` points file descriptor 2 at a pipe whose
lines a daemon thread writes to the ``mit_desktop.native`` logger (INFO), and
gives Python a fresh ``sys.stderr`` on a copy of the original descriptor, so the
program's own messages (and tracebacks, which never should reach a user anyway)
still reach the terminal. It is called when the stream output first loads the
audio library. Set ``MIT_DESKTOP_KEEP_STDERR=1`` to keep the raw messages on the
terminal (the tests set it: pytest captures descriptor 2 itself).
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading

log = logging.getLogger("mit_desktop.native")

KEEP_ENV = "MIT_DESKTOP_KEEP_STDERR"
_installed = False
_lock = threading.Lock()


def route_native_stderr_to_log() -> bool:
    """Send what C libraries write to descriptor 2 into the log. True if it is (now) routed."""
    global _installed
    with _lock:
        if _installed:
            return True
        if os.environ.get(KEEP_ENV):
            return False
        try:
            sys.stderr.flush()
            saved = os.dup(2)
            read_fd, write_fd = os.pipe()
            os.dup2(write_fd, 2)
            os.close(write_fd)
        except OSError as exc:
            log.debug("native stderr stays on the terminal: %s", exc)
            return False
        old = sys.stderr
        encoding = getattr(old, "encoding", None) or "utf-8"
        new = io.TextIOWrapper(
            io.FileIO(saved, "w", closefd=True), encoding=encoding, errors="backslashreplace",
            line_buffering=True, write_through=True,
        )
        sys.stderr = new
        for handler in _stream_handlers():
            if handler.stream is old or handler.stream is sys.__stderr__:
                handler.setStream(new)
        thread = threading.Thread(target=_pump, args=(read_fd,), name="native-stderr",
                                  daemon=True)
        thread.start()
        _installed = True
        return True


def _stream_handlers() -> list[logging.StreamHandler]:
    loggers = [logging.getLogger(), *(
        logger for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    )]
    return [h for logger in loggers for h in logger.handlers
            if type(h) is logging.StreamHandler]


def _pump(read_fd: int) -> None:
    with open(read_fd, "rb", buffering=0, closefd=True) as pipe:
        pending = b""
        while True:
            try:
                data = pipe.read(4096)
            except OSError:
                return
            if not data:
                return
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                text = line.decode("utf-8", "replace").rstrip()
                if text:
                    log.info("%s", text)
