"""Composition root: logging, data folders, then the window (Qt is imported only in ui/)."""

from __future__ import annotations

import logging
import logging.handlers
import os

from mit_desktop import paths

log = logging.getLogger(__name__)


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
        handlers.append(logging.handlers.RotatingFileHandler(
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
    from mit_desktop.ui.application import run

    return run()
