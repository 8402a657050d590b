"""`mit-desktop play` records practices: real processes, the real player on the null
backend's real clock, killed with SIGKILL at random moments.

A short session (about 12 s) is prepared once per module (its speech cached by
`mit-desktop timeline`); every child uses that cache and a data folder of its own.
The 20 kills run a few at a time, so the module takes about half a minute.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from child_signals import ctrl_c_reaches_child

from mit_desktop.history import stats
from mit_desktop.history.store import HistoryStore
from mit_desktop.playback.messages import clock

REPO = Path(__file__).resolve().parent.parent
KILLS = 20
PARALLEL = 10
MIN_DELAY_S, MAX_DELAY_S = 0.25, 6.5
CHECKPOINT_WINDOW_MS = 5000
START_LINE = "[0:00] == Start =="
SCRIPT = """+++
id = "kill-test"
title = "Kill test"
+++

# Start

Breathe in.
[pause 2s]

# Middle

[reflect 1s note: What do you notice?]
Breathe out.
"""


@dataclass(frozen=True)
class Setup:
    script: Path
    cache: Path
    duration_ms: int


@dataclass(frozen=True)
class Killed:
    data: Path
    delay_ms: int  # from the child's first "playing" line to the kill
    stdout: str
    stderr: str


def _env(data: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(MIT_DESKTOP_DATA_DIR=str(data), MIT_DESKTOP_CACHE_DIR=str(cache),
               MIT_AUDIO_BACKEND="null", PYTHONPATH=str(REPO) + os.pathsep
               + env.get("PYTHONPATH", ""))
    return env


def _command(setup: Setup, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mit_desktop", "play", str(setup.script), "--backend", "null",
            *extra]


def _run(setup: Setup, data: Path, *extra: str, timeout_s: float = 60.0
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(setup, *extra), env=_env(data, setup.cache),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout_s)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    folder = tmp_path_factory.mktemp("play-session")
    script = folder / "kill-test.session.md"
    script.write_text(SCRIPT, encoding="utf-8")
    cache = folder / "cache"
    warm = subprocess.run(
        [sys.executable, "-m", "mit_desktop", "timeline", str(script), "--json"],
        env=_env(folder / "unused-data", cache), capture_output=True, text=True, timeout=120)
    assert warm.returncode == 0, warm.stderr
    import json

    duration_ms = json.loads(warm.stdout)["duration_ms"]
    assert duration_ms > (MAX_DELAY_S + 3) * 1000
    return Setup(script, cache, duration_ms)


def _kill_after(setup: Setup, data: Path, delay_s: float) -> Killed:
    """Start `play`, wait for playback to start, SIGKILL it `delay_s` later."""
    child = subprocess.Popen(_command(setup), env=_env(data, setup.cache),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, bufsize=1)
    try:
        assert child.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        while True:  # bounded: readline returns at the child's first lines or its exit
            line = child.stdout.readline()
            lines.append(line)
            if line.startswith(START_LINE) or not line or time.monotonic() > deadline:
                break
        started = time.monotonic()
        assert line.startswith(START_LINE), "".join(lines) + child.stderr.read()  # type: ignore[union-attr]
        try:  # a bounded wait on the child: it must still be playing when the delay is over
            child.wait(timeout=delay_s)
            pytest.fail(f"play ended before the kill: {child.returncode}")
        except subprocess.TimeoutExpired:
            pass
        child.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        child.wait(timeout=10)
        assert child.returncode == -signal.SIGKILL
        out, err = child.communicate(timeout=10)
        return Killed(data, int((killed_at - started) * 1000), "".join(lines) + out, err)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)


@pytest.fixture(scope="module")
def killed(setup: Setup, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[Killed]]:
    seed = random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    delays = [rng.uniform(MIN_DELAY_S, MAX_DELAY_S) for _ in range(KILLS)]
    delays[0], delays[1] = MIN_DELAY_S, MAX_DELAY_S  # both ends, every time
    root = tmp_path_factory.mktemp("kills")
    with ThreadPoolExecutor(PARALLEL) as pool:
        runs = list(pool.map(lambda item: _kill_after(setup, root / f"run-{item[0]}", item[1]),
                             enumerate(delays)))
    return seed, runs


def _integrity(path: Path) -> list[tuple[str, ...]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def test_every_kill_leaves_an_intact_history_with_the_practice_near_where_it_stopped(
        killed: tuple[int, list[Killed]]) -> None:
    seed, runs = killed
    assert len(runs) == KILLS
    for run in runs:
        context = f"seed {seed}, killed {run.delay_ms} ms into playback, {run.data}"
        database = run.data / "history.sqlite3"
        assert _integrity(database) == [("ok",)], context
        with HistoryStore.open(database) as store:
            [profile] = store.list_profiles()
            [practice] = store.list_practices(profile.id)
            assert [p.id for p in store.interrupted_practices(profile.id)] == [practice.id], context
            assert (practice.session_id, practice.status, practice.source) == (
                "kill-test", "in_progress", "player"), context
            # "Continue Kill test from …?" within 5 s of where the sound was
            assert run.delay_ms - CHECKPOINT_WINDOW_MS <= practice.position_ms, context
            assert practice.position_ms <= run.delay_ms + 500, context
            assert abs(practice.listened_ms - practice.position_ms) <= 300, context


def _copy(run: Killed, to: Path) -> Path:
    shutil.copytree(run.data, to)
    (to / "history.lock").unlink(missing_ok=True)
    return to


def test_resume_continues_a_killed_practice_to_the_end(
        setup: Setup, killed: tuple[int, list[Killed]], tmp_path: Path) -> None:
    _seed, runs = killed
    run = max(runs, key=lambda r: r.delay_ms)  # the most played: the shortest rest
    data = _copy(run, tmp_path / "data")
    with HistoryStore.open(data / "history.sqlite3") as store:
        [profile] = store.list_profiles()
        [interrupted] = store.interrupted_practices(profile.id)
    assert interrupted.position_ms >= 3000  # a periodic checkpoint, not only the start
    done = _run(setup, data, "--resume")
    assert done.returncode == 0, done.stderr
    seconds = interrupted.position_ms // 1000
    assert f"Continuing Kill test from 0:{seconds:02d}." in done.stderr
    with HistoryStore.open(data / "history.sqlite3") as store:
        new, old = store.list_practices(profile.id)
        assert (old.id, old.status, old.position_ms) == (interrupted.id, "partial",
                                                         interrupted.position_ms)
        assert (new.resumed_from, new.status, new.position_ms) == (old.id, "completed",
                                                                   setup.duration_ms)
        # only the rest was played (and heard)
        rest = setup.duration_ms - interrupted.position_ms
        assert abs(new.listened_ms - rest) <= 400
        assert store.interrupted_practices(profile.id) == []
        totals = stats.totals(store, profile.id)
        assert totals["practices"] == 1  # one practice, in two parts
        assert totals["listened_ms"] == old.listened_ms + new.listened_ms


def test_starting_over_keeps_the_interrupted_practice_as_partial(
        setup: Setup, killed: tuple[int, list[Killed]], tmp_path: Path) -> None:
    _seed, runs = killed
    data = _copy(runs[0], tmp_path / "data")
    start_s = setup.duration_ms // 1000 - 2
    done = _run(setup, data, "--start", f"0:{start_s:02d}")
    assert done.returncode == 0, done.stderr
    assert "note: Kill test stopped at 0:00" in done.stderr and "--resume" in done.stderr
    with HistoryStore.open(data / "history.sqlite3") as store:
        [profile] = store.list_profiles()
        new, old = store.list_practices(profile.id)
        assert (old.status, new.status, new.resumed_from) == ("partial", "completed", None)
        assert store.interrupted_practices(profile.id) == []


def test_a_whole_play_is_recorded_as_completed(setup: Setup, tmp_path: Path) -> None:
    data = tmp_path / "data"
    start_ms = setup.duration_ms - 2500
    done = _run(setup, data, "--start", f"0:{start_ms // 1000:02d}.{start_ms % 1000:03d}",
                "--profile", "Ann")
    assert done.returncode == 0, done.stderr
    with HistoryStore.open(data / "history.sqlite3") as store:
        [profile] = store.list_profiles()
        assert (profile.name, profile.kind) == ("Ann", "caregiver")
        [practice] = store.list_practices(profile.id)
    assert (practice.status, practice.mode, practice.position_ms) == (
        "completed", "hands-free", setup.duration_ms)
    assert abs(practice.listened_ms - 2500) <= 400
    assert practice.ended_ms is not None and practice.ended_ms - practice.started_ms >= 2000
    [backup] = (data / "backups").glob("history-*-scheduled.sqlite3")  # the daily backup
    assert _integrity(backup) == [("ok",)]


def test_ctrl_c_keeps_a_partial_practice_where_it_stopped(setup: Setup, tmp_path: Path) -> None:
    data = tmp_path / "data"
    child = subprocess.Popen(_command(setup), env=_env(data, setup.cache),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, bufsize=1,
                             preexec_fn=ctrl_c_reaches_child)
    try:
        assert child.stdout is not None
        while True:  # bounded: readline returns at each line or at the child's exit
            line = child.stdout.readline()
            if not line or line.startswith(START_LINE):
                break
        assert line.startswith(START_LINE)
        started = time.monotonic()
        with pytest.raises(subprocess.TimeoutExpired):  # a bounded wait: still playing
            child.wait(timeout=1.5)
        child.send_signal(signal.SIGINT)
        played_ms = int((time.monotonic() - started) * 1000)  # an upper bound only
        _out, err = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
    assert child.returncode == 130, err
    with HistoryStore.open(data / "history.sqlite3") as store:
        [profile] = store.list_profiles()
        [practice] = store.list_practices(profile.id)
        assert store.interrupted_practices(profile.id) == []
    assert practice.status == "partial" and practice.ended_ms is not None
    # exactly where it stopped: the position the child said, not this process's wall clock
    # (two processes' clocks and a loaded machine's scheduling differ by more than the check)
    reported = re.search(r"stopped at (\d+:\d{2}(?::\d{2})?)", err)
    assert reported is not None, err
    assert clock(practice.position_ms) == reported.group(1)
    assert 1000 <= practice.position_ms <= played_ms + 500  # it played for the 1.5 s wait
    assert abs(practice.listened_ms - practice.position_ms) <= 300


def test_no_history_records_nothing(setup: Setup, tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _run(setup, data, "--no-history", "--start", f"0:{setup.duration_ms // 1000:02d}")
    assert done.returncode == 0, done.stderr
    assert not (data / "history.sqlite3").exists()


def test_history_problems_are_one_line_before_any_sound(setup: Setup, tmp_path: Path) -> None:
    data = tmp_path / "data"
    with HistoryStore.open(data / "history.sqlite3") as store:
        store.create_profile("Ann")
        store.create_profile("Bea", "client")
        refused = _run(setup, data)  # the history is open in this process
    assert refused.returncode == 1
    assert "already running" in refused.stderr and "--no-history" in refused.stderr
    assert "Traceback" not in refused.stderr
    several = _run(setup, data)
    assert several.returncode == 1 and "Traceback" not in several.stderr
    assert several.stderr.strip().splitlines() == [
        "mit-desktop: Several profiles are kept here (Ann, Bea); choose one. "
        "Name it with --profile NAME."]
    for extra, message in [(("--profile", "Cat"), "no profile called 'Cat'"),
                           (("--profile", "Bea", "--resume"), "no interrupted practice")]:
        failed = _run(setup, data, *extra)
        assert failed.returncode == 1 and message in failed.stderr, failed.stderr
        assert "Traceback" not in failed.stderr
