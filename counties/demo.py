"""The demo city: a fictional prefecture-level city (青川市) as a reproducible Django fixture.

`build_demo_city(seed)` returns the fixture objects (dicts in loaddata's JSON shape) and
`dump_fixture(objects)` their file text: the same seed gives the same bytes. Nothing here touches
the database. Primary keys are fixed and readable: period n (1 = 2024-01), submission
period * 100 + county, value submission * 100 + indicator, rule-set rows rule set * 100 + item,
target county * 100 + indicator (the city's: the indicator's), schedule the indicator's.
Users and groups go by natural key (username, group name), so loading never collides with an
existing superuser. "Today" is 2026-11-25: periods 2024-01 to 2026-10 exist, 2026-10 is open.

Planted for the demo: 松源县 missed 2026-08; in 2026-10 青江区 (reporter_a) holds a draft, 丰桥县
(reporter_b) was returned, 瑶山县 sent nothing, and 双溪县 submitted fixed-asset investment at
about three times its trend, with the note left empty.

2026's method does not score the four urban districts on rural residents' per-capita income
(不考核: 城区无农村常住人口), the weight going pro rata to their other indicators of the category;
the counties fall into two regions (北部, 南部) that a rule set may impute empty categories by.

2026 has published targets (目标任务) for every county, the city and every scored indicator, set
from each county's own 2026 figures so that in 2026-10 most are within 3 points of the calendar
either way and a few clearly behind: 梅岭县 is far behind its investment target (red), and 云溪区
keeps pace with the city on every indicator (its 2026 figures are raised where needed) and is a
little ahead of every target (all green).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import random
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from itertools import accumulate

from django.contrib.auth.hashers import make_password

from targets.schedules import spread_quarters

from .models import default_deadline

TODAY = dt.date(2026, 11, 25)
YEARS = (2024, 2025, 2026)
LAST_MONTH = 10  # 2026-10 is the latest period
TZ = dt.timezone(dt.timedelta(hours=8))
GROWTH_RANGE = (-4.5, 14.0)  # annual growth rates are clipped to this, in percent
KIND_INDEX = {"district": 0, "county_city": 1, "county": 2, "zone": 3}  # column of the tables

# fmt: off
# code, name, English name, kind, 2023 GDP in 亿元 (before a seeded jitter of up to ±8%)
COUNTIES = [
    ("369902", "青江区", "Qingjiang District", "district", 500),
    ("369903", "望湖区", "Wanghu District", "district", 400),
    ("369904", "云溪区", "Yunxi District", "district", 300),
    ("369905", "南塘区", "Nantang District", "district", 250),
    ("369981", "秀峰市", "Xiufeng City", "county_city", 430),
    ("369921", "丰桥县", "Fengqiao County", "county", 320),
    ("369922", "梅岭县", "Meiling County", "county", 235),
    ("369923", "双溪县", "Shuangxi County", "county", 205),
    ("369924", "松源县", "Songyuan County", "county", 180),
    ("369925", "长林县", "Changlin County", "county", 165),
    ("369926", "瑶山县", "Yaoshan County", "county", 150),
    ("369971", "青川高新技术产业开发区",
     "Qingchuan High-tech Industrial Development Zone", "zone", 270),
]

# the imputation grouping (County.region, 插补分组): the northern plain along the 青江 and the
# southern hills; the zone is in neither
REGIONS = {
    "369902": "北部", "369903": "北部", "369981": "北部", "369921": "北部", "369923": "北部",
    "369925": "北部", "369904": "南部", "369905": "南部", "369922": "南部", "369924": "南部",
    "369926": "南部",
}

CATEGORIES = [
    ("growth", "主要经济指标", "Main economic indicators"),
    ("industry", "产业结构", "Industrial structure"),
    ("innovation", "创新能力", "Innovation"),
    ("business", "营商环境", "Business environment"),
    ("openness", "对外开放", "Openness"),
    ("urban_rural", "城乡发展", "Urban-rural development"),
    ("ecology", "生态环境", "Ecology and environment"),
    ("livelihood", "民生保障", "People's livelihood"),
]

# code, category, unit, kind, direction, decimals, department; name, English name
INDICATORS = [
    ("gdp", "growth", "亿元", "flow", "higher", 2, "市统计局",
     "地区生产总值", "Gross domestic product"),
    ("industry_va", "growth", "亿元", "flow", "higher", 2, "市经济和信息化局",
     "规上工业增加值", "Value added of industry above designated size"),
    ("fixed_investment", "growth", "亿元", "flow", "higher", 2, "市发展改革委",
     "固定资产投资", "Fixed-asset investment"),
    ("retail_sales", "growth", "亿元", "flow", "higher", 2, "市商务局",
     "社会消费品零售总额", "Retail sales of consumer goods"),
    ("budget_revenue", "growth", "亿元", "flow", "higher", 2, "市财政局",
     "一般公共预算收入", "General public budget revenue"),
    ("tax_revenue", "growth", "亿元", "flow", "higher", 2, "市税务局",
     "税收收入", "Tax revenue"),
    ("service_va", "industry", "亿元", "flow", "higher", 2, "市统计局",
     "服务业增加值", "Value added of services"),
    ("digital_core_va", "industry", "亿元", "flow", "higher", 2, "市经济和信息化局",
     "数字经济核心产业增加值", "Value added of core digital-economy industries"),
    ("sei_share", "industry", "%", "rate", "higher", 1, "市发展改革委",
     "战略性新兴产业增加值占比", "Share of strategic emerging industries in industry"),
    ("rd_spend", "innovation", "亿元", "flow", "higher", 2, "市科技局",
     "R&D经费支出", "R&D expenditure"),
    ("hitech_firms", "innovation", "家", "stock", "higher", 0, "市科技局",
     "高新技术企业数", "Certified high-tech enterprises"),
    ("tech_smes", "innovation", "家", "stock", "higher", 0, "市科技局",
     "科技型中小企业数", "Technology-based SMEs"),
    ("new_entities", "business", "个", "flow", "higher", 0, "市市场监管局",
     "新登记市场主体", "Newly registered market entities"),
    ("market_entities", "business", "个", "stock", "higher", 0, "市市场监管局",
     "实有市场主体", "Market entities in operation"),
    ("invest_attracted", "business", "亿元", "flow", "higher", 2, "市商务局",
     "招商引资到位资金", "Attracted investment funds in place"),
    ("trade", "openness", "亿元", "flow", "higher", 2, "市商务局",
     "进出口总额", "Total imports and exports"),
    ("fdi", "openness", "万美元", "flow", "higher", 0, "市商务局",
     "实际利用外资", "Foreign capital actually used"),
    ("urban_income", "urban_rural", "元", "flow", "higher", 0, "市统计局",
     "城镇居民人均可支配收入", "Per-capita disposable income of urban residents"),
    ("rural_income", "urban_rural", "元", "flow", "higher", 0, "市统计局",
     "农村居民人均可支配收入", "Per-capita disposable income of rural residents"),
    ("energy_intensity", "ecology", "吨标准煤/万元", "rate", "lower", 3, "市发展改革委",
     "单位GDP能耗", "Energy consumption per unit of GDP"),
    ("good_air_days", "ecology", "%", "rate", "higher", 1, "市生态环境局",
     "空气质量优良天数比例", "Share of days with good air quality"),
    ("unemployment", "livelihood", "%", "rate", "lower", 2, "市人社局",
     "城镇登记失业率", "Registered urban unemployment rate"),
    ("new_urban_jobs", "livelihood", "人", "flow", "higher", 0, "市人社局",
     "城镇新增就业", "New urban jobs"),
    ("livelihood_share", "livelihood", "%", "rate", "higher", 1, "市财政局",
     "民生支出占一般公共预算支出比重", "Livelihood spending in budget expenditure"),
]
SHARES = {"sei_share", "good_air_days", "unemployment", "livelihood_share"}  # 0-100 %
# entered for every county by the department that supplies them (部门填报), not by the counties
DEPARTMENT_ENTRY = {"budget_revenue", "livelihood_share", "trade", "fdi"}

# City departments (市直单位), the lead and supporting units of the indicators (责任分工)
DEPARTMENTS = [
    ("市发展改革委", "Development and Reform Commission"),
    ("市统计局", "Statistics Bureau"),
    ("市经济和信息化局", "Economy and Information Technology Bureau"),
    ("市商务局", "Commerce Bureau"),
    ("市财政局", "Finance Bureau"),
    ("市税务局", "Taxation Bureau"),
    ("市科技局", "Science and Technology Bureau"),
    ("市市场监管局", "Market Regulation Bureau"),
    ("市投资促进局", "Investment Promotion Bureau"),
    ("市人社局", "Human Resources and Social Security Bureau"),
    ("市农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("市生态环境局", "Ecology and Environment Bureau"),
]
# indicator code -> lead department, supporting departments
RESPONSIBILITY = {
    "gdp": ("市发展改革委", ["市统计局"]),
    "industry_va": ("市经济和信息化局", ["市统计局"]),
    "fixed_investment": ("市发展改革委", ["市经济和信息化局", "市投资促进局"]),
    "retail_sales": ("市商务局", ["市统计局"]),
    "budget_revenue": ("市财政局", ["市税务局"]),
    "tax_revenue": ("市税务局", ["市财政局"]),
    "service_va": ("市发展改革委", ["市商务局"]),
    "digital_core_va": ("市经济和信息化局", []),
    "sei_share": ("市发展改革委", ["市经济和信息化局"]),
    "rd_spend": ("市科技局", ["市统计局", "市财政局"]),
    "hitech_firms": ("市科技局", []),
    "tech_smes": ("市科技局", []),
    "new_entities": ("市市场监管局", []),
    "market_entities": ("市市场监管局", []),
    "invest_attracted": ("市投资促进局", ["市商务局"]),
    "trade": ("市商务局", []),
    "fdi": ("市商务局", ["市投资促进局"]),
    "urban_income": ("市人社局", ["市统计局"]),
    "rural_income": ("市农业农村局", ["市统计局"]),
    "energy_intensity": ("市发展改革委", ["市生态环境局"]),
    "good_air_days": ("市生态环境局", []),
    "unemployment": ("市人社局", []),
    "new_urban_jobs": ("市人社局", []),
    "livelihood_share": ("市财政局", []),
}
# county code -> leader in charge of the economy, title, contact (demo names, demo numbers)
LEADERS = {
    "369902": ("周建华", "副区长", "刘洋"),
    "369903": ("吴晓峰", "副区长", "陈静"),
    "369904": ("郑丽", "副区长", "杨帆"),
    "369905": ("孙志强", "副区长", "黄蕾"),
    "369981": ("马骏", "副市长", "何佳"),
    "369921": ("胡海涛", "副县长", "林琳"),
    "369922": ("高明", "副县长", "罗敏"),
    "369923": ("梁文", "副县长", "宋涛"),
    "369924": ("谢东", "副县长", "唐丽"),
    "369925": ("韩冰", "副县长", "冯雪"),
    "369926": ("曹阳", "副县长", "许诺"),
    "369971": ("彭程", "管委会副主任", "邓琪"),
}
DECIMALS = {row[0]: row[5] for row in INDICATORS}
DESCRIPTIONS = {
    "rd_spend": "全社会研究与试验发展经费支出；与地区生产总值之比即研发投入强度。",
    "sei_share": "战略性新兴产业增加值占规上工业增加值的比重，1-N月累计。",
    "energy_intensity": "能源消费量与地区生产总值之比，1-N月累计；按季考核降低率。",
    "good_air_days": "1-N月环境空气质量优良天数占有效监测天数的比例。",
    "livelihood_share": "1-N月民生支出占一般公共预算支出的比重。",
}

# Monthly shares of the annual total: Spring Festival makes Jan-Feb light, December is heavy.
PROFILES = {
    "output":     [.065, .055, .085, .080, .083, .092, .080, .080, .090, .084, .088, .118],
    "investment": [.035, .035, .085, .085, .090, .115, .075, .080, .105, .085, .090, .120],
    "retail":     [.095, .080, .078, .075, .082, .085, .078, .078, .085, .092, .085, .087],
    "fiscal":     [.120, .060, .085, .095, .090, .085, .085, .070, .075, .080, .075, .080],
    "trade":      [.080, .060, .085, .082, .085, .088, .085, .085, .087, .082, .088, .093],
    "lumpy":      [.050, .040, .100, .070, .080, .130, .060, .070, .110, .070, .080, .140],
    "income":     [.095, .085, .080, .080, .080, .085, .080, .080, .085, .080, .080, .090],
    "entities":   [.060, .050, .100, .090, .090, .090, .080, .080, .090, .090, .090, .090],
}
# Flows: profile; annual growth = trend weight * county trend + bias + N(0, sd); monthly noise;
# 2023 level per KIND_INDEX column, per 亿元 of GDP (incomes: in yuan; GDP: the county table).
FLOWS = {
    "gdp":              ("output", (1.0, 0.0, 0.8), .008, None),
    "industry_va":      ("output", (1.0, 1.0, 2.0), .02,
                         ((.15, .28), (.32, .40), (.25, .38), (.50, .60))),
    "fixed_investment": ("investment", (1.0, 0.0, 4.0), .03,
                         ((.55, .80), (.65, .85), (.70, .95), (.90, 1.2))),
    "retail_sales":     ("retail", (0.8, 0.5, 1.5), .012,
                         ((.38, .50), (.35, .42), (.30, .40), (.08, .15))),
    "budget_revenue":   ("fiscal", (1.0, 0.0, 3.0), .025,
                         ((.06, .08), (.065, .08), (.055, .075), (.08, .10))),
    "service_va":       ("output", (1.0, 0.5, 1.0), .01,
                         ((.60, .72), (.45, .52), (.40, .50), (.35, .42))),
    "digital_core_va":  ("output", (1.0, 4.0, 3.0), .02,
                         ((.06, .10), (.04, .06), (.025, .05), (.12, .18))),
    "rd_spend":         ("lumpy", (0.8, 3.0, 2.5), .03,
                         ((.018, .026), (.016, .022), (.010, .018), (.038, .048))),
    "new_entities":     ("entities", (0.5, 2.0, 4.0), .03,
                         ((40, 55), (32, 45), (30, 45), (12, 20))),
    "invest_attracted": ("investment", (1.0, 2.0, 5.0), .04,
                         ((.25, .40), (.30, .40), (.30, .45), (.50, .70))),
    "trade":            ("trade", (1.0, 1.0, 5.0), .03,
                         ((.10, .25), (.12, .20), (.05, .12), (.45, .70))),
    "fdi":              ("lumpy", (1.0, 0.0, 5.0), .04, ((20, 50), (15, 35), (8, 25), (60, 100))),
    "urban_income":     ("income", (0.0, 5.0, 0.6), .004,
                         ((46000, 52000), (43000, 47000), (38000, 43000), (48000, 53000))),
    "rural_income":     ("income", (0.0, 6.5, 0.7), .005,
                         ((25000, 28000), (21000, 24000), (18000, 22000), (24000, 27000))),
    "new_urban_jobs":   ("entities", (0.5, 1.0, 4.0), .03,
                         ((18, 25), (15, 20), (15, 22), (10, 15))),
}
ABSOLUTE_FLOWS = {"urban_income", "rural_income"}
TAX_SHARE = ((.68, .82), (.70, .80), (.65, .78), (.80, .88))  # tax revenue / budget revenue
# Stocks: growth as for flows; level at the end of 2022 per 亿元 of GDP.
STOCKS = {
    "hitech_firms":    ((0.5, 6.0, 3.0), ((.35, .55), (.35, .45), (.25, .40), (1.2, 1.6))),
    "tech_smes":       ((0.5, 7.0, 3.0), ((.70, 1.1), (.65, .90), (.45, .80), (2.4, 3.2))),
    "market_entities": ((0.3, 5.0, 1.5), ((180, 240), (170, 220), (160, 220), (60, 90))),
}
RATE_LEVELS = {  # 2023 level before the year's drift
    "sei_share":        ((18, 26), (22, 30), (14, 24), (40, 50)),
    "energy_intensity": ((.28, .38), (.45, .58), (.42, .62), (.36, .46)),
    "good_air_days":    ((84, 89), (86, 91), (88, 95), (85, 89)),
    "unemployment":     ((2.9, 3.5), (2.8, 3.2), (2.6, 3.3), (2.2, 2.8)),
    "livelihood_share": ((74, 80), (76, 81), (77, 83), (68, 74)),
}
AIR_SEASON = [-10, -7, -3, 1, 3, 4, 5, 6, 4, 2, -1, -4]  # winter smog, clear summers
DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

# Rule sets, one per year. Category weights are the sums of their indicators' weights.
RANK = {"step": 0.05, "floor": 0.5}
EFFICACY = {"base": 0.6}
STEPPED = {"target": 6.5, "base": 8, "per_step": 0.5, "step": 1, "step_unit": "points",
           "max_up": 2, "max_down": 2}
RULES = [  # indicator, basis, method, published decimals, weights 2024/2025/2026, params
    ("gdp",              "growth", "stepped",        1, (10, 10, 10), STEPPED),
    ("industry_va",      "growth", "threshold_rank", 1, (7, 6, 6),
     {"threshold": 7.0, "threshold_points": 2, "step": 0.05, "floor": 0.5}),
    ("fixed_investment", "growth", "rank_points",    1, (7, 6, 5), RANK),
    ("retail_sales",     "growth", "rank_points",    1, (4, 4, 3), RANK),
    ("budget_revenue",   "growth", "efficacy",       1, (5, 4, 4), EFFICACY),
    ("tax_revenue",      "ratio",  "goalposts",      1, (2, 2, 2),
     {"lower": 60, "upper": 85, "log": False}),
    ("service_va",       "growth", "rank_points",    1, (3, 3, 3), RANK),
    ("digital_core_va",  "growth", "efficacy",       1, (3, 3, 3), EFFICACY),
    ("sei_share",        "value",  "goalposts",      1, (4, 4, 4),
     {"lower": 10, "upper": 45, "log": False}),
    ("rd_spend",         "ratio",  "target",         2, (4, 4, 5), {"target": 2.5, "cap": 1.0}),
    ("hitech_firms",     "growth", "rank_points",    1, (4, 4, 4), RANK),
    ("tech_smes",        "growth", "efficacy",       1, (2, 2, 3), EFFICACY),
    ("new_entities",     "growth", "rank_points",    1, (3, 3, 3), RANK),
    ("market_entities",  "growth", "efficacy",       1, (2, 2, 3), EFFICACY),
    ("invest_attracted", "growth", "zscore",         1, (5, 5, 4), {"clip": 3}),
    ("trade",            "growth", "efficacy",       1, (5, 4, 4),
     {"base": 0.6, "worst": -10, "best": 20}),
    ("fdi",              "growth", "rank_points",    1, (5, 4, 4), RANK),
    ("urban_income",     "growth", "rank_points",    1, (4, 5, 5), RANK),
    ("rural_income",     "growth", "rank_points",    1, (4, 5, 5), RANK),
    ("energy_intensity", "growth", "efficacy",       1, (4, 4, 4), EFFICACY),
    ("good_air_days",    "value",  "goalposts",      1, (5, 6, 6),
     {"lower": 80, "upper": 95, "log": False}),
    ("unemployment",     "value",  "efficacy",       2, (3, 3, 3), EFFICACY),
    ("new_urban_jobs",   "growth", "rank_points",    1, (3, 3, 3), RANK),
    ("livelihood_share", "value",  "goalposts",      1, (2, 4, 4),
     {"lower": 70, "upper": 85, "log": False}),
]
RATIOS = {"tax_revenue": ("budget_revenue", 100), "rd_spend": ("gdp", 100)}  # denominator, factor
QUARTERLY = {"energy_intensity"}
YEAR_PARAMS = {  # targets that differ from the table's (2026) values
    2024: {"gdp": {"target": 7.0}, "industry_va": {"threshold": 8.0}, "rd_spend": {"target": 2.2}},
    2025: {"industry_va": {"threshold": 7.5}, "rd_spend": {"target": 2.4}},
}
IMPROVEMENT = {2026: {"points_per_place": 0.5, "cap": 2}}
# 不考核 (from 2026): the urban districts are not scored on rural residents' income; its weight
# goes pro rata to their other indicators of the category (按其余指标得分率折算)
EXEMPTIONS = {2026: [("rural_income", "district", "城区无农村常住人口")]}  # indicator, kind, reason


def exempted(code: str, ind: str, year: int) -> bool:
    """Whether the year's method exempts county `code` from indicator `ind` (不考核): it then
    neither reports the figure nor has a target for it."""
    kind = next(c[3] for c in COUNTIES if c[0] == code)
    return any(i == ind and k == kind for i, k, _reason in EXEMPTIONS.get(year, []))
MISSING_DATA = {2026: {"exemptions": "pro_rata", "pro_rata_level": "category"}}
# 年度考核: the year's result weighs the quarters (Q1, H1, Q1-3, year); earlier years had none
PERIOD_WEIGHTS = {2026: {"3": 15, "6": 25, "9": 25, "12": 35}}
PUBLISHED = {2024: (2, 28), 2025: (3, 6), 2026: (2, 26)}  # month, day, at 10:00

# username, first name, last name, group, county code (reporters)
USERS = [
    ("admin", "洋", "刘", "admin", None),
    ("leader", "志强", "陈", "leader", None),
    ("reporter_a", "晓燕", "王", "reporter", "369902"),
    ("reporter_b", "建国", "李", "reporter", "369921"),
    ("reviewer", "敏", "张", "reviewer", None),
    ("finance", "丽华", "赵", "department", None),
    ("commerce", "海涛", "孙", "department", None),
]
# department reporters (部门填报员): username -> department
DEPARTMENT_REPORTERS = {"finance": "市财政局", "commerce": "市商务局"}
# fmt: on
GROUPS = ["admin", "department", "leader", "reporter", "reviewer"]

MISSED = ("369924", 2026, 8)  # 松源县 sent nothing for 2026-08
LATEST = {  # 2026-10 by county code; counties not listed are approved, None sent nothing
    "369902": "draft",
    "369921": "returned",
    "369926": None,
    "369923": "submitted",
    "369905": "late",
}
OUTLIER = ("369923", "fixed_investment", 3.1)  # 双溪县, 2026-10, x3.1 against its trend
RETURN_REASON = (
    "规上工业增加值累计数与市统计局反馈口径不一致，请核实后重新报送；如有调整请在说明栏注明原因。"
)
DRAFT_EMPTY = 6  # the draft leaves the last six indicators blank
WEAK_COUNTIES = ("369925", "369926")  # habitually late
LATE_PAST = (4, 3)  # late submissions before 2026-10: from the weak counties, from the others

# 2026 targets (目标任务), one published set. Growth targets (%) where the rule set scores a flow's
# growth as such; value targets in the indicator's unit for revenue, R&D, trade and foreign
# capital, new entities and jobs (flows), for year-end counts (stocks) and for rates.
TARGETS_YEAR = YEARS[-1]
TARGETS_CREATED = dt.datetime(2026, 2, 27, 9, tzinfo=TZ)
TARGETS_PUBLISHED = dt.datetime(2026, 3, 3, 10, tzinfo=TZ)  # after the rule set (02-26)
CITY_GROWTH = {  # the city's growth targets, from the province; counties' are their own
    "gdp": "6.5", "industry_va": "7.0", "fixed_investment": "8.0", "retail_sales": "6.0",
    "service_va": "6.5", "digital_core_va": "10.0", "urban_income": "5.5", "rural_income": "6.5",
}  # fmt: skip
GROWTH_BAND = (-3.0, 4.0)  # a county's growth target lies within these points of the city's
STAR = "369904"  # 云溪区: keeps pace with the city on every indicator, ahead of every target
LAGGARD = ("369922", "fixed_investment")  # 梅岭县: far behind its investment target in 2026-10
CLEARLY_BEHIND = 0.06  # chance that a county is set a target it is 5.5-9 points behind
# Cumulative month-end percents of the annual target (no schedule: month/12). Investment by
# quarter; budget revenue front-loaded as the fiscal year runs (Q1 27 %, half year 55 %).
SCHEDULES = {
    "fixed_investment": [
        float(s) for s in spread_quarters([Decimal(q) for q in (20, 45, 70, 100)])
    ],
    "budget_revenue": [12.0, 18.0, 27.0, 36.0, 45.0, 55.0, 63.0, 70.0, 78.0, 86.0, 93.0, 100.0],
}


def password_for(username: str) -> str:
    """Demo-only passwords, published in the README."""
    return f"demo-{username}-2026"


@functools.cache
def _password_hash(username: str) -> str:
    salt = hashlib.sha256(f"scorecard-demo:{username}".encode()).hexdigest()[:22]
    return make_password(password_for(username), salt=salt, hasher="pbkdf2_sha256")


def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def _fmt(x: float | None, decimals: int) -> str | None:
    return None if x is None else f"{x:.{decimals}f}"


def _ts(moment: dt.datetime) -> str:
    return moment.isoformat()


# ----------------------------------------------------------------------------- the numbers

Series = dict[int, list[float]]  # year (2023-2026) -> year-to-date value of months 1-12


def _growths(rng: random.Random, trend: dict[int, float], spec: tuple) -> dict[int, float]:
    weight, bias, sd = spec
    return {y: _clip(weight * trend[y] + bias + rng.gauss(0, sd), *GROWTH_RANGE) for y in trend}


def _flow_months(
    rng: random.Random, annual: float, profile: str, growths: dict[int, float], sigma: float
) -> Series:
    """Monthly amounts: 2023 follows the profile, each later month grows on the same month last
    year, so year-to-date growth stays close to the year's growth."""
    shares = [p * math.exp(rng.gauss(0, 0.04)) for p in PROFILES[profile]]
    months = {2023: [annual * s / sum(shares) for s in shares]}
    for y in YEARS:
        g = 1 + growths[y] / 100
        months[y] = [m * g * math.exp(rng.gauss(0, sigma)) for m in months[y - 1]]
    return months


