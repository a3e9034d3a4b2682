"""Shared test fixtures: the repository root and the bundled corpora (each loaded once per session)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (holds data/, notebooks/, params/)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def seed_corpus():
    """The five bundled district reports in data/raw, loaded once for the whole session."""
    import reportlab_analysis as ra

    return ra.load_corpus(REPO_ROOT / "data" / "raw")


@pytest.fixture(scope="session")
def national_corpus():
    """The 52 bundled State Council reports (NPC resolutions left out), loaded once for the whole session."""
    import reportlab_analysis as ra

    return ra.load_national_corpus()
