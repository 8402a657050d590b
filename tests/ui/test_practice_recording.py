"""The window records a practice through the same PracticeRecorder as `mit-desktop play`.

A scripted stand-in for the player (the real player's events, in its order, on the
calling thread, with a clock moved by the script) plays the same script twice: once
under the window's practice flow, once under a bare PracticeRecorder (as `play` uses
it). Both rows must be the same: started, position, listened time, status, mode,
source. A practice whose player could not be opened leaves no row at all.
"""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace
from typing import Any

import pytest
import shiboken6
from scripted_player import ScriptedPlayer

from mit_desktop.history.worker import submit_synchronously
from mit_desktop.playback import events as ev
from mit_desktop.practice.recorder import PracticeRecorder

SESSION = SimpleNamespace(id="tiny", content_sha256="sha-1", title="Tiny practice")


def the_middle(player: ScriptedPlayer) -> None:
    """Listening with a pause, skips forward (small and large) and back: what counts as heard
    is the recorder's rule, not the window's own."""
    player.advance(5000)
    player.pause()
    player.wait(30_000)
    player.play()
    player.seek(player.position_ms + 1000)  # a small skip while playing: not heard
    player.advance(1500)
    player.seek(2000)
    player.advance(2500)
    player.wait(700)  # the clock goes on at a reflection-like stop...
    player.seek(player.position_ms + 1200)  # ...and a skip larger than it is not heard either
    player.advance(600)


FIELDS = ("session_id", "session_hash", "mode", "source", "status", "position_ms",
          "listened_ms", "resumed_from")


def row(store, practice_id: int) -> tuple[Any, ...]:
    practice = store.get_practice(practice_id)
    return (*(getattr(practice, name) for name in FIELDS), practice.started_ms is not None,
            practice.ended_ms is not None)


@pytest.fixture
def flow(qtbot, store, sync_tasks):
    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.practice.flow import PracticeFlow
    from mit_desktop.ui.state import load_state

    player = ScriptedPlayer()
    ctx = AppContext(store, load_state(), player_factory=lambda: player)
    flow = PracticeFlow(ctx)
    flow.session = SESSION
    yield flow
    flow.shutdown()
    ctx.close()
    # deleted here, not by the garbage collector in the middle of a later test's Qt call
    shiboken6.delete(flow)


@pytest.fixture
def reference(store):
    """`mit-desktop play`'s way: a bare recorder, for a profile of its own."""
    player = ScriptedPlayer()
    recorder = PracticeRecorder(player, store, store.create_profile("Reference"),  # type: ignore[arg-type]
                                submit=submit_synchronously)
    yield recorder
    recorder.close()


def begin_both(flow, reference, mode: str) -> None:
    flow.begin(mode, (3, 6))
    reference.open(SESSION, SimpleNamespace(mode=mode))  # type: ignore[arg-type]
    reference.player.play()


def test_the_window_records_through_the_practice_recorder_like_play(flow, reference, qtbot,
                                                                   store) -> None:
    gui = flow.ctx.player
    begin_both(flow, reference, "interactive")
    assert type(flow.recorder) is PracticeRecorder
    assert flow.practice_id is not None
    # the row is written as the sound starts, with the "before" check-in right after it
    assert [(c.phase, c.mood, c.stress) for c in store.check_ins(flow.practice_id)] == [
        ("before", 3, 6)]
    assert row(store, flow.practice_id) == row(store, reference.practice_id)
    for player in (gui, reference.player):
        the_middle(player)
    in_progress = row(store, flow.practice_id)
    assert in_progress == row(store, reference.practice_id)
    assert in_progress[4:7] == ("in_progress", 5700, 9000)  # at the last checkpoint (a seek)
    for player in (gui, reference.player):
        player.pause()
    assert row(store, flow.practice_id) == row(store, reference.practice_id)
    with qtbot.waitSignal(flow.ended, timeout=5000) as ended:
        for player in (gui, reference.player):
            player.play()
            player.advance(900)
            player.finish()
    assert ended.args == ["completed"]
    done = row(store, flow.practice_id)
    assert done == row(store, reference.practice_id)
    assert done[:7] == ("tiny", "sha-1", "interactive", "player", "completed", 7200, 10_500)
    flow.record_after(7, None)  # answers at the end go to the same practice
    assert [c.phase for c in store.check_ins(flow.practice_id)] == ["before", "after"]


