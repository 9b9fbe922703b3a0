"""The NQP Lab scenario model (issue 4)."""

from .parameters import (
    NE_PROVINCES,
    ParameterFileError,
    ParameterSet,
    ParameterSpec,
    ScenarioError,
    load_parameters,
)

__all__ = [
    "NE_PROVINCES",
    "ParameterFileError",
    "ParameterSet",
    "ParameterSpec",
    "ScenarioError",
    "load_parameters",
]
