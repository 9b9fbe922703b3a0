"""The NQP Lab scenario model (issue 4): R&D capital, talent, knowledge production, technology
transfer and chain leaders in Northeast China, with uncertainty.

Typical use::

    from helpers.data import load_panel
    from helpers.model import calibrate, simulate

    baseline = calibrate(load_panel())
    result = simulate(baseline, {"rd_intensity_target": 2.65}, draws=2000)
    result.series        # tidy: region, year, variable, run, stat, value, unit
    result.warnings      # ModelWarning objects, English and Chinese

Everything here is pure: no widgets, no file or network access at call time (the parameter file is
read once and cached).
"""

from .calibration import (
    MODEL_REGIONS,
    OUTPUT_REGIONS,
    Baseline,
    CalibrationError,
    calibrate,
)
from .checks import ModelWarning
from .equations import model_equations
from .estimation import KnowledgeProductionEstimate, estimate_knowledge_production
from .parameters import (
    NE_PROVINCES,
    ParameterFileError,
    ParameterSet,
    ParameterSpec,
    ScenarioError,
    load_parameters,
)
from .simulation import (
    ScenarioResult,
    baseline_levers,
    resolve_assumptions,
    resolve_levers,
    simulate,
    tornado,
)
from .uncertainty import DEFAULT_SEED

__all__ = [
    "DEFAULT_SEED",
    "MODEL_REGIONS",
    "NE_PROVINCES",
    "OUTPUT_REGIONS",
    "Baseline",
    "CalibrationError",
    "KnowledgeProductionEstimate",
    "ModelWarning",
    "ParameterFileError",
    "ParameterSet",
    "ParameterSpec",
    "ScenarioError",
    "ScenarioResult",
    "baseline_levers",
    "calibrate",
    "estimate_knowledge_production",
    "load_parameters",
    "model_equations",
    "resolve_assumptions",
    "resolve_levers",
    "simulate",
    "tornado",
]