def _stock(rng: random.Random, level: float, growths: dict[int, float]) -> Series:
    out, end = {}, level
    for y in (2023, *YEARS):
        g = 1 + growths[y] / 100
        out[y] = [end * g ** (k / 12) * math.exp(rng.gauss(0, 0.004)) for k in range(1, 13)]
        end = out[y][-1]
    return out


def _rate(rng: random.Random, code: str, level: float) -> Series:
    """Rates drift from year to year; year-to-date rates settle as the months add up."""
    out = {}
    months = range(1, 13)
    for y in (2023, *YEARS):
        if code == "sei_share":
            level += rng.gauss(0.8, 0.5)
            out[y] = [level + rng.gauss(0, 1.0) / math.sqrt(k) for k in months]
        elif code == "energy_intensity":
            level *= 1 - rng.uniform(0.02, 0.045)
            early = [0.04 * (12 - k) / 11 + rng.gauss(0, 0.02) / math.sqrt(k) for k in months]
            out[y] = [level * (1 + e) for e in early]
        elif code == "good_air_days":
            level = _clip(level + rng.gauss(0.4, 0.8), 70, 97)
            monthly = [_clip(level + s + rng.gauss(0, 2.5), 40, 100) for s in AIR_SEASON]
            good = accumulate(m * d for m, d in zip(monthly, DAYS, strict=True))
            out[y] = [g / d for g, d in zip(good, accumulate(DAYS), strict=True)]
        elif code == "unemployment":
            level = _clip(level + rng.gauss(-0.02, 0.08), 1.8, 4.5)
            out[y] = [level + rng.gauss(0, 0.05) + (0.06 if k in (2, 3) else 0) for k in months]
        else:  # livelihood_share
            level = _clip(level + rng.gauss(0.3, 0.5), 60, 88)
            out[y] = [_clip(level + rng.gauss(0, 2.5) / math.sqrt(k), 50, 95) for k in months]
    return out


