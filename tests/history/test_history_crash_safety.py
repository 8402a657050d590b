"""Crash safety with real killed processes: checkpoints and drafts survive SIGKILL,
the next start finds the interrupted practice where it stopped."""

from __future__ import annotations

import signal
import textwrap
from pathlib import Path

from history_helpers import FakeClock, run_child

from mit_desktop.history.store import HistoryStore

CHILD = textwrap.dedent(
    """
    import os, signal
    from mit_desktop.history.store import HistoryStore
    store = HistoryStore.open()
    profile = store.create_profile("Ann")
    practice = store.start_practice(profile, "nesting-doll", "sha256:abc", "interactive")
    for second in range(1, 91):
        store.checkpoint(practice, second * 5000 + 2000, second * 5000)
    store.save_draft(practice, "own-felt-sense", "A warm weight")
    store.save_draft(practice, "own-felt-sense", "A warm weight in my chest")
    print(practice, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def _killed_child(data_dir: Path) -> int:
    result = run_child(CHILD, data_dir)
    assert result.returncode == -signal.SIGKILL, result.stderr
    return int(result.stdout.strip())


def test_killed_process_leaves_practice_at_last_checkpoint(data_dir: Path) -> None:
    practice_id = _killed_child(data_dir)
    with HistoryStore.open() as store:
        profile = store.profile_by_name("Ann")
        interrupted = store.interrupted_practices(profile.id)
        assert [p.id for p in interrupted] == [practice_id]
        practice = interrupted[0]
        assert practice.position_ms == 452_000  # "Continue Nesting Doll from 7:32?"
        assert practice.listened_ms == 450_000
        assert practice.session_id == "nesting-doll"
        assert practice.status == "in_progress"


def test_draft_survives_a_kill_and_is_promoted_on_save(data_dir: Path) -> None:
    practice_id = _killed_child(data_dir)
    with HistoryStore.open() as store:
        assert store.drafts(practice_id) == {"own-felt-sense": "A warm weight in my chest"}
        profile = store.profile_by_name("Ann")
        assert store.pending_drafts(profile.id) == [
            (practice_id, "own-felt-sense", "A warm weight in my chest")
        ]
        store.save_reflection(practice_id, "own-felt-sense", prompt="Where do you feel it?")
        assert store.drafts(practice_id) == {}
        [saved] = store.reflections(practice_id)
        assert saved.note == "A warm weight in my chest"
        assert saved.prompt == "Where do you feel it?"


def test_interrupted_practice_closed_as_partial_keeps_progress(data_dir: Path) -> None:
    practice_id = _killed_child(data_dir)
    with HistoryStore.open() as store:
        profile = store.profile_by_name("Ann")
        store.close_as_partial(practice_id)
        assert store.interrupted_practices(profile.id) == []
        practice = store.get_practice(practice_id)
        assert practice.status == "partial"
        assert practice.listened_ms == 450_000
        assert practice.ended_ms == practice.checkpoint_ms


def test_continuing_closes_the_old_practice_and_links_the_new(data_dir: Path) -> None:
    practice_id = _killed_child(data_dir)
    with HistoryStore.open() as store:
        profile = store.profile_by_name("Ann")
        new_id = store.start_practice(
            profile.id, "nesting-doll", "sha256:abc", "interactive",
            resume_of=practice_id, position_ms=452_000,
        )
        assert store.get_practice(practice_id).status == "partial"
        new = store.get_practice(new_id)
        assert (new.resumed_from, new.position_ms) == (practice_id, 452_000)
        # the one playing now is not offered as interrupted
        assert store.interrupted_practices(profile.id) == []


def test_practice_playing_in_this_process_is_not_interrupted(store: HistoryStore) -> None:
    profile = store.create_profile("Bea")
    store.start_practice(profile, "bam", "h", "hands-free")
    assert store.interrupted_practices(profile) == []


def test_checkpoint_after_finish_is_ignored(store: HistoryStore, clock: FakeClock) -> None:
    profile = store.create_profile("Bea")
    practice = store.start_practice(profile, "bam", "h", "hands-free")
    clock.advance(180_000)
    store.finish_practice(practice, True, 180_000, 175_000)
    assert store.checkpoint(practice, 999_000, 999_000) is False
    finished = store.get_practice(practice)
    assert (finished.position_ms, finished.listened_ms, finished.status) == (
        180_000, 175_000, "completed")
    assert finished.ended_ms == finished.started_ms + 180_000


def test_every_write_is_committed_when_it_returns(store: HistoryStore) -> None:
    profile = store.create_profile("Bea")
    practice = store.start_practice(profile, "bam", "h", "hands-free")
    store.checkpoint(practice, 10_000, 9_000)
    store.save_draft(practice, "word", "calm")
    assert not store.conn.in_transaction
    # a second connection (another reader) sees everything already
    import sqlite3

    other = sqlite3.connect(store.path)
    try:
        assert other.execute("SELECT position_ms FROM practices").fetchone() == (10_000,)
        assert other.execute("SELECT text FROM drafts").fetchone() == ("calm",)
    finally:
        other.close()
