"""Backtest of the no-policy baseline: would it have reproduced what happened?

From each origin year (2015–2021) the model is calibrated on data up to the origin only
(:func:`~helpers.model.calibrate` with ``base_year=origin``) and its baseline projected to 2023.
The projections of R&D spending, R&D personnel, invention patents, GDP and R&D intensity of the
three provinces, and of the benchmarks' intensity and R&D, are compared with the data and with
three naive comparators:

* random walk: the origin's value held flat;
* own drift: the province's own growth over the five years to the origin, continued;
* national drift: the nation's growth of the same series over those five years.

The errors are summarised as the mean absolute percentage error (MAPE) by series, region, origin
and horizon, the bias (mean log error), and the share of outcomes inside the model's P10–P90 band.
The band's forecast-error part is fitted on these same errors (:mod:`helpers.model.errors`), so its
coverage is also reported with each origin left out of the fit.

Every result is data: ``python -m helpers.model.backtest`` writes ``data/model/`` and a test checks
that a rerun reproduces the files byte for byte.

GDP and intensity cross documented revisions (``calibration.breaks``): a projection whose target
year lies after a break that came after its origin measures the revision, not the model; those rows
are flagged and left out of the fits.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import DATA_DIR

from .calibration import _best_rows, calibrate
from .errors import ErrorModel, fit_error_model
from .parameters import NE_PROVINCES, ParameterSet, load_parameters
from .simulation import simulate

ORIGINS: tuple[int, ...] = tuple(range(2015, 2022))
LAST_YEAR = 2023
OUT_DIR = DATA_DIR / "model"
#: Backtested series: key → (model output, panel indicator, scale to the model's unit).
SERIES: dict[str, tuple[str, str, float]] = {
    "rd_expenditure": ("rd_expenditure", "rd_expenditure", 1.0),
    "rd_personnel_fte": ("rd_personnel_fte", "rd_personnel_fte_total", 1.0),
    "invention_patents_granted": ("invention_patents_granted", "patents_granted_invention", 1.0),
    "gdp": ("gdp", "gdp_implied", 1.0),
    "rd_intensity": ("rd_intensity", "rd_intensity", 1.0),
}
#: The series of the headline test: 3 series × 3 provinces.
TARGET_SERIES = ("rd_expenditure", "rd_personnel_fte", "invention_patents_granted")
#: Series whose actual values carry GDP revisions.
GDP_BASED = ("gdp", "rd_intensity")
METHODS = ("model", "random_walk", "own_drift", "national_drift")
BENCHMARKS = ("CN-JS", "CN")
DRAWS = 2000
SEED = 20250220
#: Where the fitted error of each key comes from: (series, regions).
ERROR_SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "rd_expenditure": ("rd_expenditure", NE_PROVINCES),
    "rd_personnel_fte": ("rd_personnel_fte", NE_PROVINCES),
    "invention_patents_granted": ("invention_patents_granted", NE_PROVINCES),
    "gdp": ("gdp", NE_PROVINCES),
    "benchmark_rd_intensity_national": ("rd_intensity", ("CN",)),
    "benchmark_rd_intensity_jiangsu": ("rd_intensity", ("CN-JS",)),
    "benchmark_rd_expenditure_jiangsu": ("rd_expenditure", ("CN-JS",)),
}
#: Settings tried in the sensitivity table (trend damping φ × national pull ω).
SENSITIVITY = {"trend_damping": (0.8, 0.9, 1.0), "national_pull": (0.0, 0.5, 1.0)}
DRIFT_YEARS = 5


@dataclass(frozen=True)
class Backtest:
    """What :func:`run_backtest` returns; each table is also a file in ``data/model/``.

    Attributes
    ----------
    forecasts : DataFrame
        One row per origin, region, series and target year: the actual value, the model's central
        projection with its P10–P90 band, the three comparators, and ``crosses_break``.
    summary : DataFrame
        MAPE, bias and band coverage (``measure``) by ``method``, ``series``, ``region``,
        ``origin`` and ``horizon`` ("all" where pooled).
    errors : ErrorModel
        The forecast-error model fitted on all origins.
    sensitivity : DataFrame
        MAPE of the headline test (origin 2018, and the mean over origins) for other settings of
        the trend damping and the national pull.
    """

    forecasts: pd.DataFrame
    summary: pd.DataFrame
    errors: ErrorModel
    sensitivity: pd.DataFrame

    def headline(self) -> pd.DataFrame:
        """MAPE of the 45 headline values from each origin, by method (rows: origins and mean)."""
        s = self.summary
        rows = s[
            (s["measure"] == "mape")
            & (s["series"] == "target")
            & (s["region"] == "provinces")
            & (s["horizon"] == "all")
        ]
        return rows.pivot(index="origin", columns="method", values="value")[list(METHODS)]


# ----------------------------------------------------------------------------- data


def _actuals(panel: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Actual values per series: (years × regions) tables from the best rows of the panel."""
    rows = _best_rows(panel)
    out = {}
    for key, (_, indicator, scale) in SERIES.items():
        sub = rows[rows["indicator"] == indicator]
        wide = sub.pivot(index="year", columns="region", values="value") * scale
        wide.index = wide.index.astype(int)
        out[key] = wide
    # R&D spending before the communiqué: the yearbook's intramural total (same statistic)
    total = rows[rows["indicator"] == "rd_expenditure_total"]
    fill = total.pivot(index="year", columns="region", values="value") / 1e4
    fill.index = fill.index.astype(int)
    out["rd_expenditure"] = out["rd_expenditure"].combine_first(fill)
    return out