def _reported(series: dict[tuple[str, str], Series], code: str, ind: str, year: int) -> float:
    """A county's year-to-date value of the latest month as the fixture stores it."""
    return float(f"{series[(code, ind)][year][LAST_MONTH - 1]:.{DECIMALS[ind]}f}")


def _keep_star_ahead(series: dict[tuple[str, str], Series], margin: float = 0.2) -> None:
    """Raise the star county's 2026 figures, gradually through the year, where its growth by the
    latest month would not beat the city's (the counties approved then, added up) and zero by
    `margin` points; lower them for lower-is-better indicators. Whatever the seed, the star then
    has no warning for growing slower than the city or shrinking, and can be on track on every
    target."""
    year = YEARS[-1]
    approved = [c[0] for c in COUNTIES if LATEST.get(c[0], "approved") == "approved"]
    assert STAR in approved
    for ind, *_cols, direction, _dec, _dept, _name, _en in INDICATORS:
        sign = -1.0 if direction == "lower" else 1.0
        for attempt in range(20):
            now = sum(_reported(series, c, ind, year) for c in approved)
            before = sum(_reported(series, c, ind, year - 1) for c in approved)
            star = _reported(series, STAR, ind, year) / _reported(series, STAR, ind, year - 1)
            city = now / before
            need = max(sign * city, sign * 1.0) + margin / 100
            if sign * star >= need:
                break
            # aim further each time: a count or a rounded intensity moves in whole steps
            factor = sign * (need + attempt * margin / 100) / star
            months = series[(STAR, ind)][year]
            for k in range(12):
                months[k] *= factor ** ((k + 1) / LAST_MONTH)
                if ind in SHARES:
                    months[k] = min(months[k], 100.0)
        else:
            raise AssertionError(f"{STAR} cannot keep pace with the city on {ind}")


