"""Exports of the ranking pages: each read back (openpyxl, csv) and compared with the stored
results; numbers as numbers, units in headers, a frozen header; CSV in UTF-8 with a BOM; text
that would be a formula neutralised; the pages' visibility (county users: published only)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from counties.models import SubmissionValue
from rankings import services
from rankings.models import CountyResult, ProgressResult
from scorecard.exports import Sheet, csv_bytes, neutral, xlsx_bytes

pytestmark = pytest.mark.django_db


def _book(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "private, no-store"
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def published(city, targets, reviewer):
    run = services.ranking_recompute(period=city["september"], trigger="command").run
    return services.ranking_publish(run=run, user=reviewer, confirm_missing=True)


def test_the_league_table_reads_back_as_stored(client, city, published, leader):
    client.force_login(leader)
    url = reverse("ranking_export", args=["league", "xlsx"]) + "?period=2026-09"
    book = _book(client.get(url))
    ws = book.worksheets[0]
    rows = _rows(ws)
    header = rows[0]
    assert header[:3] == ["名次", "县区", "行政区划代码"] and "总分（分）" in header
    assert ws.freeze_panes == "A2"
    stored = {
        r.county.code: r
        for r in CountyResult.objects.filter(run=published).select_related("county")
    }
    total = header.index("总分（分）")
    for row in rows[1:]:
        result = stored[row[2]]
        assert row[0] == result.rank
        if result.total is None:
            assert row[total] is None
        else:  # a number, not a text
            assert isinstance(row[total], int | float)
            assert Decimal(str(row[total])) == result.total
    assert len(rows) - 1 == len(stored)


def test_csv_is_utf8_with_a_bom_and_the_same_rows(client, city, published, leader):
    client.force_login(leader)
    response = client.get(reverse("ranking_export", args=["league", "csv"]) + "?period=2026-09")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["名次", "县区"]
    names = {r[1] for r in rows[1:]}
    assert {"东城区", "西城区", "南山县"} <= names


def test_every_table_exports(client, city, published, leader):
    client.force_login(leader)
    for what in ("categories", "warnings", "values"):
        book = _book(client.get(reverse("ranking_export", args=[what, "xlsx"]) + "?period=2026-09"))
        assert _rows(book.worksheets[0])[1:], what
    warnings = _rows(
        _book(client.get(reverse("ranking_export", args=["warnings", "xlsx"]))).worksheets[0]
    )
    stored = ProgressResult.objects.filter(run=published).count()
    assert len(warnings) - 1 == stored  # every county's and the city's indicators
    values = _rows(
        _book(client.get(reverse("ranking_export", args=["values", "xlsx"]))).worksheets[0]
    )
    header = values[0]
    assert header[5] == "本年累计"
    gdp = next(r for r in values[1:] if r[0] == "369901" and r[2] == "gdp")
    assert gdp[5] == 110 and gdp[7] == 10  # 110 against 100: +10.00 %
    profile = _book(client.get(reverse("profile_export", args=["369901", "xlsx"])))
    assert {r[0] for r in _rows(profile.worksheets[0])[1:]} == {
        "地区生产总值",
        "社会消费品零售总额",
    }


def test_text_that_would_be_a_formula_is_neutralised(client, city, published, leader):
    assert neutral("=1+1") == "'=1+1" and neutral("-2") == "'-2" and neutral("@A1") == "'@A1"
    assert neutral("\tx") == "'\tx" and neutral("\rx") == "'\rx" and neutral("+x") == "'+x"
    assert neutral(-2) == -2 and neutral(Decimal("-1.5")) == Decimal("-1.5")
    assert neutral("东城区") == "东城区" and neutral(None) is None
    sheet = Sheet("t", ["=cmd|' /C calc'!A0", "b"], [['=HYPERLINK("http://x")', -3]])
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([sheet]))).worksheets[0]
    assert ws["A1"].value == "'=cmd|' /C calc'!A0" and ws["A1"].data_type == "s"
    assert ws["A2"].value.startswith("'=") and ws["B2"].value == -3
    assert csv_bytes(sheet).decode("utf-8-sig").splitlines()[1].startswith("\"'=HYPERLINK")
    # a note a county typed reaches the export of approved figures neutralised
    SubmissionValue.objects.filter(
        submission__period=city["september"],
        indicator__code="gdp",
        submission__county__code="369901",
    ).update(note="=1+cmd")
    client.force_login(leader)
    values = _rows(
        _book(
            client.get(reverse("ranking_export", args=["values", "xlsx"]) + "?period=2026-09")
        ).worksheets[0]
    )
    assert "'=1+cmd" in [r[8] for r in values]


def test_exports_follow_the_pages_visibility(client, city, reviewer, reporter_a, reporter_b):
    run = services.ranking_recompute(period=city["september"], trigger="command").run
    url = reverse("ranking_export", args=["league", "xlsx"]) + "?period=2026-09"
    client.force_login(reporter_a)  # not published yet: nothing for a county user
    assert client.get(url).status_code == 404
    assert client.get(reverse("ranking_export", args=["league", "xlsx"])).status_code == 404
    services.ranking_publish(run=run, user=reviewer, confirm_missing=True)
    assert client.get(url).status_code == 200
    # a county user's approved figures are its own county's only
    values = _rows(
        _book(
            client.get(reverse("ranking_export", args=["values", "xlsx"]) + "?period=2026-09")
        ).worksheets[0]
    )
    assert {r[0] for r in values[1:]} == {"369901"}
    client.force_login(reporter_b)  # a county outside the city: no figures of others
    values = _rows(
        _book(
            client.get(reverse("ranking_export", args=["values", "xlsx"]) + "?period=2026-09")
        ).worksheets[0]
    )
    assert values[1:] == []
    for odd in ("league.pdf", "secrets.xlsx", "league.xlsx?period=2026-13"):
        what, _dot, rest = odd.partition(".")
        fmt, _q, query = rest.partition("?")
        response = client.get(
            reverse("ranking_export", args=[what, fmt]) + ("?" + query if query else "")
        )
        assert response.status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_pages_link_their_exports(client, city, published, leader):
    client.force_login(leader)
    pages = {
        reverse("league"): reverse("ranking_export", args=["league", "xlsx"]),
        reverse("warning_board"): reverse("ranking_export", args=["warnings", "csv"]),
        reverse("category_table"): reverse("ranking_export", args=["categories", "xlsx"]),
        reverse("county_profile", args=["369901"]): reverse(
            "profile_export", args=["369901", "xlsx"]
        ),
    }
    for page, link in pages.items():
        body = client.get(page, {"period": "2026-09"}).content.decode()
        assert link in body, page


def test_the_year_result_exports_with_its_weighted_months(client, city, reviewer, leader):
    from django.utils import timezone

    from rankings.models import AnnualResult

    ruleset = city["ruleset"]  # withdrawn while unused, weighted, published again
    ruleset.status, ruleset.published_at = "draft", None
    ruleset.save()
    ruleset.period_weights = {"9": 40, "10": 60}
    ruleset.status, ruleset.published_at = "published", timezone.now()
    ruleset.save()
    services.ranking_recompute(period=city["september"], trigger="command")
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    client.force_login(leader)
    book = _book(client.get(reverse("ranking_export", args=["year", "xlsx"]) + "?period=2026-10"))
    rows = _rows(book.worksheets[0])
    assert rows[0][3:5] == ["9月（权重40）（分）", "10月（权重60）（分）"]
    stored = {
        a.county.code: a for a in AnnualResult.objects.filter(run=run).select_related("county")
    }
    for row in rows[1:]:
        result = stored[row[2]]
        assert row[0] == result.rank
        assert (row[5] is None) == (result.total is None)
        if result.total is not None:
            assert Decimal(str(row[5])) == result.total
