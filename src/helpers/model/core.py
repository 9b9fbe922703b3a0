"""The scenario model: a pure, vectorised function of the baseline, the levers and the assumptions.

Layout
------
Arrays are shaped ``(years, regions, draws)`` with draws last, so that every operation runs over
long contiguous rows. The region axis is :data:`REGIONS`: the three provinces, a slot for their
aggregate ``NE3``, then Jiangsu and the nation. The aggregate slot is computed like a province
(on a copy of Liaoning's inputs) and then overwritten in place: extensive quantities by the sum of
the provinces, ratios from those sums. The baseline (no new policy) covers all six slots; the
scenario only the first four, since levers act on the provinces alone.

Arrays whose values do not depend on the draws keep a draw axis of length 1.

The baseline (version 2)
------------------------
The nation's R&D intensity follows its recent trend, damped by φ a year; national R&D is that
intensity times national GDP. A province keeps its share of national R&D (plus κ of its own recent
drift in that share), and spending per researcher follows the nation's damped trend; people are
R&D spending divided by spending per researcher. Patents follow the knowledge production function
with a national drift: the part of the nation's recent patent growth its inputs do not explain.
The backtest (:mod:`helpers.model.backtest`) measures how well this reproduced 2016–2023.

Exactness
---------
A block whose levers all sit at their baseline setting is not recomputed at all, so a scenario
with every lever at baseline reproduces the baseline bit for bit.

Forecast errors
---------------
``errors`` (Monte Carlo draws only) multiplies the reported R&D spending, personnel, patents and
GDP of the provinces, and the benchmarks' intensity and R&D, by draws of the backtest's errors at
each horizon, before ratios, gaps and metrics are computed: the bands then include how far such
projections have missed in the past, not only the uncertainty of the parameters.

The equations are listed, with LaTeX, in :func:`helpers.model.model_equations`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
#: Baseline columns (model regions: LN, JL, HL, JS, CN) of Jiangsu and the nation.
_M_JS, _M_CN = 3, 4

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

#: Outputs whose quantiles follow exactly from another output's, because the benchmarks are
#: reference paths: gap = benchmark intensity − intensity (decreasing), share = R&D ÷ Jiangsu's
#: R&D (increasing). variable → (source variable, benchmark region, sign).
DERIVED = {
    "gap_to_national": ("rd_intensity", "CN", -1),
    "gap_to_jiangsu": ("rd_intensity", "CN-JS", -1),
    "rd_share_of_jiangsu": ("rd_expenditure", "CN-JS", +1),
}

#: Keys of the forecast-error multipliers :func:`evaluate` accepts, each (years, 1, draws).
ERROR_KEYS = (
    "rd_expenditure",
    "rd_personnel_fte",
    "invention_patents_granted",
    "gdp",
    "benchmark_rd_intensity_national",
    "benchmark_rd_intensity_jiangsu",
    "benchmark_rd_expenditure_jiangsu",
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
    factored : dict
        Draws only: ``(variable, run) → (base, multiplier)`` for outputs that depend on the draws
        through one multiplier alone, value = base (years, regions, 1) × multiplier (years or 1,
        1, draws). They are left out of ``series``: their quantiles are the base times the
        multiplier's (see ``simulation``). Gaps and the share of Jiangsu are left out too: against
        the reference paths of the benchmarks they are monotone in the intensity and in R&D.
    """

    years: np.ndarray
    series: dict[tuple[str, str], np.ndarray]
    regions: dict[tuple[str, str], tuple[str, ...]]
    metrics: dict[tuple[str, str], np.ndarray]
    factored: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def _six(values) -> np.ndarray:
    """Values for the five modelled regions (provinces, Jiangsu, nation) on the region axis."""
    values = np.asarray(values, dtype=float)
    return np.concatenate([values[:N_NE], values[:1], values[N_NE:]], axis=0)


def _aggregate(x: np.ndarray) -> np.ndarray:
    """Fill the NE3 slot of an extensive quantity with the sum of the provinces (in place)."""
    np.add(x[:, 0], x[:, 1], out=x[:, _AGG])
    np.add(x[:, _AGG], x[:, 2], out=x[:, _AGG])
    return x


