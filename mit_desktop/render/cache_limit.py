"""The cache kept within a size limit: rendered speech and decoded recordings, least
recently used first out, never what the next practice needs.

What is in the cache (under ``paths.cache_dir()``):

- ``speech/``: one file per synthesised phrase (``<key>.s16``);
- ``clips/``: one decoded recording per source file (``<key>.f32`` with its ``.json``);
- ``sounds/``: bells and background beds the program makes (a few MB; kept when pruning,
  as every practice uses them; removed by :func:`clear_cache`).

"Last used" is a file's access time, set when speech and clip entries are read
(:func:`mark_used`; the system's own access times are not relied on), so pruning removes
what has not been heard longest.
The limit (megabytes, 1 MB = 1,000,000 bytes) is kept in ``cache.json`` in the data folder
(a setting, so clearing the cache keeps it).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from mit_desktop import paths
from mit_desktop.fsutil import atomic_write_bytes

log = logging.getLogger(__name__)

DEFAULT_LIMIT_MB = 1_000
#: what Settings offers (MB); the whole program at one pace needs about 150 MB of speech
LIMIT_CHOICES_MB = (250, 500, 1_000, 2_000, 5_000)
MIN_LIMIT_MB = 100
MAX_LIMIT_MB = 100_000
SETTINGS_FILE = "cache.json"
PRUNED_FOLDERS = ("speech", "clips")
MB = 1_000_000


@dataclass(frozen=True)
class CacheEntry:
    """One thing in the cache: its files (removed together), bytes, last use (ns), kind."""

    files: tuple[Path, ...]
    n_bytes: int
    last_used_ns: int
    kind: str


@dataclass(frozen=True)
class CacheUsage:
    """Bytes in each part of the cache."""

    speech_bytes: int
    clips_bytes: int
    sounds_bytes: int
    other_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.speech_bytes + self.clips_bytes + self.sounds_bytes + self.other_bytes


@dataclass(frozen=True)
class PruneReport:
    """What a prune did: entries and bytes removed, bytes left, and whether what had to be
    kept alone is over the limit (then the cache stays above it until the next prune)."""

    removed_entries: int
    removed_bytes: int
    left_bytes: int
    kept_over_limit: bool


def mark_used(path: Path) -> None:
    """Record that `path` was just used: its access time set to now, its modification time
    kept (so "has it been rewritten?" stays answerable); never raises."""
    try:
        os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))
    except OSError:
        pass


def _size_and_time(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, max(st.st_atime_ns, st.st_mtime_ns)


def cache_entries(cache_dir: Path) -> list[CacheEntry]:
    """The prunable entries (speech phrases, decoded clips), oldest use first."""
    entries: list[CacheEntry] = []
    speech = cache_dir / "speech"
    if speech.is_dir():
        for path in speech.glob("*/*.s16"):
            found = _size_and_time(path)
            if found:
                entries.append(CacheEntry((path,), found[0], found[1], "speech"))
    clips = cache_dir / "clips"
    if clips.is_dir():
        groups: dict[str, list[Path]] = {}
        for path in clips.iterdir():
            if path.is_file():
                groups.setdefault(path.name.split(".", 1)[0], []).append(path)
        for files in groups.values():
            sized = [(p, _size_and_time(p)) for p in files]
            known = [(p, st) for p, st in sized if st]
            if known:
                entries.append(CacheEntry(tuple(p for p, _ in known), sum(st[0] for _, st in known),
                                          max(st[1] for _, st in known), "clip"))
    return sorted(entries, key=lambda e: e.last_used_ns)


def _folder_bytes(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            found = _size_and_time(Path(root) / name)
            total += found[0] if found else 0
    return total


def cache_usage(cache_dir: Path) -> CacheUsage:
    """How many bytes each part of the cache holds (0 for a part that does not exist)."""
    parts = {name: _folder_bytes(cache_dir / name) for name in ("speech", "clips", "sounds")}
    total = _folder_bytes(cache_dir) if cache_dir.is_dir() else 0
    return CacheUsage(parts["speech"], parts["clips"], parts["sounds"],
                      max(0, total - sum(parts.values())))


def prune_cache(cache_dir: Path, limit_bytes: int, keep: Collection[Path] = ()) -> PruneReport:
    """Remove the least recently used speech and clip entries until the cache holds at most
    `limit_bytes`, never an entry with a file in `keep` (what the next practice needs).
    Files that cannot be removed are left and logged; never raises for them."""
    kept = {Path(p) for p in keep}
    used = cache_usage(cache_dir).total_bytes
    removed_entries = removed_bytes = 0
    for entry in cache_entries(cache_dir):
        if used <= limit_bytes:
            break
        if any(path in kept for path in entry.files):
            continue
        freed = 0
        for path, size in zip(entry.files, _sizes(entry)):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("could not remove %s from the cache: %s", path.name, exc)
                continue
            freed += size
        used -= freed
        removed_bytes += freed
        removed_entries += 1
    if removed_entries:
        log.info("cache pruned: %d entries, %.1f MB removed, %.1f MB left (limit %.0f MB)",
                 removed_entries, removed_bytes / MB, used / MB, limit_bytes / MB)
    return PruneReport(removed_entries, removed_bytes, used, used > limit_bytes)


def _sizes(entry: CacheEntry) -> list[int]:
    found = [_size_and_time(path) for path in entry.files]
    return [st[0] if st else 0 for st in found]


def clear_cache(cache_dir: Path) -> int:
    """Remove everything the program made in the cache (speech, clips, sounds, quiet
    scripts); bytes freed. It is all made again when needed."""
    before = cache_usage(cache_dir).total_bytes
    for name in ("speech", "clips", "sounds"):
        shutil.rmtree(cache_dir / name, ignore_errors=True)
    return max(0, before - cache_usage(cache_dir).total_bytes)


# -- the limit, a setting -----------------------------------------------------------------


def _settings_path() -> Path:
    return paths.data_dir() / SETTINGS_FILE


def load_limit_mb() -> int:
    """The cache limit in MB (DEFAULT_LIMIT_MB when unset or unreadable)."""
    try:
        raw = json.loads(_settings_path().read_text(encoding="utf-8"))
        value = int(raw["limit_mb"])
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_LIMIT_MB
    return min(MAX_LIMIT_MB, max(MIN_LIMIT_MB, value))


def save_limit_mb(limit_mb: int) -> int:
    """Keep `limit_mb` (clamped to MIN_LIMIT_MB..MAX_LIMIT_MB) as the cache limit; the value
    kept. OSError if the data folder cannot be written."""
    value = min(MAX_LIMIT_MB, max(MIN_LIMIT_MB, int(limit_mb)))
    atomic_write_bytes(_settings_path(), json.dumps({"limit_mb": value}).encode("utf-8"))
    return value


def describe_mb(n_bytes: int) -> str:
    """A size for people: '0 MB', '12 MB', '1.2 GB'."""
    if n_bytes >= 1_000 * MB:
        return f"{n_bytes / (1_000 * MB):.1f} GB"
    return f"{round(n_bytes / MB)} MB"
