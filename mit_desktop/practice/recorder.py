# Over 400 lines: one state machine from player events to the store; its transitions read best together.
"""Records what a :class:`~mit_desktop.playback.player.Player` plays in the practice history.

Qt-free; the GUI and ``mit-desktop play`` both use it the same way::

    recorder = PracticeRecorder(player, store, profile.id)      # connects to player.events
    recorder.open(session, settings, start_ms)                  # instead of player.open(...)
    #   or recorder.resume(practice, session, settings) for an interrupted one
    player.play()
    ...
    recorder.stop()                                             # stop, closed durably on return
    player.close(); recorder.close()

What is written (one row per practice, see ``docs/history.md``):

- when playback starts (the player's state becomes ``playing`` or ``buffering``
  from ``idle``, ``stopped`` or ``finished``): ``start_practice`` with the
  session's id and content hash, the mode and the start position;
- at every checkpoint event (periodic every ~4 s, pause, reflection, seek,
  error): ``checkpoint`` with the heard position and the listened time;
- on ``finished``: ``finish_practice(completed=True)``; on a stop (or at
  :meth:`close` with a practice still open): ``finish_practice(completed=False)``
  — a partial practice, which still counts in the statistics;
  ``close(keep_open=True)`` instead leaves it in progress with a last
  checkpoint, to be offered for resume (the window closed mid-practice).

Playing again after a stop starts a new practice linked to the stopped one
(``resumed_from``): it adds minutes, not a second practice.

Listened time (``listened_ms``) is the sum of the position's forward moves
while playing that are no larger than the clock time they took (plus
:data:`SLACK_MS`): pauses, reflection stops and seeks add nothing.

Threads: the player's listeners run on its feeder thread and must not block,
so every store call is handed to ``submit`` — by default a
:class:`~mit_desktop.history.worker.StoreWorker` thread owned by the recorder;
the GUI passes its single database lane instead. The store must then be used
by nobody else while the recorder is open (or only through the same lane).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mit_desktop.history.errors import HistoryError, InvalidInputError, UnknownPracticeError
from mit_desktop.history.models import Practice, Profile
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.worker import OnError, StoreWorker
from mit_desktop.playback import events as ev

if TYPE_CHECKING:
    from mit_desktop.playback.player import Player
    from mit_desktop.session.model import Session
    from mit_desktop.session.timeline import ListeningSettings

log = logging.getLogger(__name__)

#: Name of the profile created when a data folder has none (a caregiver's own).
DEFAULT_PROFILE_NAME = "Me"
#: A forward move of the position this much larger than the clock time it took is a skip.
SLACK_MS = 300
_ACTIVE = (ev.PLAYING, ev.BUFFERING)

Submit = Callable[[Callable[[], object]], None]


class ProfileChoiceError(HistoryError):
    """Several profiles exist and none was named; ``names`` lists them."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(f"Several profiles are kept here ({', '.join(names)}); choose one.")


def choose_profile(store: HistoryStore, name: str | None = None) -> Profile:
    """The profile a practice is recorded for.

    ``name`` given: that profile (case-insensitive); if the data folder has no
    profile yet it is created as a caregiver's, otherwise an unknown name is an
    :class:`UnknownProfileError` (a typo must not split a client's history).
    No name: the only profile; :data:`DEFAULT_PROFILE_NAME` is created if there
    is none; :class:`ProfileChoiceError` if there are several.
    """
    profiles = store.list_profiles()
    if name is not None:
        if not profiles:
            return store.get_profile(store.create_profile(name, "caregiver"))
        return store.profile_by_name(name)
    if not profiles:
        log.info("no profile yet: creating %r", DEFAULT_PROFILE_NAME)
        return store.get_profile(store.create_profile(DEFAULT_PROFILE_NAME, "caregiver"))
    if len(profiles) == 1:
        return profiles[0]
    raise ProfileChoiceError([p.name for p in profiles])