def generate_series(seed: int, *, outlier: bool = True) -> dict[tuple[str, str], Series]:
    """Unrounded year-to-date values by (county code, indicator code), 2023 to 2026; without
    `outlier`, as if 双溪县 had reported its trend (what its targets were set from).

    Each county and indicator draws from its own stream, so adding an indicator leaves the others'
    numbers alone.
    """
    series: dict[tuple[str, str], Series] = {}
    for code, _name, _en, kind, gdp in COUNTIES:
        k = KIND_INDEX[kind]
        r = random.Random(f"{seed}:{code}:trend")
        base, slope = r.uniform(2.5, 8.0), r.uniform(-1.0, 1.0)
        trend = {y: base + slope * (y - 2025) for y in (2023, *YEARS)}
        gdp *= r.uniform(0.92, 1.08)
        months: dict[str, Series] = {}
        for ind, (profile, growth, sigma, levels) in FLOWS.items():
            rng = random.Random(f"{seed}:{code}:{ind}")
            annual = gdp if levels is None else rng.uniform(*levels[k])
            if levels is not None and ind not in ABSOLUTE_FLOWS:
                annual *= gdp
            months[ind] = _flow_months(rng, annual, profile, _growths(rng, trend, growth), sigma)
        rng = random.Random(f"{seed}:{code}:tax_revenue")
        share = rng.uniform(*TAX_SHARE[k])
        months["tax_revenue"] = {}
        for y, budget in months["budget_revenue"].items():
            share = _clip(share + (rng.gauss(0, 0.012) if y > 2023 else 0), 0.55, 0.9)
            months["tax_revenue"][y] = [m * share * math.exp(rng.gauss(0, 0.01)) for m in budget]
        for ind, by_year in months.items():
            series[(code, ind)] = {y: list(accumulate(m)) for y, m in by_year.items()}
        for ind, (growth, levels) in STOCKS.items():
            rng = random.Random(f"{seed}:{code}:{ind}")
            level = rng.uniform(*levels[k]) * gdp
            series[(code, ind)] = _stock(rng, level, _growths(rng, trend, growth))
        for ind, levels in RATE_LEVELS.items():
            rng = random.Random(f"{seed}:{code}:{ind}")
            series[(code, ind)] = _rate(rng, ind, rng.uniform(*levels[k]))
    _keep_star_ahead(series)
    if outlier:
        county, ind, factor = OUTLIER
        series[(county, ind)][YEARS[-1]][LAST_MONTH - 1] *= factor
    return series


