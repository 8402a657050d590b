"""Settings › Your data: how much room prepared speech and decoded recordings may take
(render.cache_limit), how much they take now, and a button to clear them.

The limit is kept in ``cache.json`` in the data folder; the program keeps the cache under
it each time it has prepared a practice, removing what was not heard longest and never
the next practice.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QWidget

from mit_desktop.render import cache_limit as cl
from mit_desktop.ui.widgets import button, label, named

if TYPE_CHECKING:
    from mit_desktop.ui.context import AppContext

log = logging.getLogger(__name__)


class CacheSettings(QWidget):
    """The "Prepared speech" rows of the Settings page, laid into `form`."""

    def __init__(self, ctx: AppContext, form: QFormLayout, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._loading = False
        self.hide()  # only a holder: its widgets live in the form
        self.limit = QComboBox(parent)
        for mb in cl.LIMIT_CHOICES_MB:
            self.limit.addItem(cl.describe_mb(mb * cl.MB), mb)
        named(self.limit, self.tr("Room for prepared speech"),
              self.tr("Prepared speech and recordings are kept so a practice starts at once. "
                      "Above this size, what was not heard for longest is removed; the next "
                      "practice is always kept."))
        self.limit.currentIndexChanged.connect(self._chosen)
        limit_label = label(self.tr("Room for prepared speech:"), None, parent, wrap=True)
        limit_label.setBuddy(self.limit)
        form.addRow(limit_label, self.limit)
        row = QHBoxLayout()
        self.usage = label("", None, parent, wrap=True)
        named(self.usage, self.tr("Prepared speech in use"))
        self.clear_button = button(self.tr("Clear prepared speech"), self.tr("Clear prepared speech"),
                                   self.tr("Removes all prepared speech and recordings; they are "
                                           "made again when needed."), None, parent)
        self.clear_button.clicked.connect(self.clear)
        row.addWidget(self.usage, 1)
        row.addWidget(self.clear_button)
        form.addRow(row)

    def refresh(self) -> None:
        """Show the limit and, once measured off the GUI thread, the room in use."""
        self._loading = True
        try:
            limit = cl.load_limit_mb()
            index = self.limit.findData(limit)
            if index < 0:
                self.limit.addItem(cl.describe_mb(limit * cl.MB), limit)
                index = self.limit.count() - 1
            self.limit.setCurrentIndex(index)
        finally:
            self._loading = False
        self.ctx.tasks.run(self._measure, self._show_usage, lambda exc: log.info("cache: %s", exc))

    @staticmethod
    def _measure() -> int:
        from mit_desktop import paths

        return cl.cache_usage(paths.cache_dir()).total_bytes

    def _show_usage(self, n_bytes: int) -> None:
        self.usage.setText(self.tr("In use now: {size}").format(size=cl.describe_mb(n_bytes)))

    def _chosen(self) -> None:
        if self._loading:
            return
        try:
            cl.save_limit_mb(int(self.limit.currentData()))
        except OSError as exc:
            self.usage.setText(self.tr("The size could not be saved ({strerror}).").format(
                strerror=exc.strerror or str(exc)))

    def clear(self) -> None:
        """Remove the cache's contents off the GUI thread, then show the room in use."""
        from mit_desktop import paths
        from mit_desktop.playback import events as ev

        if self.ctx.has_player and self.ctx.player.state in (ev.PLAYING, ev.BUFFERING,
                                                              ev.PAUSED, ev.REFLECTION):
            self.usage.setText(self.tr("Please finish or stop the practice first: it is "
                                       "playing from the prepared speech."))
            return
        self.clear_button.setEnabled(False)

        def done(_freed: object) -> None:
            self.clear_button.setEnabled(True)
            self.refresh()

        self.ctx.tasks.run(lambda: cl.clear_cache(paths.cache_dir()), done,
                           lambda exc: done(None))
