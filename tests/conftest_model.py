"""Fixtures shared by the model and scenario tests (imported explicitly, not a conftest plugin).

This is the one place that says where the data panel comes from: the validated data layer.

Use in a test module::

    from tests.conftest_model import baseline, panel  # noqa: F401  (pytest fixtures)
"""

from __future__ import annotations

import functools

import pytest

from helpers.data import load_panel
from helpers.model import Baseline, calibrate


@functools.cache
def model_baseline() -> Baseline:
    """The calibrated baseline, built once per test session (also usable outside fixtures)."""
    return calibrate(load_panel())


@pytest.fixture(scope="session")
def panel():
    return load_panel()


@pytest.fixture(scope="session")
def baseline() -> Baseline:
    return model_baseline()
