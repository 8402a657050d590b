"""The program opens a real window on an X11 screen (Xvfb), as `make run` does on a desktop.

This catches what offscreen tests cannot: a system library Qt's window plugin
needs that `make` did not install.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from mit_desktop.ui.application import create_window
app = QApplication(sys.argv)
window = create_window(app)
window.resize(1000, 700)
window.show()
result = {}
def look():
    image = window.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
    result.update(platform=app.platformName(), visible=window.isVisible(), exposed=window.windowHandle().isExposed(),
                  width=image.width(), height=image.height(), colours=len(colours), title=window.windowTitle())
    app.quit()
QTimer.singleShot(1500, look)
app.exec()
print(json.dumps(result), flush=True)
"""


def test_the_main_window_opens_on_a_real_x11_screen(tmp_path: Path) -> None:
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            display = pipe.readline().strip()
        assert display.isdigit(), "Xvfb did not start"
        env = dict(os.environ, DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb", MIT_AUDIO_BACKEND="null",
                   MIT_DESKTOP_DATA_DIR=str(tmp_path / "data"), MIT_DESKTOP_CACHE_DIR=str(tmp_path / "cache"))
        done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["platform"] == "xcb"
    assert result["visible"] and result["exposed"]
    assert (result["width"], result["height"]) == (1000, 700)
    assert result["colours"] > 3  # something was drawn, not a blank window
    assert "MIT Desktop" in result["title"]
