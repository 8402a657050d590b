"""Drafts of the script editor: what was typed and not yet saved, kept in a private file per
profile and script, so closing or killing the program never loses it (as reflection notes
are kept). The editor writes a draft shortly after typing stops and offers it back when the
script is opened again; saving or discarding removes it.

A draft is one JSON file in ``<data>/drafts/studio/profile-<id>/`` (0700; files 0600,
written atomically), named by a hash of the script's path: ``{"path", "text",
"saved_at"}`` (``saved_at``: ISO 8601, UTC). A damaged draft file is ignored and logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from mit_desktop import paths
from mit_desktop.fsutil import atomic_path

log = logging.getLogger(__name__)

SUFFIX = ".draft.json"


@dataclass(frozen=True)
class Draft:
    """Unsaved text ``text`` of the script at ``path``, kept at ``saved_at`` (UTC)."""

    path: Path
    text: str
    saved_at: dt.datetime


def drafts_dir(profile_id: int) -> Path:
    """The private folder of ``profile_id``'s editor drafts (created 0700)."""
    return paths.private_dir(paths.data_dir() / "drafts" / "studio" / f"profile-{int(profile_id)}")


def _file(profile_id: int, path: Path) -> Path:
    key = hashlib.sha256(str(Path(path).absolute()).encode("utf-8")).hexdigest()[:24]
    return drafts_dir(profile_id) / f"{key}{SUFFIX}"


def save_draft(profile_id: int, path: Path, text: str,
               now: dt.datetime | None = None) -> Path:
    """Keep ``text`` as the unsaved draft of the script at ``path``; returns the draft file."""
    now = now or dt.datetime.now(dt.UTC)
    target = _file(profile_id, path)
    doc = {"path": str(Path(path).absolute()), "text": text, "saved_at": now.isoformat()}
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return target


def _read(file: Path) -> Draft | None:
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
        return Draft(Path(doc["path"]), str(doc["text"]),
                     dt.datetime.fromisoformat(doc["saved_at"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("an editor draft could not be read (%s); it is ignored", type(exc).__name__)
        return None


def load_draft(profile_id: int, path: Path) -> Draft | None:
    """The kept draft of the script at ``path``, or None."""
    file = _file(profile_id, path)
    return _read(file) if file.exists() else None


def discard_draft(profile_id: int, path: Path) -> None:
    """Remove the draft of the script at ``path`` (nothing when there is none)."""
    _file(profile_id, path).unlink(missing_ok=True)


def list_drafts(profile_id: int) -> list[Draft]:
    """Every readable draft of ``profile_id``, oldest first."""
    found = [d for f in sorted(drafts_dir(profile_id).glob(f"*{SUFFIX}"))
             if (d := _read(f)) is not None]
    return sorted(found, key=lambda d: d.saved_at)
