"""The history core imports no Qt (checked in a fresh interpreter)."""

from __future__ import annotations

from pathlib import Path

from history_helpers import run_child


def test_history_package_imports_no_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import mit_desktop.history, mit_desktop.cli.history, mit_desktop.history.stats\n"
        "import mit_desktop.history.export, mit_desktop.history.reminders\n"
        "import mit_desktop.practice.recorder, mit_desktop.cli.play_history\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide', 'shiboken'))))\n"
    )
    result = run_child(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
