"""Composition root: logging, data folders, then the window (Qt is imported only in ui/)."""

from __future__ import annotations

import logging
import logging.handlers
import os

from mit_desktop import paths

log = logging.getLogger(__name__)


def configure_logging(verbose: bool = False) -> None:
    """Log to a private rotating file in the data folder (and stderr when verbose)."""
    folder = paths.private_dir(paths.data_dir() / "logs")
    handler = logging.handlers.RotatingFileHandler(folder / "mit-desktop.log", maxBytes=1_000_000,
                                                   backupCount=3, encoding="utf-8")
    handlers: list[logging.Handler] = [handler]
    if verbose:
        handlers.append(logging.StreamHandler())
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.chmod(folder / "mit-desktop.log", 0o600)


def run_gui() -> int:
    """Start the desktop program; returns its exit code."""
    configure_logging(verbose=bool(os.environ.get("MIT_DESKTOP_VERBOSE")))
    log.info("starting; data folder %s", paths.data_dir())
    from mit_desktop.ui.application import run

    return run()
