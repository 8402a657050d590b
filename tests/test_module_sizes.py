"""Small modules: a module of the package over 400 lines says why at its top."""

from __future__ import annotations

from pathlib import Path

import mit_desktop

LIMIT_LINES = 400
REASON = "# Over 400 lines: "


def test_every_module_over_400_lines_says_why_at_its_top() -> None:
    package = Path(mit_desktop.__file__).parent
    unexplained = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LIMIT_LINES and not text.startswith(REASON):
            unexplained.append(str(path.relative_to(package)))
    assert not unexplained, (f"split these modules, or start them with '{REASON}<why>': "
                             + ", ".join(unexplained))
