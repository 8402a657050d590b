"""The facilitator guide (``mit_desktop.content.facilitator_guide``) printed to a PDF with Qt, as the
practice report is (A4, 0600, written atomically)."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

log = logging.getLogger(__name__)


def write_guide_pdf(html_text: str, title: str, path: Path) -> Path:
    """Print the guide's HTML to an A4 PDF at `path`; return the path. ``OSError`` if the
    file cannot be written."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    document = QTextDocument()
    font = QFont(document.defaultFont())
    font.setPointSizeF(11)
    document.setDefaultFont(font)
    document.setHtml(html_text)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        writer = QPdfWriter(tmp_name)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(18, 16, 18, 16), QPageLayout.Unit.Millimeter)
        writer.setResolution(300)
        writer.setTitle(title)
        writer.setCreator("MIT Desktop")
        paint = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
        document.setPageSize(QSizeF(paint.width() * 96 / 72, paint.height() * 96 / 72))
        document.print_(writer)
        del writer  # finishes the file
        with open(tmp_name, "rb") as handle:
            if handle.read(5) != b"%PDF-":
                raise OSError(f"the PDF could not be written to {path}")
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    log.info("facilitator guide written to %s", path)
    return path
