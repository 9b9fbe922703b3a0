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
        "No-policy GDP grows at its recent trend (documented revisions left out); the starting GDP "
        "is implied by the R&D communiqué (R&D spending ÷ intensity). R&D does not feed back into "
        "this path.",
        "无政策情景下的GDP按近期趋势增长（剔除有记录的数据修订）；起点GDP由R&D统计公报推算"
        "（研发经费÷投入强度）。研发投入不反馈到这一路径。",
    ),
    _eq(
        "damping",
        "A",
        r"D_h = \sum_{k=1}^{h} \phi^{k}, \qquad h = t - b",
        "Damped horizon: a recent trend contributes D_h years' worth of change by year b + h; "
        "φ = 1 extrapolates it in a straight line, φ < 1 lets it fade.",
        "衰减期数：近期趋势到第b+h年累计贡献D_h年的变化；φ=1为直线外推，φ<1表示趋势逐年减弱。",
    ),
    _eq(
        "benchmark",
        "A",
        r"s^{B}_t = s^{B}_b + \phi_B\,\dot s^{B}\,D_h, \qquad R^{CN}_t = s^{CN}_t\,Y^{CN}_t / 100",
        "Jiangsu's and the national R&D intensity keep a share φ_B of their 2018–2023 trend, "
        "damped; national R&D is that intensity times national GDP.",
        "江苏和全国的研发经费投入强度按2018—2023年趋势的φ_B倍继续变化（逐年衰减）；"
        "全国研发经费等于该强度乘以全国GDP。",
    ),
    _eq(
        "rd_baseline",
        "A",
        r"R^{base}_t = R_b\,\frac{s^{CN}_t}{s^{CN}_b}"
        r"\left(\frac{Y^{CN}_t}{Y^{CN}_b}\right)^{\nu}\left(\frac{Y_t}{Y_b}\right)^{1-\nu}",
        "Without new policy a province's intensity moves with the nation's and its R&D grows with "
        "national GDP to the extent ν, with its own GDP for the rest: ν = 1 keeps its share of "
        "national R&D.",
        "无新政策时，各省研发经费投入强度随全国变化，其研发经费按ν随全国GDP增长、其余随本省GDP增长："
        "ν=1即保持其占全国研发经费的份额。",
    ),
    _eq(
        "people_baseline",
        "B",
        r"H^{base}_t = \frac{R^{base}_t}{w^{base}_t}\,(1+\Delta g_H)^{t-b}, \qquad "
        r"w^{base}_t = w_b\,e^{\,g_w D_h}",
        "R&D personnel are R&D spending divided by spending per researcher, which follows the "
        "nation's damped 2018–2023 trend g_w.",
        "R&D人员等于研发经费除以人均研发经费，人均研发经费按全国2018—2023年趋势g_w（逐年衰减）变化。",
    ),
    _eq(
        "intensity_path",
        "A",
        r"s_t = s^{base}_t + \lambda\,\max\!\left(0,\ s^{*} - s^{base}_{T^{*}}\right)"
        r"\min\!\left(1, \frac{t-b}{T^{*}-b}\right) \quad (s^{*} > s_b)",
        "A target above the no-policy intensity of the target year lifts intensity by the "
        "difference, phased in by T* (λ is the share delivered) and kept afterwards. A target "
        "the no-policy path reaches anyway, or one at or below today's level, changes nothing.",
        "若强度目标高于目标年份的无政策水平，则投入强度按二者之差提升，在T*年前逐步到位（λ为兑现比例），"
        "此后保持这一提升。无政策路径本就能达到的目标，或不高于当前水平的目标，不产生影响。",
    ),
    _eq(
        "rollout",
        "A",
        r"r_t = \min\!\left(1, \frac{t-b}{n_R}\right)",
        "Measures 2–5 phase in over n_R years.",
        "措施2—5在n_R年内逐步到位。",
    ),
    _eq(
        "rd_money",
        "A",
        r"R^{m}_t = \frac{s_t}{100}\,Y_t + a_F\,F\,r_t",
        "R&D money follows the intensity path; guided funds F add a_F yuan of R&D per yuan "
        "(additionality; 0 if they only replace firms' own money).",
        "研发经费由投入强度路径决定；每1元引导基金带来a_F元新增研发经费（额外性；若只替代企业自有资金则为0）。",
    ),
    _eq(
        "talent",
        "B",
        r"H^{pol}_t = H^{pol}_{t-1}\left(\frac{H^{base}_t}{H^{base}_{t-1}} - q_{out}\,r_t + "
        r"g_G\,\frac{\Delta\tau\,r_t}{\tau_0}\right) + \eta\,M\,r_t"
        r" + (\tau_0 + \Delta\tau\,r_t)\,E\,r_t",
        "The talent levers add people to the baseline: less outflow q_out, better graduate "
        "retention, recruitment M (of which η stays net) and extra postgraduates E who stay.",
        "人才类措施在基准之上增加研发人员：减少额外流失q_out、提高毕业生留省率、人才引进M"
        "（其中η为净增部分）及留在本省的新增研究生E。",
    ),
    _eq(
        "money_and_people",
        "B",
        r"H_t = H^{base}_t \left(\frac{R^{m}_t}{R^{base}_t}\right)^{\varepsilon} + "
        r"\left(H^{pol}_t - H^{base}_t\right), \qquad "
        r"R_t = R^{m}_t + w^{base}_t \left(H^{pol}_t - H^{base}_t\right)",
        "Extra R&D money hires people (elasticity ε; the rest raises spending per researcher), "
        "and the people the talent levers add cost today's spending per researcher each.",
        "新增研发经费用于增加人员（弹性ε，其余提高人均经费）；人才类措施增加的人员每人按当前人均研发经费增加研发经费。",
    ),
    _eq(
        "capital_stock",
        "A",
        r"K_t = (1-\delta)\,K_{t-1} + \frac{R_{t-L}}{(1+\pi_R)^{t-L-b}}, \qquad "
        r"K_{h_0} = \frac{RR_{h_0-L}}{g_{pre} + \delta}, \quad "
        r"g_{pre} = \max(\bar g_{RR}, g_{min})",
        "Perpetual inventory: the R&D capital stock (base-year prices) loses δ a year and gains "
        "real R&D after a lag L. It starts in 2010 at real R&D ÷ (pre-sample growth + δ), the "
        "growth being the 2010–2023 real growth but at least g_min.",
        "永续盘存法：R&D资本存量（基期价格）每年折旧δ，并在L年时滞后计入实际研发投入。"
        "2010年初始存量=实际研发经费÷（样本前增速+折旧率），增速取2010—2023年实际增速且不低于g_min。",
    ),
    _eq(
        "patents",
        "C",
        r"P_t = P_b \left(\frac{K_{t-\ell_P}}{K_{b-\ell_P}}\right)^{\beta}"
        r"\left(\frac{H_{t-\ell_P}}{H_{b-\ell_P}}\right)^{\gamma} e^{\,\tau D_h}, \qquad "
        r"\tau = \bar g_{P}^{CN} - \beta\,\bar g_{K}^{CN} - \gamma\,\bar g_{H}^{CN}",
        "Knowledge production: invention patents grow with the R&D stock and personnel of ℓ_P "
        "years earlier (elasticities β and γ, estimated on the 31 provinces) and with a national "
        "drift τ, the part of the nation's 2018–2023 patent growth its inputs do not explain, "
        "damped.",
        "知识生产函数：发明专利授权量随ℓ_P年前的R&D资本存量和研发人员增长（弹性β、γ，由31个省份面板估计），"
        "并叠加全国性漂移τ，即全国2018—2023年专利增长中投入无法解释的部分（逐年衰减）。",
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
        "Technology contracts sold grow with the R&D stock and with the commercialisation rate "
        "(not backtested: the series swings 2–4× a year in Jilin and Heilongjiang).",
        "技术合同成交额（技术输出）随R&D资本存量和成果转化率提高而增长（未做回测：吉林、黑龙江该序列年际波动达2—4倍）。",
    ),
    _eq(
        "knowledge_used",
        "E",
        r"K^{use}_t = K_t \left[1 - u + u\left(\frac{c_t\,\ell_t}{c_0\,\ell_0}\right)^{\mu}\right]",
        "Conversion and local take-up act on the share u of the R&D stock built by universities "
        "and research institutes (the government-funded share of R&D in the data), μ = 0 switching "
        "this channel off.",
        "成果转化和本地应用只作用于由高校和科研院所形成的R&D资本存量份额u（数据中政府资金占研发经费的比重），μ=0时该渠道关闭。",
    ),
    _eq(
        "gdp_gain",
        "E",
        r"\Delta Y_t = \rho\,(K^{use}_t - K^{base}_t)(1+\pi_R)^{t-b} + "
        r"Y_t\left(e^{\theta_H \ln(H_t/H^{base}_t)} - 1\right)",
        "GDP gain against the baseline: the gross social return ρ on the extra R&D capital used in "
        "the province (revalued to current prices), plus the optional human-capital channel θ_H. "
        "Faster depreciation leaves less extra capital, so it always lowers the gain.",
        "相对基准情景的GDP增量：本省新增使用的R&D资本（折算为当年价格）乘以社会总回报率ρ，"
        "加上可选的人力资本渠道θ_H。折旧越快，新增资本越少，增量越小。",
    ),
    _eq(
        "chain",
        "F",
        r"\Delta VA_t = (m_{VA} - \zeta)\,\Delta\sigma_t\,p\,Y_t, \quad "
        r"\Delta\sigma_t = \min(\Delta\sigma\,r_t,\ \bar{\sigma}\,(t-b),\ 1 - \sigma_0)",
        "Value added from chain leaders buying a larger share Δσ of their inputs (worth p of GDP) "
        "from local suppliers, net of the cost ζ of re-sourcing; the share rises at most σ̄ a year "
        "while suppliers build capacity.",
        "链长企业将更大比例Δσ的采购（规模为GDP的p）转向本地供应商带来的增加值，扣除转移采购成本ζ；"
        "本地供应商扩充产能需要时间，配套率每年最多提高σ̄。",
    ),
    _eq(
        "gdp_scenario",
        "E",
        r"Y^{scn}_t = Y_t + \Delta Y_t + \Delta VA_t",
        "Scenario GDP: the baseline path plus the productivity gain and the value added of local "
        "sourcing.",
        "政策情景GDP：基准路径加上生产率提升和本地配套带来的增加值。",
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
        r"\rho^{use}_t = \rho\,\frac{K^{use}_t}{K_t}",
        "Return on each yuan of R&D capital once conversion and local take-up are counted; "
        "published social returns lie between about 10% and 100% a year.",
        "计入成果转化和本地应用后每元R&D资本的回报率；已发表的社会回报率约为每年10%—100%。",
    ),
    _eq(
        "bands",
        "H",
        r"X^{(d)}_t = X^{(d)}_t\big|_{\theta^{(d)}}\;e^{\,\sigma_{h} z^{(d)}}, \qquad "
        r"\sigma_h = a\,h^{c}",
        "Each Monte Carlo draw d sets the judgement parameters θ and adds a forecast error with "
        "the spread σ_h the backtest measured at horizon h (one z per series and draw, the same "
        "at every horizon).",
        "每次蒙特卡洛抽样d设定各判断性参数θ，并加入回测在预测期h测得的误差σ_h"
        "（每个序列每次抽样一个z，各期相同）。",
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