def resume_offer(store: HistoryStore, profile_id: int, session_id: str | None = None
                 ) -> Practice | None:
    """The newest interrupted practice of the profile (of ``session_id`` if given), or None.

    An interrupted practice is one a killed process left open; offer to continue
    it from its ``position_ms`` with :meth:`PracticeRecorder.resume`, or close it
    with ``store.close_as_partial``.
    """
    for practice in store.interrupted_practices(profile_id):
        if session_id is None or practice.session_id == session_id:
            return practice
    return None


def settings_to_continue(practice: Practice, settings: ListeningSettings) -> ListeningSettings:
    """``settings`` for continuing ``practice``: at the speaking speed it was played at
    (when its row knows it), not the listener's usual one, since its ``position_ms`` is a
    place at that speed."""
    rate = practice.speech_rate
    if rate is None or abs(rate - settings.rate) < 1e-9 or not 0.5 <= rate <= 2.0:
        return settings
    return dataclasses.replace(settings, rate=rate)


@dataclass(frozen=True)
class _Expected:
    """What the recorder was told is about to play."""

    session_id: str
    session_sha256: str
    mode: str
    speech_rate: float | None = None


class _Run:
    """One practice while it is being recorded (fields guarded by the recorder's lock)."""

    def __init__(self, expected: _Expected, start_position_ms: int, resume_of: int | _Run | None
                 ) -> None:
        self.expected = expected
        self.start_position_ms = start_position_ms
        self.resume_of = resume_of
        self.practice_id: int | None = None  # set on the store's thread once written
        self.position_ms = start_position_ms
        self.listened_ms = 0
        self.checkpoint_queued = False
        self.closed = False  # finish queued