def test_i_need_to_stop_keeps_a_partial_practice_like_a_stopped_play(flow, reference, qtbot,
                                                                     store) -> None:
    begin_both(flow, reference, "hands-free")
    for player in (flow.ctx.player, reference.player):
        player.advance(2600)
    with qtbot.waitSignal(flow.ended, timeout=5000) as ended:
        flow.stop_now()
    assert reference.stop()
    assert ended.args == ["partial"]
    assert row(store, flow.practice_id) == row(store, reference.practice_id)
    assert row(store, flow.practice_id)[4:7] == ("partial", 2600, 2600)


def test_closing_mid_practice_keeps_it_to_continue_like_the_recorder(flow, reference,
                                                                     store) -> None:
    begin_both(flow, reference, "hands-free")
    for player in (flow.ctx.player, reference.player):
        player.advance(5000)
    practice_id = flow.practice_id
    flow.shutdown()
    assert reference.close(keep_open=True)
    assert row(store, practice_id) == row(store, reference.practice_id)
    assert row(store, practice_id)[4:7] == ("in_progress", 5000, 5000)
    assert flow.ctx.player.state == ev.STOPPED  # stopped after the recorder let go


def test_a_practice_whose_player_cannot_open_leaves_no_row(flow, qtbot, store) -> None:
    player = flow.ctx.player
    player.fail_open = True
    with qtbot.waitSignal(flow.sessionFailed, timeout=5000) as failed:
        flow.begin("hands-free", (2, 8))
    assert "busy" in failed.args[0] and not flow.active
    pid = flow.ctx.profile_id
    assert store.list_practices(pid) == []
    assert store.interrupted_practices(pid) == []  # nothing to offer "Continue…" for
    assert flow.practice_id is None
    # the next try records one practice, with the check-in given for it
    player.fail_open = False
    flow.begin("hands-free", (5, None))
    [practice] = store.list_practices(pid)
    assert (practice.status, practice.source, practice.resumed_from) == ("in_progress",
                                                                         "player", None)
    assert [(c.phase, c.mood) for c in store.check_ins(practice.id)] == [("before", 5)]


def test_a_resumed_practice_is_linked_as_the_recorder_links_it(flow, reference, store) -> None:
    pid = flow.ctx.profile_id
    old = store.start_practice(pid, "tiny", "sha-0", "interactive")
    store.checkpoint(old, 3000, 2900)
    store._open_here.discard(old)  # as if the process had died
    [interrupted] = store.interrupted_practices(pid)
    flow.resume = interrupted
    flow.begin("hands-free", None)  # continues in the mode it was started in
    assert flow.ctx.player.opened_at == 3000
    flow.ctx.player.advance(1000)  # to a periodic checkpoint at 4 s
    practice = store.get_practice(flow.practice_id)
    assert (practice.resumed_from, practice.mode, practice.position_ms, practice.listened_ms
            ) == (old, "interactive", 4000, 1000)  # only what was heard now
    assert store.get_practice(old).status == "partial"


def test_a_failed_write_is_shown_and_the_practice_goes_on(flow, qtbot, store,
                                                          monkeypatch) -> None:
    flow.begin("hands-free", None)

    def full(*args: Any) -> None:
        raise sqlite3.OperationalError("disk is full")

    monkeypatch.setattr(store, "checkpoint", full)
    with qtbot.waitSignal(flow.saveFailed, timeout=5000) as failed:
        flow.ctx.player.advance(4000)
    assert "could not be saved" in failed.args[0] and "disk is full" in failed.args[0]
    monkeypatch.undo()
    assert flow.active and flow.ctx.player.state == ev.PLAYING


def test_a_practice_in_a_therapists_copy_plays_but_is_not_recorded_and_says_why(
        flow, qtbot, store, tmp_path) -> None:
    from mit_desktop.history import bundle

    pid = flow.ctx.profile_id
    done = store.start_practice(pid, "tiny", "sha-1", "hands-free")
    store.finish_practice(done, True, 1000, 1000)
    out = tmp_path / "me.mitbundle"
    bundle.export_bundle(store, pid, out)
    copy = bundle.import_bundle(store, out, "Ann (client)").profile_id
    flow.ctx.set_profile(copy)
    qtbot.waitUntil(lambda: flow.ctx.profile_id == copy, timeout=5000)
    before = len(store.list_practices(copy))
    with qtbot.waitSignal(flow.saveFailed, timeout=5000) as failed:
        flow.begin("hands-free", (4, 6))
    assert "could not be saved" in failed.args[0]
    assert "your copy of a client's practice" in failed.args[0]
    assert flow.active and flow.ctx.player.state == ev.PLAYING  # the sound goes on
    flow.ctx.player.advance(4000)
    assert len(store.list_practices(copy)) == before
