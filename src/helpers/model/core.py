"""The scenario model: a pure, vectorised function of the baseline, the levers and the assumptions.

Layout
------
Arrays are shaped ``(years, regions, draws)`` with draws last, so that every operation runs over
long contiguous rows. The region axis is :data:`REGIONS`: the three provinces, a slot for their
aggregate ``NE3``, then Jiangsu and the nation. The aggregate slot is computed like a province
(on a copy of Liaoning's inputs) and then overwritten in place: extensive quantities by the sum of
the provinces, ratios from those sums. This keeps every array one contiguous block with no
concatenation. The baseline (no new policy) covers all six slots; the scenario only the first four,
since levers act on the provinces alone.

Arrays whose values do not depend on the draws keep a draw axis of length 1.

Exactness
---------
Scenario quantities that depend on the baseline through a transcendental function are written as
``baseline × exp(elasticity × log1p(ratio − 1))``, and a block whose levers all sit at their
baseline setting is not recomputed at all. So a scenario with every lever at baseline reproduces
the baseline bit for bit.

The equations are listed, with LaTeX, in :func:`helpers.model.model_equations`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calibration import OUTPUT_REGIONS, Baseline
from .parameters import NE_PROVINCES

N_NE = len(NE_PROVINCES)
#: Region axis of the baseline arrays (provinces, NE3, Jiangsu, nation); the scenario covers the
#: first four.
REGIONS: tuple[str, ...] = OUTPUT_REGIONS
SCENARIO_REGIONS = REGIONS[: N_NE + 1]
_AGG = N_NE  # index of the NE3 slot
_I_JS, _I_CN = REGIONS.index("CN-JS"), REGIONS.index("CN")
_BENCHMARK = np.array([r in ("CN-JS", "CN") for r in REGIONS], dtype=float)

#: Variables whose scenario − baseline difference is reported (run "change").
CHANGE_VARIABLES = (
    "gdp",
    "rd_expenditure",
    "rd_intensity",
    "rd_capital_stock",
    "rd_personnel_fte",
    "rd_expenditure_per_fte",
    "invention_patents_granted",
    "tech_contract_value",
    "patent_conversion_rate",
)


@dataclass(frozen=True)
class Paths:
    """Raw model output.

    Attributes
    ----------
    years : ndarray
    series : dict
        ``(variable, run) → array (years, regions, draws)``; run is baseline, scenario or change.
    regions : dict
        ``(variable, run) → region codes`` of the array's region axis.
    metrics : dict
        ``(metric, run) → array (provinces and aggregate, draws)``.
    """

    years: np.ndarray
    series: dict[tuple[str, str], np.ndarray]
    regions: dict[tuple[str, str], tuple[str, ...]]
    metrics: dict[tuple[str, str], np.ndarray]


def _six(values) -> np.ndarray:
    """Values for the five modelled regions (provinces, Jiangsu, nation) on the region axis."""
    values = np.asarray(values, dtype=float)
    return np.concatenate([values[:N_NE], values[:1], values[N_NE:]], axis=0)


def _aggregate(x: np.ndarray) -> np.ndarray:
    """Fill the NE3 slot of an extensive quantity with the sum of the provinces (in place)."""
    np.add(x[:, 0], x[:, 1], out=x[:, _AGG])
    np.add(x[:, _AGG], x[:, 2], out=x[:, _AGG])
    return x


def _rd_spending(s, gdp, additionality, fund, ramp):
    """R_t = s_t / 100 · Y_t + a_F · F · r_t, floored at zero."""
    return np.maximum(s / 100 * gdp + additionality * (fund * ramp), 0)


def _capital_stock(k0, flows, keep):
    """Perpetual inventory K_t = keep · K_{t−1} + flow_t with keep = 1 − δ; row 0 is ``k0``.

    ``flows[t]`` (an array or a list of per-year arrays) is the real R&D entering the stock in
    year t, already lagged; ``flows[0]`` is not used.
    """
    shape = np.broadcast_shapes(k0.shape, *(f.shape for f in flows[1:]))
    out = np.empty((len(flows), *shape), flows[-1].dtype)
    out[0] = k0
    for t in range(1, len(flows)):
        np.multiply(keep, out[t - 1], out=out[t])
        out[t] += flows[t]
    return out


def _talent(
    h0,
    growth_trend,
    outflow,
    retention_change,
    entry_rate,
    retention0,
    recruits,
    effectiveness,
    graduates,
    ramp,
):
    """H_t = H_{t−1} (1 + g_H − q r_t + g_G Δτ r_t / τ0) + η M r_t + (τ0 + Δτ r_t) E r_t."""
    retention_step = retention_change * ramp
    growth = 1 + growth_trend - outflow * ramp + entry_rate * retention_step / retention0
    growth = np.maximum(growth, 0.5)
    inflow = effectiveness * (recruits * ramp) + (retention0 + retention_step) * (graduates * ramp)
    shape = np.broadcast_shapes(h0.shape, growth.shape[1:], inflow.shape[1:])
    growth = np.broadcast_to(growth, (len(ramp), *shape))
    inflow = np.broadcast_to(inflow, (len(ramp), *shape))
    out = np.empty((len(ramp), *shape), growth.dtype)
    out[0] = h0
    for t in range(1, len(ramp)):
        np.multiply(out[t - 1], growth[t], out=out[t])
        out[t] += inflow[t]
    return out


def _lagged(history: np.ndarray, path: np.ndarray, lag: int) -> np.ndarray:
    """``path`` shifted back by ``lag`` years; ``history`` (…, base year) fills the start."""
    if lag == 0:
        return path
    head = np.broadcast_to(history[-1 - lag : -1], (lag, *path.shape[1:]))
    return np.concatenate([head, path[:-lag]], axis=0)


def _lag_log_ratio(x: np.ndarray, lag: int) -> np.ndarray:
    """A scenario/baseline log ratio ``lag`` years earlier; zero before the base year."""
    if x.shape[0] == 1 or lag == 0:  # a constant (no lever moves) or no lag
        return x
    head = np.zeros((lag, *x.shape[1:]), dtype=x.dtype)
    return np.concatenate([head, x[:-lag]], axis=0)


def evaluate(
    baseline: Baseline,
    levers: dict[str, np.ndarray],
    assumptions: dict[str, np.ndarray],
    *,
    dtype=np.float64,
    reference: Paths | None = None,
) -> Paths:
    """Run the baseline and the scenario for every draw of the assumptions.

    Parameters
    ----------
    baseline : Baseline
    levers : dict of str to ndarray
        Every lever resolved to one value per province, shape (3,).
    assumptions : dict of str to ndarray
        Every assumption as an array of shape (draws,) or (1,). Integer assumptions (lags,
        roll-out years) are read from their first element.
    dtype : numpy dtype
        float64 for the central run; float32 halves the memory traffic of Monte Carlo draws.
    reference : Paths, optional
        A central run. When given, Jiangsu and the nation are taken from it instead of being
        simulated: the benchmarks are reference paths, and Monte Carlo draws describe uncertainty
        about the Northeast only. Baseline arrays then cover the provinces and NE3 alone, and the
        gaps and the share of Jiangsu are left out: they are monotone in the intensity and the
        spending, so their quantiles follow from those (see ``simulation.DERIVED``).

    Returns
    -------
    Paths
    """
    b = baseline
    a = {name: np.asarray(v, dtype).reshape(1, 1, -1) for name, v in assumptions.items()}
    lever = {  # (1, 4, 1): the NE3 slot carries Liaoning's value; its results are overwritten
        name: np.asarray(np.append(v, v[0]), dtype).reshape(1, -1, 1) for name, v in levers.items()
    }
    active = {name: bool(np.any(v != 0)) for name, v in levers.items()}
    lag_capital = int(np.asarray(assumptions["rd_gestation_lag"]).flat[0])
    lag_patents = int(np.asarray(assumptions["patent_lag"]).flat[0])
    rollout = float(np.asarray(assumptions["measure_rollout_years"]).flat[0])

    years = b.years
    n_years = len(years)
    k = np.arange(n_years, dtype=dtype)[:, None, None]  # years since the base year
    ramp = np.clip(k / rollout, 0, 1)  # measures 2–5 phase in over n_R years
    zero = np.zeros((1, 1, 1), dtype)
    ne = slice(0, N_NE + 1)  # provinces and their aggregate slot
    width = len(REGIONS) if reference is None else N_NE + 1  # baseline region axis

    def regional(values):  # (1, width, 1)
        return np.asarray(_six(values)[:width], dtype).reshape(1, -1, 1)

    def with_slot(table):  # (years, 5 modelled regions) → (years, width, 1)
        table = np.concatenate([table[:, :N_NE], table[:, :1], table[:, N_NE:]], axis=1)
        return np.asarray(table[:, :width], dtype)[:, :, None]

    # ---- GDP, no-policy path (no feedback from R&D): Y_t = Y_b (1 + g_Y + Δg_Y)^(t−b)
    growth_y = 1 + regional(b.gdp_growth)[0] + a["gdp_growth_adjustment"][0]  # (6, D)
    gdp = np.empty((n_years, *growth_y.shape), dtype)
    gdp[0] = regional(b.gdp)[0]
    for t in range(1, n_years):
        np.multiply(gdp[t - 1], growth_y, out=gdp[t])
    _aggregate(gdp)

    # ---- R&D intensity: provinces flat (baseline) or on a straight line to their target;
    #      benchmarks continue their recent trend: s_t = s_b + λ (s* − s_b) min(1, (t−b)/(T*−b))
    trend = regional(b.intensity_trend) * _BENCHMARK[:width].astype(dtype).reshape(1, -1, 1)
    s_base = regional(b.rd_intensity) + k * (a["benchmark_trend"] * trend)
    s0 = s_base[:1, ne]
    years_to_target = np.maximum(lever["rd_intensity_target_year"] - b.base_year, 1)
    ramp_s = np.clip(k / years_to_target, 0, 1)
    target = s0 + a["target_credibility"] * (lever["rd_intensity_target"] - s0)
    s_scen = s0 + (target - s0) * ramp_s

    # ---- R&D spending, nominal and real (base-year prices): RR_t = R_t / (1 + π_R)^(t−b)
    additionality = a["fund_additionality"]
    rd_b = _aggregate(_rd_spending(s_base, gdp, additionality, zero, ramp))
    rd_moves = active["guided_fund"] or bool(
        np.any(levers["rd_intensity_target"] != b.rd_intensity[:N_NE])
    )
    log_price = np.log1p(a["rd_price_inflation"])  # (1,1,D)
    deflator = np.exp(k * log_price)
    real_b = rd_b / deflator

    # ---- R&D capital stock: perpetual inventory from the first history year, then projection
    n_hist = len(b.rd_history_years)
    back = np.asarray(years[0] - b.rd_history_years, dtype)[:, None, None]
    real_hist = with_slot(b.rd_history) * np.exp(back * log_price)  # (H,width,D)
    keep = 1 - a["rd_depreciation"][0]  # (1,D)
    nominal_growth = (b.rd_history[-1] / b.rd_history[0]) ** (1 / (n_hist - 1))
    pre_growth = np.maximum(
        regional(nominal_growth)[0] / np.exp(log_price[0]) - 1, a["pim_growth_floor"][0]
    )  # (6,D): real pre-sample growth, floored
    # Real R&D before the first year, extrapolated back at pre_growth, feeds the lagged stock.
    steps = np.arange(lag_capital, 0, -1, dtype=dtype)[:, None, None]
    real_ext = np.concatenate([real_hist[0] / (1 + pre_growth) ** steps, real_hist], axis=0)
    k_first = real_ext[0] / (pre_growth + 1 - keep)  # K_{h0} = RR_{h0−L} / (g_pre + δ)
    k_hist = _capital_stock(k_first, real_ext[:n_hist], keep)  # first history year … base year

    def lagged_flows(real_path, regions):
        # RR_{t−L} for the projection years, year by year: the history up to the base year,
        # then the projection (a list of views: nothing is copied).
        known = real_ext[lag_capital : lag_capital + n_hist - 1, regions]
        series = [*known, *real_path]
        start = n_hist - 1 - lag_capital
        return series[start : start + n_years]

    cap_b = _aggregate(_capital_stock(k_hist[-1], lagged_flows(real_b, slice(None)), keep))
    if rd_moves:
        rd_s = _aggregate(
            _rd_spending(s_scen, gdp[:, ne], additionality, lever["guided_fund"], ramp)
        )
        real_s = rd_s / deflator
        cap_s = _aggregate(_capital_stock(k_hist[-1, ne], lagged_flows(real_s, ne), keep))
        ln_cap = np.log1p(cap_s / cap_b[:, ne] - 1)
    else:  # no R&D lever moves: the scenario keeps the baseline's spending and stock
        rd_s, cap_s, ln_cap = rd_b[:, ne], cap_b[:, ne], zero

    # ---- Talent: R&D personnel FTE. Baseline FTE follows baseline R&D at the historical trend
    #      of spending per researcher: 1 + g_H = (1 + g_R) / (1 + g_w).
    retention0 = a["graduate_retention_baseline"]
    entry = a["graduate_entry_rate"]
    effect = a["recruitment_effectiveness"]
    rd_growth = (rd_b[-1] / rd_b[0]) ** (1 / (n_years - 1))  # (6,D) = 1 + g_R
    growth_h = (rd_growth / (1 + regional(b.rd_per_fte_growth)[0]) - 1)[None] + a[
        "fte_growth_adjustment"
    ]
    fte_b = _aggregate(
        _talent(
            regional(b.fte)[0], growth_h, zero, zero, entry, retention0, zero, effect, zero, ramp
        )
    )
    talent = (
        "researcher_outflow_change",
        "graduate_retention_change",
        "talent_recruitment",
        "rd_graduates_extra",
    )
    if any(active[name] for name in talent):
        fte_s = _aggregate(
            _talent(
                regional(b.fte)[0, ne],
                growth_h[:, ne],
                lever["researcher_outflow_change"],
                lever["graduate_retention_change"],
                entry,
                retention0,
                lever["talent_recruitment"],
                effect,
                lever["rd_graduates_extra"],
                ramp,
            )
        )
        ln_fte = np.log1p(fte_s / fte_b[:, ne] - 1)
    else:  # no talent lever moves: the scenario keeps the baseline's people
        fte_s, ln_fte = fte_b[:, ne], zero

    # ---- Knowledge production: P_t = P_b (K_{t−ℓ}/K_{b−ℓ})^β (H_{t−ℓ}/H_{b−ℓ})^γ
    beta = a["patent_elasticity_rd_stock"]
    gamma = a["patent_elasticity_researchers"]
    fte_hist = with_slot(b.fte_history)
    ln_cap_b = np.log(cap_b)  # reused by the technology-contract equation
    ln_k_lag = _lagged(np.log(k_hist), ln_cap_b, lag_patents)
    ln_h_lag = _lagged(np.log(fte_hist), np.log(fte_b), lag_patents)
    pat_b = _aggregate(
        regional(b.patents_granted)
        * np.exp(beta * (ln_k_lag - ln_k_lag[:1]) + gamma * (ln_h_lag - ln_h_lag[:1]))
    )
    if ln_cap is zero and ln_fte is zero:
        pat_s = pat_b[:, ne]
    else:
        ln_k_ratio = _lag_log_ratio(ln_cap, lag_patents)  # ln(K^scn/K^base) at t − ℓ
        ln_h_ratio = _lag_log_ratio(ln_fte, lag_patents)
        pat_s = _aggregate(pat_b[:, ne] * np.exp(beta * ln_k_ratio + gamma * ln_h_ratio))

    # ---- Technology transfer: c_t = min(c_max, c_0 [1 + (m_own − 1) ω r_t][1 + (m_TTO − 1) χ r_t])
    c0 = a["conversion_rate_baseline"]
    cap = a["conversion_rate_cap"]
    conv_b = np.minimum(cap, c0)  # (1,1,·)
    if active["ownership_reform_coverage"] or active["tto_coverage_increase"]:
        own = 1 + (a["ownership_multiplier"] - 1) * (lever["ownership_reform_coverage"] * ramp)
        tto = 1 + (a["tto_multiplier"] - 1) * (lever["tto_coverage_increase"] * ramp)
        conv_s = np.minimum(cap, c0 * own * tto)  # (T,4,D)
        ln_conv = np.log1p(conv_s / conv_b - 1)
    else:
        conv_s, ln_conv = conv_b, zero
    local_b = a["local_conversion_baseline"]
    if active["local_conversion_increase"]:
        local_s = np.clip(local_b + lever["local_conversion_increase"] * ramp, 0.01, 1)
        ln_use = ln_conv + np.log1p(local_s / local_b - 1)  # ln[(c_t ℓ_t)/(c_0 ℓ_0)]
    else:
        ln_use = ln_conv

    # TC_t = TC_b (K_t/K_b)^β (c_t/c_0)^κ
    tc_b = _aggregate(regional(b.tech_contract_value) * np.exp(beta * (ln_cap_b - ln_cap_b[:1])))
    if ln_cap is zero and ln_conv is zero:
        tc_s = tc_b[:, ne]
    else:
        kappa = a["tech_contract_conversion_elasticity"]
        tc_s = _aggregate(tc_b[:, ne] * np.exp(beta * ln_cap + kappa * ln_conv))

    # ---- TFP and GDP: Δln A = θ_K ln(K^use/K^base) + θ_H ln(H/H^base),
    #      K^use = K [(c ℓ)/(c_0 ℓ_0)]^μ;  Y^scn = Y e^{Δln A} + ΔVA, ΔVA = (m_VA − ζ) Δσ r_t p Y
    theta_k = a["tfp_elasticity_rd"]
    gdp_ne = gdp[:, ne]
    if ln_cap is zero and ln_use is zero and ln_fte is zero:
        gdp_tfp = gdp_ne
    else:
        mu = a["local_use_share"]
        dln_a = theta_k * (ln_cap + mu * ln_use) + a["tfp_elasticity_talent"] * ln_fte
        gdp_tfp = _aggregate(gdp_ne * np.exp(dln_a))
    if active["local_sourcing_change"]:
        sigma0 = a["local_sourcing_baseline"]
        sourcing = np.clip(lever["local_sourcing_change"] * ramp, -sigma0, 1 - sigma0)
        value_added = a["value_added_multiplier"] - a["resourcing_cost"]
        chain_va = _aggregate(value_added * sourcing * a["chain_procurement_share"] * gdp_ne)
        gdp_s = gdp_tfp + chain_va
    else:
        chain_va = np.zeros((n_years, N_NE + 1, 1), dtype)
        gdp_s = gdp_tfp

    # ---- Outputs: levels, then ratios computed from the aggregated levels
    def outputs(gdp_run, rd, cap_stock, fte, patents, contracts, conv):
        n = rd.shape[1]
        if conv.shape[1] > 1:  # differs by province: NE3 is the patent-weighted mean
            conv = np.broadcast_to(
                conv, (n_years, *np.broadcast_shapes(conv.shape[1:], patents.shape[1:]))
            ).copy()
            w = patents[:, :N_NE]
            conv[:, _AGG] = (conv[:, :N_NE] * w).sum(axis=1) / w.sum(axis=1)
        else:  # the same everywhere
            conv = np.broadcast_to(conv, (n_years, n, conv.shape[2]))
        return {
            "gdp": gdp_run,
            "rd_expenditure": rd,
            "rd_intensity": rd / gdp[:, :n] * 100,  # against no-policy GDP
            "rd_capital_stock": cap_stock,
            "rd_personnel_fte": fte,
            "rd_expenditure_per_fte": rd * 1e4 / fte,
            "invention_patents_granted": patents,
            "tech_contract_value": contracts,
            "patent_conversion_rate": conv * 100,
            # gross social return ρ = θ_K Y / K, with K revalued to current prices
            "rd_return_implied": theta_k * gdp_run / (cap_stock * deflator) * 100,
        }

    out_b = outputs(gdp, rd_b, cap_b, fte_b, pat_b, tc_b, conv_b)
    out_s = outputs(gdp_s, rd_s, cap_s, fte_s, pat_s, tc_s, conv_s)
    bench = (
        out_b
        if reference is None
        else {
            name: np.asarray(reference.series[(name, "baseline")], dtype)
            for name in ("rd_intensity", "rd_expenditure")
        }
    )
    s_js = bench["rd_intensity"][:, _I_JS : _I_JS + 1]
    s_cn = bench["rd_intensity"][:, _I_CN : _I_CN + 1]
    rd_js = bench["rd_expenditure"][:, _I_JS : _I_JS + 1]
    gaps = {}
    for run, out in (("baseline", out_b), ("scenario", out_s)):
        s_ne = out["rd_intensity"][:, ne]
        gaps[("gap_to_national", run)] = s_cn - s_ne
        gaps[("gap_to_jiangsu", run)] = s_js - s_ne
        if reference is None:  # with reference paths these follow from the quantiles exactly
            out["gap_to_national"] = gaps[("gap_to_national", run)]
            out["gap_to_jiangsu"] = gaps[("gap_to_jiangsu", run)]
            out["rd_share_of_jiangsu"] = out["rd_expenditure"][:, ne] / rd_js * 100

    series: dict[tuple[str, str], np.ndarray] = {}
    for name, value in out_b.items():
        series[(name, "baseline")] = value
    for name, value in out_s.items():
        series[(name, "scenario")] = value
    for name in CHANGE_VARIABLES:
        series[(name, "change")] = out_s[name] - out_b[name][:, ne]
    series[("tfp_gain", "change")] = np.log1p(gdp_tfp / gdp_ne - 1) * 100
    series[("chain_value_added", "change")] = chain_va

    return Paths(
        years=years,
        series=series,
        regions={key: REGIONS[: value.shape[1]] for key, value in series.items()},
        metrics=_metrics(b, series, gaps, levers, years),
    )


def _first_year(reached: np.ndarray, years: np.ndarray) -> np.ndarray:
    """First year (axis 0) where ``reached`` holds; NaN if never. (T, R, D) → (R, D)."""
    first = years[np.argmax(reached, axis=0)].astype(float)
    return np.where(reached.any(axis=0), first, np.nan)


def _metrics(b: Baseline, series, gaps, levers, years) -> dict[tuple[str, str], np.ndarray]:
    """Per-draw summary numbers for the provinces and their aggregate, arrays (4, draws)."""
    metrics = {}
    # Parity: intensities are compared after a division; ignore float32 rounding noise.
    tol = 1e-5
    target_year = np.asarray(levers["rd_intensity_target_year"]).astype(int)
    # NE3 uses the latest target year of the three provinces
    target_idx = np.append(target_year, target_year.max()) - b.base_year
    target_idx = np.clip(target_idx, 1, len(years) - 1)
    columns = np.arange(len(target_idx))
    for run in ("baseline", "scenario"):
        for metric, gap in (
            ("parity_year_national", "gap_to_national"),
            ("parity_year_jiangsu", "gap_to_jiangsu"),
        ):
            metrics[(metric, run)] = _first_year(gaps[(gap, run)] <= tol, years)
        rd = series[("rd_expenditure", run)]
        growth = (rd[target_idx, columns] / rd[0, columns]) ** (1.0 / target_idx[:, None]) - 1
        metrics[("rd_growth_to_target", run)] = growth * 100
    extra_rd = series[("rd_expenditure", "change")][1:].sum(axis=0)
    extra_gdp = series[("gdp", "change")][1:].sum(axis=0)
    metrics[("cumulative_extra_rd", "change")] = extra_rd
    metrics[("cumulative_gdp_gain", "change")] = extra_gdp
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(np.abs(extra_rd) > 1e-6, extra_gdp / extra_rd, np.nan)
    metrics[("gdp_gain_per_extra_rd", "change")] = ratio
    return metrics
