"""Fixtures for the body-map model tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from bodymap_reference import DATA


@pytest.fixture
def real_embody_file() -> Path:
    """A real emBODY recording with painting on both silhouettes."""
    return DATA / "embody_984332_3.csv"
