"""Printing a text document to an A4 PDF file, for the report and the facilitator guide."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication

from mit_desktop.fsutil import atomic_path

log = logging.getLogger(__name__)


def pdf_application() -> QApplication:
    """The Qt application a command needs to print a PDF (created if there is none; offscreen
    when there is no display). Keep it alive while printing."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication(["mit-desktop"])


def write_pdf(document: QTextDocument, title: str, path: Path) -> Path:
    """Print ``document`` to an A4 PDF at ``path`` (300 dpi, 18/16 mm margins), atomically and
    readable by the user alone (0600); return the path. ``OSError`` if it cannot be written
    (``path`` is then untouched)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(18, 16, 18, 16), QPageLayout.Unit.Millimeter)
        writer.setResolution(300)
        writer.setTitle(title)
        writer.setCreator("MIT Desktop")
        paint = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
        # lay the document out on the printable area, in 96-dpi "pixels" as HTML sizes are
        document.setPageSize(QSizeF(paint.width() * 96 / 72, paint.height() * 96 / 72))
        document.print_(writer)
        del writer  # finishes the file
        with open(tmp, "rb") as handle:
            if handle.read(5) != b"%PDF-":
                raise OSError(f"the PDF could not be written to {path}")
    log.info("PDF written to %s", path)
    return path
