"""Practices prepared ahead, in a separate process at low priority.

Speech synthesis (Piper and onnxruntime: a few hundred MB) runs in a worker process,
``python -m mit_desktop.practice.prepare``, which builds each practice's timeline (so every
phrase it speaks is in the speech cache and every recording decoded), then keeps the cache
under its limit (render.cache_limit) without touching what the practices it was given
need, and exits: the memory goes back to the system, and the program that plays stays
small. The worker runs at nice 10, so the window and the sound never wait for it.

The worker reads one JSON document on standard input::

    {"jobs": [{"session": PATH_OR_ID, "settings": {...}}, ...], "prune": true}

and writes one line per event on standard output: ``progress JOB DONE TOTAL`` (sentences
of job JOB prepared), ``ready JOB``, ``failed JOB MESSAGE``, and ``pruned BYTES`` at the end.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from mit_desktop.session.timeline import ListeningSettings

log = logging.getLogger(__name__)

WORKER_NICE = 10


@dataclass(frozen=True)
class PrepareJob:
    """One practice to prepare: `session` is a script path or a session id."""

    session: str
    settings: ListeningSettings

    def to_json(self) -> dict[str, Any]:
        fields = {f.name: getattr(self.settings, f.name)
                  for f in dataclasses.fields(self.settings)}
        fields["variables"] = dict(self.settings.variables)
        return {"session": self.session, "settings": fields}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PrepareJob:
        fields = dict(raw["settings"])
        fields["variables"] = MappingProxyType(dict(fields.get("variables") or {}))
        return cls(str(raw["session"]), ListeningSettings(**fields))


class PrepareError(Exception):
    """A practice could not be prepared; the message says why in plain words."""


def percent(done: int, total: int) -> int:
    """Whole percent of `done` out of `total` (100 when there is nothing to do)."""
    return 100 if total <= 0 else min(100, done * 100 // total)


class Preparation:
    """One run of the worker for `jobs`. `on_progress(job_index, done, total)` and
    `on_ready(job_index)` are called from the thread that calls run()."""

    def __init__(self, jobs: Sequence[PrepareJob], prune: bool = True,
                 on_progress: Callable[[int, int, int], None] | None = None,
                 on_ready: Callable[[int], None] | None = None) -> None:
        self.jobs = list(jobs)
        self.prune = prune
        self.on_progress = on_progress
        self.on_ready = on_ready
        self.failures: dict[int, str] = {}
        self.ready: set[int] = set()
        self._process: subprocess.Popen[str] | None = None
        self._cancelled = False
        self._lock = threading.Lock()

    def run(self) -> None:
        """Run the worker to its end (or until cancel()). Failures of single practices are
        in `failures`; PrepareError if the worker could not run at all."""
        request = json.dumps({"jobs": [job.to_json() for job in self.jobs], "prune": self.prune})
        with self._lock:
            if self._cancelled:
                return
            try:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "mit_desktop.practice.prepare"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    text=True, encoding="utf-8")
            except OSError as exc:
                raise PrepareError(f"The practice could not be prepared ({exc.strerror}).") from None
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(request)
            process.stdin.close()
        except OSError:
            pass  # it ended already; its exit code says more
        for line in process.stdout:
            self._line(line.rstrip("\n"))
        code = process.wait()
        if code != 0 and not self._cancelled:
            raise PrepareError("Preparing the practice stopped unexpectedly; it will be "
                               "prepared while it plays.")

    def _line(self, line: str) -> None:
        kind, _, rest = line.partition(" ")
        try:
            if kind == "progress":
                index, done, total = (int(x) for x in rest.split())
                if self.on_progress:
                    self.on_progress(index, done, total)
            elif kind == "ready":
                self.ready.add(int(rest))
                if self.on_ready:
                    self.on_ready(int(rest))
            elif kind == "failed":
                failed, _, message = rest.partition(" ")
                self.failures[int(failed)] = message
        except ValueError:
            log.debug("unexpected line from the prepare worker: %r", line[:80])

    def cancel(self) -> None:
        """Stop the worker (what it finished stays in the cache)."""
        with self._lock:
            self._cancelled = True
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()


def missing_sentences(engine: Any, job: PrepareJob) -> int:
    """How many sentences of the practice are not in the speech cache yet (cheap: nothing
    is synthesised; an unknown session or voice counts as 1)."""
    from mit_desktop.content.library import find_session

    try:
        return engine.missing_sentences(find_session(job.session), job.settings)
    except Exception as exc:  # noqa: BLE001 - the worker reports it properly
        log.info("could not check %s: %s", job.session, exc)
        return 1


# -- the worker process ----------------------------------------------------------------------


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def worker_main() -> int:
    """The worker: prepare every job of the request on stdin, then keep the cache under its
    limit without removing what any of the jobs needs."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.umask(0o077)
    if hasattr(os, "nice"):
        try:
            os.nice(WORKER_NICE)
        except OSError:
            pass
    from mit_desktop import paths
    from mit_desktop.content.library import find_session
    from mit_desktop.render import cache_limit
    from mit_desktop.render.engine import Engine

    request = json.loads(sys.stdin.read() or "{}")
    jobs = [PrepareJob.from_json(raw) for raw in request.get("jobs", [])]
    engine = Engine()
    keep: set = set()
    for index, job in enumerate(jobs):
        try:
            session = find_session(job.session)
            builder = engine.builder(session, job.settings)
            total = builder.sentence_count()
            _say(f"progress {index} 0 {total}")

            def progress(done: int, total: int, i: int = index) -> None:
                _say(f"progress {i} {done} {total}")

            builder.build(progress)
            keep |= engine.needed_files(session, job.settings)
            _say(f"ready {index}")
        except Exception as exc:  # noqa: BLE001 - one practice failing does not stop the others
            _say(f"failed {index} {' '.join(str(exc).split())}")
    if request.get("prune", True):
        folder = paths.cache_dir()
        report = cache_limit.prune_cache(folder, cache_limit.load_limit_mb() * cache_limit.MB, keep)
        _say(f"pruned {report.removed_bytes}")
    return 0


if __name__ == "__main__":
    sys.exit(worker_main())
