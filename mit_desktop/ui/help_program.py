"""Help pages about the program itself: "What is mentalizing?" and "What each practice
trains" (the texts are data: ``resources/program``, read by
:mod:`mit_desktop.content.module_training`)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from mit_desktop.content.datafiles import ProgramDataError
from mit_desktop.content.module_training import load_mentalizing_page, load_module_training
from mit_desktop.ui.widgets import label, named, scroll_page

log = logging.getLogger(__name__)

MENTALIZING, PRACTICES = "mentalizing", "practices"


def _scrolling_page(parent: QWidget, name: str) -> tuple[QWidget, QVBoxLayout]:
    page = QWidget(parent)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll, _inner, layout = scroll_page(page, name)
    outer.addWidget(scroll, 1)
    return page, layout


def mentalizing_page(parent: QWidget) -> QWidget:
    """The "What is mentalizing?" page."""
    page, layout = _scrolling_page(parent, parent.tr("What is mentalizing?"))
    try:
        text = load_mentalizing_page()
        title, body = text.title, text.body
    except ProgramDataError as error:
        log.error("%s", error)
        title, body = parent.tr("What is mentalizing?"), parent.tr("This page is missing.")
    layout.addWidget(label(title, "heading", page))
    words = label("", None, page)
    words.setTextFormat(Qt.TextFormat.MarkdownText)
    words.setText(body)
    words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    named(words, title)
    layout.addWidget(words)
    layout.addStretch(1)
    return page


def practices_page(parent: QWidget) -> QWidget:
    """"What each practice trains": every module's title and its training text."""
    page, layout = _scrolling_page(parent, parent.tr("What each practice trains"))
    layout.addWidget(label(parent.tr("What each practice trains"), "heading", page))
    try:
        modules = load_module_training()
    except ProgramDataError as error:
        log.error("%s", error)
        modules = {}
    for module in modules.values():
        layout.addWidget(label(module.title, "title", page))
        text = label(module.trains, None, page)
        named(text, parent.tr("What {title} trains").format(title=module.title), module.trains)
        layout.addWidget(text)
    layout.addStretch(1)
    return page
