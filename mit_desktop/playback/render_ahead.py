"""Builds a session's timeline in a background thread, ahead of playback.

`TimelineBuilder.steps()` yields one segment at a time, synthesising speech
as it goes; this thread publishes a snapshot after each step, so the player
can start as soon as the first seconds exist.

What is *final*: the mixer's samples at a position can still change while
later segments are unknown, but only through the ambience bed, which ducks
`DUCK_RAMP_MS` before speech or a clip starts, stays ducked across gaps shorter
than `DUCK_BRIDGE_MS`, and fades over `AMBIENCE_FADE_MS` after a change. So
while building, with `n` samples built:

- no ambience bed so far: everything built is final (the bed is exactly zero);
- otherwise final up to ``n - ramp`` (a voice starting at `n` ducks from there),
  and no further than the end of the last voice if the gap since is shorter than
  the bridge (a voice at `n` would join it), and no further than the last ambience
  change if its fade is still running and the script has more changes to come.

A clip that ends the snapshot may be continued by the next segment (the next
piece of the same recording, a run: render.mixer.ClipRun), which removes its
fade-out; so its last `CLIP_FADE_MS` (and the voice-clarity filter's reach)
are not final until the next segment is known.

Once the build has finished (or failed) everything built is final.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable

from mit_desktop.render import levels
from mit_desktop.render.engine import Engine
from mit_desktop.render.mixer import CLARITY_FILTER_REACH
from mit_desktop.session.model import Ambience, Session
from mit_desktop.session.timeline import ListeningSettings, Timeline

log = logging.getLogger(__name__)


class RenderAhead:
    """One background build of one session's timeline.

    `on_progress()` is called (from the build thread) after every published
    step and at the end. `error` is the exception that stopped the build
    (e.g. SpeechError for a full disk, TimelineError for a missing clip).
    """

    def __init__(
        self,
        engine: Engine,
        session: Session,
        settings: ListeningSettings,
        on_progress: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.session = session
        self.settings = settings
        self.on_progress = on_progress
        self._lock = threading.Lock()
        self._builder = engine.builder(session, settings)
        self._snapshot: Timeline = self._builder.snapshot()
        self._done = False
        self._error: BaseException | None = None
        self._cancelled = False
        rate = engine.sample_rate
        self._ramp = math.ceil(levels.DUCK_RAMP_MS * rate / 1000) + 1
        self._bridge = math.ceil(levels.DUCK_BRIDGE_MS * rate / 1000) + 1
        self._fade = math.ceil(levels.AMBIENCE_FADE_MS * rate / 1000) + 1
        self._clip_tail = math.ceil(levels.CLIP_FADE_MS * rate / 1000) + CLARITY_FILTER_REACH
        self._ambience_cues = sum(isinstance(cue, Ambience) for cue in session.cues)
        self._thread = threading.Thread(
            target=self._run, name=f"render-ahead-{session.id}", daemon=True
        )

    def start(self) -> RenderAhead:
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop after the current step (a sentence being synthesised finishes first)."""
        self._cancelled = True

    def _publish(self, done: bool = False, error: BaseException | None = None) -> None:
        snapshot = self._builder.snapshot()
        with self._lock:
            self._snapshot = snapshot
            self._done = self._done or done
            self._error = error or self._error
        if self.on_progress is not None:
            self.on_progress()

    def _run(self) -> None:
        try:
            for _segment in self._builder.steps():
                if self._cancelled:
                    return
                self._publish()
        except Exception as exc:  # noqa: BLE001 - any failure ends the build; what exists plays
            log.warning("rendering %s stopped: %s", self.session.id, exc)
            self._publish(error=exc)
            return
        self._publish(done=True)

    def state(self) -> tuple[Timeline, int, bool]:
        """(latest snapshot, final_samples, complete): audio before final_samples will not change;
        `complete` is True when nothing more will be built (done or failed)."""
        with self._lock:
            snapshot, done, error = self._snapshot, self._done, self._error
        complete = done or error is not None
        return snapshot, snapshot.n_samples if complete else self._final(snapshot), complete

    def _final(self, snapshot: Timeline) -> int:
        """Samples of an unfinished snapshot that later segments cannot change (see module doc)."""
        n = snapshot.n_samples
        final = n
        last_sound = next((seg for seg in reversed(snapshot.segments) if seg.n_samples > 0), None)
        if last_sound is not None and last_sound.kind == "clip" and last_sound.end_sample == n:
            final = n - self._clip_tail  # its run may go on (module doc)
        if not any(change.name for change in snapshot.ambience):
            return max(0, final)
        final = min(final, n - self._ramp)
        voice_end = next(
            (
                seg.start_sample + seg.audio_samples
                for seg in reversed(snapshot.segments)
                if seg.kind in ("speech", "clip") and seg.n_samples > 0
            ),
            None,
        )
        if voice_end is not None and n - voice_end <= self._bridge:
            final = min(final, voice_end)
        last = snapshot.ambience[-1]
        if len(snapshot.ambience) < self._ambience_cues and last.start_sample + self._fade > n:
            final = min(final, last.start_sample)
        return max(0, final)

    def wait(self, timeout_s: float) -> bool:
        """Block (real time) until the build has finished or failed; False on timeout."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    @property
    def done(self) -> bool:
        with self._lock:
            return self._done

    @property
    def error(self) -> BaseException | None:
        with self._lock:
            return self._error
