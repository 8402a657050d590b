"""Composition root: logging, data folders, then the window (Qt is imported only in ui/)."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os

from mit_desktop import paths

log = logging.getLogger(__name__)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the current one and each rotated one) is 0600."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def doRollover(self) -> None:
        super().doRollover()
        for n in range(1, self.backupCount + 1):
            rotated = f"{self.baseFilename}.{n}"
            if os.path.exists(rotated):
                os.chmod(rotated, 0o600)

    def flush(self) -> None:
        try:
            super().flush()
        except OSError:
            self.handleError(None)

    def close(self) -> None:
        try:
            super().close()
        except OSError:
            self.handleError(None)

    def handleError(self, record: logging.LogRecord | None) -> None:
        """A log line that cannot be written (a full disk) is dropped quietly: the log is
        never the reason a practice stops, nor a traceback on the terminal. ``record`` is
        None when flushing or closing the file failed."""
        global LOG_WRITE_FAILED
        LOG_WRITE_FAILED = True


#: set when a log line could not be written (the disk is full); the window may say so
LOG_WRITE_FAILED = False


def configure_logging(verbose: bool = False) -> str | None:
    """Log to a private rotating file in the data folder (and stderr when verbose).

    Never raises: if the log file cannot be made (an unwritable data folder, a full
    disk), logging goes to stderr only and the reason is returned, so the window can
    still start and say what is wrong. Returns None when the file log works.
    """
    handlers: list[logging.Handler] = []
    problem = None
    try:
        folder = paths.private_dir(paths.data_dir() / "logs")
        handlers.append(PrivateRotatingFileHandler(
            folder / "mit-desktop.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"))
        os.chmod(folder / "mit-desktop.log", 0o600)
    except OSError as exc:
        problem = str(exc)
    if verbose or problem:
        handlers.append(logging.StreamHandler())
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if problem:
        log.warning("no log file (%s); logging to stderr only", problem)
    return problem


def run_gui() -> int:
    """Start the desktop program; returns its exit code."""
    configure_logging(verbose=bool(os.environ.get("MIT_DESKTOP_VERBOSE")))
    log.info("starting")
    from mit_desktop.paths import clean_our_folders

    clean_our_folders()
    from mit_desktop.ui.application import run

    return run()
