"""Files the tests read from outside this repository: the team's real-world audio set and the
session-format document, both in ``../shared`` beside the clone. A test that needs one fails
with a plain sentence naming the missing folder (never a skip, never a bare FileNotFoundError);
`.ci/run` refuses to start without them, so they never go missing silently in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REAL_AUDIO = SHARED / "testing" / "real-audio"
FORMAT_DOC = SHARED / "design" / "session-format.md"


def _require(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.fail(f"{what} is missing: {path} (the shared folder beside this clone; "
                    "these tests read real files from it)", pytrace=False)
    return path


def real_audio(name: str) -> Path:
    """``name`` in the real-world audio set (the test fails plainly if the set is absent)."""
    return _require(REAL_AUDIO, "the real-world audio set") / name


def format_doc() -> Path:
    """The session-format document (the test fails plainly if it is absent)."""
    return _require(FORMAT_DOC, "the session-format document")
