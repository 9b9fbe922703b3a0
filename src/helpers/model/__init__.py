"""The NQP Lab scenario model (issue 4)."""

from .calibration import (
    MODEL_REGIONS,
    OUTPUT_REGIONS,
    Baseline,
    CalibrationError,
    calibrate,
)
from .parameters import (
    NE_PROVINCES,
    ParameterFileError,
    ParameterSet,
    ParameterSpec,
    ScenarioError,
    load_parameters,
)

__all__ = [
    "MODEL_REGIONS",
    "NE_PROVINCES",
    "OUTPUT_REGIONS",
    "Baseline",
    "CalibrationError",
    "ParameterFileError",
    "ParameterSet",
    "ParameterSpec",
    "ScenarioError",
    "calibrate",
    "load_parameters",
]