# ---------------------------------------------------------------------------- the fixture


def periods() -> list[tuple[int, int]]:
    """(year, month) of every period in primary-key order (pk = index + 1)."""
    return [(y, m) for y in YEARS for m in range(1, 13) if (y, m) <= (YEARS[-1], LAST_MONTH)]


def _obj(model: str, pk: int | None, **fields) -> dict:
    """A fixture object; None fields are left out (the model default applies)."""
    head = {"model": model} if pk is None else {"model": model, "pk": pk}
    return {**head, "fields": {k: v for k, v in fields.items() if v is not None}}


def _at(day: dt.date, rng: random.Random, hour: int = 9, hours: int = 8) -> dt.datetime:
    start = dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)
    return start + dt.timedelta(minutes=rng.randrange(hours * 60))


def _reference_objects() -> list[dict]:
    out = [_obj("auth.group", None, name=g) for g in GROUPS]
    for username, first, last, group, _county in USERS:
        admin = group == "admin" or None
        out.append(
            _obj(
                "auth.user",
                None,
                username=username,
                password=_password_hash(username),
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                is_staff=admin,
                is_superuser=admin,
                date_joined=_ts(dt.datetime(2024, 1, 2, 9, tzinfo=TZ)),
                groups=[[group]],
            )
        )
    cat_pk = {}
    for pk, (code, name, name_en) in enumerate(CATEGORIES, 1):
        cat_pk[code] = pk
        out.append(
            _obj("indicators.category", pk, code=code, name=name, name_en=name_en, display_order=pk)
        )
    dept_pk = {}
    for pk, (name, name_en) in enumerate(DEPARTMENTS, 1):
        dept_pk[name] = pk
        out.append(_obj("indicators.department", pk, name=name, name_en=name_en, display_order=pk))
    order: dict[str, int] = {}
    for pk, (code, cat, unit, kind, direction, dec, dept, name, en) in enumerate(INDICATORS, 1):
        order[cat] = order.get(cat, 0) + 1
        out.append(
            _obj(
                "indicators.indicator",
                pk,
                code=code,
                name=name,
                name_en=en,
                category=cat_pk[cat],
                unit=unit,
                kind=kind,
                direction=direction,
                decimals=dec,
                department=dept_pk[dept],
                entered_by_department=code in DEPARTMENT_ENTRY or None,
                lead_department=dept_pk[RESPONSIBILITY[code][0]],
                supporting_departments=[dept_pk[d] for d in RESPONSIBILITY[code][1]] or None,
                is_share=code in SHARES or None,
                description=DESCRIPTIONS.get(code),
                display_order=order[cat],
            )
        )
    for pk, (code, name, name_en, kind, _gdp) in enumerate(COUNTIES, 1):
        ranked = False if kind == "zone" else None
        out.append(
            _obj(
                "counties.county",
                pk,
                code=code,
                name=name,
                name_en=name_en,
                kind=kind,
                is_ranked=ranked,
                region=REGIONS.get(code),
                display_order=pk,
                leader=LEADERS[code][0],
                leader_title=LEADERS[code][1],
                contact=LEADERS[code][2],
                contact_phone=f"0812-66{pk:02d}1234",
            )
        )
    for pk, (y, m) in enumerate(periods(), 1):
        deadline = default_deadline(y, m).isoformat()
        is_open = (y, m) == periods()[-1]
        out.append(_obj("counties.period", pk, year=y, month=m, deadline=deadline, is_open=is_open))
    county_pk = {c[0]: pk for pk, c in enumerate(COUNTIES, 1)}
    members = [(u[0], county_pk[u[4]]) for u in USERS if u[4]]
    for pk, (username, county) in enumerate(members, 1):
        out.append(_obj("counties.countymembership", pk, user=[username], county=county))
    for pk, (username, department) in enumerate(DEPARTMENT_REPORTERS.items(), 1):
        out.append(
            _obj(
                "counties.departmentmembership",
                pk,
                user=[username],
                department=dept_pk[department],
            )
        )
    return out