def damped_horizon(phi: np.ndarray, n_years: int, dtype=np.float64) -> np.ndarray:
    """D_h = φ + φ² + … + φ^h for h = 0 … n_years − 1 (D_0 = 0; φ = 1 gives h).

    ``phi`` has shape (1, 1, draws); the result (years, 1, draws).
    """
    powers = np.cumprod(np.broadcast_to(phi, (n_years - 1, *phi.shape[1:])), axis=0)
    out = np.zeros((n_years, *phi.shape[1:]), dtype)
    np.cumsum(powers, axis=0, out=out[1:])
    return out


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
    h_base, outflow, retention_change, entry_rate, retention0, recruits, effect, grads, ramp
):
    """People the talent levers add to the baseline, ΔH_t = H^pol_t − H^base_t, with

    H^pol_t = H^pol_{t−1} (H^base_t / H^base_{t−1} − q r_t + g_G Δτ r_t / τ0)
              + η M r_t + (τ0 + Δτ r_t) E r_t,     H^pol_b = H^base_b.
    """
    retention_step = retention_change * ramp
    extra_rate = -outflow * ramp + entry_rate * retention_step / retention0
    inflow = effect * (recruits * ramp) + (retention0 + retention_step) * (grads * ramp)
    n = h_base.shape[0]
    shape = np.broadcast_shapes(h_base.shape[1:], extra_rate.shape[1:], inflow.shape[1:])
    extra_rate = np.broadcast_to(extra_rate, (n, *shape))
    inflow = np.broadcast_to(inflow, (n, *shape))
    out = np.empty((n, *shape), h_base.dtype)
    out[0] = h_base[0]
    for t in range(1, n):
        growth = np.maximum(h_base[t] / h_base[t - 1] + extra_rate[t], 0.5)
        np.multiply(out[t - 1], growth, out=out[t])
        out[t] += inflow[t]
    return out - h_base


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


def _window_mean(log_series: np.ndarray, first: int) -> np.ndarray:
    """Mean yearly change of ``log_series`` (years, …) from index ``first`` to the last row."""
    first = max(0, min(first, log_series.shape[0] - 2))
    return (log_series[-1] - log_series[first]) / (log_series.shape[0] - 1 - first)


