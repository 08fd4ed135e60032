"""不考核 (exempt) and 插补 (imputed) on every table, the 得分构成, the exports and the API,
apart from 缺报 (missing). Engine-free: the run and its results are stored as the recompute
would store them (tests/factories.py), flags and all."""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from rankings.presentation.flags import note_text
from rankings.selectors.breakdown import total_breakdown
from rankings.selectors.league import league_table, rank_heatmap
from rankings.selectors.tables import category_table
from tests.factories import (
    CategoryFactory,
    CategoryResultFactory,
    CountyFactory,
    CountyResultFactory,
    IndicatorFactory,
    IndicatorResultFactory,
    PeriodFactory,
    RankingRunFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal
POLICY = {"exemptions": "pro_rata", "pro_rata_level": "category", "imputation_group": "region"}


@pytest.fixture
def flagged(db):
    """2026-10, published: 东城区 is exempt from retail sales (its 20 points converted at its
    75% on GDP: 15) and reported nothing green (生态环境 imputed: 25.50); 西城区 did not report
    retail sales (缺报); 南山县 reported everything."""
    east = CountyFactory(code="369901", name="东城区", display_order=1)
    west = CountyFactory(code="369902", name="西城区", display_order=2)
    south = CountyFactory(code="369903", name="南山县", kind="county", display_order=3)
    growth = CategoryFactory(code="growth", name="主要经济指标", display_order=1)
    green = CategoryFactory(code="green", name="生态环境", display_order=2)
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth, display_order=1)
    retail = IndicatorFactory(
        code="retail", name="社会消费品零售总额", category=growth, display_order=2
    )
    forest = IndicatorFactory(code="forest", name="森林覆盖率", category=green, unit="%")
    ruleset = RuleSetFactory(
        year=2026,
        version=1,
        status="published",
        published_at=timezone.now(),
        missing_data_rules=dict(POLICY),
    )
    rc_growth = RuleSetCategoryFactory(
        ruleset=ruleset, category=growth, weight=D("60"), display_order=0
    )
    rc_green = RuleSetCategoryFactory(
        ruleset=ruleset, category=green, weight=D("40"), display_order=1, missing="impute_group"
    )
    for n, (indicator, rc, weight) in enumerate(
        ((gdp, rc_growth, "40"), (retail, rc_growth, "20"), (forest, rc_green, "40"))
    ):
        RuleSetIndicatorFactory(
            ruleset=ruleset,
            indicator=indicator,
            category=rc,
            weight=D(weight),
            basis="value" if indicator is forest else "growth",
            method="rank_points",
            params={"step": 0.1},
            display_order=n,
        )
    period = PeriodFactory(year=2026, month=10)
    run = RankingRunFactory(
        period=period,
        ruleset=ruleset,
        is_published=True,
        published_at=timezone.now(),
        counties_expected=3,
        counties_ranked=3,
    )
    totals = {east: ("70.5", 2), west: ("75", 1), south: ("60", 3)}
    for county, (total, rank) in totals.items():
        CountyResultFactory(run=run, county=county, base_total=D(total), total=D(total), rank=rank)
    subtotals = {
        (east, growth): ("45", []),
        (east, green): ("25.5", ["imputed"]),
        (west, growth): ("40", []),
        (west, green): ("35", []),
        (south, growth): ("44", []),
        (south, green): ("16", []),
    }
    for (county, category), (subtotal, flags) in subtotals.items():
        CategoryResultFactory(
            run=run, county=county, category=category, subtotal=D(subtotal), flags=flags
        )
    for county in (east, west, south):
        IndicatorResultFactory(run=run, county=county, indicator=gdp, score=D("30"), rank=1)
    IndicatorResultFactory(
        run=run,
        county=east,
        indicator=retail,
        value=None,
        prior_value=None,
        basis=None,
        rank=None,
        score=D("15"),
        flags=["exempt"],
    )
    IndicatorResultFactory(
        run=run,
        county=west,
        indicator=retail,
        value=None,
        prior_value=D("50"),
        basis=None,
        rank=None,
        score=D("0"),
        flags=["missing"],
        formula="0.00",
    )
    IndicatorResultFactory(run=run, county=south, indicator=retail, score=D("14"), rank=1)
    IndicatorResultFactory(
        run=run,
        county=east,
        indicator=forest,
        value=None,
        prior_value=None,
        basis=None,
        rank=None,
        score=D("0"),
        flags=["missing"],
    )
    for county, score in ((west, "35"), (south, "16")):
        IndicatorResultFactory(run=run, county=county, indicator=forest, score=D(score))
    return {
        "run": run,
        "ruleset": ruleset,
        "period": period,
        "east": east,
        "west": west,
        "south": south,
        "retail": retail,
        "green": green,
    }


def _body(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _row(body: str, marker: str) -> str:
    """The table row (<tr>…</tr>) of the page that contains `marker`."""
    rows = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S) if marker in r]
    assert rows, marker
    return rows[0]


# --------------------------------------------------------------------------- league table


