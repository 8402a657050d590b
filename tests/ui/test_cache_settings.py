"""Settings › Your data: the room prepared speech may take is shown and changeable, the room
in use is shown, and Clear empties the cache."""

from __future__ import annotations

from mit_desktop import paths
from mit_desktop.render import cache_limit as cl


def test_the_limit_is_shown_changed_and_the_cache_cleared(window, qtbot) -> None:
    folder = paths.cache_dir() / "speech" / "cd"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cd-gui.s16").write_bytes(b"\0" * 3_000_000)
    window.show_page("settings")
    cache = window.settings.cache
    cache.refresh()
    assert cache.limit.currentData() == cl.DEFAULT_LIMIT_MB
    assert cache.limit.currentText() == "1.0 GB"
    qtbot.waitUntil(lambda: cache.usage.text().startswith("In use now:"), timeout=5_000)
    assert cache.usage.text() != "In use now: 0 MB"
    cache.limit.setCurrentIndex(cache.limit.findData(500))
    assert cl.load_limit_mb() == 500
    cache.clear()
    qtbot.waitUntil(lambda: not (folder / "cd-gui.s16").exists(), timeout=5_000)
    qtbot.waitUntil(lambda: cache.usage.text() == "In use now: 0 MB", timeout=5_000)
