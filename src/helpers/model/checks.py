"""Warnings a user sees when a scenario leaves the ground the model stands on.

Each warning is a :class:`ModelWarning` with a code, the region and year, the numbers behind it and
a message in English and Chinese. Thresholds and message templates live in ``parameters.yaml``
(``checks:``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .calibration import Baseline
from .core import SCENARIO_REGIONS, Paths
from .parameters import NE_PROVINCES, ParameterSet


@dataclass(frozen=True)
class ModelWarning:
    """One warning about a scenario.

    Attributes
    ----------
    code : str
        Stable identifier, e.g. ``money_without_people``.
    region : str or None
        ISO code of the region concerned (None for scenario-wide warnings).
    year : int or None
        First year the problem appears.
    message_en, message_zh : str
        The sentence shown to the user.
    values : dict
        The numbers behind the message.
    """

    code: str
    region: str | None
    year: int | None
    message_en: str
    message_zh: str
    values: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en


def scenario_warnings(
    paths: Paths,
    share_implausible: np.ndarray | None,
    baseline: Baseline,
    levers: dict[str, np.ndarray],
    central: dict[str, float],
    parameters: ParameterSet,
) -> list[ModelWarning]:
    """Check the central run (and, for the return on R&D, the draws) against ``checks:``.

    ``share_implausible`` is, per region, the share of Monte Carlo draws whose implied return
    leaves the plausible range (None without draws).

    Returns
    -------
    list of ModelWarning
        At most one warning per code and province, at the first year it applies.
    """
    warnings: list[ModelWarning] = []
    years = paths.years

    def warn(code, region=None, year=None, **values):
        if region is not None:
            values.update(region_en=baseline.names_en[region], region_zh=baseline.names_zh[region])
        if year is not None:
            values["year"] = year
        spec = parameters.check(code)
        warnings.append(
            ModelWarning(
                code=code,
                region=region,
                year=year,
                message_en=spec.format("en", values),
                message_zh=spec.format("zh", values),
                values={k: v for k, v in values.items() if k not in ("region_en", "region_zh")},
            )
        )

    # Money without people / people without money: R&D per FTE against the baseline.
    n = len(SCENARIO_REGIONS)
    per_fte = paths.series[("rd_expenditure_per_fte", "scenario")][:, :, 0]
    per_fte_base = paths.series[("rd_expenditure_per_fte", "baseline")][:, :n, 0]
    ratio = per_fte / per_fte_base - 1
    for code, sign in (("money_without_people", 1), ("people_without_money", -1)):
        threshold = parameters.check(code).threshold
        for i, region in enumerate(NE_PROVINCES):
            hit = np.flatnonzero(sign * ratio[:, i] > threshold)
            if hit.size:
                t = hit[0]
                warn(
                    code,
                    region,
                    int(years[t]),
                    ratio_pct=float(ratio[t, i] * 100),
                    ratio_pct_abs=float(abs(ratio[t, i]) * 100),
                    per_fte=float(per_fte[t, i]),
                    per_fte_baseline=float(per_fte_base[t, i]),
                )

    # Implied gross social return on R&D outside the literature range.
    spec = parameters.check("implausible_return")
    rho = paths.series[("rd_return_implied", "scenario")][:, :, 0] / 100  # central (T, 4)
    outside = (rho < spec.low) | (rho > spec.high)
    for i, region in enumerate(NE_PROVINCES):
        hit = np.flatnonzero(outside[:, i])
        many = share_implausible is not None and share_implausible[i] > spec.max_share_of_draws
        if hit.size or many:
            # the first year outside, else the year furthest from the range (log distance)
            distance = np.abs(np.log(rho[:, i] / np.sqrt(spec.low * spec.high)))
            t = hit[0] if hit.size else int(np.argmax(distance))
            share = 0.0 if share_implausible is None else float(share_implausible[i] * 100)
            warn(
                "implausible_return",
                region,
                int(years[t]),
                return_pct=float(rho[t, i] * 100),
                low_pct=spec.low * 100,
                high_pct=spec.high * 100,
                share_outside_pct=share,
            )

    # Targets beyond any province's experience.
    top, top_region, top_year = baseline.max_intensity
    targets = levers["rd_intensity_target"]
    for i, region in enumerate(NE_PROVINCES):
        if targets[i] > top and targets[i] != baseline.rd_intensity[i]:
            warn(
                "target_beyond_observed",
                region,
                int(levers["rd_intensity_target_year"][i]),
                target=float(targets[i]),
                max_observed=top,
                max_year=top_year,
                max_region_en=baseline.names_en.get(top_region, top_region),
                max_region_zh=baseline.names_zh.get(top_region, top_region),
            )

    beta = central["patent_elasticity_rd_stock"]
    gamma = central["patent_elasticity_researchers"]
    if beta + gamma > 1:
        warn("increasing_returns", beta=beta, gamma=gamma, total=beta + gamma)
    return warnings


def implausible_return_flags(paths: Paths, parameters: ParameterSet) -> np.ndarray:
    """Per region and draw: does the implied return on R&D leave the plausible range in any year?"""
    spec = parameters.check("implausible_return")
    key = ("rd_return_implied", "scenario")
    if key in paths.series:
        rho = paths.series[key] / 100.0  # (T, 4, draws)
    else:  # the same for every year and region: the return ρ itself
        base, mult = paths.factored[key]
        rho = base[:1] * mult / 100.0  # (1, 4, draws)
    return ((rho < spec.low) | (rho > spec.high)).any(axis=0)
