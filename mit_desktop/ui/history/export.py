"""History → Export: the shown profile's whole history as CSV tables (in a zip file) or
one JSON file — with the profile's name, session titles, module and weeks, and the body
maps' data — for a therapist or a spreadsheet. The same export as ``mit-desktop history
export`` (``mit_desktop.history.export``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

if TYPE_CHECKING:
    from mit_desktop.history import HistoryStore

log = logging.getLogger(__name__)

ZIP_FILTER = "Tables for a spreadsheet, CSV in a zip file (*.zip)"
JSON_FILTER = "One JSON file (*.json)"


def suggested_path(profile_name: str, today: str) -> Path:
    """Where the save dialog starts: the home folder, named after the profile and the day."""
    safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in profile_name).strip()
    return Path.home() / f"{safe or 'history'} history {today}.zip"


def ask_path(parent: QWidget, suggested: Path) -> Path | None:
    """Ask where to save; the chosen filter decides the format when no suffix is typed."""
    path, chosen = QFileDialog.getSaveFileName(
        parent, parent.tr("Export this history"), str(suggested),
        ";;".join((parent.tr(ZIP_FILTER), parent.tr(JSON_FILTER))))
    if not path:
        return None
    out = Path(path)
    if out.suffix.lower() not in (".zip", ".json"):
        out = out.with_name(out.name + (".json" if "json" in chosen.lower() else ".zip"))
    return out


def export_history(store: HistoryStore, profile_id: int, out: Path) -> tuple[bool, str]:
    """Write the export to ``out`` (``.json`` or ``.zip``); (done, a sentence naming the
    file) either way."""
    from mit_desktop.content.export_sessions import session_facts
    from mit_desktop.content.measures import export_scorer
    from mit_desktop.history import HistoryError
    from mit_desktop.history.export import export

    fmt = "json" if out.suffix.lower() == ".json" else "csv"
    try:
        export(store, profile_id, fmt, out, session_facts(), scorer=export_scorer())
    except HistoryError as exc:
        log.warning("export not saved: %s", exc)
        return False, f"The export could not be saved as {out}: {exc}"
    except OSError as exc:
        from mit_desktop.fsutil import disk_message

        return False, f"The export could not be saved: {disk_message(exc, out)}"
    return True, f"Your history was exported to {out}."