def test_the_league_table_marks_imputed_subtotals_and_exempt_indicators(client, flagged, leader):
    table = league_table(flagged["period"], leader)
    east = next(e for e in table.entries if e.result.county == flagged["east"])
    assert east.subtotal_flags == [(), ("imputed",)] and east.exempt == ["社会消费品零售总额"]
    assert table.flags == {"imputed", "exempt"}

    client.force_login(leader)
    body = _body(client.get(reverse("league"), {"period": "2026-10"}))
    row = _row(body, ">东城区<")
    assert 'class="badge status-imputed"' in row and ">插补<" in row
    assert "不考核：社会消费品零售总额" in row and ">缺报<" not in row
    assert "插补" not in _row(body, ">西城区<") and "不考核" not in _row(body, ">西城区<")
    legend = re.search(r'<p class="hint flag-legend">(.*?)</p>', body, flags=re.S).group(1)
    assert "不考核" in legend and "权重按本类别其余指标得分率折算" in legend
    assert "插补" in legend and "所在分组县区的平均得分" in legend


def test_a_league_table_without_flags_has_no_legend(client, flagged, leader):
    from rankings.models import CategoryResult, IndicatorResult

    IndicatorResult.objects.filter(run=flagged["run"]).update(flags=[])
    CategoryResult.objects.filter(run=flagged["run"]).update(flags=[])
    client.force_login(leader)
    body = _body(client.get(reverse("league"), {"period": "2026-10"}))
    assert "flag-legend" not in body and "status-exempt" not in body


# ------------------------------------------------------------------------ category tables


def test_the_category_table_says_exempt_not_missing(client, flagged, leader):
    table = category_table(flagged["period"], leader, "growth")
    east = next(r for r in table.rows if r.county == flagged["east"])
    west = next(r for r in table.rows if r.county == flagged["west"])
    assert east.cells[1].exempt and east.cells[1].flags == ("exempt",)
    assert not west.cells[1].exempt and west.cells[1].flags == ("missing",)

    client.force_login(leader)
    body = _body(client.get(reverse("category_table"), {"period": "2026-10"}))
    summary = _row(body, "东城区</a>")  # the first table: subtotals and points
    assert "15.00" in summary and "不考核" in summary
    # the retail sales detail: 不考核 for the exempted county, 缺报 for the one that did not report
    detail = body[body.index("<h2>社会消费品零售总额") :]
    east_line, west_line = _row(detail, ">东城区"), _row(detail, ">西城区")
    assert "不考核" in east_line and "缺报" not in east_line
    assert "缺报" in west_line and "不考核" not in west_line
    assert '<p class="hint flag-legend">' in body


def test_the_category_table_marks_an_imputed_subtotal(client, flagged, leader):
    table = category_table(flagged["period"], leader, "green")
    east = next(r for r in table.rows if r.county == flagged["east"])
    assert east.imputed and east.subtotal == D("25.5")
    client.force_login(leader)
    body = _body(client.get(reverse("category_table"), {"period": "2026-10", "category": "green"}))
    row = _row(body, "东城区</a>")
    assert "25.50" in row and ">插补<" in row
    assert ">插补<" not in _row(body, "西城区</a>")
    assert "所在分组县区的平均得分" in body


# ----------------------------------------------------------------------------- heatmap


def test_the_heatmap_lists_the_exempt_cells(client, flagged, leader):
    data = rank_heatmap(flagged["period"], leader)
    assert [(c.code, i.code) for c, i in data.exempt] == [("369901", "retail")]
    client.force_login(leader)
    body = _body(client.get(reverse("heatmap"), {"period": "2026-10"}))
    hint = re.search(r'<p class="hint heatmap-exempt">(.*?)</p>', body, flags=re.S).group(1)
    assert "不考核" in hint and "东城区 · 社会消费品零售总额" in hint and "西城区" not in hint


# ------------------------------------------------------------------- profile and breakdown


def test_the_profile_marks_the_exempt_indicator(client, flagged, leader):
    client.force_login(leader)
    url = reverse("county_profile", args=["369901"])
    body = _body(client.get(url, {"year": 2026}))
    lines = body[body.index('<details class="all-indicators">') :]
    assert "不考核" in _row(lines, "社会消费品零售总额")
    assert "不考核" not in _row(lines, "森林覆盖率")


def test_the_breakdown_shows_the_pro_rata_arithmetic_and_the_reason(client, flagged, leader):
    exemption_reasons = {flagged["retail"].pk: "城区无农村消费统计"}
    breakdown = total_breakdown(
        flagged["run"], flagged["east"], exemption_reasons=exemption_reasons
    )
    growth, green = breakdown.categories
    retail = growth.parts[1]
    assert retail.exempt and retail.exemption_reason == "城区无农村消费统计"
    assert green.imputed and not growth.imputed
    assert breakdown.missing_policy.exemptions == "pro_rata"

    from django.template.loader import render_to_string

    body = html.unescape(render_to_string("includes/breakdown.html", {"breakdown": breakdown}))
    row = _row(body, "社会消费品零售总额")
    assert "不考核（城区无农村消费统计）：权重按本类别其余指标得分率折算" in row
    assert "20 × 75.00%（本类别其余指标得分率） = 15.00" in row
    assert 'class="badge status-exempt"' in row and "缺报" not in row
    assert "缺报，得 0 分" in _row(body, "森林覆盖率")  # still 缺报, apart from 不考核
    assert ">插补<" in _row(body, "生态环境")
    assert '<p class="hint flag-legend">' in body


