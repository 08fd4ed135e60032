# ruff: noqa: E501  (the corpus is a table: one case a line)
"""Bad input on a department's grid and upload: each case is refused with a clear message and
the data tables are exactly as before. The cases and the runner are those of
tests/scorecard/test_bad_input.py, on a small world with a department that enters one
indicator for every county."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from counties.access import Role
from tests.factories import (
    CategoryFactory,
    CountyFactory,
    DepartmentFactory,
    DepartmentMembershipFactory,
    IndicatorFactory,
    MembershipFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
    UserFactory,
)
from tests.scorecard.test_bad_input import (
    FORBIDDEN,
    HUGE_INT,
    LONG,
    NOT_FOUND,
    PDF,
    C,
    Case,
    _send,
    _shown,
    checksum,
    csv_file,
    raw_file,
    upload,
    zip_bytes,
)

D = Decimal


@pytest.fixture
def world(db):
    counties = {
        "369901": CountyFactory(code="369901", name="东城区", display_order=1),
        "369921": CountyFactory(code="369921", name="北山县", kind="county", display_order=2),
    }
    finance = DepartmentFactory(name="市财政局")
    users = {
        "finance": UserFactory(username="finance", roles=[Role.DEPARTMENT]),
        "reporter_a": UserFactory(username="reporter_a", roles=[Role.REPORTER]),
        "reviewer": UserFactory(username="reviewer", roles=[Role.REVIEWER]),
    }
    DepartmentMembershipFactory(user=users["finance"], department=finance)
    MembershipFactory(user=users["reporter_a"], county=counties["369901"])
    growth = CategoryFactory(code="growth")
    gdp = IndicatorFactory(code="gdp", category=growth)
    revenue = IndicatorFactory(
        code="revenue", category=growth, department=finance, entered_by_department=True
    )
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth)
    for indicator in (gdp, revenue):
        RuleSetIndicatorFactory(ruleset=ruleset, indicator=indicator, category=rc, weight=D("50"))
    PeriodFactory(year=2026, month=10)
    november = PeriodFactory(year=2026, month=11)
    draft = SubmissionFactory(county=counties["369901"], period=november)
    SubmissionValueFactory(submission=draft, indicator=revenue, value=D("8"), prior_value=D("7"))
    return {"users": users, "finance": finance, "counties": counties}


def grid(key: str = "2026-11", pk: int | None = None):
    return lambda w: f"/departments/{pk or w['finance'].pk}/{key}/"


def upload_url(key: str = "2026-11"):
    return lambda w: f"/departments/{w['finance'].pk}/{key}/upload/"


def cells(**fields: str):
    return lambda w: fields


def long_csv(*rows: str):
    return csv_file(*rows, name="dept.csv", header="县区,指标代码,本年累计,上年同期,说明")


# fmt: off
CASES: list[Case] = [
    C("grid: a word for a number", "finance", "post", grid(), cells(v_369901_revenue="很多"), message="不是有效的数字"),
    C("grid: 10**400", "finance", "post", grid(), cells(v_369921_revenue=str(HUGE_INT)), message="过大"),
    C("grid: a negative figure", "finance", "post", grid(), cells(v_369921_revenue="-3"), message="不能为负数"),
    C("grid: too many decimals", "finance", "post", grid(), cells(v_369921_revenue="3.123456789"), message="小数"),
    C("grid: a 5000-character note", "finance", "post", grid(), cells(v_369921_revenue="3", n_369921_revenue=LONG), message="不能超过 500 个字"),
    C("grid: a NUL in a note", "finance", "post", grid(), cells(v_369921_revenue="3", n_369921_revenue="说明\x00"), message="控制字符"),
    C("grid: a stale stamp over a stored figure", "finance", "post", grid(), cells(stamp_369901="0" * 16, v_369901_revenue="9"), status=(409,), message="又被修改过"),
    C("grid: by the statistics bureau", "reviewer", "post", grid(), cells(v_369921_revenue="3"), status=(403,), message=FORBIDDEN),
    C("grid: by a county reporter", "reporter_a", "post", grid(), cells(v_369921_revenue="3"), status=(404,), message=NOT_FOUND),
    C("grid: a department that does not exist", "finance", "post", grid(pk=999999), cells(v_369921_revenue="3"), status=(404,), message=NOT_FOUND),
    C("grid: a period that does not exist", "finance", "post", grid("2031-01"), cells(v_369921_revenue="3"), status=(404,), message=NOT_FOUND),
    C("grid: a month out of range", "finance", "get", grid("2026-13"), None, status=(404,), message=NOT_FOUND),
    C("upload: no file", "finance", "post", upload_url(), {}, message="请选择要上传的文件"),
    C("upload: another department's indicator", "finance", "post", upload_url(), upload(lambda: long_csv("369901,gdp,120,110,")), message="不在本期填报范围内"),
    C("upload: an unknown county", "finance", "post", upload_url(), upload(lambda: long_csv("369999,revenue,1,1,")), message="不是本市的县区"),
    C("upload: a negative figure", "finance", "post", upload_url(), upload(lambda: long_csv("369921,revenue,-1,1,")), message="不能为负数"),
    C("upload: a word and a negative at once", "finance", "post", upload_url(), upload(lambda: long_csv("369901,revenue,abc,1,", "369921,revenue,-1,1,")), message="不能为负数"),
    C("upload: a file without versions over a stored figure", "finance", "post", upload_url(), upload(lambda: long_csv("369901,revenue,9,7,")), status=(409,), message="又被修改过"),
    C("upload: PDF named .csv", "finance", "post", upload_url(), upload(lambda: raw_file(PDF, "dept.csv")), message="内容不是文本"),
    C("upload: an entity declaration", "finance", "post", upload_url(), upload(lambda: raw_file(zip_bytes({"[Content_Types].xml": b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x/>", "xl/workbook.xml": b"<x/>"}), "dept.xlsx")), message="不安全的 XML"),
    C("upload: overwrite with nothing kept", "finance", "post", upload_url(), {"action": "overwrite", "stamps": "369901:abc"}, message="已过期或不存在"),
    C("upload: by the statistics bureau", "reviewer", "post", upload_url(), upload(lambda: long_csv("369921,revenue,1,1,")), status=(403,), message=FORBIDDEN),
    C("upload: a GET", "finance", "get", upload_url(), None, status=(405,), message="Allow: POST"),
]
# fmt: on


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_bad_input_is_refused_and_changes_nothing(client, world, case: Case):
    client.force_login(world["users"][case.role])
    before = checksum()
    response = _send(client, case, world)
    chain = getattr(response, "redirect_chain", [])
    status = chain[0][1] if chain else response.status_code
    shown = _shown(response)
    assert status in case.status, f"{case.name}: {status}\n{shown[:3000]}"
    assert case.message in shown, f"{case.name}: no “{case.message}” in\n{shown[:3000]}"
    assert checksum() == before, f"{case.name}: the data tables changed"
