"""Where bundled content and user data live. The only module that knows.

Bundled content (`audio/`, `resources/`) sits at the top of the source tree in a
checkout and inside the package as `_bundled/` in an installed wheel.

User data: ``MIT_DESKTOP_DATA_DIR`` if set, else the platform's user data
folder. Cache: ``MIT_DESKTOP_CACHE_DIR`` if set, else the platform's user cache
folder. Both are created private to the user (0700).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "mit-desktop"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled_root() -> Path:
    installed = _PACKAGE_DIR / "_bundled"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent


def audio_dir() -> Path:
    """Bundled session scripts and sound files."""
    return _bundled_root() / "audio"


def sessions_dir() -> Path:
    """Bundled session scripts of the MIT program (`*.session.md`)."""
    return audio_dir() / "sessions"


def resources_dir() -> Path:
    """Bundled visual and data resources (crisis resources, silhouette, styles)."""
    return _bundled_root() / "resources"


def private_dir(path: Path) -> Path:
    """Create `path` (and parents, each 0700) if needed and make it readable by the user alone."""
    from mit_desktop.fsutil import make_folders_private

    make_folders_private(path)
    try:
        os.chmod(path, 0o700)
    except OSError:  # a folder we do not own (e.g. a mounted volume): leave it as it is
        pass
    return path


def data_dir() -> Path:
    """The user's data folder (history database, voices, backups), created 0700."""
    override = os.environ.get("MIT_DESKTOP_DATA_DIR")
    base = Path(override).expanduser() if override else Path(platformdirs.user_data_dir(APP_NAME))
    return private_dir(base)


def cache_dir(create: bool = True) -> Path:
    """The user's cache folder (rendered speech, decoded clips), created 0700 (unless
    ``create`` is False: then only where it is)."""
    override = os.environ.get("MIT_DESKTOP_CACHE_DIR")
    base = Path(override).expanduser() if override else Path(platformdirs.user_cache_dir(APP_NAME))
    return private_dir(base) if create else base


def voices_dir() -> Path:
    """Where the user puts extra Piper voices (`NAME.onnx` + `NAME.onnx.json`)."""
    return private_dir(data_dir() / "voices")


def database_path() -> Path:
    """The practice-history database file."""
    return data_dir() / "history.sqlite3"


def clean_our_folders() -> list[Path]:
    """:func:`mit_desktop.fsutil.remove_stale_partials` in the data folder and the cache folder (never raises)."""
    from mit_desktop.fsutil import remove_stale_partials

    removed: list[Path] = []
    for folder in (data_dir, cache_dir):
        try:
            removed += remove_stale_partials(folder())
        except OSError:
            continue
    return removed
