"""One window per data folder: a second start shows the running window instead.

The running window listens on a local socket named after the user and the data
folder (readable by the user alone); a second start that finds the history in use
asks it to come to the front and then ends quietly.
"""

from __future__ import annotations

import hashlib
import logging
import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)


def server_name() -> str:
    """The socket name for this user and data folder."""
    from mit_desktop import paths

    folder = os.environ.get("MIT_DESKTOP_DATA_DIR") or str(paths.data_dir())
    digest = hashlib.sha256(os.path.abspath(folder).encode("utf-8")).hexdigest()[:16]
    return f"mit-desktop-{os.getuid()}-{digest}"


def ask_running_window_to_show(timeout_ms: int = 1500) -> bool:
    """Ask the running window to come to the front; False if none answered."""
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(b"show\n")
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    log.info("asked the running window to show itself")
    return True


class WindowServer(QObject):
    """Listens for a second start; ``showRequested`` fires when one asks."""

    showRequested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connected)

    def listen(self) -> bool:
        """Start listening (call only while holding the history's lock: a socket left by a
        killed window is then stale and is removed)."""
        name = server_name()
        QLocalServer.removeServer(name)
        if not self.server.listen(name):
            log.warning("cannot listen for a second start: %s", self.server.errorString())
            return False
        return True

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()
            connection.disconnected.connect(connection.deleteLater)
            self.showRequested.emit()
