"""A disk cache for the program-made sounds (ambience loops, bell strikes).

Making the stream bed takes a few hundred milliseconds; reading it back takes
about one. The key includes a hash of the module that makes the sound, so a
change to the synthesis makes new files instead of reusing stale ones.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import numpy as np

from mit_desktop.fsutil import atomic_write_bytes

log = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _module_digest(module_file: str) -> str:
    return hashlib.sha256(Path(module_file).read_bytes()).hexdigest()[:16]


def cached_sound(folder: Path | None, module: ModuleType, name: str, sample_rate: int,
                 make: Callable[[str, int], np.ndarray]) -> np.ndarray:
    """`make(name, sample_rate)` (float32 mono), read from `folder` if made before.

    With `folder` None, or if the cache cannot be written, the sound is simply
    made; a cache problem never stops playback.
    """
    if folder is None or module.__file__ is None:
        return make(name, sample_rate)
    path = folder / f"{module.__name__.rsplit('.', 1)[-1]}-{name}-{sample_rate}-{_module_digest(module.__file__)}.f32"
    try:
        return np.fromfile(path, dtype="<f4")
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("sound cache %s unreadable (%s); making it again", path.name, exc)
    audio = np.ascontiguousarray(make(name, sample_rate), dtype="<f4")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write_bytes(path, audio.tobytes())
    except OSError as exc:
        log.warning("could not keep %s in the sound cache: %s", path.name, exc)
    return audio
