"""Odd query strings and paths on the read-only API: each is a 400 naming the parameter and
what it should look like, a 404, or a plain answer that ignores what it does not know; never a
server error. A case is (name, url, statuses, message shown)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PERIOD = "报送期格式应为 YYYY-MM"
INTEGER = "请输入整数"
COUNTY = "6 位行政区划代码"
PAGE = "页码无效"
NOT_FOUND = "没有找到这条记录"
HUGE = str(10**400)

# fmt: off
CASES = [
    ("period month 13", "/api/results/?period=2026-13", (400,), PERIOD),
    ("period in words", "/api/results/?period=abc", (400,), PERIOD),
    ("period in full-width digits", "/api/results/?period=２０２６-０９", (400,), PERIOD),
    ("period in Arabic-Indic digits", "/api/runs/?period=٢٠٢٦-٠٩", (400,), PERIOD),
    ("period with a one-digit month", "/api/progress/?period=2026-9", (400,), PERIOD),
    ("period of 100,000 characters", "/api/runs/?period=" + "9" * 100_000, (400,), PERIOD),
    ("period with a NUL", "/api/results/?period=2026-10%00", (400,), "控制字符"),
    ("period repeated, the last one bad", "/api/results/?period=2026-09&period=x", (400,), PERIOD),
    ("period nested", "/api/results/?period[year]=2026&period[month]=9", (200,), '"count"'),
    ("period that has no data", "/api/results/?period=2031-01", (200,), '"count":0'),
    ("year 1e3", "/api/runs/?year=1e3", (400,), INTEGER),
    ("year of 5000 digits", "/api/runs/?year=" + "9" * 5000, (400,), INTEGER),
    ("year 1999", "/api/targets/?year=1999", (400,), "2000"),
    ("year -0", "/api/periods/?year=-0", (400,), "2000"),
    ("month 0", "/api/indicator-results/?month=0", (400,), "1"),
    ("month ½", "/api/indicator-results/?month=½", (400,), INTEGER),
    ("county in words", "/api/results/?county=abc", (400,), COUNTY),
    ("county of 5000 digits", "/api/results/?county=" + "9" * 5000, (400,), COUNTY),
    ("county city where no city rows", "/api/results/?county=city", (400,), COUNTY),
    ("county city on progress", "/api/progress/?county=city", (200,), '"county":null'),
    ("county list", "/api/results/?county[]=369901", (200,), '"count"'),
    ("indicator in capitals", "/api/indicator-results/?indicator=GDP", (400,), "指标代码"),
    ("indicator of 41 characters", "/api/progress/?indicator=" + "g" * 41, (400,), "指标代码"),
    ("indicator with a quote", "/api/targets/?indicator=gdp'--", (400,), "指标代码"),
    ("category with a space", "/api/indicators/?category=a%20b", (400,), "指标代码"),
    ("run in words", "/api/results/?run=abc", (400,), INTEGER),
    ("run 2**70", f"/api/results/?run={2**70}", (400,), INTEGER),
    ("run 2**63", f"/api/results/?run={2**63}", (400,), "9223372036854775807"),
    ("run -1", "/api/results/?run=-1", (400,), "1"),
    ("run that does not exist", "/api/progress/?run=999999", (200,), '"count":0'),
    ("level purple", "/api/progress/?level=purple", (400,), "选择一个有效的选项"),
    ("kind unknown", "/api/counties/?kind=city", (400,), "选择一个有效的选项"),
    ("is_ranked maybe", "/api/counties/?is_ranked=maybe", (200,), '"count":4'),
    ("page 0", "/api/runs/?page=0", (404,), PAGE),
    ("page 10**400", "/api/runs/?page=" + HUGE, (404,), PAGE),
    ("page of 100,000 digits", "/api/runs/?page=" + "9" * 100_000, (404,), PAGE),
    ("page in words", "/api/runs/?page=abc", (404,), PAGE),
    ("page past the last", "/api/runs/?page=999", (404,), PAGE),
    ("page last", "/api/runs/?page=last", (200,), '"results"'),
    ("page size in words", "/api/indicator-results/?page_size=abc", (200,), '"results"'),
    ("page size 10**400", "/api/indicator-results/?page_size=" + HUGE, (200,), '"results"'),
    ("format xml", "/api/runs/?format=xml", (404,), "未找到"),
    ("unknown parameter", "/api/runs/?colour=red", (200,), '"count":2'),
    ("run id in words", "/api/runs/abc/", (404,), ""),
    ("run id 2**70", f"/api/runs/{2**70}/", (404,), NOT_FOUND),
    ("result id 0", "/api/results/0/", (404,), NOT_FOUND),
    ("period key month 13", "/api/periods/2026-13/", (404,), "没有这个报送期"),
    ("period key one-digit month", "/api/periods/2026-9/", (404,), ""),
    ("county code of five digits", "/api/counties/36990/", (404,), ""),
    ("county code unknown", "/api/counties/999999/", (404,), NOT_FOUND),
    ("indicator code in capitals", "/api/indicators/GDP/", (404,), ""),
    ("bulletin id past the column", f"/api/bulletins/{2**70}/", (404,), NOT_FOUND),
    ("target id -1", "/api/targets/-1/", (404,), ""),
]
# fmt: on


@pytest.mark.parametrize(("name", "url", "statuses", "message"), CASES, ids=[c[0] for c in CASES])
def test_odd_input_is_refused_clearly_never_a_server_error(as_user, name, url, statuses, message):
    response = as_user("reviewer").get(url)
    body = response.content.decode("utf-8", "replace")
    assert response.status_code in statuses, f"{name}: {response.status_code} {body[:500]}"
    assert message in body, f"{name}: no “{message}” in {body[:500]}"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_read_only_api_refuses_writes(world, as_user, client, method):
    token = getattr(as_user("admin"), method)("/api/counties/")
    assert token.status_code == 401 and "只能用于读取" in token.json()["detail"]
    client.force_login(world["users"]["admin"])
    assert getattr(client, method)("/api/counties/").status_code == 405


def test_the_corpus_is_large():
    assert len(CASES) >= 50
