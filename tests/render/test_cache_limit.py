"""The cache stays under its limit and never loses what the next practice needs (issue 15)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile as sf

from mit_desktop.cli.main import main
from mit_desktop.render import cache_limit as cl
from mit_desktop.render.engine import Engine
from mit_desktop.session.parser import parse_session
from mit_desktop.session.timeline import ListeningSettings

RATE = 22_050


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.session.md"
    path.write_text(f'+++\nid = "{name}"\ntitle = "{name}"\n+++\n{body}', encoding="utf-8")
    return path


def age_all(folder: Path, seconds_ago: int) -> None:
    """Make every cache file look last used `seconds_ago` (oldest first when pruning)."""
    when = 1_700_000_000 - seconds_ago
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))


def test_pruning_keeps_the_next_practice_and_stays_under_the_limit(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    rng = np.random.default_rng(2)
    sf.write(tmp_path / "talk.wav", (rng.standard_normal(3 * RATE) * 3000).astype(np.int16), RATE)
    settings = ListeningSettings(ambience="off")
    following = parse_session(script(tmp_path, "next", "Breathe in slowly, and breathe out.\n"
                                     "[clip talk.wav to 1.5s]\n[clip talk.wav from 1.5s]\n"
                                     "Notice your feet on the floor.\n"))
    engine = Engine(cache_dir=cache)
    engine.timeline(following, settings)
    age_all(cache, 10_000)  # the next practice was prepared long ago: the oldest in the cache
    for n in range(4):  # other practices heard since
        engine.timeline(parse_session(script(tmp_path, f"other{n}",
                                             f"This is another practice, number {n + 1}.\n"
                                             "Rest here for a while.\n")), settings)
    needed = engine.needed_files(following, settings)
    assert any(p.suffix == ".f32" for p in needed) and sum(p.suffix == ".s16" for p in needed) >= 2
    needed_bytes = sum(p.stat().st_size for p in needed)
    sounds_bytes = cl.cache_usage(cache).sounds_bytes
    before = cl.cache_usage(cache).total_bytes
    limit = needed_bytes + sounds_bytes + (before - needed_bytes - sounds_bytes) // 3

    report = cl.prune_cache(cache, limit, keep=needed)

    assert report.removed_entries > 0 and not report.kept_over_limit
    assert cl.cache_usage(cache).total_bytes <= limit
    assert all(path.exists() for path in needed)
    fresh = Engine(cache_dir=cache)
    again = fresh.timeline(following, settings)  # the next practice needs nothing made again
    assert fresh.speech.synthesis_count == 0
    assert again.n_samples > 0


def test_without_protection_the_least_recently_used_go_first(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    engine = Engine(cache_dir=cache)
    settings = ListeningSettings(ambience="off")
    old = parse_session(script(tmp_path, "old", "An old practice, heard long ago.\n"))
    new = parse_session(script(tmp_path, "new", "A new practice, heard just now.\n"))
    engine.timeline(old, settings)
    old_files = engine.needed_files(old, settings)  # (reading them may count as a use)
    age_all(cache, 10_000)
    engine.timeline(new, settings)
    new_files = engine.needed_files(new, settings)
    limit = cl.cache_usage(cache).total_bytes - sum(p.stat().st_size for p in old_files)
    cl.prune_cache(cache, limit)
    assert not any(p.exists() for p in old_files) and all(p.exists() for p in new_files)


def test_reading_from_the_cache_counts_as_a_use(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    settings = ListeningSettings(ambience="off")
    practice = parse_session(script(tmp_path, "p", "Heard again today.\n"))
    Engine(cache_dir=cache).timeline(practice, settings)
    age_all(cache, 10_000)
    engine = Engine(cache_dir=cache)
    files = engine.needed_files(practice, settings)
    stale = {p: (p.stat().st_atime_ns, p.stat().st_mtime_ns) for p in files}
    engine.timeline(practice, settings)
    assert all(p.stat().st_atime_ns > stale[p][0] for p in files)
    assert all(p.stat().st_mtime_ns == stale[p][1] for p in files)  # not rewritten


def test_cache_command_shows_sets_and_clears(tmp_path: Path, capsys) -> None:
    from mit_desktop import paths

    folder = paths.cache_dir() / "speech" / "ab"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ab-test.s16").write_bytes(b"\0" * 2_500_000)
    assert main(["cache"]) == 0
    out = capsys.readouterr().out
    assert "speech" in out and f"of {cl.DEFAULT_LIMIT_MB:,} MB" in out
    assert main(["cache", "--limit-mb", "50"]) == 1
    assert "at least 100 MB" in capsys.readouterr().err
    assert main(["cache", "--limit-mb", "300"]) == 0
    assert cl.load_limit_mb() == 300 and "of 300 MB" in capsys.readouterr().out
    assert main(["cache", "--clear"]) == 0
    assert "cleared" in capsys.readouterr().out
    assert not (folder / "ab-test.s16").exists()
