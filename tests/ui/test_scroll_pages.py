"""Every hand-built scrolling page is made by one `widgets.scroll_page()` (frameless,
resizing its contents to its width, named for a screen reader), so a fix to how pages
scroll at large text reaches all of them. The scan reads the source (no display)."""

from __future__ import annotations

import ast
from pathlib import Path

import mit_desktop

UI = Path(mit_desktop.__file__).parent / "ui"


def scroll_areas_made(source: str) -> list[int]:
    """The lines where a QScrollArea is constructed directly."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "QScrollArea"]


def test_the_scan_finds_a_scroll_area_made_by_hand() -> None:
    assert scroll_areas_made("area = QScrollArea(page)\nclass S(QScrollArea):\n    pass\n") == [1]


def test_scrolling_pages_are_made_by_scroll_page_only() -> None:
    by_hand = [f"{path.relative_to(UI.parent)}:{line}"
               for path in sorted(UI.rglob("*.py")) if path.name != "widgets.py"
               for line in scroll_areas_made(path.read_text(encoding="utf-8"))]
    assert not by_hand, f"use widgets.scroll_page() for these scroll areas: {by_hand}"