def _ruleset_objects() -> list[dict]:
    rulesets, categories, indicators, exemptions = [], [], [], []
    ind_pk = {row[0]: pk for pk, row in enumerate(INDICATORS, 1)}
    ind_row = {row[0]: row for row in INDICATORS}
    cat_pk = {c[0]: pk for pk, c in enumerate(CATEGORIES, 1)}
    for rs, year in enumerate(YEARS, 1):
        i = YEARS.index(year)
        weights = dict.fromkeys(cat_pk, 0)
        for code, _basis, _method, _dec, w, _params in RULES:
            weights[ind_row[code][1]] += w[i]
        published = dt.datetime(year, *PUBLISHED[year], 10, tzinfo=TZ)
        rulesets.append(
            _obj(
                "indicators.ruleset",
                rs,
                year=year,
                version=1,
                name=f"{year}年度县区经济发展考核办法",
                status="published",
                total_weight=str(sum(weights.values())),
                bonus_cap="5",
                penalty_cap="5",
                improvement=IMPROVEMENT.get(year),
                period_weights=PERIOD_WEIGHTS.get(year),
                missing_data_rules=MISSING_DATA.get(year),
                description=f"青川市{year}年度县区经济发展考核办法：8类{len(RULES)}项指标，"
                "按月调度、半年通报、年度考核；高新区只报数、不排名。",
                created_at=_ts(published - dt.timedelta(days=12)),
                published_at=_ts(published),
                published_by=["admin"],
            )
        )
        for code, pk in cat_pk.items():
            categories.append(
                _obj(
                    "indicators.rulesetcategory",
                    rs * 100 + pk,
                    ruleset=rs,
                    category=pk,
                    weight=str(weights[code]),
                    display_order=pk,
                )
            )
        for n, (code, basis, method, dec, w, params) in enumerate(RULES, 1):
            denominator, factor = RATIOS.get(code, (None, None))
            indicators.append(
                _obj(
                    "indicators.rulesetindicator",
                    rs * 100 + ind_pk[code],
                    ruleset=rs,
                    indicator=ind_pk[code],
                    category=rs * 100 + cat_pk[ind_row[code][1]],
                    weight=str(w[i]),
                    basis=basis,
                    denominator=denominator and ind_pk[denominator],
                    factor=factor and str(factor),
                    direction=ind_row[code][4],
                    decimals=dec,
                    method=method,
                    params={**params, **YEAR_PARAMS.get(year, {}).get(code, {})},
                    frequency="quarterly" if code in QUARTERLY else "monthly",
                    display_order=n,
                )
            )
        for code, kind, reason in EXEMPTIONS.get(year, []):
            for county_pk, county in enumerate(COUNTIES, 1):
                if county[3] != kind:
                    continue
                exemptions.append(
                    _obj(
                        "counties.exemption",
                        rs * 100 + county_pk,  # one exemption per county and rule set
                        ruleset=rs,
                        county=county_pk,
                        indicator=ind_pk[code],
                        reason=reason,
                        created_at=_ts(published - dt.timedelta(days=12)),
                        updated_at=_ts(published - dt.timedelta(days=12)),
                    )
                )
    return rulesets + categories + indicators + exemptions


