"""Issue 11 in a browser: a reporter's post with several errors shows every one at once, each
in its own row, and saves once corrected; a reviewer works the 待审核 queue oldest first and
approves a month with warnings only after confirming the county's explanations."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from counties.models import Submission
from rankings import tasks
from tests.browser.conftest import login
from tests.factories import (
    CategoryFactory,
    CountyFactory,
    IndicatorFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

D = Decimal


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """An approval queues the ranking recompute; these tests look at the review only."""
    monkeypatch.setattr(tasks.recompute, "apply_async", lambda *args, **kwargs: None)


@pytest.fixture
def year(db):
    """2026's rules: five scored indicators, one of them a count of enterprises (whole units);
    September and October (deadline 5 November)."""
    growth = CategoryFactory(code="growth", name="主要经济指标")
    specs = [
        ("gdp", "地区生产总值", "亿元", "flow", 2),
        ("retail", "社会消费品零售总额", "亿元", "flow", 2),
        ("investment", "固定资产投资", "亿元", "flow", 2),
        ("hitech_firms", "高新技术企业数", "家", "stock", 0),  # in WHOLE_UNITS
        ("trade", "进出口总额", "亿元", "flow", 2),
    ]
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth, weight=D("100"))
    indicators = {}
    for order, (code, name, unit, kind, decimals) in enumerate(specs):
        indicators[code] = IndicatorFactory(
            code=code,
            name=name,
            unit=unit,
            kind=kind,
            decimals=decimals,
            category=growth,
            display_order=order,
        )
        RuleSetIndicatorFactory(
            ruleset=ruleset, indicator=indicators[code], category=rc, weight=D("20")
        )
    september = PeriodFactory(year=2026, month=9, deadline=datetime.date(2026, 10, 5))
    october = PeriodFactory(year=2026, month=10, deadline=datetime.date(2026, 11, 5))
    return {"indicators": indicators, "september": september, "october": october}


def _at(month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, 10, 0))


def _month(year, county, period, figures, *, status, at, notes=None):
    """A submission of the given figures (indicator code -> value, None for empty) and notes
    (code -> explanation)."""
    submission = SubmissionFactory(
        county=county,
        period=period,
        status=status,
        submitted_at=at,
        reviewed_at=at if status == Submission.Status.APPROVED else None,
    )
    for code, value in figures.items():
        SubmissionValueFactory(
            submission=submission,
            indicator=year["indicators"][code],
            value=value,
            prior_value=None,
            note=(notes or {}).get(code, ""),
        )
    return submission


def test_every_error_of_a_post_shows_in_its_own_row_and_the_corrected_post_saves(
    page, live_server, year, county_a, reporter_a, shot
):
    september = {"gdp": D("300"), "retail": D("100"), "investment": D("200")}
    september |= {"hitech_firms": D("10"), "trade": D("70")}
    _month(year, county_a, year["september"], september, status="approved", at=_at(10, 3))
    base = live_server.url
    login(page, base, "reporter_a")
    page.locator("a", has_text="未报送").click()  # the October cell of the reporter's home page
    expect(page.locator("h1")).to_contain_text("2026年1-10月")

    typed = {
        "gdp": "三百",  # not a number
        "retail": "-5",  # negative
        "investment": "150",  # a year-to-date total below September's 200
        "hitech_firms": "12.5",  # enterprises are counted whole
        "trade": "80",  # fine
    }
    for code, text in typed.items():
        page.fill(f"#value_{code}", text)
    page.get_by_role("button", name="报送", exact=True).click()

    errors = {
        "gdp": ["地区生产总值（本年累计）：“三百”不是有效的数字。"],
        # -5 is also below September's total: both problems of the row, each said once
        "retail": [
            "社会消费品零售总额不能为负数。",
            "社会消费品零售总额是 1-N 月累计值，本月 -5 小于上月累计 100。",
        ],
        "investment": ["固定资产投资是 1-N 月累计值，本月 150 小于上月累计 200。"],
        "hitech_firms": ["高新技术企业数按家计，须为整数，填报值为 12.5。"],
    }
    expect(page.locator("#errors")).to_contain_text("有 5 处错误，数据没有保存")
    for code, messages in errors.items():
        row = page.locator(f"#row-{code}")
        # the messages sit under the input they are about, which is marked and points at them
        expect(row.locator(f"#issues_{code} .field-error")).to_have_text(messages)
        expect(row.locator(f"#value_{code}")).to_have_attribute("aria-invalid", "true")
        expect(row.locator(f"#value_{code}")).to_have_attribute(
            "aria-describedby", f"issues_{code}"
        )
        expect(row.locator(f"#value_{code}")).to_have_value(typed[code])  # shown back as typed
        # and the summary links to that row
        expect(page.locator(f'#errors a[href="#row-{code}"]')).to_have_text(messages)
    expect(page.locator("#entry-form tr:has(.field-error)")).to_have_count(4)
    expect(page.locator("#entry-form [aria-invalid=true]")).to_have_count(4)
    expect(page.locator("#row-trade .field-error")).to_have_count(0)
    expect(page.locator("#value_trade")).to_have_value("80")
    shot("review-flow-every-error-in-its-row")
    assert not Submission.objects.filter(county=county_a, period=year["october"]).exists()

    corrected = {"gdp": "330", "retail": "１２０", "investment": "210", "hitech_firms": "12"}
    for code, text in corrected.items():
        page.fill(f"#value_{code}", text)
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.locator("li.message.success")).to_have_text("2026年1-10月 数据已报送市统计局。")
    expect(page.locator("#errors")).to_have_count(0)
    expect(page.locator(".field-error")).to_have_count(0)
    shot("review-flow-corrected-and-submitted")

    submission = Submission.objects.get(county=county_a, period=year["october"])
    assert submission.status == Submission.Status.SUBMITTED
    assert dict(submission.values.values_list("indicator__code", "value")) == {
        "gdp": D("330"),
        "retail": D("120"),
        "investment": D("210"),
        "hitech_firms": D("12"),
        "trade": D("80"),
    }


def test_reviewer_works_the_queue_oldest_first_and_confirms_warnings_before_approving(
    page, live_server, year, county_a, county_b, reviewer, shot
):
    full = {"gdp": D("330"), "retail": D("120"), "investment": D("210")}
    full |= {"hitech_firms": D("12"), "trade": D("80")}
    nanxi = CountyFactory(code="369903", name="南溪区", display_order=3)
    # September from 南溪区, five days late; October from 北山县 on time, and from 东城区
    # three days late with trade left empty and explained (a warning)
    submitted = Submission.Status.SUBMITTED
    oldest = _month(year, nanxi, year["september"], full, status=submitted, at=_at(10, 10))
    on_time = _month(year, county_b, year["october"], full, status=submitted, at=_at(11, 3))
    explanation = "海关数据延迟，下月补报"
    warned = _month(
        year,
        county_a,
        year["october"],
        {**full, "trade": None},
        status=submitted,
        at=_at(11, 8),
        notes={"trade": explanation},
    )

    base = live_server.url
    login(page, base, "reviewer")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="待审核").click()
    expect(page.locator("h1")).to_have_text("待审核")
    expect(page.locator("p.lead")).to_have_text("共 3 份报送等待审核，最早报送的在前。")
    rows = page.locator("table.review-queue tbody tr")
    expect(rows.locator("th[scope=row]")).to_have_text(["南溪区", "北山县", "东城区"])
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("2026年1-9月")
    expect(rows.nth(0).locator("td").nth(3)).to_have_text("逾期 5 天")
    expect(rows.nth(1).locator("td").nth(3)).to_have_text("–")
    expect(rows.nth(2).locator("td").nth(3)).to_have_text("逾期 3 天")
    # 提示 (6th cell): the warnings to confirm; 附说明的指标 (7th): indicators explained
    expect(rows.nth(2).locator("td:nth-child(6)")).to_have_text("1 条提示")
    expect(rows.locator("td:nth-child(7)")).to_have_text(["0", "0", "1"])
    shot("review-flow-queue")

    rows.nth(2).get_by_role("link", name="审核").click()
    expect(page).to_have_url(f"{base}/submissions/{county_a.code}/2026-10/#review")
    expect(page.locator("h1")).to_contain_text("东城区 · 2026年1-10月")
    warnings = page.locator("#review-warnings")
    expect(warnings).to_contain_text("本期有 1 条提示，县区的说明如下：")
    expect(warnings.locator("li")).to_have_count(1)
    expect(warnings.locator("li a")).to_have_text("进出口总额是考核指标，尚未填报。")
    expect(warnings.locator("li .explanation")).to_have_text(f"说明：{explanation}")
    confirm = page.get_by_label("我已查看以上提示和说明，确认审核通过")
    expect(confirm).not_to_be_checked()

    approve = page.get_by_role("button", name="审核通过", exact=True)
    approve.click()  # not confirmed: refused in the page's language, nothing changes
    expect(page.locator("li.message.error")).to_contain_text(
        "本期有 1 条提示，请查看县区的说明并勾选确认后再审核通过。"
    )
    expect(page.locator("li.message.success")).to_have_count(0)
    warned.refresh_from_db()
    assert warned.status == Submission.Status.SUBMITTED
    shot("review-flow-asked-to-confirm")

    confirm = page.get_by_label("我已查看以上提示和说明，确认审核通过")
    confirm.check()
    page.get_by_role("button", name="审核通过", exact=True).click()
    expect(page.locator("li.message.success")).to_have_text("已审核通过，排名将自动重新计算。")
    warned.refresh_from_db()
    assert warned.status == Submission.Status.APPROVED and warned.reviewed_by == reviewer
    shot("review-flow-approved")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="待审核").click()
    expect(page.locator("p.lead")).to_have_text("共 2 份报送等待审核，最早报送的在前。")
    expect(rows.locator("th[scope=row]")).to_have_text(["南溪区", "北山县"])
    oldest.refresh_from_db()
    on_time.refresh_from_db()
    assert oldest.status == on_time.status == Submission.Status.SUBMITTED
