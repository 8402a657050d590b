from __future__ import annotations

from pathlib import Path

import numpy as np

from mit_desktop.render import ambience, bells
from mit_desktop.render.sound_cache import cached_sound


def test_a_made_sound_is_kept_and_read_back_identically(tmp_path: Path) -> None:
    calls = []

    def make(name: str, rate: int) -> np.ndarray:
        calls.append(name)
        return ambience.ambience_loop(name, rate)

    first = cached_sound(tmp_path, ambience, "rain", 22_050, make)
    again = cached_sound(tmp_path, ambience, "rain", 22_050, make)
    assert calls == ["rain"]
    assert np.array_equal(first, again) and again.dtype == np.float32
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].name.startswith("ambience-rain-22050-")
    assert files[0].stat().st_mode & 0o777 == 0o600


def test_no_folder_or_an_unwritable_one_still_gives_the_sound(tmp_path: Path) -> None:
    expected = bells.bell_strike("chime", 22_050)
    assert np.array_equal(cached_sound(None, bells, "chime", 22_050, bells.bell_strike), expected)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert np.array_equal(cached_sound(blocker / "sub", bells, "chime", 22_050, bells.bell_strike), expected)