def _submission_objects(seed: int) -> list[dict]:
    series = generate_series(seed)
    rng = random.Random(f"{seed}:submissions")
    reporter = {u[4]: u[0] for u in USERS if u[4]}
    latest = periods()[-1]
    closed = [(c[0], p) for p in periods()[:-1] for c in COUNTIES if (c[0], *p) != MISSED]
    weak = [key for key in closed if key[0] in WEAK_COUNTIES]
    others = [key for key in closed if key[0] not in WEAK_COUNTIES]
    late = set(rng.sample(weak, LATE_PAST[0]) + rng.sample(others, LATE_PAST[1]))
    submissions, values = [], []
    for p_pk, (y, m) in enumerate(periods(), 1):
        deadline = default_deadline(y, m)
        for c_pk, (code, *_rest) in enumerate(COUNTIES, 1):
            status = LATEST.get(code, "approved") if (y, m) == latest else "approved"
            if (code, y, m) == MISSED or status is None:
                continue
            is_late = (code, (y, m)) in late or status == "late"
            status = "submitted" if status == "late" else status
            created = _at(deadline - dt.timedelta(days=4), rng, 8, 1)
            day = deadline + dt.timedelta(days=rng.randint(1, 3) if is_late else -rng.randint(0, 4))
            submitted = _at(day, rng) if status != "draft" else None
            reviewed = None
            if status in ("approved", "returned"):
                reviewed = _at(day + dt.timedelta(days=rng.randint(1, 3)), rng)
            updated = reviewed or submitted or _at(TODAY - dt.timedelta(days=1), rng)
            s_pk = p_pk * 100 + c_pk
            submissions.append(
                _obj(
                    "counties.submission",
                    s_pk,
                    county=c_pk,
                    period=p_pk,
                    status=status,
                    version={"draft": 2, "submitted": 2, "returned": 3, "approved": 3}[status],
                    created_at=_ts(created),
                    updated_at=_ts(updated),
                    submitted_at=submitted and _ts(submitted),
                    submitted_by=[reporter[code]] if submitted and code in reporter else None,
                    reviewed_at=reviewed and _ts(reviewed),
                    reviewed_by=reviewed and ["reviewer"],
                    return_reason=RETURN_REASON if status == "returned" else None,
                    is_late=is_late or None,
                )
            )
            for i_pk, (ind, *_cols, dec, _dept, _name, _en) in enumerate(INDICATORS, 1):
                if exempted(code, ind, y):
                    continue
                by_year = series[(code, ind)]
                blank = status == "draft" and i_pk > len(INDICATORS) - DRAFT_EMPTY
                values.append(
                    _obj(
                        "counties.submissionvalue",
                        s_pk * 100 + i_pk,
                        submission=s_pk,
                        indicator=i_pk,
                        value=None if blank else _fmt(by_year[y][m - 1], dec),
                        prior_value=_fmt(by_year[y - 1][m - 1], dec),
                        channel="department" if ind in DEPARTMENT_ENTRY else None,
                    )
                )
    return submissions + values