def _crosses(parameters: ParameterSet, region: str, origin: int, year: int) -> bool:
    return any(
        b.region == region and origin < b.year <= year for b in parameters.calibration.breaks
    )


def _drift(table: pd.DataFrame, region: str, origin: int) -> float:
    """Mean yearly log growth of ``region`` over the five years to ``origin`` (fewer if the series
    starts later); NaN without two years."""
    series = table[region].dropna() if region in table else pd.Series(dtype=float)
    series = series[(series.index <= origin) & (series.index >= origin - DRIFT_YEARS)]
    if len(series) < 2 or origin not in series.index:
        return float("nan")
    first = series.index.min()
    return float(np.log(series.loc[origin] / series.loc[first]) / (origin - first))


# ----------------------------------------------------------------------------- the run


def _central(panel, origins, parameters, assumptions=None) -> dict[int, tuple]:
    """Baseline of each origin and its central run."""
    out = {}
    for origin in origins:
        base = calibrate(panel, base_year=origin, parameters=parameters)
        out[origin] = (base, simulate(base, assumptions=assumptions, parameters=parameters))
    return out


def _values(result, variable: str, regions: Iterable[str], years: Iterable[int], stat="central"):
    s = result.series
    rows = s[
        (s["variable"] == variable)
        & (s["run"] == "baseline")
        & (s["stat"] == stat)
        & s["region"].isin(list(regions))
        & s["year"].isin(list(years))
    ]
    return {
        (str(r), int(y)): float(v)
        for r, y, v in zip(rows["region"], rows["year"], rows["value"], strict=True)
    }


def _forecast_rows(runs, actuals, parameters, last_year) -> pd.DataFrame:
    rows = []
    for origin, (_, result) in runs.items():
        years = range(origin + 1, last_year + 1)
        for key, (variable, _, _) in SERIES.items():
            actual = actuals[key]
            regions = [*NE_PROVINCES, *BENCHMARKS]
            central = _values(result, variable, regions, years)
            national = _drift(actual, "CN", origin)
            for region in regions:
                if region not in actual or origin not in actual.index:
                    continue
                start = actual.at[origin, region]
                own = _drift(actual, region, origin)
                for year in years:
                    if year not in actual.index or not np.isfinite(actual.at[year, region]):
                        continue
                    h = year - origin
                    rows.append(
                        {
                            "origin": origin,
                            "region": region,
                            "series": key,
                            "year": year,
                            "horizon": h,
                            "actual": float(actual.at[year, region]),
                            "model": central[(region, year)],
                            "random_walk": float(start),
                            "own_drift": float(start * np.exp(own * h)),
                            "national_drift": float(start * np.exp(national * h)),
                            "crosses_break": key in GDP_BASED
                            and _crosses(parameters, region, origin, year),
                        }
                    )
    return pd.DataFrame(rows)