def test_the_profiles_breakdown_reads_the_exemption_reason(client, flagged, leader):
    from counties.models import Exemption

    Exemption.objects.create(
        ruleset=flagged["ruleset"],
        county=flagged["east"],
        indicator=flagged["retail"],
        reason="城区无农村消费统计",
    )
    client.force_login(leader)
    body = _body(client.get(reverse("county_profile", args=["369901"]), {"year": 2026}))
    breakdown = body[body.index('id="breakdown"') :]
    assert "不考核（城区无农村消费统计）" in _row(breakdown, "社会消费品零售总额")


@pytest.mark.parametrize(
    ("policy", "score", "note", "points"),
    [
        ("redistribute", None, "不考核：权重按比例分配给本类别其余指标", "–"),
        ("zero", D("0"), "不考核：计 0 分", "0.00"),
    ],
)
def test_the_breakdown_says_what_the_rule_set_did_with_the_weight(
    flagged, leader, policy, score, note, points
):
    from django.template.loader import render_to_string

    from rankings.models import IndicatorResult

    IndicatorResult.objects.filter(run=flagged["run"], flags=["exempt"]).update(score=score)
    flagged["ruleset"].missing_data_rules = {"exemptions": policy}  # the run's, in memory
    breakdown = total_breakdown(flagged["run"], flagged["east"], exemption_reasons={})
    body = html.unescape(render_to_string("includes/breakdown.html", {"breakdown": breakdown}))
    row = _row(body, "社会消费品零售总额")
    assert note in row and "×" not in row
    assert row.endswith(f'<td class="num">{points}</td></tr>')


# ------------------------------------------------------------------------------- exports


def test_note_text_lists_each_flag_by_name():
    assert note_text() == ""
    assert note_text(exempt=["工业投资", "税收"], missing=["电量"], imputed=["创新"]) == (
        "不考核：工业投资、税收；缺报：电量；插补：创新"
    )


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_exports_note_exempt_imputed_and_missing(client, flagged, leader):
    client.force_login(leader)
    league = _csv(
        client.get(reverse("ranking_export", args=["league", "csv"]), {"period": "2026-10"})
    )
    assert league[0][-1] == "备注"
    notes = {row[1]: row[-1] for row in league[1:]}
    assert notes["东城区"] == "不考核：社会消费品零售总额；插补：生态环境"
    assert notes["西城区"] == "" and notes["南山县"] == ""

    url = reverse("ranking_export", args=["categories", "csv"])
    growth = _csv(client.get(url, {"period": "2026-10", "category": "growth"}))
    assert growth[0][-1] == "备注"
    notes = {row[0]: row[-1] for row in growth[1:]}
    assert notes["东城区"] == "不考核：社会消费品零售总额"
    assert notes["西城区"] == "缺报：社会消费品零售总额"
    green = _csv(client.get(url, {"period": "2026-10", "category": "green"}))
    assert {row[0]: row[-1] for row in green[1:]}["东城区"] == "缺报：森林覆盖率；插补：生态环境"

    url = reverse("profile_export", args=["369901", "xlsx"])
    response = client.get(url, {"year": 2026, "period": "2026-10"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0][-1] == "标记"
    marks = {row[0]: row[-1] for row in rows[1:]}
    assert marks["社会消费品零售总额"] == "不考核" and marks["森林覆盖率"] == "缺报"
    assert not marks["地区生产总值"]


# ---------------------------------------------------------------------------------- API


def test_the_api_gives_the_flags_and_the_exemption_reason(client, flagged, leader):
    from counties.models import Exemption
    from rankings.models import CountyResult

    Exemption.objects.create(
        ruleset=flagged["ruleset"],
        county=flagged["east"],
        indicator=flagged["retail"],
        reason="城区无农村消费统计",
    )
    client.force_login(leader)
    listed = client.get("/api/results/", {"county": "369901"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    categories = {c["category"]: c["flags"] for c in rows[0]["categories"]}
    assert categories == {"growth": [], "green": ["imputed"]}
    result = CountyResult.objects.get(run=flagged["run"], county=flagged["east"])
    detail = client.get(f"/api/results/{result.pk}/").json()["breakdown"]
    growth, green = detail["categories"]
    assert green["flags"] == ["imputed"]
    retail = growth["indicators"][1]
    assert retail["flags"] == ["exempt"] and retail["exemption_reason"] == "城区无农村消费统计"
    assert growth["indicators"][0]["exemption_reason"] == ""
