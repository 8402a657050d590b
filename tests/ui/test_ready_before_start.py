"""Ready before Start (issue 15): a practice prepared in the background worker plays at once
with its final length and marks, no speech is made in the window's process, and a practice
not prepared yet says "Preparing… N %" with a real percentage before it plays."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from mit_desktop.playback import events as ev
from mit_desktop.ui.preparer import preparer_for

SCRIPT = """+++
id = "ready-{tag}"
title = "Ready {tag}"
summary = "Short."
+++

# Arriving

Sit comfortably in your chair, {tag}.
Notice the weight of your hands.
[reflect 2s note: What do you notice?]

# Ending

Take a slow breath, and let it go.
"""


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, private_folders: Path):
    """A fresh install: an empty cache, preparing ahead on."""
    monkeypatch.setenv("MIT_DESKTOP_CACHE_DIR", str(tmp_path / "fresh-cache"))
    monkeypatch.setenv("MIT_DESKTOP_PREPARE_AHEAD", "1")

    def script(tag: str) -> Path:
        folder = private_folders / "sessions"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"ready-{tag}.session.md"
        path.write_text(SCRIPT.replace("{tag}", tag), encoding="utf-8")
        return path
    return script


def _start(window, qtbot, path: Path) -> None:
    window.ctx.store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(path))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)


def _watch_marks(window, qtbot, seconds: float) -> list[tuple]:
    """What the progress bar shows at every position event while it plays."""
    seen: list[tuple] = []
    bar = window.player.progress

    def record(_p) -> None:
        seen.append((window.player._duration_ms, tuple(bar.sections), tuple(bar.reflections)))

    window.flow.bridge.position.connect(record)
    qtbot.wait(int(seconds * 1000))
    window.flow.bridge.position.disconnect(record)
    return seen


def test_a_prepared_practice_plays_at_once_with_its_final_timeline(window, qtbot, fresh) -> None:
    path = fresh("alpha")
    preparer = preparer_for(window.ctx)
    percents: list[int] = []
    preparer.progress.connect(lambda _ref, n: percents.append(n))
    preparer.ensure([str(path)])
    assert preparer.wait(180)
    qtbot.waitUntil(lambda: str(path) in preparer.ready_sessions and bool(percents)
                    and percents[-1] == 100, timeout=5000)  # (signals come back queued)
    assert percents == sorted(percents) and len(set(percents)) >= 3

    preparing: list[int] = []
    window.flow.preparing.connect(preparing.append)
    _start(window, qtbot, path)
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=5000)
    assert preparing == []  # nothing was left to prepare
    engine = player.engine
    assert engine.speech.synthesis_count == 0 and not engine.speech._models  # no Piper here
    assert player.wait_rendered(5.0)
    timeline = player.timeline
    # the timeline is put together from the cache a few ms after Start: events sent before
    # that (no length yet) may still be on their way to the window, which waited above
    qtbot.waitUntil(lambda: window.player._duration_ms is not None, timeout=2000)
    seen = _watch_marks(window, qtbot, 1.5)
    assert seen, "no position events while playing"
    duration = timeline.duration_ms
    sections = tuple(timeline.ms(s.start_sample) for s in timeline.sections)
    reflections = tuple(timeline.ms(r.start_sample) for r in timeline.reflections)
    assert len(sections) == 2 and len(reflections) == 1
    # from the first event on: the full length and the final marks, never changing
    assert all(s == (duration, sections, reflections) for s in seen), (seen[:3], (duration, sections, reflections))
    assert player.timeline is timeline


def test_starting_a_practice_not_prepared_says_how_far_preparing_is(window, qtbot, fresh) -> None:
    path = fresh("beta")
    preparing: list[int] = []
    window.flow.preparing.connect(preparing.append)
    shown: list[str] = []
    window.flow.preparing.connect(lambda _n: shown.append(window.player.caption_label.text()),
                                  Qt.ConnectionType.QueuedConnection)
    _start(window, qtbot, path)
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=180_000)
    assert preparing[0] == 0 and preparing[-1] == 100 and preparing == sorted(preparing)
    assert len(set(preparing)) >= 3  # a real percentage: sentence by sentence
    assert player.engine.speech.synthesis_count == 0  # made in the worker process
    qtbot.waitUntil(lambda: bool(shown), timeout=2000)
    assert any(text.startswith("Preparing… ") and text.endswith(" %") for text in shown)
    seen = _watch_marks(window, qtbot, 1.0)
    shown_marks = [s for s in seen if s[1] or s[2]]
    assert shown_marks and len(set(shown_marks)) == 1  # the marks, once shown, never move


def test_after_first_run_today_prepares_the_first_practice_and_says_so(window, qtbot,
                                                                       fresh) -> None:
    preparer = preparer_for(window.ctx)
    window.show_page("today")
    window.today.refresh()
    entry = window.today.data.next_entry
    assert entry is not None
    try:
        qtbot.waitUntil(lambda: preparer.busy and not window.today.prepare_label.isHidden(),
                        timeout=60_000)
        text = window.today.prepare_label.text()
        assert text.startswith("Preparing your first practice… ") and text.endswith(" %")
        assert [job.session for job in preparer._jobs] == [entry.id, "bam"]
    finally:
        preparer.cancel()
    assert not preparer.busy