def _target_offset(seed: int, code: str, ind: str) -> float:
    """Points ahead of (+) or behind (−) the calendar, or of the target growth, that a county's
    target leaves it at in the latest month: mostly within 3 either way, now and then clearly
    behind; the star a little ahead, the laggard far behind."""
    rng = random.Random(f"{seed}:{code}:{ind}:target")
    if code == STAR:
        return rng.uniform(0.5, 2.0)
    if (code, ind) == LAGGARD:
        return -rng.uniform(9.0, 12.0)
    if rng.random() < CLEARLY_BEHIND:
        return -rng.uniform(5.5, 9.0)
    return rng.uniform(-3.0, 3.0)


def _county_target(
    series: dict[tuple[str, str], Series], code: str, row: tuple, offset: float
) -> tuple[str, Decimal]:
    """The kind and value of the target that leaves the county `offset` points ahead in the
    latest month, as indicators.scoring.progress measures it: growth − target growth; a flow's
    value ÷ target − the share due; a level's value ÷ target − 100 (turned round when lower is
    better). Growth targets stay near the city's (GROWTH_BAND), so a county growing far slower
    or faster than the city is further from its target. Rounded as a city writes targets (growth
    to half a point); the star's in its favour."""
    ind, _cat, _unit, kind, direction, dec, *_names = row
    value = _reported(series, code, ind, TARGETS_YEAR)
    prior = _reported(series, code, ind, TARGETS_YEAR - 1)
    star, lower = code == STAR, direction == "lower"
    if ind in CITY_GROWTH:
        wanted = (value / prior - 1) * 100 - offset
        if not star:
            city = float(CITY_GROWTH[ind])
            wanted = _clip(wanted, city + GROWTH_BAND[0], city + GROWTH_BAND[1])
        halves = Decimal(repr(2 * wanted)).quantize(
            Decimal(1), ROUND_FLOOR if star else ROUND_HALF_UP
        )
        return "growth", (halves / 2).quantize(Decimal("0.1"))
    if kind == "flow":
        due = SCHEDULES[ind][LAST_MONTH - 1] if ind in SCHEDULES else 100 * LAST_MONTH / 12
        target = value * 100 / (due + offset)
    elif lower:
        target = value * (100 + offset) / 100
    else:
        target = value * 100 / (100 + offset)
    if ind in SHARES:
        target = min(target, 99.0)
    favour = ROUND_CEILING if lower else ROUND_FLOOR
    places = Decimal(1).scaleb(-dec)
    return "value", Decimal(repr(target)).quantize(places, favour if star else ROUND_HALF_UP)


def _target_objects(seed: int) -> list[dict]:
    """The year's published targets: every county's (the zone's too) on every indicator the rule
    set scores, set from its own figures; the city's growth targets from the province, its value
    targets the counties' added up (rates: their mean); and the investment and budget-revenue
    schedules for every county."""
    series = generate_series(seed, outlier=False)
    ind_pk = {row[0]: pk for pk, row in enumerate(INDICATORS, 1)}
    scored = sorted(
        (row for row in INDICATORS if row[0] in {r[0] for r in RULES}), key=lambda r: ind_pk[r[0]]
    )
    county_targets: dict[str, list[Decimal]] = {row[0]: [] for row in scored}
    targets = []
    for c_pk, (code, *_rest) in enumerate(COUNTIES, 1):
        for row in scored:
            kind, value = _county_target(series, code, row, _target_offset(seed, code, row[0]))
            if exempted(code, row[0], TARGETS_YEAR):
                continue
            county_targets[row[0]].append(value)
            targets.append((c_pk * 100 + ind_pk[row[0]], c_pk, row[0], kind, value))
    city = []
    for row in scored:
        ind, kind, dec = row[0], row[3], row[5]
        if ind in CITY_GROWTH:
            city.append((ind_pk[ind], None, ind, "growth", Decimal(CITY_GROWTH[ind])))
            continue
        values = county_targets[ind]
        total = sum(values, Decimal(0))
        if kind == "rate":
            total = (total / len(values)).quantize(Decimal(1).scaleb(-dec), ROUND_HALF_UP)
        city.append((ind_pk[ind], None, ind, "value", total))
    out = [
        _obj(
            "targets.targetset",
            1,
            year=TARGETS_YEAR,
            version=1,
            status="published",
            created_at=_ts(TARGETS_CREATED),
            created_by=["admin"],
            published_at=_ts(TARGETS_PUBLISHED),
            published_by=["admin"],
        )
    ]
    for pk, county, ind, kind, value in city + targets:
        out.append(
            _obj(
                "targets.target",
                pk,
                target_set=1,
                county=county,
                indicator=ind_pk[ind],
                kind=kind,
                value=f"{value:f}",
            )
        )
    for ind, shares in SCHEDULES.items():
        out.append(
            _obj(
                "targets.schedule", ind_pk[ind], target_set=1, indicator=ind_pk[ind], shares=shares
            )
        )
    return out


def build_demo_city(seed: int) -> list[dict]:
    """Every fixture object of the demo city in load order, each model sorted by key."""
    return (
        _reference_objects()
        + _ruleset_objects()
        + _submission_objects(seed)
        + _target_objects(seed)
    )


def dump_fixture(objects: list[dict]) -> str:
    return json.dumps(objects, ensure_ascii=False, indent=1) + "\n"
