"""The baseline is tested against history: the backtest (helpers.model.backtest).

From each origin 2015–2021 the model sees only the data up to the origin; its no-policy baseline
is compared with what happened and with three naive comparators. The results are data
(``data/model/``), rebuilt here byte for byte, and the bands drawn in the lab are fitted on them.
"""

from __future__ import annotations

import io
import json

import frictionless
import numpy as np
import pandas as pd
import pytest

from helpers import DATA_DIR
from helpers.model import calibrate, simulate
from helpers.model.backtest import (
    FILES,
    METHODS,
    ORIGINS,
    read_backtest,
    run_backtest,
    write_backtest,
)
from helpers.model.errors import ErrorModelError, draw_errors, read_error_model
from tests.conftest_model import baseline, panel  # noqa: F401

MODEL_DIR = DATA_DIR / "model"


@pytest.fixture(scope="module")
def rerun(panel, tmp_path_factory):  # noqa: F811
    out = tmp_path_factory.mktemp("model")
    result = run_backtest(panel)
    write_backtest(result, out)
    return result, out


def _last_digit_only(new: bytes, old: bytes) -> bool:
    """True when two CSVs differ only by one unit in the last of 7 significant digits.

    The Monte Carlo bands are float32 and rounded to 7 significant digits; numpy's float32
    exp/log take different SIMD paths on different CPUs (AVX2 or AVX-512), which moves a value
    lying on a rounding boundary by one unit in its last digit (seen here: 3745.581 on one
    machine, 3745.582 on another). Every other byte must match.
    """
    a = pd.read_csv(io.BytesIO(new), dtype=str, keep_default_na=False)
    b = pd.read_csv(io.BytesIO(old), dtype=str, keep_default_na=False)
    if list(a.columns) != list(b.columns) or a.shape != b.shape:
        return False
    differ = a != b
    if not differ.to_numpy().any():
        return True
    for column in a.columns[differ.any()]:
        rows = differ[column]
        x = pd.to_numeric(a.loc[rows, column], errors="coerce").to_numpy()
        y = pd.to_numeric(b.loc[rows, column], errors="coerce").to_numpy()
        if np.isnan(x).any() or np.isnan(y).any():
            return False
        if not np.all(np.abs(x - y) <= 1.01e-6 * np.maximum(np.abs(x), np.abs(y))):
            return False
    return int(differ.to_numpy().sum()) <= 10


