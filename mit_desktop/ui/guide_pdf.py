"""The facilitator guide (``mit_desktop.content.facilitator_guide``) printed to a PDF with Qt, as the
practice report is (A4, 0600, written atomically)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QTextDocument

from mit_desktop.ui.pdf_file import write_pdf


def write_guide_pdf(html_text: str, title: str, path: Path) -> Path:
    """Print the guide's HTML to an A4 PDF at `path`; return the path. ``OSError`` if the
    file cannot be written."""
    document = QTextDocument()
    font = QFont(document.defaultFont())
    font.setPointSizeF(11)
    document.setDefaultFont(font)
    document.setHtml(html_text)
    return write_pdf(document, title, path)
