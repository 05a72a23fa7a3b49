"""Shared fixtures. Engine and rig tests need no Qt; UI tests use pytest-qt offscreen."""
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from rig import Session  # noqa: E402


@pytest.fixture(scope="session")
def settled_neuron():
    """A settled mature neuron and a snapshot to return to (building one costs ~0.5 s)."""
    s = Session(preparation="neuron", seed=0, sample_rate_hz=1000)
    return s, s.snapshot()


@pytest.fixture
def neuron(settled_neuron):
    s, snap = settled_neuron
    s.restore(snap)
    return s