def test_the_backtest_files_are_reproduced_byte_for_byte(rerun):
    _, out = rerun
    last_digit = []
    for name in FILES.values():
        new, old = (out / name).read_bytes(), (MODEL_DIR / name).read_bytes()
        if new != old:
            assert _last_digit_only(new, old), name
            last_digit.append(name)
    new_package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    old_package = json.loads((MODEL_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for package in (new_package, old_package):  # size and hash follow the last digits
        for resource in package["resources"]:
            if resource["path"] in last_digit:
                resource.pop("bytes"), resource.pop("hash")
    assert new_package == old_package
    if not last_digit:
        assert (out / "datapackage.json").read_bytes() == (
            MODEL_DIR / "datapackage.json"
        ).read_bytes()


def test_the_backtest_package_validates_with_frictionless():
    report = frictionless.validate(MODEL_DIR / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def _headline():
    summary = read_backtest()["summary"]
    rows = summary[
        (summary["measure"] == "mape")
        & (summary["series"] == "target")
        & (summary["region"] == "provinces")
        & (summary["horizon"] == "all")
    ]
    return rows.pivot(index="origin", columns="method", values="value")


def test_from_2018_the_baseline_beats_every_naive_comparator_on_the_45_values():
    table = _headline()
    summary = read_backtest()["summary"]
    n = summary[
        (summary["series"] == "target")
        & (summary["region"] == "provinces")
        & (summary["origin"] == "2018")
        & (summary["horizon"] == "all")
        & (summary["measure"] == "mape")
    ]["n"]
    assert set(n) == {45}  # 3 series × 3 provinces × 2019–2023
    row = table.loc["2018"]
    for comparator in ("random_walk", "own_drift", "national_drift"):
        assert row["model"] < row[comparator], comparator


def test_over_origins_2015_to_2021_it_beats_the_best_comparator_on_average():
    table = _headline().drop(index="all")
    assert sorted(int(o) for o in table.index) == list(ORIGINS)
    means = table.mean()
    assert means["model"] < min(means[m] for m in METHODS if m != "model")
    pooled = _headline().loc["all"]
    assert pooled["model"] < min(pooled[m] for m in METHODS if m != "model")


def test_the_p10_p90_band_covers_between_60_and_95_percent_of_what_happened():
    summary = read_backtest()["summary"]
    for measure in ("coverage", "coverage_loo"):
        value = summary[
            (summary["measure"] == measure)
            & (summary["series"] == "target")
            & (summary["region"] == "provinces")
            & (summary["origin"] == "all")
            & (summary["horizon"] == "all")
        ]["value"].item()
        assert 60 <= value <= 95, (measure, value)


def test_projections_across_a_gdp_revision_are_flagged_and_left_out_of_the_fits():
    forecasts = read_backtest()["forecasts"]
    crossing = forecasts[forecasts["crosses_break"]]
    assert set(crossing["series"]) <= {"gdp", "rd_intensity"}
    jilin = crossing[(crossing["region"] == "CN-JL") & (crossing["origin"] == 2018)]
    assert set(jilin["year"]) == set(range(2019, 2024))
    errors = read_error_model()
    assert errors.counts["gdp"] < len(forecasts[(forecasts["series"] == "gdp")])


def test_the_bands_grow_with_the_horizon_and_draws_are_reproducible():
    model = read_error_model()
    for key in model.scale:
        sigma = model.sigma(key, np.arange(13))
        assert sigma[0] == 0 and (np.diff(sigma) >= 0).all()
    a = draw_errors(model, 13, 50, 7)
    b = draw_errors(model, 13, 50, 7)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert all((a[k][0] == 1).all() for k in a)  # no error in the base year


def test_the_lab_band_includes_the_forecast_errors(baseline):  # noqa: F811
    with_errors = simulate(baseline, draws=500)
    without = simulate(baseline, draws=500, forecast_errors=False)

    def width(result):
        lo = result.value("rd_expenditure", "CN-JL", 2030, "baseline", "p10")
        hi = result.value("rd_expenditure", "CN-JL", 2030, "baseline", "p90")
        return hi / lo

    assert width(with_errors) > 1.3 > width(without)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "cannot be read"),
        ("a,b\n1,2\n", "expected the columns"),
        ("series,quantity,other,value,n\nrd_expenditure,scale,,oops,1\n", "row 2"),
        ("series,quantity,other,value,n\nhappiness,scale,,0.1,1\n", "unknown series"),
        ("series,quantity,other,value,n\nrd_expenditure,scale,,0.1,1\n", "no scale or exponent"),
    ],
)
def test_a_broken_forecast_error_file_is_refused_with_its_name(tmp_path, content, problem):
    path = tmp_path / "forecast_errors.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ErrorModelError, match=problem) as info:
        read_error_model(path)
    assert "forecast_errors.csv" in str(info.value)


def test_a_missing_forecast_error_file_says_how_to_make_it(tmp_path):
    with pytest.raises(ErrorModelError, match=r"python -m helpers\.model\.backtest"):
        read_error_model(tmp_path / "nothing.csv")


def test_the_origin_sees_no_later_year(panel):  # noqa: F811
    """Calibrating at 2018 on the whole panel equals calibrating on the panel cut at 2018."""
    whole = simulate(calibrate(panel, base_year=2018))
    cut = simulate(calibrate(panel[panel["year"] <= 2018], base_year=2018))
    pd.testing.assert_frame_equal(whole.series, cut.series)


def test_the_readme_quotes_the_current_track_record():
    from helpers import REPO_ROOT

    readme = " ".join((REPO_ROOT / "README.md").read_text(encoding="utf-8").split())
    row = _headline().loc["2018"]
    quoted = (
        f"by {row['model']:.1f}% against {row['random_walk']:.1f}%, "
        f"{row['own_drift']:.1f}% and {row['national_drift']:.1f}%"
    )
    assert quoted in readme
