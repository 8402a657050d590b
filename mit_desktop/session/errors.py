"""Problems found in a session script, reported as ``path:line:column: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem at a place in a file. `column` is 1-based; None when the whole line is meant."""

    path: Path
    line: int
    column: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        if self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.message}"


class SessionError(Exception):
    """A script could not be used. Holds every problem found in it, in line order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line, p.column or 0))
        super().__init__("\n".join(str(p) for p in self.problems))