def evaluate(
    baseline: Baseline,
    levers: dict[str, np.ndarray],
    assumptions: dict[str, np.ndarray],
    *,
    dtype=np.float64,
    reference: Paths | None = None,
    errors: dict[str, np.ndarray] | None = None,
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
        simulated (the benchmarks are reference paths; their uncertainty enters through
        ``errors``), and baseline arrays cover the provinces and NE3 alone.
    errors : dict of str to ndarray, optional
        Forecast-error multipliers, keys :data:`ERROR_KEYS`, each (years, 1, draws).

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
    damp = damped_horizon(a["trend_damping"], n_years, dtype)  # D_h, (T,1,·)

    def regional(values):  # (1, width, 1)
        return np.asarray(_six(values)[:width], dtype).reshape(1, -1, 1)

    def with_slot(table):  # (years, 5 modelled regions) → (years, width, 1)
        table = np.concatenate([table[:, :N_NE], table[:, :1], table[:, N_NE:]], axis=1)
        return np.asarray(table[:, :width], dtype)[:, :, None]

    # ---- GDP, no-policy path (no feedback from R&D): Y_t = Y_b (1 + g_Y + Δg_Y)^(t−b), every slot
    growth_y = (
        1 + np.asarray(_six(b.gdp_growth), dtype).reshape(-1, 1) + a["gdp_growth_adjustment"][0]
    )
    gdp = np.empty((n_years, *growth_y.shape), dtype)
    gdp[0] = np.asarray(_six(b.gdp), dtype).reshape(-1, 1)
    for t in range(1, n_years):
        np.multiply(gdp[t - 1], growth_y, out=gdp[t])
    _aggregate(gdp)

    # ---- The benchmarks' R&D intensity: s^B_t = s^B_b + φ_B · slope · D_h (Jiangsu, nation);
    #      national R&D R_CN = s_CN Y_CN / 100, national spending per FTE w_CN = w_b e^{g_w D_h}
    bench = np.asarray(b.rd_intensity[[_M_JS, _M_CN]], dtype).reshape(1, 2, 1)
    slope = np.asarray(b.intensity_trend[[_M_JS, _M_CN]], dtype).reshape(1, 2, 1)
    s_bench = bench + damp * (a["benchmark_trend"] * slope)  # (T, 2, ·): Jiangsu, nation
    rd_bench = s_bench / 100 * gdp[:, _I_JS:]
    rd_nation = rd_bench[:, 1:2]  # (T, 1, ·)
    per_fte_nation = np.asarray(b.rd_per_fte[_M_CN], dtype) * np.exp(
        np.asarray(b.rd_per_fte_growth, dtype) * damp
    )
    gdp_all, gdp = gdp, gdp[:, :width]

    # ---- A province's intensity moves with the nation's; its R&D grows with national GDP to the
    #      extent ω and with its own GDP for the rest:
    #      R_t = R_b (s_CN,t / s_CN,b) (Y_CN,t / Y_CN,b)^ω (Y_t / Y_b)^(1−ω)
    #      Spending per FTE follows the nation's trend: w_t = w_b (w_CN,t / w_CN,b)
    omega = a["national_pull"]
    s_nation = s_bench[:, 1:2]
    gdp_nation = gdp_all[:, _I_CN : _I_CN + 1]
    rd_b = (
        regional(b.rd_expenditure)
        * (s_nation / s_nation[0])
        * np.exp(omega * np.log(gdp_nation / gdp_nation[0]) + (1 - omega) * np.log(gdp / gdp[0]))
    )
    per_fte_b = regional(b.rd_per_fte) * (per_fte_nation / per_fte_nation[0])
    if reference is None:  # the benchmarks follow their own intensity path
        rd_b[:, _I_JS] = rd_bench[:, 0]
        rd_b[:, _I_CN] = rd_nation[:, 0]
        per_fte_b[:, _I_CN] = per_fte_nation[:, 0]
    rd_b = _aggregate(np.ascontiguousarray(rd_b))
    # People follow money with the hiring elasticity ε and the nation's people for the rest:
    #   H_t = H_b (R_t / R_b)^ε (H_CN,t / H_CN,b)^(1−ε),  H_CN = R_CN / w_CN
    eps = a["hiring_elasticity"]
    fte_nation = rd_nation / per_fte_nation  # up to a constant
    fte_adjust = (1 + a["fte_growth_adjustment"]) ** k
    fte_b = regional(b.fte) * np.exp(
        eps * np.log(rd_b / rd_b[0]) + (1 - eps) * np.log(fte_nation / fte_nation[0])
    )
    if reference is None:
        fte_b[:, _I_CN] = (b.fte[_M_CN] * fte_nation / fte_nation[0])[:, 0]
    fte_b = _aggregate(np.ascontiguousarray(fte_b * fte_adjust))
    per_fte_b = rd_b / fte_b * 1e4

    # ---- Scenario R&D money: a target above the no-policy intensity of the target year lifts
    #      intensity by the difference, phased in by then and kept afterwards:
    #      s_t = s^base_t + λ max(0, s* − s^base_T*) min(1, (t−b)/(T*−b)); a target at or below
    #      today's level is no policy. Guided funds add a_F yuan of R&D per yuan.
    additionality = a["fund_additionality"]
    years_to_target = np.maximum(lever["rd_intensity_target_year"] - b.base_year, 1)
    ramp_s = np.clip(k / years_to_target, 0, 1)
    # only a target above today's level (compared in the units it was set in)
    raised = np.append(levers["rd_intensity_target"], 0) > _six(b.rd_intensity)[: N_NE + 1]
    raised = raised.reshape(1, -1, 1)
    if raised[0, :N_NE].any():
        s_b = rd_b[:, ne] / gdp[:, ne] * 100
        at = np.clip(
            np.append(levers["rd_intensity_target_year"], b.end_year) - b.base_year, 1, n_years - 1
        )
        s_at = s_b[at.astype(int), np.arange(N_NE + 1)][None]  # (1, 4, ·): no-policy s in T*
        lift = a["target_credibility"] * np.maximum(lever["rd_intensity_target"] - s_at, 0)
        lift = np.where(raised, lift, 0)
        money = rd_b[:, ne] * (1 + lift * ramp_s / s_b)  # (s_b + lift r) Y / 100
        money[:, _AGG] = 0
    else:
        money = None
    if active["guided_fund"]:
        base_money = rd_b[:, ne] if money is None else money
        money = np.maximum(base_money + additionality * (lever["guided_fund"] * ramp), 0)
        money[:, _AGG] = 0
    money_moves = money is not None

    # ---- Talent levers add people; money hires people (H ∝ R^ε); people cost money (w_base ΔH)
    talent_names = (
        "researcher_outflow_change",
        "graduate_retention_change",
        "talent_recruitment",
        "rd_graduates_extra",
    )
    people_move = any(active[name] for name in talent_names)
    if people_move:
        d_people = _talent(
            fte_b[:, ne],
            lever["researcher_outflow_change"],
            lever["graduate_retention_change"],
            a["graduate_entry_rate"],
            a["graduate_retention_baseline"],
            lever["talent_recruitment"],
            a["recruitment_effectiveness"],
            lever["rd_graduates_extra"],
            ramp,
        )
        d_people[:, _AGG] = 0
    if money_moves or people_move:
        base_rd, base_fte = rd_b[:, ne], fte_b[:, ne]
        money_now = base_rd if money is None else money
        if money_moves:
            ratio = np.maximum(money_now, 1e-9) / base_rd
            hired = base_fte * np.exp(a["hiring_elasticity"] * np.log(ratio))
        else:
            hired = base_fte
        if people_move:
            fte_s = np.maximum(hired + d_people, 1.0)
            rd_s = np.maximum(money_now + per_fte_b[:, ne] / 1e4 * (fte_s - hired), 0)
        else:
            fte_s, rd_s = hired, money_now
        shape = np.broadcast_shapes(rd_s.shape, fte_s.shape)
        rd_s = _aggregate(np.broadcast_to(rd_s, shape).copy())
        fte_s = _aggregate(np.broadcast_to(fte_s, shape).copy())
    else:
        rd_s, fte_s = rd_b[:, ne], fte_b[:, ne]
    rd_moves = money_moves or people_move

    # ---- R&D capital stock: perpetual inventory from the first history year, then projection
    log_price = np.log1p(a["rd_price_inflation"])  # (1,1,D)
    deflator = np.exp(k * log_price)
    n_hist = len(b.rd_history_years)
    back = np.asarray(years[0] - b.rd_history_years, dtype)[:, None, None]
    real_hist = with_slot(b.rd_history) * np.exp(back * log_price)  # (H,width,D)
    keep = 1 - a["rd_depreciation"][0]  # (1,D)
    nominal_growth = (b.rd_history[-1] / b.rd_history[0]) ** (1 / (n_hist - 1))
    pre_growth = np.maximum(
        regional(nominal_growth)[0] / np.exp(log_price[0]) - 1, a["pim_growth_floor"][0]
    )  # (width,D): real pre-sample growth, floored
    steps = np.arange(lag_capital, 0, -1, dtype=dtype)[:, None, None]
    real_ext = np.concatenate([real_hist[0] / (1 + pre_growth) ** steps, real_hist], axis=0)
    k_first = real_ext[0] / (pre_growth + 1 - keep)  # K_{h0} = RR_{h0−L} / (g_pre + δ)
    k_hist = _capital_stock(k_first, real_ext[:n_hist], keep)  # first history year … base year

    def lagged_flows(real_path, regions):
        known = real_ext[lag_capital : lag_capital + n_hist - 1, regions]
        series = [*known, *real_path]
        start = n_hist - 1 - lag_capital
        return series[start : start + n_years]

    real_b = rd_b / deflator
    cap_b = _aggregate(_capital_stock(k_hist[-1], lagged_flows(real_b, slice(None)), keep))
    if rd_moves:
        cap_s = _aggregate(_capital_stock(k_hist[-1, ne], lagged_flows(rd_s / deflator, ne), keep))
        ln_cap = np.log1p(cap_s / cap_b[:, ne] - 1)
    else:
        cap_s, ln_cap = cap_b[:, ne], zero
    ln_fte = np.log1p(fte_s / fte_b[:, ne] - 1) if rd_moves else zero

    # ---- Knowledge production with a national drift:
    #      P_t = P_b (K_{t−ℓ}/K_{b−ℓ})^β (H_{t−ℓ}/H_{b−ℓ})^γ e^{τ D_h},
    #      τ = mean Δln P_CN − β mean Δln K_CN − γ mean Δln H_CN over the (lagged) window
    beta = a["patent_elasticity_rd_stock"]
    gamma = a["patent_elasticity_researchers"]
    first = b.trend_start - int(b.rd_history_years[0])
    cn_hist = k_hist[:, -1:] if reference is None else None
    if cn_hist is None:  # draws: the nation's stock from its own history
        real_cn = (np.asarray(b.rd_history[:, _M_CN], dtype)[:, None, None]) * np.exp(
            back * log_price
        )
        pre_cn = np.maximum(
            dtype(nominal_growth[_M_CN]) / np.exp(log_price[0]) - 1, a["pim_growth_floor"][0]
        )
        ext_cn = np.concatenate([real_cn[0] / (1 + pre_cn) ** steps, real_cn], axis=0)
        cn_hist = _capital_stock(ext_cn[0] / (pre_cn + 1 - keep), ext_cn[:n_hist], keep)
    ln_k_cn = np.log(cn_hist[: n_hist - lag_patents])
    ln_h_cn = np.log(np.asarray(b.fte_history[: n_hist - lag_patents, _M_CN], dtype))
    drift = np.asarray(
        b.patent_growth
        - beta * _window_mean(ln_k_cn, first - lag_patents)
        - gamma * _window_mean(ln_h_cn, first - lag_patents)[None, None, None],
        dtype,
    )  # (1,1,D)
    fte_hist = with_slot(b.fte_history)
    ln_cap_b = np.log(cap_b)
    ln_k_lag = _lagged(np.log(k_hist), ln_cap_b, lag_patents)
    ln_h_lag = _lagged(np.log(fte_hist), np.log(fte_b), lag_patents)
    pat_b = _aggregate(
        regional(b.patents_granted)
        * np.exp(
            beta * (ln_k_lag - ln_k_lag[:1]) + gamma * (ln_h_lag - ln_h_lag[:1]) + drift * damp
        )
    )
    if rd_moves:
        ln_k_ratio = _lag_log_ratio(ln_cap, lag_patents)
        ln_h_ratio = _lag_log_ratio(ln_fte, lag_patents)
        pat_s = _aggregate(pat_b[:, ne] * np.exp(beta * ln_k_ratio + gamma * ln_h_ratio))
    else:
        pat_s = pat_b[:, ne]

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
    converts = ln_use is not zero

    # TC_t = TC_b (K_t/K_b)^β (c_t/c_0)^κ
    tc_b = _aggregate(regional(b.tech_contract_value) * np.exp(beta * (ln_cap_b - ln_cap_b[:1])))
    if ln_cap is zero and ln_conv is zero:
        tc_s = tc_b[:, ne]
    else:
        kappa_tc = a["tech_contract_conversion_elasticity"]
        tc_s = _aggregate(tc_b[:, ne] * np.exp(beta * ln_cap + kappa_tc * ln_conv))

    # ---- GDP: ΔY = ρ (K^use − K^base) p_t + Y (e^{θ_H ln(H/H^base)} − 1) + ΔVA,
    #      K^use = K [1 − u + u ((c ℓ)/(c_0 ℓ_0))^μ]: conversion acts on the university and
    #      institute share u of the stock only; p_t revalues the stock to current prices
    rho = a["rd_return"]
    gdp_ne = gdp[:, ne]
    if converts:
        u = regional(b.public_share)[:, ne]
        used = 1 - u + u * np.exp(a["local_use_share"] * ln_use)  # K^use / K
    else:
        used = None
    if rd_moves or converts:
        # from the extra R&D capital and people, then from using the whole stock more
        gain_rd = rho * (cap_s - cap_b[:, ne]) * deflator if rd_moves else zero
        if rd_moves:
            gain_rd = gain_rd + gdp_ne * np.expm1(a["tfp_elasticity_talent"] * ln_fte)
        gain = gain_rd + (rho * cap_s * (used - 1) * deflator if converts else zero)
        gain = np.broadcast_to(gain, np.broadcast_shapes(gain.shape, gdp_ne.shape)).copy()
        gain[:, _AGG] = 0
        gdp_tfp = _aggregate(gdp_ne + gain)
        gain_rd = np.broadcast_to(gain_rd, gain.shape).copy()
        gain_rd[:, _AGG] = 0
        gain_rd = _aggregate(gain_rd)
    else:
        gdp_tfp, gain_rd = gdp_ne, np.zeros((n_years, N_NE + 1, 1), dtype)
    if active["local_sourcing_change"]:
        sigma0 = a["local_sourcing_baseline"]
        capacity = a["sourcing_capacity"] * k
        wanted = lever["local_sourcing_change"] * ramp
        sourcing = np.clip(np.clip(wanted, -capacity, capacity), -sigma0, 1 - sigma0)
        value_added = a["value_added_multiplier"] - a["resourcing_cost"]
        chain_va = _aggregate(value_added * sourcing * a["chain_procurement_share"] * gdp_ne)
        gdp_s = gdp_tfp + chain_va
    else:
        chain_va = np.zeros((n_years, N_NE + 1, 1), dtype)
        gdp_s = gdp_tfp

    # ---- Forecast errors of the reported series (draws only)
    factored = {}
    if errors:
        # outputs that vary with the draws through their forecast error alone
        ratio_error = errors["rd_expenditure"] / errors["gdp"]
        for key, base, mult in (
            (("gdp", "baseline"), gdp, errors["gdp"]),
            (("rd_expenditure", "baseline"), rd_b, errors["rd_expenditure"]),
            (("rd_intensity", "baseline"), rd_b / gdp * 100, ratio_error),
        ):
            if base.shape[-1] == 1:
                factored[key] = (np.asarray(base, np.float64), mult)
        factored[("rd_return_implied", "baseline")] = (
            np.full((n_years, N_NE + 1, 1), 100.0),
            np.asarray(rho, np.float32),
        )
        # where no lever moves a block, its scenario is its baseline: the same numbers
        gdp_same = not (rd_moves or converts or active["local_sourcing_change"])
        for name, same in (
            ("gdp", gdp_same),
            ("rd_expenditure", not rd_moves),
            ("rd_intensity", not rd_moves),
            ("rd_return_implied", not converts),
        ):
            if same and (name, "baseline") in factored:
                factored[(name, "scenario")] = factored[(name, "baseline")]

        def err(name):
            return errors[name]

        rd_b, fte_b, pat_b, gdp = (
            x * err(name)
            for x, name in (
                (rd_b, "rd_expenditure"),
                (fte_b, "rd_personnel_fte"),
                (pat_b, "invention_patents_granted"),
                (gdp, "gdp"),
            )
        )
        rd_s, fte_s, pat_s = (
            rd_s * err("rd_expenditure"),
            fte_s * err("rd_personnel_fte"),
            pat_s * err("invention_patents_granted"),
        )
        gdp_s = gdp_s * err("gdp")
        gdp_tfp = gdp_tfp * err("gdp")
        chain_va = chain_va * err("gdp")
        gain_rd = gain_rd * err("gdp")

    # ---- Outputs: levels, then ratios computed from the aggregated levels
    def outputs(gdp_run, rd, cap_stock, fte, patents, contracts, conv, use):
        n = rd.shape[1]
        if conv.shape[1] > 1:  # differs by province: NE3 is the patent-weighted mean
            conv = np.broadcast_to(
                conv, (n_years, *np.broadcast_shapes(conv.shape[1:], patents.shape[1:]))
            ).copy()
            w = patents[:, :N_NE]
            conv[:, _AGG] = (conv[:, :N_NE] * w).sum(axis=1) / w.sum(axis=1)
        else:  # the same everywhere
            conv = np.broadcast_to(conv, (n_years, n, conv.shape[2]))
        if use is None:
            ret = np.broadcast_to(rho * 100, (n_years, n, rho.shape[2]))
        else:
            ret = rho * use * 100
            ret = np.broadcast_to(ret, np.broadcast_shapes(ret.shape, (n_years, n, 1))).copy()
            ret[:, _AGG] = (ret[:, :N_NE] * cap_stock[:, :N_NE]).sum(axis=1) / cap_stock[
                :, :N_NE
            ].sum(axis=1)
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
            "rd_return_implied": ret,
        }

    out_b = outputs(gdp, rd_b, cap_b, fte_b, pat_b, tc_b, conv_b, None)
    out_s = outputs(gdp_s, rd_s, cap_s, fte_s, pat_s, tc_s, conv_s, used)
    bench_rows = (
        out_b
        if reference is None
        else {
            name: np.asarray(reference.series[(name, "baseline")], dtype)
            for name in ("rd_intensity", "rd_expenditure")
        }
    )
    s_js = bench_rows["rd_intensity"][:, _I_JS : _I_JS + 1]
    s_cn = bench_rows["rd_intensity"][:, _I_CN : _I_CN + 1]
    rd_js = bench_rows["rd_expenditure"][:, _I_JS : _I_JS + 1]
    gaps = {}
    for run, out in (("baseline", out_b), ("scenario", out_s)):
        s_ne = out["rd_intensity"][:, ne]
        gaps[("gap_to_national", run)] = out["gap_to_national"] = s_cn - s_ne
        gaps[("gap_to_jiangsu", run)] = out["gap_to_jiangsu"] = s_js - s_ne
        out["rd_share_of_jiangsu"] = out["rd_expenditure"][:, ne] / rd_js * 100

    series: dict[tuple[str, str], np.ndarray] = {}
    for name, value in out_b.items():
        series[(name, "baseline")] = value
    for name, value in out_s.items():
        series[(name, "scenario")] = value
    for name in CHANGE_VARIABLES:
        series[(name, "change")] = out_s[name] - out_b[name][:, ne]
    series[("tfp_gain", "change")] = np.log1p(gdp_tfp / gdp[:, ne] - 1) * 100
    series[("chain_value_added", "change")] = chain_va

    spending = _spending(series, lever, ramp, additionality, active)
    metrics = _metrics(b, series, gaps, levers, years, spending, gain_rd)
    regions = {key: REGIONS[: value.shape[1]] for key, value in series.items()}
    if errors:  # summarised from their base and multiplier, or from the intensity and R&D
        for key in [*factored, *((n, r) for n in DERIVED for r in ("baseline", "scenario"))]:
            series.pop(key, None)
    return Paths(years=years, series=series, regions=regions, metrics=metrics, factored=factored)


