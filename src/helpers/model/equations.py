"""The model's equations as LaTeX with plain-language descriptions, for display on screen.

The symbols match the ``symbol`` fields of ``parameters.yaml``; b is the base year (2023).
"""

from __future__ import annotations


def _eq(id_: str, block: str, latex: str, en: str, zh: str) -> dict[str, str]:
    return {"id": id_, "block": block, "latex": latex, "description_en": en, "description_zh": zh}


_EQUATIONS: tuple[dict[str, str], ...] = (
    _eq(
        "gdp",
        "A",
        r"Y_t = Y_b\,(1 + g_Y + \Delta g_Y)^{t-b}, \qquad Y_b = R_b / s_b",
        "No-policy GDP grows at its recent trend; the starting GDP is implied by the R&D "
        "communiqué (R&D spending ÷ intensity). R&D does not feed back into this path.",
        "无政策情景下的GDP按近期趋势增长；起点GDP由R&D统计公报推算"
        "（研发经费÷投入强度）。研发投入不反馈到这一路径。",
    ),
    _eq(
        "intensity_path",
        "A",
        r"s_t = s_b + \lambda\,(s^{*} - s_b)\,\min\!\left(1, \frac{t-b}{T^{*}-b}\right)",
        "R&D intensity rises in a straight line to the target s* in the target year T*, then "
        "stays there; λ is the share of the announced rise that is delivered.",
        "研发经费投入强度按直线在目标年份T*达到目标s*，此后保持不变；"
        "λ为宣布的提升中实际兑现的比例。",
    ),
    _eq(
        "rollout",
        "A",
        r"r_t = \min\!\left(1, \frac{t-b}{n_R}\right)",
        "Measures 2–5 phase in over n_R years.",
        "措施2—5在n_R年内逐步到位。",
    ),
    _eq(
        "rd_spending",
        "A",
        r"R_t = \frac{s_t}{100}\,Y_t + a_F\,F\,r_t",
        "R&D spending follows the intensity path; guided funds F add a_F yuan of R&D per yuan "
        "(additionality).",
        "研发经费由投入强度路径决定；每1元引导基金带来a_F元新增研发经费（额外性）。",
    ),
    _eq(
        "capital_stock",
        "A",
        r"K_t = (1-\delta)\,K_{t-1} + \frac{R_{t-L}}{(1+\pi_R)^{t-L-b}}, \qquad "
        r"K_{h_0} = \frac{RR_{h_0-L}}{g_{pre} + \delta}, \quad "
        r"g_{pre} = \max(\bar g_{RR}, g_{min})",
        "Perpetual inventory: the R&D capital stock (base-year prices) loses δ a year and gains "
        "real R&D after a lag L. It starts in 2011 at real R&D ÷ (pre-sample growth + δ), the "
        "growth being the 2011–2023 real growth but at least g_min, so that 13 years of observed "
        "R&D shape the 2023 stock.",
        "永续盘存法：R&D资本存量（基期价格）每年折旧δ，并在L年时滞后计入实际研发投入。"
        "2011年初始存量=实际研发经费÷（样本前增速+δ），增速取2011—2023年实际增速且不低于g_min，"
        "2023年存量由13年的实际数据累积而成。",
    ),
    _eq(
        "talent",
        "B",
        r"H_t = H_{t-1}\left(1 + g_H - q_{out}\,r_t + g_G\,\frac{\Delta\tau\,r_t}{\tau_0}\right)"
        r" + \eta\,M\,r_t + (\tau_0 + \Delta\tau\,r_t)\,E\,r_t",
        "R&D personnel (FTE) grow at the baseline rate, lose extra outflow q_out, and gain from "
        "better graduate retention, from recruitment M (of which η stays net) and from extra "
        "postgraduates E who stay.",
        "R&D人员全时当量按基准增速增长，扣除额外流失q_out，并因毕业生留省率提高、"
        "人才引进M（其中η为净增部分）及留在本省的新增研究生E而增加。",
    ),
    _eq(
        "talent_baseline",
        "B",
        r"1 + g_H = \frac{1 + g_R}{1 + g_w} + \Delta g_H",
        "Without new policy, personnel grow with R&D spending (g_R) while spending per researcher "
        "keeps its 2018–2023 trend (g_w).",
        "无新政策时，研发人员随研发经费增长（g_R），人均研发经费延续2018—2023年趋势（g_w）。",
    ),
    _eq(
        "patents",
        "C",
        r"P_t = P_b \left(\frac{K_{t-\ell_P}}{K_{b-\ell_P}}\right)^{\beta}"
        r"\left(\frac{H_{t-\ell_P}}{H_{b-\ell_P}}\right)^{\gamma}",
        "Knowledge production: invention patents granted grow with the R&D stock and personnel of "
        "ℓ_P years earlier (elasticities β and γ).",
        "知识生产函数：发明专利授权量随ℓ_P年前的R&D资本存量和研发人员增长（弹性β、γ）。",
    ),
    _eq(
        "conversion",
        "D",
        r"c_t = \min\!\left(c_{max},\ c_0\,[1 + (m_{own}-1)\,\omega\,r_t]\,"
        r"[1 + (m_{TTO}-1)\,\chi\,r_t]\right)",
        "The commercialisation rate of university patents rises with the coverage of the "
        "ownership reform (ω) and of professional transfer offices (χ), up to a ceiling.",
        "高校专利产业化率随赋权改革覆盖面（ω）和专业化技术转移机构覆盖面（χ）提高，但不超过上限。",
    ),
    _eq(
        "local_share",
        "D",
        r"\ell_t = \ell_0 + \Delta\ell\,r_t",
        "Share of commercialised results converted inside the province.",
        "在本省落地转化的科技成果比例。",
    ),
    _eq(
        "tech_contracts",
        "D",
        r"TC_t = TC_b \left(\frac{K_t}{K_b}\right)^{\beta}\left(\frac{c_t}{c_0}\right)^{\kappa}",
        "Technology contracts sold grow with the R&D stock and with the commercialisation rate.",
        "技术合同成交额（技术输出）随R&D资本存量和成果转化率提高而增长。",
    ),
    _eq(
        "knowledge_used",
        "E",
        r"K^{use}_t = K_t \left(\frac{c_t\,\ell_t}{c_0\,\ell_0}\right)^{\mu}",
        "The R&D stock that raises local productivity, scaled by how much knowledge is converted "
        "and used in the province (μ = 0 switches this channel off).",
        "提高本地生产率的R&D资本存量，按知识转化和本地应用程度折算（μ=0时该渠道关闭）。",
    ),
    _eq(
        "tfp",
        "E",
        r"\Delta \ln A_t = \theta_K \ln\frac{K^{use}_t}{K^{base}_t} + "
        r"\theta_H \ln\frac{H_t}{H^{base}_t}",
        "Productivity gain against the no-policy baseline.",
        "全要素生产率相对无政策基准情景的提升。",
    ),
    _eq(
        "chain",
        "F",
        r"\Delta VA_t = (m_{VA} - \zeta)\,\Delta\sigma_t\,p\,Y_t, \quad "
        r"\Delta\sigma_t = \min(\Delta\sigma\,r_t,\ 1 - \sigma_0)",
        "Value added from chain leaders buying a larger share Δσ of their inputs (worth p of GDP) "
        "from local suppliers.",
        "链长企业将更大比例Δσ的采购（规模为GDP的p）转向本地供应商带来的增加值。",
    ),
    _eq(
        "gdp_scenario",
        "E",
        r"Y^{scn}_t = Y_t\,e^{\Delta \ln A_t} + \Delta VA_t",
        "Scenario GDP: the baseline path raised by the productivity gain, plus the value added of "
        "local sourcing.",
        "政策情景GDP：基准路径乘以生产率提升，再加上本地配套带来的增加值。",
    ),
    _eq(
        "per_fte",
        "B",
        r"w_t = R_t / H_t",
        "R&D spending per researcher; more than 30% above (below) the baseline means money without "
        "people (people without money).",
        "人均研发经费；比基准情景高（低）30%以上即为“有钱无人”（“有人无钱”）。",
    ),
    _eq(
        "return",
        "H",
        r"\rho_t = \theta_K\,\frac{Y_t}{K_t\,(1+\pi_R)^{t-b}}",
        "Gross social return on R&D implied by the assumptions; the literature puts it between "
        "10% and 150% a year.",
        "假设所隐含的研发社会总回报率；文献范围为每年10%—150%。",
    ),
    _eq(
        "benchmark",
        "G",
        r"s^{B}_t = s^{B}_b + \phi_B\,\dot s^{B}\,(t-b)",
        "Jiangsu and the national average keep a share φ_B of their 2019–2023 trend in R&D "
        "intensity.",
        "江苏和全国的研发经费投入强度按2019—2023年趋势的φ_B倍继续变化。",
    ),
    _eq(
        "parity",
        "G",
        r"T^{parity} = \min\{\,t : s_t \ge s^{B}_t\,\}",
        "Year of parity: the first year the region's intensity reaches the benchmark's.",
        "达标年份：本地区研发经费投入强度首次达到对标地区水平的年份。",
    ),
    _eq(
        "aggregate",
        "G",
        r"X^{NE3}_t = \sum_{r \in \{LN, JL, HL\}} X^{r}_t, \qquad "
        r"s^{NE3}_t = 100\,\frac{R^{NE3}_t}{Y^{NE3}_t}",
        "The Northeast aggregate adds up the provinces; its intensity is total R&D over total GDP "
        "(1.87% in 2023, not the simple mean 1.74%).",
        "东北三省合计为三省之和；其投入强度为研发经费总额除以GDP总额"
        "（2023年为1.87%，而非简单平均的1.74%）。",
    ),
)


def model_equations() -> list[dict[str, str]]:
    """The model's equations for on-screen display.

    Returns
    -------
    list of dict
        Each with ``id``, ``block`` (A–H as in parameters.md), ``latex``, ``description_en`` and
        ``description_zh``. Fresh copies: callers may modify them.
    """
    return [dict(e) for e in _EQUATIONS]
