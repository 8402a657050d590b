"""What ``mit-desktop play`` needs to record practices: its options and a recorder.

``playback/cli.py`` calls :func:`add_options` on its parser and
:func:`start` once the player exists; the object returned opens the session
(continuing an interrupted practice with ``--resume``) and is closed at the
end. With ``--no-history`` nothing is opened or written. Messages go to
stderr (this is command-line code); the recording itself is
:class:`~mit_desktop.practice.recorder.PracticeRecorder`, exactly as in the GUI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from typing import TYPE_CHECKING

from mit_desktop.history.errors import CorruptDatabaseError, HistoryError, InvalidInputError
from mit_desktop.history.store import HistoryStore
from mit_desktop.playback.messages import clock as _clock
from mit_desktop.practice.recorder import (
    PracticeRecorder,
    ProfileChoiceError,
    choose_profile,
    resume_offer,
)

if TYPE_CHECKING:
    from mit_desktop.playback.player import Player
    from mit_desktop.session.model import Session
    from mit_desktop.session.timeline import ListeningSettings

log = logging.getLogger(__name__)


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--profile``, ``--resume`` and ``--no-history`` to the ``play`` parser."""
    parser.add_argument("--profile", metavar="NAME",
                        help="record the practice for this profile (needed when there are several)")
    parser.add_argument("--resume", action="store_true",
                        help="continue this session's interrupted practice where it stopped")
    parser.add_argument("--no-history", action="store_true",
                        help="do not record this practice in the history")


def _say(text: str) -> None:
    sys.stderr.write(f"{text}\n")
    sys.stderr.flush()


class PlayRecording:
    """The history side of one ``play`` run (or a stand-in that records nothing)."""

    def __init__(self, player: Player, store: HistoryStore | None, profile_id: int | None,
                 resume: bool) -> None:
        self.player = player
        self.store = store
        self.resume = resume
        self.recorder: PracticeRecorder | None = None
        self._warned = False
        if store is not None and profile_id is not None:
            self.recorder = PracticeRecorder(player, store, profile_id, on_error=self._failed)
        self.profile_id = profile_id

    def _failed(self, exc: BaseException) -> None:
        log.error("history write failed: %s", exc)
        if not self._warned:  # once: the sound goes on
            self._warned = True
            _say(f"mit-desktop: this practice could not be saved in the history ({exc}).")

    def open(self, session: Session, settings: ListeningSettings, start_ms: int = 0) -> None:
        """Open ``session`` in the player; raises :class:`InvalidInputError` for a bad --resume."""
        if self.recorder is None or self.store is None or self.profile_id is None:
            if self.resume:
                raise InvalidInputError("--resume needs the history (it was turned off).")
            self.player.open(session, settings, start_ms)
            return
        # The recorder's worker is idle until playback starts, so the store is ours here.
        interrupted = resume_offer(self.store, self.profile_id, session.id)
        if self.resume:
            if interrupted is None:
                raise InvalidInputError(f"There is no interrupted practice of {session.title} "
                                        "to continue.")
            if start_ms:
                raise InvalidInputError("Use either --resume or --start, not both.")
            _say(f"Continuing {session.title} from {_clock(interrupted.position_ms)}.")
            self.recorder.resume(interrupted, session, settings)
            return
        if interrupted is not None:
            day = dt.datetime.fromtimestamp(interrupted.started_ms / 1000).strftime("%Y-%m-%d")
            _say(f"note: {session.title} stopped at {_clock(interrupted.position_ms)} on {day}; "
                 "it is kept as a partial practice (--resume continues one instead).")
            for practice in self.store.interrupted_practices(self.profile_id):
                if practice.session_id == session.id:
                    self.store.close_as_partial(practice.id)
        self.recorder.open(session, settings, start_ms)

    def first_time_training(self, session: Session) -> str:
        """"What this practice trains" for `session`'s module when the profile has not heard
        that module yet (as the GUI shows it before the first practice), else ``""``. Call
        before :meth:`open` (the store is this thread's until playback starts)."""
        if self.store is None or self.profile_id is None or not session.module:
            return ""
        from mit_desktop.content.datafiles import ProgramDataError
        from mit_desktop.content.module_training import (
            first_time_for_module,
            load_module_training,
            module_session_ids,
        )
        from mit_desktop.content.program import load_program

        try:
            training = load_module_training().get(session.module)
            entries = load_program().entries
        except ProgramDataError as exc:
            log.error("%s", exc)
            return ""
        if training is None:
            return ""
        ids = module_session_ids(training.id, entries, session.id)
        return training.trains if first_time_for_module(self.store, self.profile_id, ids) else ""

    def variables(self) -> dict[str, str]:
        """The profile's words for the recordings (the name used for the person cared
        for, ``loved_one``), as the window uses them; empty without the history."""
        if self.store is None or self.profile_id is None:
            return {}
        try:
            found = self.store.get_profile(self.profile_id).variables
        except HistoryError:
            return {}
        return {str(k): str(v) for k, v in found.items() if isinstance(v, str) and v.strip()}

    def region(self) -> tuple[str | None, bool]:
        """(region code, whether the profile says where the listener lives) for the crisis
        help; nothing is known without the history."""
        if self.store is None or self.profile_id is None:
            return None, False
        try:
            region = self.store.get_profile(self.profile_id).region
        except HistoryError:
            return None, False
        return region, region is not None

    def close(self) -> None:
        """Close the open practice (as partial unless it finished) and the history. Idempotent."""
        try:
            if self.recorder is not None and not self.recorder.close():
                _say("mit-desktop: the history did not finish saving in time.")
        finally:
            if self.store is not None:
                self.store.close()
                self.store = None


def start(args: argparse.Namespace, player: Player) -> PlayRecording | None:
    """Open the history for ``play`` (unless ``--no-history``); None after a one-line error."""
    from mit_desktop.paths import clean_our_folders

    clean_our_folders()  # what a killed run left half-written
    if getattr(args, "no_history", False):
        return PlayRecording(player, None, None, getattr(args, "resume", False))
    try:
        store = HistoryStore.open()
    except HistoryError as exc:
        _say(f"mit-desktop: {exc}")
        if isinstance(exc, CorruptDatabaseError):
            from mit_desktop.cli.history import damaged_advice

            _say(damaged_advice(exc))
        _say("(--no-history plays without recording the practice.)")
        return None
    try:
        profile = choose_profile(store, getattr(args, "profile", None))
    except ProfileChoiceError as exc:
        store.close()
        _say(f"mit-desktop: {exc} Name it with --profile NAME.")
        return None
    except HistoryError as exc:
        store.close()
        _say(f"mit-desktop: {exc}")
        return None
    try:  # the daily backup, as the window makes it (a small, rotated copy)
        store.backup_if_due()
    except HistoryError as exc:
        _say(f"mit-desktop: note: no backup was made today ({exc})")
    log.info("recording practices for profile %s", profile.id)  # ids only: no names in logs
    return PlayRecording(player, store, profile.id, getattr(args, "resume", False))


def open_or_fail(recording: PlayRecording, session: Session, settings: ListeningSettings,
                 start_ms: int) -> bool:
    """:meth:`PlayRecording.open`, turning a user error into one line on stderr (False)."""
    try:
        recording.open(session, settings, start_ms)
    except HistoryError as exc:
        _say(f"mit-desktop: {exc}")
        return False
    return True


__all__ = ["PlayRecording", "add_options", "open_or_fail", "start"]