class PracticeRecorder:
    """Connects one player's events to the history of one profile (see module docstring).

    ``submit``: runs a store call on the store's thread (default: a worker owned
    by this recorder). ``on_error``: told of a store call that failed (on the
    store's thread); playback goes on regardless. Without it failures are logged.
    ``on_started``: called with the new practice's id on the store's thread right
    after its row is written (e.g. to record the "before" check-in in order).
    """

    def __init__(self, player: Player, store: HistoryStore, profile_id: int, *,
                 submit: Submit | None = None, on_error: OnError | None = None,
                 on_started: Callable[[int], object] | None = None) -> None:
        self.player = player
        self.store = store
        self.profile_id = profile_id
        self._on_error = on_error
        self._on_started = on_started
        self._worker: StoreWorker | None = None
        if submit is None:
            self._worker = StoreWorker()
            submit = self._worker.submit
        self._submit_raw = submit
        self._lock = threading.Lock()
        self._expected: _Expected | None = None
        self._next_resume_of: int | _Run | None = None
        self._run: _Run | None = None
        self._position_ms = 0
        self._last: tuple[int, str, float] | None = None  # position_ms, state, clock s
        self._ended = threading.Event()
        self._closed = False
        events = player.events
        self._slots: list[tuple[Any, Callable[[Any], object]]] = [
            (events.state, self._on_state),
            (events.position, self._on_position),
            (events.checkpoint, self._on_checkpoint),
            (events.finished, self._on_finished),
        ]
        for signal, slot in self._slots:
            signal.connect(slot)

    # ------------------------------------------------------------ front end

    def open(self, session: Session, settings: ListeningSettings, start_ms: int = 0,
             resume_of: int | None = None) -> None:
        """Open ``session`` in the player at ``start_ms``; record it once it plays.

        ``resume_of``: the id of an interrupted practice this one continues (it
        is closed as partial and linked when playback starts). A practice still
        open from an earlier session is closed as partial first.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the practice recorder is closed")
            job = self._finish_locked(completed=False)
            self._expected = _Expected(session.id, session.content_sha256, settings.mode,
                                       getattr(settings, "rate", None))
            self._next_resume_of = resume_of
            self._position_ms = start_ms
            self._last = None
        self._submit(job)
        self.player.open(session, settings, start_ms)

    def resume(self, practice: Practice, session: Session, settings: ListeningSettings) -> None:
        """Continue an interrupted ``practice`` of ``session`` from its last checkpoint.

        The session file may have changed since (``practice.session_hash``
        differs); playback still continues at the same position. It goes on at the
        speaking speed it was played at (``practice.speech_rate``, when known) whatever
        ``settings.rate`` says: its position is a place at that speed.
        """
        if practice.session_id != session.id:
            raise InvalidInputError(
                f"Practice {practice.id} was of {practice.session_id!r}, not {session.id!r}.")
        if practice.session_hash != session.content_sha256:
            log.info("session %s changed since practice %s", session.id, practice.id)
        self.open(session, settings_to_continue(practice, settings), practice.position_ms,
                  resume_of=practice.id)

    def set_speech_rate(self, rate: float) -> None:
        """The listener changed the speaking speed of the practice playing (the player was
        opened again at ``rate``): kept on its row, so continuing it later goes on at that
        speed."""
        with self._lock:
            if self._expected is not None:
                self._expected = dataclasses.replace(self._expected, speech_rate=rate)
            run = self._run
            if run is None or run.closed:
                return  # the row, when written, takes the rate from _expected
            run.expected = dataclasses.replace(run.expected, speech_rate=rate)

        def write() -> None:
            with self._lock:
                practice_id = run.practice_id
            if practice_id is not None:  # else its start, queued before, writes the rate
                self.store.set_speech_rate(practice_id, rate)

        self._submit(write)

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Stop playback; return once the practice is durably closed (False on timeout)."""
        with self._lock:
            self._ended.clear()
            running = self._run is not None and not self._run.closed
        self.player.stop()
        if running and not self._ended.wait(timeout_s):
            log.warning("the player did not confirm the stop within %.1f s", timeout_s)
            with self._lock:
                job = self._finish_locked(completed=False)
            self._submit(job)
        return self.flush(timeout_s)

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Wait until every store call handed over so far has run (so it is durable)."""
        if self._worker is not None:
            return self._worker.flush(timeout_s)
        done = threading.Event()
        self._submit_raw(done.set)
        return done.wait(timeout_s)

    def close(self, timeout_s: float = 10.0, *, keep_open: bool = False) -> bool:
        """Stop listening to the player, close an open practice as partial, write everything.

        Call it after ``player.close()`` (or at least after playback stopped).
        ``keep_open``: instead, leave an open practice in progress with a last
        checkpoint at the newest position, to be offered for resume next time
        (the window closed mid-practice); call it *before* stopping the player.
        Idempotent; returns False if the store's thread did not finish in time.
        """
        heard_ms = self.player.position_ms if keep_open else 0
        with self._lock:
            if self._closed:
                return True
            self._closed = True
            run = self._run
            if keep_open and run is not None and not run.closed:
                run.closed = True  # nothing more is recorded; the row stays in progress
                run.position_ms = max(run.position_ms, heard_ms)
                job: Callable[[], None] | None = functools.partial(self._write_checkpoint, run)
            else:
                job = self._finish_locked(completed=False)
        self._submit(job)
        for signal, slot in self._slots:
            try:
                signal.disconnect(slot)
            except ValueError:
                pass
        if self._worker is not None:
            return self._worker.close(timeout_s)
        return self.flush(timeout_s)

    @property
    def practice_id(self) -> int | None:
        """The id of the practice being (or last) recorded; None until its row is written."""
        with self._lock:
            run = self._run
        return None if run is None else run.practice_id

    # ------------------------------------------------- player events (feeder thread)

    def _on_state(self, state: str) -> None:
        with self._lock:
            if self._closed or self._expected is None or state not in _ACTIVE:
                return
            if self._run is not None and not self._run.closed:
                return  # resumed after a pause or a reflection: same practice
            run = _Run(self._expected, self._position_ms, self._next_resume_of)
            self._run = run
            self._next_resume_of = None
            self._last = None
        self._submit(lambda: self._write_start(run))

    def _on_position(self, p: ev.Position) -> None:
        now = self.player.clock.now()
        with self._lock:
            if self._closed:
                return
            last = self._last
            run = self._run
            if last is not None and run is not None and not run.closed and last[1] in _ACTIVE:
                moved = p.position_ms - last[0]
                elapsed_ms = (now - last[2]) * 1000.0
                if 0 < moved <= elapsed_ms + SLACK_MS:
                    run.listened_ms += moved
            self._last = (p.position_ms, p.state, now)
            self._position_ms = p.position_ms
            if run is not None and not run.closed:
                run.position_ms = p.position_ms

    def _on_checkpoint(self, c: ev.Checkpoint) -> None:
        job: Callable[[], None] | None = None
        with self._lock:
            if self._closed or self._expected is None:
                return
            if c.session_id != self._expected.session_id:
                log.debug("checkpoint of another session (%s) ignored", c.session_id)
                return
            self._position_ms = c.position_ms
            run = self._run
            if run is None or run.closed:
                if c.reason in ("stop", "finished"):
                    self._ended.set()
                return
            run.position_ms = c.position_ms
            if c.reason == "stop":
                job = self._finish_locked(completed=False)
                self._next_resume_of = run
            elif c.reason != "finished" and not run.checkpoint_queued:
                # (the finished event closes it; a queued checkpoint writes the newest position)
                run.checkpoint_queued = True
                job = functools.partial(self._write_checkpoint, run)
        self._submit(job)

    def _on_finished(self, f: ev.Finished) -> None:
        job = None
        with self._lock:
            if self._closed:
                return
            run = self._run
            if run is not None and not run.closed:
                run.position_ms = f.position_ms
                job = self._finish_locked(completed=True)
                self._next_resume_of = None
            self._ended.set()
        self._submit(job)

    def _finish_locked(self, completed: bool) -> Callable[[], None] | None:
        """Close the open practice; return the store call to submit (caller holds the lock)."""
        run = self._run
        if run is None or run.closed:
            return None
        run.closed = True
        position_ms, listened_ms = run.position_ms, run.listened_ms
        self._ended.set()
        return lambda: self._write_finish(run, completed, position_ms, listened_ms)

    def _submit(self, job: Callable[[], None] | None) -> None:
        """Hand ``job`` to the store's thread (never while holding the lock); errors reported."""
        if job is None:
            return

        def guarded() -> None:
            try:
                job()
            except Exception as exc:  # a failed write must not stop playback or later writes
                self._failed(exc)

        self._submit_raw(guarded)

    # ------------------------------------------------------ store calls (store's thread)

    def _write_start(self, run: _Run) -> None:
        resume_of = run.resume_of.practice_id if isinstance(run.resume_of, _Run) else run.resume_of
        expected = run.expected
        args = (self.profile_id, expected.session_id, expected.session_sha256, expected.mode)
        try:
            practice_id = self.store.start_practice(
                *args, "player", resume_of=resume_of, position_ms=run.start_position_ms,
                speech_rate=expected.speech_rate)
        except UnknownPracticeError as exc:  # e.g. deleted meanwhile: record it unlinked
            log.warning("cannot continue practice %s (%s); recording a new one", resume_of, exc)
            practice_id = self.store.start_practice(
                *args, "player", position_ms=run.start_position_ms,
                speech_rate=expected.speech_rate)
        with self._lock:
            run.practice_id = practice_id
        log.debug("practice %s started at %d ms", practice_id, run.start_position_ms)
        if self._on_started is not None:
            self._on_started(practice_id)

    def _write_checkpoint(self, run: _Run) -> None:
        with self._lock:
            run.checkpoint_queued = False
            practice_id = run.practice_id
            position_ms, listened_ms = run.position_ms, run.listened_ms
        if practice_id is not None:
            self.store.checkpoint(practice_id, position_ms, listened_ms)

    def _write_finish(self, run: _Run, completed: bool, position_ms: int, listened_ms: int
                      ) -> None:
        with self._lock:
            practice_id = run.practice_id
        if practice_id is None:
            return  # its start failed (already reported)
        self.store.finish_practice(practice_id, completed, position_ms, listened_ms)
        log.debug("practice %s finished (%s) at %d ms, %d ms heard", practice_id,
                  "completed" if completed else "partial", position_ms, listened_ms)

    def _failed(self, exc: BaseException) -> None:
        if self._on_error is not None:
            self._on_error(exc)
        else:
            log.error("the practice could not be saved: %s", exc)
