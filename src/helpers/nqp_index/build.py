"""The index on the panel: one year (:func:`build_index`), many years (:func:`rank_history`)
and every method choice (:func:`rank_robustness`), with the notes a reader needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from helpers.data.regions import PROVINCE_CODES, REGION_EN, REGION_ZH
from helpers.nqp_index.catalogue import (
    AGGREGATIONS,
    AUTO_WEIGHTINGS,
    CATALOGUE_BY_ID,
    CONCENTRATION_REASON,
    DEFAULT_AGGREGATION,
    DEFAULT_INDICATORS,
    DEFAULT_WEIGHTING,
    DOMINANT_WEIGHT_FACTOR,
    NORTHEAST,
    SWING_FACTOR,
    TREATMENTS,
    WEIGHTINGS,
    Indicator,
    check_indicators,
)
from helpers.nqp_index.errors import DataGapError, Note, NQPIndexError, WeightsError, year_ranges
from helpers.nqp_index.matrix import (
    SWING_COLUMNS,
    IndicatorMatrix,
    IndicatorPanel,
    complete_years,
    indicator_panel,
    panel_swings,
    smoothed,
)
from helpers.nqp_index.methods import (
    Composite,
    composite_scores,
    constant_columns,
    validate_weights,
)


@dataclass(frozen=True)
class IndexResult:
    """One index: a year, a set of indicators, a weighting and an aggregation.

    Attributes
    ----------
    year, indicators, weighting, aggregation
        The choices.
    ranking
        One row per province in the index, best first: ``rank`` (1 = best), ``region``,
        ``region_en``, ``region_zh``, ``score``, ``is_northeast``.
    weights
        One row per indicator: ``indicator``, ``name_en``, ``name_zh``, ``dimension``,
        ``direction``, ``weight`` (sum 1).
    raw
        The raw values used (provinces in the index × indicators).
    normalised
        Range-normalised values z (1 = best), same shape as ``raw``.
    grades
        Worst data grade behind each raw value.
    gaps
        Missing cells of the year (all 31 provinces; see :attr:`IndicatorMatrix.gaps`).
    dropped
        Provinces left out because of gaps (only with ``gaps="drop"``).
    notes
        Remarks to show with the result (:class:`Note`).
    treatment
        What was done with flagged swings: ``"flag"``, ``"smooth"`` or ``"exclude"``.
    swings
        The flagged swings of the chosen indicators in this year (columns as
        :func:`helpers.nqp_index.flag_swings`).
    """

    year: int
    indicators: tuple[str, ...]
    weighting: str
    aggregation: str
    ranking: pd.DataFrame
    weights: pd.DataFrame
    raw: pd.DataFrame
    normalised: pd.DataFrame
    grades: pd.DataFrame
    gaps: pd.DataFrame
    dropped: tuple[str, ...] = ()
    notes: tuple[Note, ...] = field(default_factory=tuple)
    treatment: str = "flag"
    swings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SWING_COLUMNS))

    @property
    def n_provinces(self) -> int:
        """Number of provinces ranked (31 unless some were dropped)."""
        return len(self.ranking)

    @property
    def northeast(self) -> pd.DataFrame:
        """The ranking rows of Liaoning, Jilin and Heilongjiang (in that order)."""
        r = self.ranking.set_index("region")
        return r.loc[[c for c in NORTHEAST if c in r.index]].reset_index()


def _region_names(codes: Sequence[str]) -> dict[str, list]:
    return {
        "region": list(codes),
        "region_en": [REGION_EN[c] for c in codes],
        "region_zh": [REGION_ZH[c] for c in codes],
    }


def _gap_error(matrix: IndicatorMatrix, years_ok: list[int] | None) -> DataGapError:
    g = matrix.gaps
    cells_en = "; ".join(
        f"{REGION_EN[r]}: {CATALOGUE_BY_ID[i].name_en} (missing {m})"
        for r, i, m in zip(g["region"], g["indicator"], g["missing_inputs"], strict=True)
    )
    cells_zh = "；".join(
        f"{REGION_ZH[r]}：{CATALOGUE_BY_ID[i].name_zh}"
        for r, i in zip(g["region"], g["indicator"], strict=True)
    )
    if len(g) > 8:
        cells_en = f"{len(g)} province-indicator values missing, e.g. " + cells_en.split("; ")[0]
        cells_zh = f"共缺 {len(g)} 个省份-指标数据，例如" + cells_zh.split("；")[0]
    en = f"{matrix.year}: not every province has every chosen indicator ({cells_en})."
    zh = f"{matrix.year}年并非所有省份都具备所选指标（{cells_zh}）。"
    if years_ok is not None:
        en += (
            f" Years with all 31 provinces: {year_ranges(years_ok) or 'none'}. Or leave out "
            "provinces with gaps (gaps='drop')."
        )
        zh += (
            f"31个省份数据齐全的年份：{year_ranges(years_ok) or '无'}。也可剔除有缺失的省份"
            "（gaps='drop'）。"
        )
    return DataGapError(en, zh, gaps=g, complete_years=list(years_ok or []))


def _prepare(
    matrix: IndicatorMatrix,
    gaps: str,
    years_ok: list[int] | None,
    excluded: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...], list[Note]]:
    """Apply the gap policy; return (raw values, grades, dropped provinces, notes).

    ``excluded``: provinces whose flagged swings were left out (treatment ``"exclude"``); they
    are dropped whatever the gap policy, with their own note.
    """
    notes: list[Note] = []
    if gaps not in ("strict", "drop"):
        raise NQPIndexError(
            f"Unknown gap policy {gaps!r}; use 'strict' or 'drop'.",
            f"未知的缺失处理方式 {gaps!r}，请用 'strict' 或 'drop'。",
        )
    dropped = tuple(r for r in matrix.regions_with_gaps if r not in excluded)
    if dropped and gaps == "strict":
        raise _gap_error(matrix, years_ok)
    keep = [r for r in PROVINCE_CODES if r not in dropped and r not in excluded]
    if len(keep) < 2:
        raise DataGapError(
            f"{matrix.year}: fewer than 2 provinces have every chosen indicator.",
            f"{matrix.year}年具备全部所选指标的省份不足2个。",
            gaps=matrix.gaps,
            complete_years=years_ok or [],
        )
    if dropped:
        g = matrix.gaps
        what_en = "; ".join(
            f"{REGION_EN[r]} ("
            + ", ".join(CATALOGUE_BY_ID[i].name_en for i in g.loc[g["region"] == r, "indicator"])
            + ")"
            for r in dropped
        )
        what_zh = "；".join(
            f"{REGION_ZH[r]}（"
            + "、".join(CATALOGUE_BY_ID[i].name_zh for i in g.loc[g["region"] == r, "indicator"])
            + "）"
            for r in dropped
        )
        notes.append(
            Note(
                "dropped",
                f"Left out for missing data, not estimated: {what_en}. Ranks are out of "
                f"{len(keep)}.",
                f"因数据缺失未纳入（未做估算）：{what_zh}。排名范围为1—{len(keep)}。",
            )
        )
    dropped = tuple(r for r in PROVINCE_CODES if r in dropped or r in excluded)
    raw = matrix.values.loc[keep]
    grades = matrix.grades.loc[keep]
    low = [
        c
        for c in raw.columns
        if grades[c].isin(["C", "D"]).any()  # secondary or derived-from-print inputs
    ]
    if low:
        notes.append(
            Note(
                "grade",
                "Some values rest on lower-grade data (C: secondary compilation; D: worked out "
                "from printed figures): "
                + ", ".join(CATALOGUE_BY_ID[c].name_en for c in low)
                + ".",
                "部分数值依据较低等级的数据（C级：二手汇编；D级：由公布数字推算）："
                + "、".join(CATALOGUE_BY_ID[c].name_zh for c in low)
                + "。",
            )
        )
    const = constant_columns(raw.to_numpy())
    if const.any():
        names_en = ", ".join(CATALOGUE_BY_ID[c].name_en for c in raw.columns[const])
        names_zh = "、".join(CATALOGUE_BY_ID[c].name_zh for c in raw.columns[const])
        notes.append(
            Note(
                "constant",
                f"Same value in every province, so it cannot separate them (zero entropy and "
                f"CRITIC weight): {names_en}.",
                f"各省份取值相同，无法区分省份（熵值法和CRITIC权重为零）：{names_zh}。",
            )
        )
    return raw, grades, dropped, notes


def _check_treatment(treatment: str) -> None:
    if treatment not in TREATMENTS:
        raise NQPIndexError(
            f"Unknown treatment of swings {treatment!r}; use one of {', '.join(TREATMENTS)}.",
            f"未知的波动处理方式 {treatment!r}，可选：{'、'.join(TREATMENTS)}。",
        )


def _swing_text(rows: pd.DataFrame, zh: bool) -> str:
    sep = "；" if zh else "; "
    parts = []
    for r in rows.itertuples(index=False):
        name = CATALOGUE_BY_ID[r.indicator].name_zh if zh else CATALOGUE_BY_ID[r.indicator].name_en
        if zh:
            parts.append(f"{r.region_zh}，{name}：{r.previous_year}年的{r.ratio:.2f}倍")
        else:
            parts.append(f"{r.region_en}, {name}: {r.ratio:.2f}× its {r.previous_year} value")
    return sep.join(parts)


def _treated_year(
    ip: IndicatorPanel, ids: Sequence[str], year: int, treatment: str, flags: pd.DataFrame
) -> tuple[IndicatorMatrix, pd.DataFrame, tuple[str, ...], list[Note]]:
    """One year's matrix after the chosen treatment of flagged swings.

    Returns (matrix, the year's flags, provinces left out for a swing, notes).
    """
    matrix = ip.year(year)
    here = flags[(flags["year"] == year) & flags["indicator"].isin(list(ids))]
    here = here.reset_index(drop=True)
    if here.empty:
        return matrix, here, (), []
    label_en, label_zh = TREATMENTS[treatment][0], TREATMENTS[treatment][1]
    n = len(here)
    if n <= 3:
        what_en, what_zh = _swing_text(here, zh=False), _swing_text(here, zh=True)
    else:
        what_en = f"{n} province-year values, e.g. {_swing_text(here.head(2), zh=False)}"
        what_zh = f"共{n}个省份年份数值，例如{_swing_text(here.head(2), zh=True)}"
    if treatment == "flag":
        note = Note(
            "swing",
            f"Changed {SWING_FACTOR:g}× or more from the year before, used as published: "
            f"{what_en}. Choose “{TREATMENTS['smooth'][0]}” or “{TREATMENTS['exclude'][0]}” to "
            "see what they change.",
            f"与上一年相比变化{SWING_FACTOR:g}倍及以上，按公布值使用：{what_zh}。可选择"
            f"“{TREATMENTS['smooth'][1]}”或“{TREATMENTS['exclude'][1]}”查看其影响。",
        )
        return matrix, here, (), [note]
    if treatment == "smooth":
        cols = list(dict.fromkeys(here["indicator"]))
        means = smoothed(ip.values, cols, year)
        values = matrix.values.copy()
        for r in here.itertuples(index=False):
            values.loc[r.region, r.indicator] = means.loc[r.region, r.indicator]
        first = max(min(ip.years), year - 2)
        note = Note(
            "swing",
            f"{label_en}: each value that changed {SWING_FACTOR:g}× or more is replaced by its "
            f"province's mean of {first}–{year}; the others are as published ({what_en}).",
            f"{label_zh}：每个变化{SWING_FACTOR:g}倍及以上的数值替换为该省{first}—{year}年的平均值；"
            f"其他数值保持公布值（{what_zh}）。",
        )
        treated = IndicatorMatrix(year, values, matrix.grades, matrix.gaps)
        return treated, here, (), [note]
    values = matrix.values.copy()
    for r in here.itertuples(index=False):
        values.loc[r.region, r.indicator] = np.nan
    excluded = tuple(r for r in PROVINCE_CODES if r in set(here["region"]))
    names_en = ", ".join(REGION_EN[r] for r in excluded)
    names_zh = "、".join(REGION_ZH[r] for r in excluded)
    note = Note(
        "swing",
        f"{label_en}: {names_en} left out of this year's ranking for a swing of "
        f"{SWING_FACTOR:g}× or more, not estimated ({what_en}).",
        f"{label_zh}：{names_zh}因{SWING_FACTOR:g}倍及以上的波动未参加当年排名（未做估算；"
        f"{what_zh}）。",
    )
    return IndicatorMatrix(year, values, matrix.grades, matrix.gaps), here, excluded, [note]


def _resolve_year(panel: pd.DataFrame, ids: Sequence[str], year: int | None) -> int:
    if year is not None:
        return int(year)
    years = complete_years(panel, ids)
    if not years:
        raise NQPIndexError(
            "No year has all 31 provinces for every chosen indicator; choose a year and "
            "gaps='drop', or other indicators.",
            "没有任何年份31个省份的所选指标全部齐全；请指定年份并选择剔除缺失省份，或更换指标。",
        )
    return years[-1]


def _check_method(weighting: str, aggregation: str) -> None:
    if weighting not in WEIGHTINGS:
        raise NQPIndexError(
            f"Unknown weighting {weighting!r}; use one of {', '.join(WEIGHTINGS)}.",
            f"未知的赋权方法 {weighting!r}，可选：{'、'.join(WEIGHTINGS)}。",
        )
    if aggregation not in AGGREGATIONS:
        raise NQPIndexError(
            f"Unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATIONS)}.",
            f"未知的合成方法 {aggregation!r}，可选：{'、'.join(AGGREGATIONS)}。",
        )


def _user_vector(user_weights: object, ids: Sequence[str]) -> np.ndarray | None:
    if user_weights is None:
        return None
    return validate_weights(user_weights, ids).to_numpy()


def _score(
    raw: pd.DataFrame, ids: Sequence[str], weighting: str, aggregation: str, user: object
) -> Composite:
    inds = [CATALOGUE_BY_ID[i] for i in ids]
    return composite_scores(
        raw.to_numpy(),
        weighting=weighting,
        aggregation=aggregation,
        directions=[i.direction for i in inds],
        dimensions=[i.dimension for i in inds],
        user_weights=user,
    )


def build_index(
    panel: pd.DataFrame,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    year: int | None = None,
    weighting: str = DEFAULT_WEIGHTING,
    aggregation: str = DEFAULT_AGGREGATION,
    user_weights: Mapping[str, float] | Sequence[float] | None = None,
    gaps: str = "strict",
    treatment: str = "flag",
) -> IndexResult:
    """Build the index for one year.

    Parameters
    ----------
    panel
        The tidy panel (:func:`helpers.data.load_panel`).
    indicators
        Catalogue ids; :data:`DEFAULT_INDICATORS` by default.
    year
        Data year; the latest year with all 31 provinces (:func:`complete_years`) when None.
    weighting
        ``"entropy"``, ``"critic"``, ``"equal"``, ``"equal_by_dimension"`` or ``"user"``.
    aggregation
        ``"weighted_sum"`` or ``"topsis"``.
    user_weights
        Required with ``weighting="user"`` (see :func:`validate_weights`); ignored otherwise.
    gaps
        ``"strict"`` (raise :class:`DataGapError` if any province lacks an indicator) or
        ``"drop"`` (leave such provinces out, with a note).
    treatment
        What to do with flagged swings (:func:`helpers.nqp_index.flag_swings`): ``"flag"``
        (use as published, with a note), ``"smooth"`` (the flagged indicators are the mean of
        the year and the two before, for every province) or ``"exclude"`` (flagged values are
        left out, and so are their provinces that year).

    Returns
    -------
    IndexResult
    """
    ids = check_indicators(indicators)
    yr = _resolve_year(panel, ids, year)
    _check_method(weighting, aggregation)
    user = _user_vector(user_weights, ids) if weighting == "user" else None
    if weighting == "user" and user is None:
        raise WeightsError(
            "Weighting 'user' needs weights: pass user_weights.",
            "选择“自定义权重”时必须提供权重（user_weights）。",
        )
    _check_treatment(treatment)
    ip = indicator_panel(panel, ids)
    matrix, swings, excluded, swing_notes = _treated_year(
        ip, ids, yr, treatment, panel_swings(panel, ids)
    )
    years_ok = None if matrix.complete or gaps == "drop" else complete_years(panel, ids)
    raw, grd, dropped, notes = _prepare(matrix, gaps, years_ok, excluded)
    comp = _score(raw, ids, weighting, aggregation, user)
    result = _result(
        yr, ids, weighting, aggregation, raw, grd, matrix.gaps, dropped, notes + swing_notes, comp
    )
    return replace(result, treatment=treatment, swings=swings)


def _result(
    year: int,
    ids: tuple[str, ...],
    weighting: str,
    aggregation: str,
    raw: pd.DataFrame,
    grades: pd.DataFrame,
    gaps: pd.DataFrame,
    dropped: tuple[str, ...],
    notes: list[Note],
    comp: Composite,
) -> IndexResult:
    codes = list(raw.index)
    ranking = pd.DataFrame(
        {"rank": comp.ranks, **_region_names(codes), "score": comp.scores}
    ).assign(is_northeast=lambda t: t["region"].isin(NORTHEAST))
    ranking = ranking.sort_values(["rank", "region"], kind="stable").reset_index(drop=True)
    inds = [CATALOGUE_BY_ID[i] for i in ids]
    weights = pd.DataFrame(
        {
            "indicator": list(ids),
            "name_en": [i.name_en for i in inds],
            "name_zh": [i.name_zh for i in inds],
            "dimension": [i.dimension for i in inds],
            "direction": [i.direction for i in inds],
            "weight": comp.weights,
        }
    )
    zeroed = [i for i, w in zip(inds, comp.weights, strict=True) if w == 0]
    if (
        zeroed
        and weighting in ("entropy", "critic")
        and not any(n.kind == "constant" for n in notes)
    ):
        notes = [
            *notes,
            Note(
                "zero_weight",
                "Zero weight: " + ", ".join(i.name_en for i in zeroed) + ".",
                "权重为零：" + "、".join(i.name_zh for i in zeroed) + "。",
            ),
        ]
    dominant = _dominant_weight_note(weighting, inds, comp.weights)
    if dominant is not None:
        notes = [*notes, dominant]
    normalised = pd.DataFrame(comp.normalised, index=raw.index, columns=raw.columns)
    return IndexResult(
        year=year,
        indicators=ids,
        weighting=weighting,
        aggregation=aggregation,
        ranking=ranking,
        weights=weights,
        raw=raw,
        normalised=normalised,
        grades=grades,
        gaps=gaps,
        dropped=dropped,
        notes=tuple(notes),
    )


def _dominant_weight_note(
    weighting: str, inds: Sequence[Indicator], weights: np.ndarray
) -> Note | None:
    """A note when entropy or CRITIC gives one indicator an outsized weight, with its caveat.

    Outsized: at least :data:`DOMINANT_WEIGHT_FACTOR` times an equal share. The note says in
    plain words why the method does that and repeats the indicator's caveat (for example
    Beijing's far-out technology sales, or the basic-research share being highest where R&D
    is small).
    """
    if weighting not in CONCENTRATION_REASON or len(inds) < 2:
        return None
    top = int(np.argmax(weights))
    share, equal = float(weights[top]), 1.0 / len(inds)
    if share < DOMINANT_WEIGHT_FACTOR * equal:
        return None
    ind = inds[top]
    label_en, label_zh = WEIGHTINGS[weighting][0], WEIGHTINGS[weighting][1]
    why_en, why_zh = CONCENTRATION_REASON[weighting]
    ratio = share / equal
    en = (
        f"{label_en} give “{ind.name_en}” {share:.0%} of the weight, {ratio:.1f} times "
        f"an equal share: {why_en}."
    )
    zh = f"{label_zh}赋予“{ind.name_zh}”{share:.0%}的权重，是等权重的{ratio:.1f}倍：{why_zh}。"
    if ind.caveat_en:
        en += " " + ind.caveat_en
        zh += ind.caveat_zh
    return Note("dominant_weight", en, zh)


# --------------------------------------------------------------------------------------------
# Ranks over time and across methods
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankHistory:
    """Ranks over time (see :func:`rank_history`).

    Attributes
    ----------
    table
        One row per year and region: ``year``, ``region``, ``region_en``, ``region_zh``,
        ``rank``, ``score``, ``n_provinces``.
    weights
        One row per year and indicator: ``year``, ``indicator``, ``weight``.
    skipped
        Years without an index: ``year``, ``reason_en``, ``reason_zh``.
    notes
        Per-year notes: ``year``, ``kind``, ``en``, ``zh``.
    """

    table: pd.DataFrame
    weights: pd.DataFrame
    skipped: pd.DataFrame
    notes: pd.DataFrame


def rank_history(
    panel: pd.DataFrame,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    years: Iterable[int] | None = None,
    weighting: str = "entropy",
    aggregation: str = "weighted_sum",
    user_weights: Mapping[str, float] | Sequence[float] | None = None,
    gaps: str = "strict",
    regions: Sequence[str] | None = NORTHEAST,
    treatment: str = "flag",
) -> RankHistory:
    """Ranks of chosen provinces year by year, each year its own cross-section.

    Weights (entropy, CRITIC) are recomputed every year from that year's data, so scores are not
    comparable across years; ranks are. With ``gaps="strict"`` a year with any gap is skipped
    (and listed in ``skipped``); with ``"drop"`` provinces with gaps are left out that year and
    ``n_provinces`` says how many were ranked.

    Parameters
    ----------
    panel, indicators, weighting, aggregation, user_weights, gaps
        As in :func:`build_index`.
    years
        Years to try. When None: from the first to the last year in which every chosen
        indicator has data for at least one province.
    regions
        Province codes to report; the Northeast three by default; all provinces when None.

    Returns
    -------
    RankHistory
    """
    ids = check_indicators(indicators)
    _check_method(weighting, aggregation)
    user = _user_vector(user_weights, ids) if weighting == "user" else None
    if weighting == "user" and user is None:
        raise WeightsError(
            "Weighting 'user' needs weights: pass user_weights.",
            "选择“自定义权重”时必须提供权重（user_weights）。",
        )
    _check_treatment(treatment)
    # The indicators of every year at once (one pass over the panel, not one per year).
    ip = indicator_panel(panel, ids)
    flags = panel_swings(panel, ids)
    all_values = ip.values
    year_list = ip.years if years is None else sorted({int(y) for y in years})
    if years is None:
        # From the first to the last year in which every chosen indicator has some province;
        # years in between that lack an indicator are reported in ``skipped``.
        some = all_values.notna().groupby(level="year").any().all(axis=1)
        usable = [int(y) for y, ok in some.items() if ok]
        year_list = [y for y in year_list if usable and usable[0] <= y <= usable[-1]]
    want = list(PROVINCE_CODES) if regions is None else list(regions)
    rows, wrows, skipped, nrows = [], [], [], []
    for yr in year_list:
        matrix = ip.year(yr)
        if matrix.values.isna().all().any():
            empty = [i for i in ids if matrix.values[i].isna().all()]
            skipped.append(
                {
                    "year": yr,
                    "reason_en": "No province has: "
                    + ", ".join(CATALOGUE_BY_ID[i].name_en for i in empty)
                    + ".",
                    "reason_zh": "所有省份均缺："
                    + "、".join(CATALOGUE_BY_ID[i].name_zh for i in empty)
                    + "。",
                }
            )
            continue
        try:
            matrix, _, excluded, swing_notes = _treated_year(ip, ids, yr, treatment, flags)
            raw, _, _, notes = _prepare(matrix, gaps, None, excluded)
            notes = notes + swing_notes
            comp = _score(raw, ids, weighting, aggregation, user)
        except NQPIndexError as err:
            skipped.append({"year": yr, "reason_en": err.en, "reason_zh": err.zh})
            continue
        codes = list(raw.index)
        for code, score, rank in zip(codes, comp.scores, comp.ranks, strict=True):
            if code in want:
                rows.append(
                    {
                        "year": yr,
                        "region": code,
                        "region_en": REGION_EN[code],
                        "region_zh": REGION_ZH[code],
                        "rank": int(rank),
                        "score": float(score),
                        "n_provinces": len(codes),
                    }
                )
        wrows.extend(
            {"year": yr, "indicator": i, "weight": float(w)}
            for i, w in zip(ids, comp.weights, strict=True)
        )
        nrows.extend({"year": yr, "kind": n.kind, "en": n.en, "zh": n.zh} for n in notes)
    table = pd.DataFrame(
        rows,
        columns=["year", "region", "region_en", "region_zh", "rank", "score", "n_provinces"],
    )
    return RankHistory(
        table=table,
        weights=pd.DataFrame(wrows, columns=["year", "indicator", "weight"]),
        skipped=pd.DataFrame(skipped, columns=["year", "reason_en", "reason_zh"]),
        notes=pd.DataFrame(nrows, columns=["year", "kind", "en", "zh"]),
    )


@dataclass(frozen=True)
class Robustness:
    """Ranks across method choices (see :func:`rank_robustness`).

    Attributes
    ----------
    year, indicators
        The choices held fixed.
    table
        One row per scenario and province: ``weighting``, ``aggregation``, ``left_out``
        (indicator id left out, or ``""`` for the full set), ``region``, ``region_en``,
        ``region_zh``, ``rank``, ``score``.
    summary
        One row per province, best median rank first: ``region``, ``region_en``, ``region_zh``,
        ``is_northeast``, ``rank_min``, ``rank_median``, ``rank_max``, ``rank_spread``
        (max − min), ``n_scenarios``.
    weights
        One row per scenario and indicator: ``weighting``, ``aggregation``, ``left_out``,
        ``indicator``, ``weight``.
    notes
        Notes from the data (gaps dropped, grades).
    """

    year: int
    indicators: tuple[str, ...]
    table: pd.DataFrame
    summary: pd.DataFrame
    weights: pd.DataFrame
    notes: tuple[Note, ...]

    @property
    def northeast(self) -> pd.DataFrame:
        """Summary rows of Liaoning, Jilin and Heilongjiang."""
        s = self.summary.set_index("region")
        return s.loc[[c for c in NORTHEAST if c in s.index]].reset_index()


def rank_robustness(
    panel: pd.DataFrame,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    year: int | None = None,
    weightings: Sequence[str] = AUTO_WEIGHTINGS,
    aggregations: Sequence[str] = tuple(AGGREGATIONS),
    leave_one_out: bool = False,
    user_weights: Mapping[str, float] | Sequence[float] | None = None,
    gaps: str = "strict",
    treatment: str = "flag",
) -> Robustness:
    """Every weighting × aggregation (and optionally each indicator left out) for one year.

    The scenarios are a grid of defensible choices, not a probability distribution: the spread
    shows how much a rank depends on method, not how likely a rank is.

    Parameters
    ----------
    panel, indicators, year, gaps
        As in :func:`build_index`.
    weightings
        Weightings to run; ``"user"`` is added when ``user_weights`` is given.
    aggregations
        Aggregations to run.
    leave_one_out
        Also run every scenario with each indicator left out in turn (needs ≥ 2 indicators).
        User weights are then renormalised over the remaining indicators; a scenario whose
        remaining user weights are all zero is skipped.
    user_weights
        Optional user weights (see :func:`validate_weights`).

    Returns
    -------
    Robustness
    """
    ids = check_indicators(indicators)
    yr = _resolve_year(panel, ids, year)
    ws = list(dict.fromkeys(weightings))
    aggs = list(dict.fromkeys(aggregations))
    for w in ws:
        for a in aggs:
            _check_method(w, a)
    if not ws or not aggs:
        raise NQPIndexError(
            "Choose at least one weighting and one aggregation.",
            "请至少选择一种赋权和一种合成方法。",
        )
    user = None
    if user_weights is not None:
        user = validate_weights(user_weights, ids)
        if "user" not in ws:
            ws.append("user")
    elif "user" in ws:
        ws.remove("user")
    _check_treatment(treatment)
    ip = indicator_panel(panel, ids)
    matrix, _, excluded, swing_notes = _treated_year(
        ip, ids, yr, treatment, panel_swings(panel, ids)
    )
    years_ok = None if matrix.complete or gaps == "drop" else complete_years(panel, ids)
    raw, _, _, notes = _prepare(matrix, gaps, years_ok, excluded)
    notes = notes + swing_notes
    codes = list(raw.index)
    subsets: list[tuple[str, tuple[str, ...]]] = [("", ids)]
    if leave_one_out:
        if len(ids) < 2:
            raise NQPIndexError(
                "Leaving one indicator out needs at least 2 indicators.",
                "逐一剔除指标至少需要2个指标。",
            )
        subsets += [(i, tuple(j for j in ids if j != i)) for i in ids]
    names = _region_names(codes)
    frames, wframes = [], []
    for left_out, sub in subsets:
        x = raw[list(sub)]
        for w in ws:
            uw = None
            if w == "user":
                part = user[list(sub)]
                if part.sum() <= 0:
                    continue
                uw = (part / part.sum()).to_numpy()
            for a in aggs:
                try:
                    comp = _score(x, sub, w, a, uw)
                except NQPIndexError:
                    continue  # e.g. no varying indicator left after leaving one out
                frames.append(
                    pd.DataFrame(
                        {
                            "weighting": w,
                            "aggregation": a,
                            "left_out": left_out,
                            **names,
                            "rank": comp.ranks,
                            "score": comp.scores,
                        }
                    )
                )
                wframes.append(
                    pd.DataFrame(
                        {
                            "weighting": w,
                            "aggregation": a,
                            "left_out": left_out,
                            "indicator": list(sub),
                            "weight": comp.weights,
                        }
                    )
                )
    table = pd.concat(frames, ignore_index=True)
    g = table.groupby("region", sort=False)["rank"]
    summary = pd.DataFrame(
        {
            "rank_min": g.min(),
            "rank_median": g.median(),
            "rank_max": g.max(),
            "n_scenarios": g.size(),
        }
    ).reset_index()
    summary["rank_spread"] = summary["rank_max"] - summary["rank_min"]
    summary.insert(1, "region_en", summary["region"].map(REGION_EN))
    summary.insert(2, "region_zh", summary["region"].map(REGION_ZH))
    summary.insert(3, "is_northeast", summary["region"].isin(NORTHEAST))
    summary = summary[
        [
            "region",
            "region_en",
            "region_zh",
            "is_northeast",
            "rank_min",
            "rank_median",
            "rank_max",
            "rank_spread",
            "n_scenarios",
        ]
    ]
    summary = summary.sort_values(["rank_median", "rank_min", "region"]).reset_index(drop=True)
    return Robustness(
        year=yr,
        indicators=ids,
        table=table,
        summary=summary,
        weights=pd.concat(wframes, ignore_index=True),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------------------------
# What changes when the denominators change
# --------------------------------------------------------------------------------------------

#: The denominator variants compared by :func:`denominator_robustness`, in display order.
DENOMINATOR_VARIANTS: tuple[str, ...] = ("chosen", "per_capita", "per_gdp")


@dataclass(frozen=True)
class DenominatorCheck:
    """Ranks with the chosen denominators and with every indicator switched to one kind.

    Attributes
    ----------
    year
        The year compared.
    variants
        One row per variant: ``variant`` (``"chosen"``, ``"per_capita"``, ``"per_gdp"``),
        ``indicators`` (tuple of ids used), ``switched`` (tuple of ``(from, to)`` pairs),
        ``spearman`` (rank correlation with the chosen ranking, 1 for itself), ``top``
        (tuple of the first seven province codes), ``n_provinces``.
    ranks
        One row per variant and province: ``variant``, ``region``, ``region_en``,
        ``region_zh``, ``rank``.
    """

    year: int
    variants: pd.DataFrame
    ranks: pd.DataFrame

    def northeast(self) -> pd.DataFrame:
        """Ranks of Liaoning, Jilin and Heilongjiang: index variant, one column per province."""
        table = self.ranks[self.ranks["region"].isin(NORTHEAST)]
        wide = table.pivot(index="variant", columns="region", values="rank")
        return wide.reindex(index=list(self.variants["variant"]), columns=list(NORTHEAST))


def switched_indicators(ids: Sequence[str], kind: str) -> tuple[tuple[str, ...], tuple]:
    """The chosen ids with every indicator that has a ``kind`` variant switched to it.

    Returns (new ids in the same order, without repeats; the ``(from, to)`` pairs switched).
    """
    out: list[str] = []
    pairs = []
    for i in ids:
        target = CATALOGUE_BY_ID[i].variants.get(kind, i)
        if CATALOGUE_BY_ID[i].denominator_kind == kind:
            target = i
        if target != i:
            pairs.append((i, target))
        if target not in out:
            out.append(target)
    return tuple(out), tuple(pairs)


def _spearman(a: pd.Series, b: pd.Series) -> float:
    both = pd.concat([a, b], axis=1, join="inner").dropna()
    if len(both) < 3:
        return float("nan")
    return float(both.iloc[:, 0].rank().corr(both.iloc[:, 1].rank()))


def denominator_robustness(
    panel: pd.DataFrame,
    indicators: Sequence[str] = DEFAULT_INDICATORS,
    year: int | None = None,
    weighting: str = DEFAULT_WEIGHTING,
    aggregation: str = DEFAULT_AGGREGATION,
    user_weights: Mapping[str, float] | None = None,
    treatment: str = "flag",
) -> DenominatorCheck:
    """The index with the chosen denominators, then with per-capita and per-GDP versions.

    Every chosen indicator that has a variant of the kind (``variants`` in the catalogue) is
    switched to it; shares and indicators without such a variant stay. User weights follow
    the indicator they were given to. A variant whose indicators have a gap in ``year`` is
    reported with ``n_provinces`` 0 and no ranks, not estimated.
    """
    ids = check_indicators(indicators)
    yr = _resolve_year(panel, ids, year)
    rows, frames = [], []
    chosen_ranks: pd.Series | None = None
    for variant in DENOMINATOR_VARIANTS:
        sub, pairs = (ids, ()) if variant == "chosen" else switched_indicators(ids, variant)
        user = None
        if weighting == "user" and user_weights is not None:
            moved = dict(user_weights)
            for old, new in pairs:
                moved[new] = moved.get(new, 0) + moved.pop(old, 0)
            user = {i: moved.get(i, 0) for i in sub}
        try:
            result = build_index(panel, sub, yr, weighting, aggregation, user, treatment=treatment)
        except DataGapError:
            rows.append(
                {
                    "variant": variant,
                    "indicators": sub,
                    "switched": pairs,
                    "spearman": float("nan"),
                    "top": (),
                    "n_provinces": 0,
                }
            )
            continue
        ranks = result.ranking.set_index("region")["rank"]
        if chosen_ranks is None:
            chosen_ranks = ranks
        rows.append(
            {
                "variant": variant,
                "indicators": sub,
                "switched": pairs,
                "spearman": _spearman(chosen_ranks, ranks),
                "top": tuple(result.ranking["region"].head(7)),
                "n_provinces": result.n_provinces,
            }
        )
        frames.append(
            result.ranking[["region", "region_en", "region_zh", "rank"]].assign(variant=variant)
        )
    ranks = (
        pd.concat(frames, ignore_index=True)[
            ["variant", "region", "region_en", "region_zh", "rank"]
        ]
        if frames
        else pd.DataFrame(columns=["variant", "region", "region_en", "region_zh", "rank"])
    )
    return DenominatorCheck(year=yr, variants=pd.DataFrame(rows), ranks=ranks)
