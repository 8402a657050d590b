"""GUI tests run without a display: choose Qt's offscreen platform before Qt loads."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
