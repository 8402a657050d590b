"""Deprecated: use :mod:`mit_desktop.fsutil`. Kept while the GUI modules move over."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import BinaryIO, Iterator

from mit_desktop.fsutil import FILE_MODE, disk_message
from mit_desktop.fsutil import atomic_writer as _atomic_writer

__all__ = ["atomic_writer", "disk_message"]


@contextlib.contextmanager
def atomic_writer(target: Path, mode: int = FILE_MODE) -> Iterator[tuple[BinaryIO, None]]:
    """:func:`mit_desktop.fsutil.atomic_writer`, yielding (file, None) as the old API did."""
    with _atomic_writer(target, mode) as handle:
        yield handle, None