def _error_table(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Log errors ln(actual / model) keyed by the error-model keys; break-crossing rows left out."""
    parts = []
    for key, (series, regions) in ERROR_SOURCES.items():
        rows = forecasts[
            (forecasts["series"] == series)
            & forecasts["region"].isin(regions)
            & ~forecasts["crosses_break"]
        ]
        parts.append(
            pd.DataFrame(
                {
                    "key": key,
                    "origin": rows["origin"].to_numpy(),
                    "region": rows["region"].to_numpy(),
                    "horizon": rows["horizon"].to_numpy(),
                    "log_error": np.log(rows["actual"] / rows["model"]).to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _bands(runs, model: ErrorModel, parameters, origins, last_year) -> dict:
    """P10 and P90 of the baseline from each origin, with forecast errors ``model``."""
    out = {}
    for origin in origins:
        base = runs[origin][0]
        result = simulate(
            base, draws=DRAWS, seed=SEED, parameters=parameters, forecast_errors=model
        )
        years = range(origin + 1, last_year + 1)
        for key, (variable, _, _) in SERIES.items():
            regions = [*NE_PROVINCES, *BENCHMARKS]
            lo = _values(result, variable, regions, years, "p10")
            hi = _values(result, variable, regions, years, "p90")
            for (region, year), value in lo.items():
                out[(origin, region, key, year)] = (value, hi[(region, year)])
    return out


def run_backtest(
    panel: pd.DataFrame,
    *,
    origins: Iterable[int] = ORIGINS,
    last_year: int = LAST_YEAR,
    parameters: ParameterSet | None = None,
    sensitivity: bool = True,
) -> Backtest:
    """Run the backtest; pure (nothing is written). See the module docstring."""
    parameters = parameters or load_parameters()
    origins = tuple(origins)
    actuals = _actuals(panel)
    runs = _central(panel, origins, parameters)
    forecasts = _forecast_rows(runs, actuals, parameters, last_year)
    errors = _error_table(forecasts)
    model = fit_error_model(errors)

    inside = _bands(runs, model, parameters, origins, last_year)
    leave_out = {}
    for origin in origins:
        loo = fit_error_model(errors[errors["origin"] != origin])
        leave_out.update(
            {k: v for k, v in _bands(runs, loo, parameters, (origin,), last_year).items()}
        )
    keys = list(
        zip(
            forecasts["origin"],
            forecasts["region"],
            forecasts["series"],
            forecasts["year"],
            strict=True,
        )
    )
    forecasts["p10"] = [inside[k][0] for k in keys]
    forecasts["p90"] = [inside[k][1] for k in keys]
    forecasts["p10_loo"] = [leave_out[k][0] for k in keys]
    forecasts["p90_loo"] = [leave_out[k][1] for k in keys]
    forecasts = forecasts[
        [
            "origin",
            "region",
            "series",
            "year",
            "horizon",
            "actual",
            "model",
            "p10",
            "p90",
            "p10_loo",
            "p90_loo",
            "random_walk",
            "own_drift",
            "national_drift",
            "crosses_break",
        ]
    ]
    summary = summarise(forecasts)
    table = _sensitivity(panel, origins, actuals, parameters, last_year) if sensitivity else None
    return Backtest(forecasts=forecasts, summary=summary, errors=model, sensitivity=table)


# ----------------------------------------------------------------------------- summaries


def _scores(rows: pd.DataFrame) -> dict[str, float]:
    out = {}
    for method in METHODS:
        out[method] = float((rows[method] / rows["actual"] - 1).abs().mean() * 100)
    return out


def summarise(forecasts: pd.DataFrame) -> pd.DataFrame:
    """MAPE, bias and coverage by method, series, region, origin and horizon."""
    usable = forecasts[~forecasts["crosses_break"]]
    provinces = usable[usable["region"].isin(NE_PROVINCES)]
    groups = []
    # headline: the 3 target series, provinces pooled, by origin and over all origins
    target = provinces[provinces["series"].isin(TARGET_SERIES)]
    for origin, rows in [*target.groupby("origin"), ("all", target)]:
        groups.append(("target", "provinces", origin, "all", rows))
    for horizon, rows in target.groupby("horizon"):
        groups.append(("target", "provinces", "all", horizon, rows))
    for series, part in usable.groupby("series"):
        for region, rows in [
            *part.groupby("region"),
            ("provinces", part[part["region"].isin(NE_PROVINCES)]),
        ]:
            groups.append((series, region, "all", "all", rows))
            if region == "provinces":
                for origin, sub in rows.groupby("origin"):
                    groups.append((series, region, origin, "all", sub))
                for horizon, sub in rows.groupby("horizon"):
                    groups.append((series, region, "all", horizon, sub))
    out = []
    for series, region, origin, horizon, rows in groups:
        if rows.empty:
            continue
        n = len(rows)
        for method, value in _scores(rows).items():
            out.append((series, region, str(origin), str(horizon), "mape", method, value, n))
        bias = float(np.log(rows["actual"] / rows["model"]).mean() * 100)
        out.append((series, region, str(origin), str(horizon), "bias", "model", bias, n))
        for measure, lo, hi in (("coverage", "p10", "p90"), ("coverage_loo", "p10_loo", "p90_loo")):
            covered = ((rows["actual"] >= rows[lo]) & (rows["actual"] <= rows[hi])).mean()
            out.append(
                (
                    series,
                    region,
                    str(origin),
                    str(horizon),
                    measure,
                    "model",
                    float(covered * 100),
                    n,
                )
            )
    return pd.DataFrame(
        out, columns=["series", "region", "origin", "horizon", "measure", "method", "value", "n"]
    )


def _sensitivity(panel, origins, actuals, parameters, last_year) -> pd.DataFrame:
    rows = []
    for phi in SENSITIVITY["trend_damping"]:
        for omega in SENSITIVITY["national_pull"]:
            assumptions = {"trend_damping": phi, "national_pull": omega}
            runs = _central(panel, origins, parameters, assumptions)
            table = _forecast_rows(runs, actuals, parameters, last_year)
            target = table[table["series"].isin(TARGET_SERIES) & table["region"].isin(NE_PROVINCES)]
            by_origin = target.groupby("origin").apply(
                lambda r: float((r["model"] / r["actual"] - 1).abs().mean() * 100),
                include_groups=False,
            )
            rows.append(
                {
                    "trend_damping": phi,
                    "national_pull": omega,
                    "mape_2018": float(by_origin.get(2018, np.nan)),
                    "mape_mean_over_origins": float(by_origin.mean()),
                }
            )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- files

FILES = {
    "forecasts": "backtest_forecasts.csv",
    "summary": "backtest_summary.csv",
    "errors": "forecast_errors.csv",
    "sensitivity": "backtest_sensitivity.csv",
}


def _csv(frame: pd.DataFrame) -> bytes:
    """Stable CSV bytes: UTF-8, Unix line ends, numbers to 10 significant digits, booleans as
    ``true``/``false``."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == bool:
            frame[column] = frame[column].map({True: "true", False: "false"})
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g").encode("utf-8")


#: Column descriptions of the written tables (the Frictionless package describes every one).
COLUMN_NOTES = {
    "origin": "Last year of data the model was calibrated on",
    "region": "ISO 3166-2:CN code (CN = national); 'provinces' pools the three provinces",
    "series": "Backtested series; 'target' pools R&D spending, personnel and invention patents",
    "year": "Year projected",
    "horizon": "Years after the origin ('all' where pooled)",
    "actual": "Value in the data panel",
    "model": "Central projection of the no-policy baseline",
    "p10": "P10 of the baseline (parameter draws and forecast errors fitted on every origin)",
    "p90": "P90 of the baseline (parameter draws and forecast errors fitted on every origin)",
    "p10_loo": "P10 with the forecast errors fitted without this origin",
    "p90_loo": "P90 with the forecast errors fitted without this origin",
    "random_walk": "Comparator: the origin's value held flat",
    "own_drift": "Comparator: the region's own mean growth over the five years to the origin",
    "national_drift": "Comparator: the nation's mean growth of the series over those five years",
    "crosses_break": "True where a documented GDP revision lies between origin and year",
    "measure": "mape, bias (mean log error, percent), coverage or coverage_loo (percent)",
    "method": "model or a comparator",
    "value": "The measure, percent",
    "n": "Number of projections behind the value",
    "quantity": "scale a or exponent b of sigma_h = a h^b, or a correlation",
    "other": "The second series of a correlation",
    "trend_damping": "Trend damping phi of the run",
    "national_pull": "National pull nu of the run",
    "mape_2018": "MAPE of the 45 headline values from the 2018 origin, percent",
    "mape_mean_over_origins": "Mean over origins 2015-2021 of the headline MAPE, percent",
}
TITLES = {
    "forecasts": "Backtest: every projection from origins 2015-2021 against the data",
    "summary": "Backtest: MAPE, bias and P10-P90 coverage by series, region, origin, horizon",
    "errors": "Forecast errors the Monte Carlo bands draw: sigma_h = a h^b and correlations",
    "sensitivity": "Backtest of the headline series at other settings of phi and nu",
}


def _field_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "string"


def _package(tables: dict[str, pd.DataFrame], blobs: dict[str, bytes]) -> bytes:
    """``data/model/datapackage.json`` describing the written tables (schema, size, hash)."""
    import hashlib
    import json

    resources = []
    for name, table in tables.items():
        fields = []
        for column in table.columns:
            entry = {
                "name": column,
                "type": _field_type(table[column]),
                "description": COLUMN_NOTES.get(column, ""),
            }
            if entry["type"] == "boolean":
                entry["trueValues"], entry["falseValues"] = ["true"], ["false"]
            fields.append(entry)
        data = blobs[name]
        resources.append(
            {
                "name": f"model-{name}",
                "path": FILES[name],
                "title": TITLES[name],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": {"fields": fields, "missingValues": [""]},
                "sources": [
                    {
                        "title": "NQP Lab data panel (data/processed/panel.csv) and scenario model "
                        "(helpers.model), python -m helpers.model.backtest"
                    }
                ],
                "licenses": [
                    {
                        "name": "MIT",
                        "path": "https://opensource.org/licenses/MIT",
                        "title": "MIT License (NQP Lab code and derived values)",
                    }
                ],
            }
        )
    package = {
        "name": "nqp-lab-model-backtest",
        "title": "NQP Lab: backtest of the scenario model's baseline",
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_backtest(result: Backtest, out_dir: str | Path | None = None) -> list[Path]:
    """Write the four tables and their ``datapackage.json`` into ``out_dir`` (default
    ``data/model``); each file is written whole or not at all."""
    out = Path(out_dir) if out_dir is not None else OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "forecasts": result.forecasts,
        "summary": result.summary,
        "errors": result.errors.to_frame(),
        "sensitivity": result.sensitivity,
    }
    tables = {name: table for name, table in tables.items() if table is not None}
    blobs = {name: _csv(table) for name, table in tables.items()}
    blobs_out = {FILES[name]: blob for name, blob in blobs.items()}
    blobs_out["datapackage.json"] = _package(tables, blobs)
    written = []
    for file, blob in blobs_out.items():
        path = out / file
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(blob)
        tmp.replace(path)
        written.append(path)
    return written


def read_backtest(data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The backtest tables as written (for the validation page)."""
    folder = Path(data_dir) if data_dir is not None else OUT_DIR
    out = {}
    for name, file in FILES.items():
        path = folder / file
        try:
            out[name] = pd.read_csv(path, keep_default_na=False, na_values=[""])
        except (
            OSError,
            pd.errors.ParserError,
            pd.errors.EmptyDataError,
            UnicodeDecodeError,
        ) as exc:
            raise ValueError(f"the backtest file {file} cannot be read ({exc})") from None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.model.backtest", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", default=None, help="output folder (default data/model)")
    args = parser.parse_args(argv)
    from helpers.data import load_panel

    result = run_backtest(load_panel())
    for path in write_backtest(result, args.out):
        print(f"wrote {path}")
    head = result.headline()
    print(head.round(1).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = [
    "ORIGINS",
    "Backtest",
    "read_backtest",
    "run_backtest",
    "summarise",
    "write_backtest",
]
