"""The store is queried in one place: SQL lives in mit_desktop/history/ only (named queries);
the screens, the practice layer and the commands call those."""

from __future__ import annotations

import re
from pathlib import Path

import mit_desktop

SQL_CALL = re.compile(r"\.(execute|executemany|executescript)\(|\.conn\b")


def test_sql_is_only_in_the_history_package() -> None:
    package = Path(mit_desktop.__file__).parent
    outside = [str(path.relative_to(package)) for path in sorted(package.rglob("*.py"))
               if path.parent.name != "history" or path.parent.parent != package
               if SQL_CALL.search(path.read_text(encoding="utf-8"))]
    assert not outside, f"SQL outside mit_desktop/history/ (move it there as a named query): {outside}"