def _spending(series, lever, ramp, additionality, active) -> np.ndarray:
    """Money the measures spend each year, (T, 4, D): extra R&D, plus the guided funds paid out
    beyond the part of them that already counts as extra R&D."""
    extra = series[("rd_expenditure", "change")]
    if not active["guided_fund"]:
        return extra
    fund = lever["guided_fund"] * ramp  # (T,4,1)
    fund = fund.copy()
    fund[:, _AGG] = fund[:, :N_NE].sum(axis=1)
    return extra + (1 - additionality) * fund


def _first_year(reached: np.ndarray, years: np.ndarray) -> np.ndarray:
    """First year (axis 0) where ``reached`` holds; NaN if never. (T, R, D) → (R, D)."""
    first = np.full(reached.shape[1:], np.nan)
    for t in range(len(years) - 1, -1, -1):  # from the last year back: the earliest one stays
        np.copyto(first, float(years[t]), where=reached[t])
    return first


def _metrics(
    b: Baseline, series, gaps, levers, years, spending, gain_rd
) -> dict[tuple[str, str], np.ndarray]:
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
    spent = spending[1:].sum(axis=0)
    metrics[("cumulative_extra_rd", "change")] = extra_rd
    metrics[("cumulative_gdp_gain", "change")] = extra_gdp
    metrics[("cumulative_spending", "change")] = np.broadcast_to(spent, extra_gdp.shape).copy()
    gdp_from_rd = np.broadcast_to(gain_rd[1:].sum(axis=0), extra_gdp.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(np.abs(spent) > 1e-6, extra_gdp / spent, np.nan)
        per_rd = np.where(np.abs(extra_rd) > 1e-6, gdp_from_rd / extra_rd, np.nan)
    metrics[("gdp_gain_per_yuan_spent", "change")] = ratio
    metrics[("gdp_gain_per_extra_rd", "change")] = per_rd
    return metrics
