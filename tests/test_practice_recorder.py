"""The practice recorder, driven by a scripted stand-in for the player (its events, in the
order the real player emits them), against a real history store.

The real player with the `play` command is exercised in test_practice_recorder_play.py.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scripted_player import ScriptedPlayer

from mit_desktop.history import stats
from mit_desktop.history.errors import UnknownProfileError
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.worker import StoreWorker, submit_synchronously
from mit_desktop.practice.recorder import (
    DEFAULT_PROFILE_NAME,
    PracticeRecorder,
    ProfileChoiceError,
    choose_profile,
    resume_offer,
)

SESSION = SimpleNamespace(id="nesting-doll", content_sha256="sha-1")
OTHER = SimpleNamespace(id="bam", content_sha256="sha-2")
HANDS_FREE = SimpleNamespace(mode="hands-free")
INTERACTIVE = SimpleNamespace(mode="interactive")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore.open(tmp_path / "data" / "history.sqlite3", tz=dt.UTC) as opened:
        yield opened


@pytest.fixture
def player() -> ScriptedPlayer:
    return ScriptedPlayer()


def _recorder(player: ScriptedPlayer, store: HistoryStore, **kwargs: Any) -> PracticeRecorder:
    profile = choose_profile(store)
    kwargs.setdefault("submit", submit_synchronously)
    return PracticeRecorder(player, store, profile.id, **kwargs)  # type: ignore[arg-type]


def test_the_practice_is_written_when_playback_starts_not_at_open(store, player) -> None:
    recorder = _recorder(player, store)
    recorder.open(SESSION, INTERACTIVE, start_ms=1500)  # type: ignore[arg-type]
    assert player.opened == [("nesting-doll", 1500)]
    profile = choose_profile(store)
    assert store.list_practices(profile.id) == []
    player.play()
    [practice] = store.list_practices(profile.id)
    assert (practice.session_id, practice.session_hash, practice.mode, practice.source) == (
        "nesting-doll", "sha-1", "interactive", "player")
    assert (practice.status, practice.position_ms, practice.listened_ms) == ("in_progress", 1500, 0)
    assert recorder.practice_id == practice.id


def test_on_started_gets_the_id_on_the_store_thread_before_any_checkpoint(store, player
                                                                          ) -> None:
    seen: list[tuple[int, int]] = []

    def started(practice_id: int) -> None:
        store.record_check_in(practice_id, "before", mood=4)
        seen.append((practice_id, store.get_practice(practice_id).position_ms))

    recorder = _recorder(player, store, on_started=started)
    recorder.open(SESSION, HANDS_FREE, start_ms=700)  # type: ignore[arg-type]
    player.play()
    player.advance(4000)
    assert seen == [(recorder.practice_id, 700)]
    assert [c.mood for c in store.check_ins(recorder.practice_id)] == [4]  # type: ignore[arg-type]


def test_checkpoints_carry_position_and_listened_time_without_pauses_or_skips(store, player
                                                                             ) -> None:
    recorder = _recorder(player, store)
    recorder.open(SESSION, HANDS_FREE)  # type: ignore[arg-type]
    player.play()
    player.advance(4000)  # a periodic checkpoint at 4 s
    practice = store.get_practice(recorder.practice_id)
    assert (practice.position_ms, practice.listened_ms) == (4000, 4000)
    player.pause()
    player.wait(60_000)  # a minute paused adds nothing
    player.seek(20_000)  # a skip adds nothing
    player.play()
    player.advance(1000)
    player.seek(5_000)  # back: nothing either
    player.advance(3000)
    player.pause()
    practice = store.get_practice(recorder.practice_id)
    assert (practice.position_ms, practice.listened_ms) == (8000, 8000)


def test_finished_closes_the_practice_as_completed(store, player) -> None:
    recorder = _recorder(player, store)
    recorder.open(SESSION, HANDS_FREE)  # type: ignore[arg-type]
    player.play()
    player.advance(9000)
    player.finish()
    [practice] = store.list_practices(choose_profile(store).id)
    assert (practice.status, practice.position_ms, practice.listened_ms) == ("completed", 9000,
                                                                              9000)
    assert practice.ended_ms is not None


def test_stop_closes_as_partial_and_playing_again_continues_it(store, player) -> None:
    recorder = _recorder(player, store)
    recorder.open(SESSION, HANDS_FREE)  # type: ignore[arg-type]
    player.play()
    player.advance(3000)
    player.stop()
    profile = choose_profile(store).id
    [stopped] = store.list_practices(profile)
    assert (stopped.status, stopped.position_ms, stopped.listened_ms) == ("partial", 3000, 3000)
    player.play()  # the player goes on from the stop position
    player.advance(2000)
    player.finish()
    second, first = store.list_practices(profile)
    assert (second.resumed_from, second.status, second.listened_ms) == (first.id, "completed",
                                                                        2000)
    totals = stats.totals(store, profile)
    assert (totals["practices"], totals["listened_ms"]) == (1, 5000)  # one practice, all minutes


def test_close_ends_an_open_practice_as_partial_and_ignores_later_events(store, player) -> None:
    recorder = _recorder(player, store)
    recorder.open(SESSION, HANDS_FREE)  # type: ignore[arg-type]
    player.play()
    player.advance(2500)
    assert recorder.close()
    [practice] = store.list_practices(choose_profile(store).id)
    assert (practice.status, practice.position_ms, practice.listened_ms) == ("partial", 2500, 2500)
    player.advance(4000)
    player.finish()
    assert store.get_practice(practice.id).status == "partial"
    assert recorder.close()  # idempotent


def test_close_keeping_it_open_leaves_the_practice_to_resume_at_the_newest_position(
        store, player) -> None:
    recorder = _recorder(player, store)
    recorder.open(SESSION, HANDS_FREE)  # type: ignore[arg-type]
    player.play()
    player.advance(5000)  # a periodic checkpoint at 4 s, then 1 s more
    player.position_ms += 40  # heard since the last position event
    assert recorder.close(keep_open=True)
    player.stop()  # after closing: the stop does not finish it
    profile = choose_profile(store).id
    [practice] = store.list_practices(profile)
    assert (practice.status, practice.position_ms, practice.listened_ms) == (
        "in_progress", 5040, 5000)
    assert practice.ended_ms is None
    store._open_here.clear()  # the next run of the program
    offer = resume_offer(store, profile, "nesting-doll")
    assert offer is not None and offer.id == practice.id
    assert recorder.close(keep_open=True) and recorder.close()  # idempotent


def test_close_keeping_it_open_after_the_end_changes_nothing(store, player) -> None:
    recorder = _recorder(player, store)
    recorder.open(SESSION, HANDS_FREE)  # type: ignore[arg-type]
    player.play()
    player.advance(2000)
    player.finish()
    assert recorder.close(keep_open=True)
    [practice] = store.list_practices(choose_profile(store).id)
    assert (practice.status, practice.position_ms) == ("completed", 2000)


def test_a_new_session_closes_the_previous_practice(store, player) -> None:
    recorder = _recorder(player, store)
    recorder.open(SESSION, HANDS_FREE)  # type: ignore[arg-type]
    player.play()
    player.advance(1000)
    recorder.open(OTHER, HANDS_FREE)  # type: ignore[arg-type]
    player.play()
    player.advance(500)
    second, first = store.list_practices(choose_profile(store).id)
    assert (first.session_id, first.status, first.position_ms) == ("nesting-doll", "partial", 1000)
    assert (second.session_id, second.status, second.resumed_from) == ("bam", "in_progress", None)


def test_checkpoints_of_another_session_are_ignored(store, player) -> None:
    recorder = _recorder(player, store)
    recorder.open(SESSION, HANDS_FREE)  # type: ignore[arg-type]
    player.play()
    player.advance(4000)
    player.session = OTHER  # e.g. someone opened the player directly
    player.position_ms = 50_000
    player._checkpoint("seek")
    assert store.get_practice(recorder.practice_id).position_ms == 4000  # type: ignore[arg-type]


def test_resume_reopens_the_player_at_the_checkpoint_and_links_the_practices(store, player
                                                                             ) -> None:
    profile = choose_profile(store).id
    old = store.start_practice(profile, "nesting-doll", "sha-1", "hands-free")
    store.checkpoint(old, 452_000, 450_000)
    store._open_here.clear()  # as if another (killed) process had started it
    offer = resume_offer(store, profile, "nesting-doll")
    assert offer is not None and offer.id == old
    assert resume_offer(store, profile, "bam") is None
    recorder = _recorder(player, store)
    recorder.resume(offer, SESSION, HANDS_FREE)  # type: ignore[arg-type]
    assert player.opened == [("nesting-doll", 452_000)]
    player.play()
    player.advance(1000)
    player.finish()
    new = store.list_practices(profile)[0]
    assert (new.resumed_from, new.status, new.listened_ms) == (old, "completed", 1000)
    assert store.get_practice(old).status == "partial"
    assert store.interrupted_practices(profile) == []
    totals = stats.totals(store, profile)
    assert (totals["practices"], totals["listened_ms"]) == (1, 451_000)


def test_a_failed_write_is_reported_and_playback_goes_on(store, player) -> None:
    errors: list[BaseException] = []
    recorder = _recorder(player, store, on_error=errors.append)
    recorder.open(SESSION, HANDS_FREE)  # type: ignore[arg-type]
    player.play()
    def full(*args: Any) -> None:
        raise sqlite3.OperationalError("disk is full")

    store.checkpoint = full  # type: ignore[method-assign]
    player.advance(4000)  # the checkpoint fails: reported, no exception in the player
    del store.checkpoint
    assert [str(e) for e in errors] == ["disk is full"]
    player.finish()
    [practice] = store.list_practices(choose_profile(store).id)
    assert practice.status == "completed"


def test_store_calls_run_on_the_worker_and_a_stop_is_durable_on_return(store, player) -> None:
    threads: set[int] = set()
    for name in ("start_practice", "checkpoint", "finish_practice"):
        method = getattr(store, name)

        def spy(*args: Any, _method: Any = method, **kwargs: Any) -> Any:
            threads.add(threading.get_ident())
            return _method(*args, **kwargs)

        setattr(store, name, spy)
    profile = choose_profile(store).id
    recorder = PracticeRecorder(player, store, profile)  # type: ignore[arg-type]
    recorder.open(SESSION, HANDS_FREE)  # type: ignore[arg-type]
    feeder = threading.Thread(target=lambda: (player.play(), player.advance(4100)))
    feeder.start()
    feeder.join(10)
    assert recorder.stop(timeout_s=5.0)
    # another connection (another process, after a power cut) sees the stop already
    other = sqlite3.connect(store.path)
    try:
        assert other.execute("SELECT status, position_ms, listened_ms FROM practices").fetchall(
        ) == [("partial", 4100, 4100)]
    finally:
        other.close()
    assert recorder.close()
    assert len(threads) == 1 and threading.get_ident() not in threads
    assert feeder.ident not in threads


def test_worker_runs_jobs_in_order_reports_failures_and_flushes() -> None:
    seen: list[Any] = []
    errors: list[BaseException] = []
    worker = StoreWorker(on_error=errors.append)
    for i in range(50):
        worker.submit(lambda i=i: seen.append(i))
    worker.submit(lambda: 1 / 0)
    worker.submit(lambda: seen.append("after"))
    assert worker.flush(5.0)
    assert seen == [*range(50), "after"]
    assert [type(e) for e in errors] == [ZeroDivisionError]
    assert worker.close(5.0) and worker.close(5.0)
    assert worker.flush(1.0)
    with pytest.raises(RuntimeError):
        worker.submit(lambda: None)


def test_choose_profile(store: HistoryStore) -> None:
    me = choose_profile(store)
    assert (me.name, me.kind) == (DEFAULT_PROFILE_NAME, "caregiver")
    assert choose_profile(store).id == me.id
    assert choose_profile(store, "me").id == me.id  # names ignore case
    store.create_profile("Client A", "client")
    with pytest.raises(ProfileChoiceError) as raised:
        choose_profile(store)
    assert raised.value.names == ["Client A", "Me"]
    assert choose_profile(store, "client a").kind == "client"
    with pytest.raises(UnknownProfileError):
        choose_profile(store, "Client B")  # a typo must not start a new client


def test_a_named_first_profile_is_created(store: HistoryStore) -> None:
    ann = choose_profile(store, "Ann")
    assert [p.name for p in store.list_profiles()] == ["Ann"] and ann.kind == "caregiver"
