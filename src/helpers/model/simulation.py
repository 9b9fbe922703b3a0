"""Public entry points: :func:`simulate` a scenario and :func:`tornado` its sensitivities."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .calibration import OUTPUT_REGIONS, Baseline
from .checks import ModelWarning, scenario_warnings
from .core import DERIVED, REGIONS, SCENARIO_REGIONS, Paths, evaluate
from .draws import (
    RowTable,
    block_bounds,
    first_rows_constant,
    pack_rows,
    row_quantiles,
    row_spans,
    start_sorting,
)
from .errors import ErrorModel, draw_errors, read_error_model
from .parameters import NE_PROVINCES, ParameterSet, ScenarioError, load_parameters
from .uncertainty import (
    DEFAULT_SEED,
    QUANTILES,
    draw_assumptions,
    round_significant,
)

RUNS = ("baseline", "scenario", "change")
SERIES_COLUMNS = ("region", "year", "variable", "run", "stat", "value", "unit")
METRIC_COLUMNS = ("region", "metric", "run", "stat", "value", "unit")


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """What :func:`simulate` returns.

    Attributes
    ----------
    series : DataFrame
        Tidy time series, columns ``region, year, variable, run, stat, value, unit``.
        ``run`` is ``baseline`` (no new policy), ``scenario`` or ``change`` (scenario − baseline,
        computed draw by draw before summarising). ``stat`` is ``central`` (every assumption at
        its set value) and, with draws, ``p10``, ``p50``, ``p90``.
    metrics : DataFrame
        Per-region summary numbers, columns ``region, metric, run, stat, value, unit``
        (parity years are NaN when parity is not reached by the end year).
    warnings : tuple of ModelWarning
    levers : dict
        Every lever as resolved per province ``{name: {region: value}}``.
    assumptions : dict
        Central value of every assumption.
    draws, seed : int
    """

    series: pd.DataFrame
    metrics: pd.DataFrame
    warnings: tuple[ModelWarning, ...]
    levers: dict[str, dict[str, float]]
    assumptions: dict[str, float]
    draws: int
    seed: int | None

    def to_frame(self) -> pd.DataFrame:
        """Series and metrics in one tidy table; metric rows have an empty ``year``."""
        metrics = self.metrics.rename(columns={"metric": "variable"}).assign(
            year=pd.array([pd.NA] * len(self.metrics), dtype="Int64")
        )
        series = self.series.assign(year=self.series["year"].astype("Int64"))
        columns = list(SERIES_COLUMNS)
        return pd.concat(
            [series[columns].astype(object), metrics[columns].astype(object)], ignore_index=True
        ).astype({"year": "Int64", "value": float})

    def warnings_frame(self, lang: str = "en") -> pd.DataFrame:
        """The warnings as a table (code, region, year, message in ``lang``)."""
        return pd.DataFrame(
            [
                {"code": w.code, "region": w.region, "year": w.year, "message": w.message(lang)}
                for w in self.warnings
            ],
            columns=["code", "region", "year", "message"],
        )

    def value(
        self, variable: str, region: str, year: int, run: str = "scenario", stat: str = "central"
    ) -> float:
        """One number from the series, e.g. ``result.value("rd_intensity", "CN-HL", 2030)``."""
        return _one(self.series, variable=variable, region=region, year=year, run=run, stat=stat)

    def metric(
        self, metric: str, region: str, run: str = "scenario", stat: str = "central"
    ) -> float:
        """One summary number, e.g. ``result.metric("parity_year_national", "NE3")``."""
        return _one(self.metrics, metric=metric, region=region, run=run, stat=stat)


def _one(frame: pd.DataFrame, **where) -> float:
    """The single value of ``frame`` whose columns equal ``where``."""
    mask = np.logical_and.reduce([frame[column] == value for column, value in where.items()])
    hit = frame.loc[mask, "value"]
    if len(hit) != 1:
        raise KeyError(f"no single value for {where}")
    return float(hit.iloc[0])


# ------------------------------------------------------------------------------ levers


def baseline_levers(
    baseline: Baseline, parameters: ParameterSet | None = None
) -> dict[str, dict[str, float]]:
    """The no-policy setting of every lever, per province (what "reset" restores)."""
    parameters = parameters or load_parameters()
    return {
        spec.name: dict(zip(NE_PROVINCES, _lever_default(spec, baseline).tolist(), strict=True))
        for spec in parameters.levers
    }


def _lever_default(spec, baseline: Baseline) -> np.ndarray:
    if spec.default_from is not None:
        return np.array(
            [baseline.value(spec.default_from, region) for region in NE_PROVINCES], dtype=float
        )
    return np.full(len(NE_PROVINCES), float(spec.default))


def resolve_levers(
    levers: Mapping[str, Any] | None, baseline: Baseline, parameters: ParameterSet
) -> dict[str, np.ndarray]:
    """Validate lever values and expand them to one value per province (defaults elsewhere).

    Raises
    ------
    ScenarioError
        Unknown lever, value out of [min, max], unknown province, or a non-number.
    """
    checked = parameters.validate_levers(levers)
    out = {}
    for spec in parameters.levers:
        values = _lever_default(spec, baseline)
        given = checked.get(spec.name)
        if isinstance(given, Mapping):
            for region, value in given.items():
                values[NE_PROVINCES.index(region)] = value
        elif given is not None:
            values[:] = given
        out[spec.name] = values
    return out


def resolve_assumptions(
    assumptions: Mapping[str, Any] | None, parameters: ParameterSet
) -> dict[str, float]:
    """Defaults of every assumption, updated with validated ``assumptions``."""
    central = parameters.assumption_defaults()
    central.update(parameters.validate_assumptions(assumptions))
    return central


# ------------------------------------------------------------------------------ simulate


def simulate(
    baseline: Baseline,
    levers: Mapping[str, Any] | None = None,
    assumptions: Mapping[str, Any] | None = None,
    *,
    draws: int = 0,
    seed: int | None = None,
    parameters: ParameterSet | None = None,
    forecast_errors: ErrorModel | bool = True,
) -> ScenarioResult:
    """Run a scenario against the no-policy baseline, with optional Monte Carlo uncertainty.

    A pure function: the same arguments give the same result; nothing is read or written.

    Parameters
    ----------
    baseline : Baseline
        From :func:`calibrate`.
    levers : mapping, optional
        Policy levers by name (see ``parameters.yaml``), each a number for all three provinces or
        ``{"CN-LN": …, "CN-JL": …, "CN-HL": …}``. Levers left out stay at their baseline setting.
    assumptions : mapping, optional
        Assumptions by name; the rest keep their defaults. A set value becomes the mode of that
        assumption's triangular distribution in the Monte Carlo.
    draws : int
        Monte Carlo draws (0: central run only). 2,000 gives stable P10/P90.
    seed : int, optional
        Random seed; ``None`` uses :data:`DEFAULT_SEED`, so results are always reproducible.
    parameters : ParameterSet, optional
        Defaults to :func:`load_parameters`.
    forecast_errors : ErrorModel or bool
        With draws, also draw the backtest's forecast errors (True: the fitted errors in
        ``data/model/forecast_errors.csv``; an :class:`~helpers.model.errors.ErrorModel`: those;
        False: parameter uncertainty only).

    Returns
    -------
    ScenarioResult

    Raises
    ------
    ScenarioError
        A lever or assumption is unknown, out of range or not a number.
    ErrorModelError
        The forecast-error file is missing or malformed.

    Notes
    -----
    The central run is computed in float64, the draws in float32 (their P10/P50/P90 keep about
    seven significant digits, far finer than the uncertainty they describe). Jiangsu and the
    nation are reference paths at central assumptions; their uncertainty enters through their
    own forecast errors.

    Examples
    --------
    >>> result = simulate(baseline, {"rd_intensity_target": 2.65, "rd_intensity_target_year": 2030})
    >>> result.value("rd_intensity", "CN-HL", 2030)  # doctest: +SKIP
    2.65
    """
    parameters = parameters or load_parameters()
    max_draws = parameters.monte_carlo.max_draws
    if (
        isinstance(draws, bool)
        or not isinstance(draws, int | np.integer)
        or not (0 <= draws <= max_draws)
    ):
        raise ScenarioError(
            [f"draws: expected a whole number from 0 to {max_draws} (got {draws!r})"]
        )
    draws = int(draws)
    lever_values = resolve_levers(levers, baseline, parameters)
    central = resolve_assumptions(assumptions, parameters)
    drawn = _cached_draws(central, parameters, draws, seed)
    errors = None
    if draws and forecast_errors is not False:
        model = read_error_model() if forecast_errors is True else forecast_errors
        errors = _cached_errors(model, len(baseline.years), draws, seed)

    centre = evaluate(baseline, lever_values, {k: v[:1] for k, v in drawn.items()})
    samples = (
        _run_draws(baseline, lever_values, drawn, draws, centre, parameters, errors)
        if draws
        else None
    )
    share = samples.implausible_share if samples is not None else None
    # metrics and warnings first: the draws' rows are being sorted on the other core meanwhile
    metrics = _metrics_frame(centre, samples, share, parameters)
    warnings = tuple(scenario_warnings(centre, share, baseline, lever_values, central, parameters))
    return ScenarioResult(
        series=_series_frame(centre, samples, parameters),
        metrics=metrics,
        warnings=warnings,
        levers={
            k: dict(zip(NE_PROVINCES, v.tolist(), strict=True)) for k, v in lever_values.items()
        },
        assumptions=central,
        draws=draws,
        seed=seed,
    )


_DRAW_CACHE: dict = {}


def _cached(owner, key, make):
    """The last few draws made, reused while the assumptions stay the same (moving a lever keeps
    them: common random numbers). ``owner`` (parameters or error model) must be the same object.
    Arrays are read-only."""
    key = (id(owner), *key)
    hit = _DRAW_CACHE.get(key)
    if hit is not None and hit[0] is owner:
        return hit[1]
    value = make()
    for array in value.values():
        array.setflags(write=False)
    if len(_DRAW_CACHE) >= 8:
        _DRAW_CACHE.pop(next(iter(_DRAW_CACHE)))
    _DRAW_CACHE[key] = (owner, value)
    return value


def _cached_draws(central, parameters, draws: int, seed):
    key = ("assumptions", tuple(central.items()), draws, seed)
    return _cached(parameters, key, lambda: draw_assumptions(central, parameters, draws, seed))


def _cached_errors(model, n_years: int, draws: int, seed):
    seed = DEFAULT_SEED if seed is None else seed
    key = ("errors", n_years, draws, seed)
    return _cached(model, key, lambda: draw_errors(model, n_years, draws, seed))


@dataclass
class Draws:
    """Monte Carlo samples of the provinces and NE3, summarised as they come.

    ``table`` holds the rows of every output that depends on the draws and summarises them
    (:class:`helpers.model.draws.RowTable`; ``index`` maps (variable, run) to its rows);
    ``factored`` maps outputs that vary through one multiplier alone to (base, the multiplier's
    P10/P50/P90 as counted and mirrored, :func:`helpers.model.draws.row_quantiles`); ``metrics``
    maps each metric that depends on the draws to its P10/P50/P90 (regions, 3);
    ``benchmark_errors`` holds the P10/P50/P90 of the forecast-error multipliers of the
    benchmarks' own rows after the base year.
    """

    table: RowTable | None
    index: dict
    metrics: dict[tuple[str, str], np.ndarray]
    implausible_share: np.ndarray
    factored: dict = field(default_factory=dict)
    benchmark_errors: dict = field(default_factory=dict)


def _draw_slice(v: np.ndarray, lo: int, hi: int, width: int) -> np.ndarray:
    """Draws ``lo:hi`` (last axis), a view, or repeated up to ``width``."""
    part = v[..., lo:hi]
    return part if hi - lo == width else np.resize(part, (*part.shape[:-1], width))


def _run_draws(
    baseline, lever_values, drawn, draws: int, centre: Paths, parameters: ParameterSet, errors
) -> Draws:
    """Evaluate rows 1…draws in float32 (in blocks of :data:`helpers.model.draws.BLOCK` if there
    are more) and start sorting their outputs on both cores (:mod:`helpers.model.draws`).

    Jiangsu and the nation are reference paths taken from the central run ``centre``; the draws
    cover the provinces and their aggregate. ``errors`` (key → (years, 1, draws)) are the
    forecast-error multipliers of draws 1…draws, or None.
    """
    from .checks import implausible_return_flags

    n_first = len(SCENARIO_REGIONS)  # rows of the base year
    bounds = block_bounds(draws)
    sources, parts = [], []
    index: dict = {}
    spans = constant = None
    for i_block, (lo, hi) in enumerate(bounds):
        width = max(hi - lo, 2)  # one draw is run twice so that its draw axis has length 2
        values = {k: (_draw_slice(v, lo, hi, width) if v.size > 1 else v) for k, v in drawn.items()}
        errs = None
        if errors is not None:
            errs = {k: _draw_slice(v, lo - 1, hi - 1, width) for k, v in errors.items()}
        paths = evaluate(
            baseline, lever_values, values, dtype=np.float32, reference=centre, errors=errs
        )
        n = hi - lo
        arrays, seen = [], {}
        for key, arr in paths.series.items():
            if arr.shape[-1] > 1:  # depends on the draws
                if id(arr) not in seen:
                    seen[id(arr)] = len(arrays)
                    arrays.append(arr[..., :n])
                index[key] = seen[id(arr)]
        flags = implausible_return_flags(paths, parameters)[:, :n]
        if arrays:
            spans = row_spans(arrays)
            block_constant = first_rows_constant(arrays)
            constant = (
                block_constant
                if constant is None
                else [a and b for a, b in zip(constant, block_constant, strict=True)]
            )
            # the last block is copied into rows by the threads that sort it; earlier ones now,
            # so that only one block's outputs are held at a time
            sources.append(arrays if i_block == len(bounds) - 1 else pack_rows(arrays))
        metrics = {key: (v if v.shape[-1] == 1 else v[:, :n]) for key, v in paths.metrics.items()}
        factored = {key: (base, m[..., :n]) for key, (base, m) in paths.factored.items()}
        parts.append((flags, metrics, factored))
    table = start_sorting(sources, spans, constant, n_first) if sources else None

    def joined(arrays):  # the blocks' draws side by side
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays, axis=-1)

    metrics = {  # float32, like the outputs
        key: joined([p[1][key] for p in parts]).astype(np.float32, copy=False)
        for key, arr in parts[0][1].items()
        if arr.shape[-1] > 1  # depends on the draws
    }
    factored = {}
    for key, (base, mult) in parts[0][2].items():
        if mult.shape[-1] > 1:  # depends on the draws
            mults = joined([p[2][key][1] for p in parts])
            factored[key] = (base, mults.reshape(-1, mults.shape[-1]))
    flags = joined([p[0] for p in parts])
    bench = {}
    if errors is not None:
        for region, name in (
            ("CN", "benchmark_rd_intensity_national"),
            ("CN-JS", "benchmark_rd_intensity_jiangsu"),
        ):
            bench[("rd_intensity", "baseline", region)] = errors[name][1:, 0]
        bench[("rd_expenditure", "baseline", "CN-JS")] = errors["benchmark_rd_expenditure_jiangsu"][
            1:, 0
        ]
    # the multipliers' quantiles, all in one go (several outputs share one multiplier)
    summary = _row_quantiles_once(
        [m for _, m in factored.values()] + list(bench.values()) + list(metrics.values())
    )
    metrics = {key: summary[id(m)][:, :3] for key, m in metrics.items()}
    factored = {key: (base, summary[id(m)]) for key, (base, m) in factored.items()}
    bench = {key: summary[id(m)][:, :3] for key, m in bench.items()}
    return Draws(
        table=table,
        index=index,
        metrics=metrics,
        implausible_share=flags.mean(axis=1),
        factored=factored,
        benchmark_errors=bench,
    )


def _row_quantiles_once(arrays: list[np.ndarray]) -> dict[int, np.ndarray]:
    """P10/P50/P90 as counted, then mirrored, of the rows of each array (rows, draws), by the
    array's id: arrays given more than once are summarised once."""
    unique = list({id(a): a for a in arrays}.values())
    if not unique:
        return {}
    stats = row_quantiles(np.concatenate(unique), None)
    bounds = np.cumsum([0, *(a.shape[0] for a in unique)])
    return {id(a): stats[lo:hi] for a, lo, hi in zip(unique, bounds[:-1], bounds[1:], strict=True)}


_DTYPES: dict = {}


def _dtype(categories) -> pd.CategoricalDtype:
    key = tuple(categories)
    if key not in _DTYPES:  # building a CategoricalDtype checks its categories: do it once
        _DTYPES[key] = pd.CategoricalDtype(list(key))
    return _DTYPES[key]


def _categorical(codes, categories):
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int16), dtype=_dtype(categories))


@functools.lru_cache(maxsize=16)
def _layout(layout: tuple, years: tuple, stats: tuple, variables: tuple, units: tuple):
    """The structural columns of the series table (region, year, variable, run, stat, unit).

    They depend only on which arrays exist and their shapes, so they are built once.
    """
    region_code = {r: i for i, r in enumerate(OUTPUT_REGIONS)}
    var_codes, run_codes, reg_codes, year_col = [], [], [], []
    for (variable, run), regions in layout:
        size = len(years) * len(regions)
        var_codes.append(np.full(size, variables.index(variable)))
        run_codes.append(np.full(size, RUNS.index(run)))
        reg_codes.append(np.tile([region_code[r] for r in regions], len(years)))
        year_col.append(np.repeat(years, len(regions)))
    n = len(stats)
    var_codes = np.repeat(np.concatenate(var_codes), n)
    unit_names = sorted(set(units))
    unit_codes = np.array([unit_names.index(u) for u in units])[var_codes]
    return {
        "region": _categorical(np.repeat(np.concatenate(reg_codes), n), OUTPUT_REGIONS),
        "year": np.repeat(np.concatenate(year_col), n).astype(np.int64),
        "variable": _categorical(var_codes, variables),
        "run": _categorical(np.repeat(np.concatenate(run_codes), n), RUNS),
        "stat": _categorical(np.tile(np.arange(n), len(var_codes) // n), stats),
        "unit": _categorical(unit_codes, unit_names),
    }


def _series_frame(centre: Paths, samples: Draws | None, parameters: ParameterSet) -> pd.DataFrame:
    """Summarise every (variable, run) into the tidy series table."""
    outputs = parameters.output_by_name
    variables = tuple(outputs)
    keys = list(centre.series)
    stats = ("central",) if samples is None else ("central", *QUANTILES)
    blocks, drawn = [], []
    for key in keys:
        central = centre.series[key][:, :, 0]  # (years, regions)
        values = np.repeat(central.reshape(-1, 1), len(stats), axis=1)
        mask = np.zeros(values.shape[0], bool)  # rows whose statistics come from the draws
        if samples is not None:
            n_years, n_regions = central.shape
            grid = values.reshape(n_years, n_regions, len(stats))
            marks = mask.reshape(n_years, n_regions)
            found = _quantiles_of(key, samples, centre)
            if found is not None:
                picked, skip_base_year = found  # (years, draw regions, 3)
                first = 1 if skip_base_year else 0  # constant base year: exact central value
                grid[first:, : picked.shape[1], 1:] = picked[first:]
                marks[first:, : picked.shape[1]] = True
            for (variable, run, region), band in samples.benchmark_errors.items():
                if (variable, run) == key:  # a benchmark's own band: its forecast error alone
                    i = centre.regions[key].index(region)
                    grid[1:, i, 1:] = central[1:, i, None] * band
                    marks[1:, i] = True
        blocks.append(values)
        drawn.append(mask)
    if samples is not None:  # float32 precision: no noise digits
        values = np.concatenate(blocks)
        mask = np.concatenate(drawn)
        values[mask, 1:] = round_significant(values[mask, 1:], 7)
        blocks = [values]
    layout = tuple((key, centre.regions[key]) for key in keys)
    columns = _layout(
        layout, tuple(centre.years), stats, variables, tuple(outputs[v].unit for v in variables)
    )
    columns = {**columns, "value": np.concatenate(blocks).reshape(-1)}
    # copied: the structural columns are cached (_layout) and a caller may change its table
    return pd.DataFrame({name: columns[name] for name in SERIES_COLUMNS})


def _source_quantiles(key, samples: Draws, n_years: int, mirrored: bool):
    """P10/P50/P90 of ``key`` as (years, draw regions, 3), whether the base year is constant;
    None if it does not depend on the draws."""
    if key in samples.index:
        i = samples.index[key]
        table = samples.table.finish()
        return table.quantiles(i, mirrored).reshape(n_years, -1, 3), table.constant[i]
    if key in samples.factored:
        base, mult_quantiles = samples.factored[key]
        return _factored_quantiles(base, mult_quantiles, mirrored), True
    return None


def _quantiles_of(key, samples: Draws, centre: Paths):
    """P10/P50/P90 of ``key`` (years, draw regions, 3) and whether the base year is constant;
    None if it does not depend on the draws. Gaps and the share of Jiangsu follow from the
    intensity and R&D, against the benchmarks' reference paths."""
    variable, run = key
    n_years = centre.series[key].shape[0]
    found = _source_quantiles(key, samples, n_years, False)
    if found is not None or variable not in DERIVED:
        return found
    source, bench, sign = DERIVED[variable]
    found = _source_quantiles((source, run), samples, n_years, sign < 0)
    if found is None:
        return None
    lo_hi, constant = found
    reference = centre.series[(source, "baseline")][:, REGIONS.index(bench), 0][:, None, None]
    picked = reference - lo_hi if sign < 0 else lo_hi / reference * 100
    return picked, constant


def _factored_quantiles(base: np.ndarray, mult_quantiles: np.ndarray, mirrored: bool = False):
    """Quantiles of base × multiplier: base (years, regions, 1); the multiplier's quantiles
    (years or 1, 6) as counted, then mirrored (:func:`helpers.model.draws.row_quantiles`). A
    negative base reverses the order."""
    up = mult_quantiles[:, 3:] if mirrored else mult_quantiles[:, :3]
    down = mult_quantiles[:, :3] if mirrored else mult_quantiles[:, 3:]
    return np.where(base >= 0, base * up[:, None, :], base * down[:, None, :])


def _metrics_frame(
    centre: Paths, samples: Draws | None, share, parameters: ParameterSet
) -> pd.DataFrame:
    """The per-region metrics table; ``share`` adds the share of implausible draws."""
    specs = parameters.metric_by_name
    metric_names = list(specs)
    keys = list(centre.metrics)
    central = np.concatenate([centre.metrics[key][:, 0] for key in keys]).astype(float)
    n_regions = len(SCENARIO_REGIONS)
    if samples is None:
        values, stats = central[:, None], ("central",)
    else:
        # metrics that do not depend on the draws keep their central value as every statistic
        stats = ("central", *QUANTILES)
        values = np.repeat(central[:, None], len(stats), axis=1)
        for i, key in enumerate(keys):
            if key in samples.metrics:
                values[i * n_regions : (i + 1) * n_regions, 1:] = samples.metrics[key]
        values[:, 1:] = round_significant(values[:, 1:], 7)
    n_stats, per_key = len(stats), n_regions * len(stats)
    region = np.tile(np.repeat(np.arange(n_regions), n_stats), len(keys))
    metric = np.repeat([metric_names.index(key[0]) for key in keys], per_key)
    run = np.repeat([RUNS.index(key[1]) for key in keys], per_key)
    stat = np.tile(np.arange(n_stats), len(keys) * n_regions)
    value = values.reshape(-1)
    if share is not None:  # one number per region, over the whole ensemble of draws
        region = np.append(region, np.arange(n_regions))
        metric = np.append(
            metric, [metric_names.index("share_of_draws_implausible_return")] * n_regions
        )
        run = np.append(run, [RUNS.index("scenario")] * n_regions)
        stat = np.append(stat, [n_stats] * n_regions)
        value = np.append(value, np.asarray(share, float) * 100)
    unit_names = sorted({m.unit for m in specs.values()})
    units = np.array([unit_names.index(m.unit) for m in specs.values()])
    return pd.DataFrame(
        {
            "region": _categorical(region, SCENARIO_REGIONS),
            "metric": _categorical(metric, metric_names),
            "run": _categorical(run, RUNS),
            "stat": _categorical(stat, (*stats, "ensemble")),
            "value": value,
            "unit": _categorical(units[metric], unit_names),
        }
    )


# ------------------------------------------------------------------------------ tornado


def tornado(
    baseline: Baseline,
    levers: Mapping[str, Any] | None = None,
    assumptions: Mapping[str, Any] | None = None,
    *,
    variable: str = "gdp",
    run: str = "change",
    region: str = "NE3",
    year: int | None = None,
    parameters: ParameterSet | None = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of one output to every assumption with a range.

    Each assumption is set to the low and then the high end of its range while all others keep
    their central values; the output is read for ``region`` in ``year`` (default: the end year).

    Returns
    -------
    DataFrame
        One row per assumption, largest swing first: ``parameter, symbol, label_en, label_zh,
        grade, input_low, input_central, input_high, output_low, output_central, output_high,
        swing`` (``swing`` = |output_high − output_low|).
    """
    parameters = parameters or load_parameters()
    if (variable, run) not in {(v.name, r) for v in parameters.outputs for r in RUNS}:
        raise ScenarioError([f"variable: unknown output {variable!r} or run {run!r}"])
    lever_values = resolve_levers(levers, baseline, parameters)
    central = resolve_assumptions(assumptions, parameters)
    year = baseline.end_year if year is None else int(year)

    def read(paths: Paths) -> np.ndarray:
        arr = paths.series.get((variable, run))
        if arr is None:
            raise ScenarioError([f"variable: {variable!r} has no {run!r} run"])
        regions = paths.regions[(variable, run)]
        if region not in regions:
            raise ScenarioError([f"region: {region!r} is not in the {run!r} run"])
        return arr[year - baseline.base_year, regions.index(region), :]

    ranged = [p for p in parameters.assumptions if p.range is not None]
    floats = [p for p in ranged if not p.is_int]
    # Row 0 central, then low/high for each float assumption: one vectorised run.
    rows = 1 + 2 * len(floats)
    arrays = {name: np.full(rows, value, dtype=float) for name, value in central.items()}
    for i, spec in enumerate(floats):
        arrays[spec.name][1 + 2 * i] = spec.range.low
        arrays[spec.name][2 + 2 * i] = spec.range.high
    out = read(evaluate(baseline, lever_values, arrays))
    results = {spec.name: (out[1 + 2 * i], out[2 + 2 * i]) for i, spec in enumerate(floats)}
    centre = float(out[0])
    for spec in (p for p in ranged if p.is_int):
        pair = []
        for end in (spec.range.low, spec.range.high):
            values = {name: np.array([value]) for name, value in central.items()}
            values[spec.name] = np.array([end])
            pair.append(read(evaluate(baseline, lever_values, values))[0])
        results[spec.name] = tuple(pair)

    table = pd.DataFrame(
        [
            {
                "parameter": spec.name,
                "symbol": spec.symbol,
                "label_en": spec.label_en,
                "label_zh": spec.label_zh,
                "grade": spec.grade,
                "input_low": spec.range.low,
                "input_central": central[spec.name],
                "input_high": spec.range.high,
                "output_low": float(results[spec.name][0]),
                "output_central": centre,
                "output_high": float(results[spec.name][1]),
            }
            for spec in ranged
        ]
    )
    table["swing"] = (table["output_high"] - table["output_low"]).abs()
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
