"""The monthly bulletin (通报): drafted from a published ranking with a text written from its
numbers, edited, issued and frozen; read by the counties once issued; downloaded as PDF and
Word."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from counties.models import Submission, SubmissionValue
from rankings import services as ranking_services
from rankings.models import BonusItem, CountyResult, ProgressResult
from supervision import services
from supervision.models import Bulletin

pytestmark = pytest.mark.django_db


def _publish(period, user):
    outcome = ranking_services.ranking_recompute(period=period, trigger="command")
    run = outcome.run
    return ranking_services.ranking_publish(run=run, user=user, confirm_missing=True)


@pytest.fixture
def october(city, targets, reviewer):
    """September and October published; in October 南山县 (369903) grows GDP by 20% and jumps
    ahead, 西城区 (369902) reported three days late, 东城区 (369901) has a bonus item."""
    from django.utils import timezone as tz

    ruleset = city["ruleset"]  # withdrawn while unused: lists of one, published again
    ruleset.status, ruleset.published_at = "draft", None
    ruleset.save()
    ruleset.bulletin_rules = {"red_list": 1, "black_list": 1}
    ruleset.status, ruleset.published_at = "published", tz.now()
    ruleset.save()
    _publish(city["september"], reviewer)
    october = city["october"]
    SubmissionValue.objects.filter(
        submission__period=october, submission__county__code="369903", indicator__code="gdp"
    ).update(value=Decimal("120"))
    late = Submission.objects.get(period=october, county__code="369902")
    late.submitted_at = timezone.make_aware(
        timezone.datetime.combine(
            october.deadline + timedelta(days=3), timezone.datetime.min.time()
        )
    ) + timedelta(hours=10)
    late.save()
    BonusItem.objects.create(
        county=city["counties"]["369901"],
        period=october,
        points=Decimal("1"),
        reason="招商引资表彰",
    )
    run = _publish(october, reviewer)
    return run


def _ranked(run):
    return {r.county.code: r for r in CountyResult.objects.filter(run=run).select_related("county")}


def test_the_draft_is_written_from_the_stored_numbers(october, reviewer, city):
    bulletin = services.bulletin_draft(period=city["october"], user=reviewer)
    assert bulletin.number == 1 and bulletin.number_label == "2026年第1期"
    results = _ranked(october)
    by_rank = sorted((r for r in results.values() if r.rank is not None), key=lambda r: r.rank)
    first, last = by_rank[0], by_rank[-1]
    text = bulletin.text
    assert "现将2026年1-10月全市各县区经济发展考核情况通报如下（共3个县区参加排名）。" in text
    top = "、".join(f"{r.county.name}（{r.total:.2f}分）" for r in by_rank[:3])
    assert f"一、总体排名。综合得分前三位的是：{top}。" in text
    # 南山县 moved up: the largest gain is named with its places
    risen = max(by_rank, key=lambda r: r.rank_change or 0)
    assert risen.county.code == "369903" and risen.rank_change > 0
    assert f"{risen.county.name}位次上升最多，上升{risen.rank_change}位" in text
    assert f"三、红黑榜。红榜：{first.county.name}；黑榜：{last.county.name}。" in text
    reds = ProgressResult.objects.filter(run=october, level="red", county__isnull=False)
    for row in reds.select_related("county", "indicator"):
        assert f"{row.county.name}的" in text and row.indicator.name in text
    assert "西城区逾期3天报送" in text
    assert "东城区加1.00分（招商引资表彰）" in text
    assert "高新区" not in text.split("六、")[1]  # the zone is not ranked: never "not reported"
    # the league table lists every county with its stored total and place
    table = bulletin.document["tables"][0]
    assert table["headers"][:3] == ["名次", "县区", "总分（分）"]
    assert [row[1] for row in table["rows"][:3]] == [r.county.name for r in by_rank]


def test_the_text_says_so_when_there_is_nothing_to_report(city, reviewer):
    _publish(city["september"], reviewer)
    bulletin = services.bulletin_draft(period=city["september"], user=reviewer)
    assert "四、预警情况。本期没有红色预警。" in bulletin.text  # no targets: growth alone, no red
    assert "七、加减分事项。本期没有加减分事项。" in bulletin.text
    assert "五、全市目标进度。本年度目标任务尚未发布，不作比较。" in bulletin.text


def test_only_a_published_period_gets_a_bulletin_and_only_one(city, reviewer):
    from django.core.exceptions import ValidationError

    ranking_services.ranking_recompute(period=city["september"], trigger="command")
    with pytest.raises(ValidationError):
        services.bulletin_draft(period=city["september"], user=reviewer)
    _publish(city["september"], reviewer)
    services.bulletin_draft(period=city["september"], user=reviewer)
    with pytest.raises(ValidationError):
        services.bulletin_draft(period=city["september"], user=reviewer)
    assert Bulletin.objects.count() == 1


def test_an_issued_bulletin_never_changes(october, reviewer, city):
    bulletin = services.bulletin_draft(period=city["october"], user=reviewer)
    bulletin = services.bulletin_issue(bulletin=bulletin, user=reviewer)
    assert bytes(bulletin.issued_pdf).startswith(b"%PDF")
    frozen = (bulletin.issued_html, bytes(bulletin.issued_pdf), bytes(bulletin.issued_docx))
    # new figures, a recompute and a republished ranking change nothing in the issued bulletin
    SubmissionValue.objects.filter(
        submission__period=city["october"], indicator__code="gdp"
    ).update(value=Decimal("99"))
    _publish(city["october"], reviewer)
    bulletin.refresh_from_db()
    assert (bulletin.issued_html, bytes(bulletin.issued_pdf), bytes(bulletin.issued_docx)) == frozen
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.bulletin_text_save(bulletin=bulletin, text="改写", user=reviewer)
    with pytest.raises(ValidationError):
        services.bulletin_redraft(bulletin=bulletin, user=reviewer)


def test_the_reviewer_edits_the_text_and_issues_it(client, october, reviewer, city):
    client.force_login(reviewer)
    response = client.post(reverse("bulletin_create"), {"period": city["october"].pk})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "bulletin_detail", args=[bulletin.pk]
    )
    page = client.get(reverse("bulletin_detail", args=[bulletin.pk])).content.decode()
    assert "2026年第1期" in page and "综合排名" in page
    text = "第一段：全市经济运行总体平稳。\n\n第二段：请各县区抓好落实。"
    client.post(reverse("bulletin_edit", args=[bulletin.pk]), {"text": text})
    bulletin.refresh_from_db()
    assert bulletin.document["paragraphs"] == [
        "第一段：全市经济运行总体平稳。",
        "第二段：请各县区抓好落实。",
    ]
    # an empty text is refused, with the message, and nothing changes
    response = client.post(reverse("bulletin_edit", args=[bulletin.pk]), {"text": " \n "})
    assert response.status_code == 400
    assert "通报正文不能为空" in response.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.document["paragraphs"][0] == "第一段：全市经济运行总体平稳。"
    # issuing needs the ticked confirmation
    client.post(reverse("bulletin_issue", args=[bulletin.pk]), {})
    bulletin.refresh_from_db()
    assert not bulletin.is_issued
    client.post(reverse("bulletin_issue", args=[bulletin.pk]), {"confirm": "1"})
    bulletin.refresh_from_db()
    assert bulletin.is_issued and bulletin.issued_by == reviewer
    assert "第二段：请各县区抓好落实。" in bulletin.issued_html


def test_who_sees_and_who_changes_bulletins(client, october, reviewer, leader, reporter_a, city):
    bulletin = services.bulletin_draft(period=city["october"], user=reviewer)
    detail = reverse("bulletin_detail", args=[bulletin.pk])
    client.force_login(reporter_a)  # a county user: drafts are not theirs to read
    assert client.get(detail).status_code == 404
    assert client.get(reverse("bulletin_pdf", args=[bulletin.pk])).status_code == 404
    assert "2026年第1期" not in client.get(reverse("bulletin_list")).content.decode()
    assert (
        client.post(reverse("bulletin_issue", args=[bulletin.pk]), {"confirm": "1"}).status_code
        == 403
    )
    client.force_login(leader)  # leaders read everything and change nothing
    assert client.get(detail).status_code == 200
    for name in ("bulletin_edit", "bulletin_redraft", "bulletin_issue"):
        assert (
            client.post(
                reverse(name, args=[bulletin.pk]), {"text": "x", "confirm": "1"}
            ).status_code
            == 403
        )
    assert (
        client.post(reverse("bulletin_create"), {"period": city["october"].pk}).status_code == 403
    )
    bulletin.refresh_from_db()
    assert not bulletin.is_issued
    services.bulletin_issue(bulletin=bulletin, user=reviewer)
    client.force_login(reporter_a)
    assert client.get(detail).status_code == 200
    assert "2026年第1期" in client.get(reverse("bulletin_list")).content.decode()
    client.logout()
    assert client.get(detail).status_code == 302  # to the login page


def test_the_downloads(client, october, reviewer, city):
    bulletin = services.bulletin_issue(
        bulletin=services.bulletin_draft(period=city["october"], user=reviewer), user=reviewer
    )
    client.force_login(reviewer)
    response = client.get(reverse("bulletin_docx", args=[bulletin.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    document = docx.Document(io.BytesIO(response.content))
    texts = "\n".join(p.text for p in document.paragraphs)
    assert "2026年1-10月全市县区经济发展考核情况通报" in texts and "2026年第1期" in texts
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"东城区", "西城区", "南山县"} <= cells
    response = client.get(reverse("bulletin_pdf", args=[bulletin.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: .ci/run installs it")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    for name in ("东城区", "西城区", "南山县", "2026年第1期"):
        assert name in text


def test_odd_requests_are_refused_cleanly(client, october, reviewer, city):
    client.force_login(reviewer)
    for period in ("", "abc", "99999999999999999999", "-1"):
        response = client.post(reverse("bulletin_create"), {"period": period}, follow=True)
        assert "请选择要通报的期次" in response.content.decode()
    # control characters are refused for every form by the middleware, with its message
    assert client.post(reverse("bulletin_create"), {"period": "\x00"}).status_code == 400
    assert not Bulletin.objects.exists()
    assert client.get("/bulletins/999999/").status_code == 404
    bulletin = services.bulletin_draft(period=city["october"], user=reviewer)
    response = client.post(reverse("bulletin_edit", args=[bulletin.pk]), {"text": "长" * 20_001})
    assert response.status_code == 400
    bulletin.refresh_from_db()
    assert "长长长" not in bulletin.text


def test_the_charts_are_in_the_page_and_the_word_file(october, reviewer, city):
    bulletin = services.bulletin_draft(period=city["october"], user=reviewer)
    images = bulletin.document["images"]
    assert [i["title"] for i in images][0] == "图1  综合得分"
    import base64

    assert base64.b64decode(images[0]["png"]).startswith(b"\x89PNG")
    issued = services.bulletin_issue(bulletin=bulletin, user=reviewer)
    assert 'src="data:image/png;base64,' in issued.issued_html
    document = docx.Document(io.BytesIO(bytes(issued.issued_docx)))
    assert len(document.inline_shapes) == len(images)


def test_red_warnings_name_who_answers_for_them(october, reviewer, city):
    from indicators.models import Department

    reds = list(
        ProgressResult.objects.filter(run=october, level="red", county__isnull=False)
        .select_related("county", "indicator")
        .order_by("county__display_order")
    )
    assert reds  # the fixture has red warnings
    first = reds[0]
    first.county.leader = "李明"
    first.county.save()
    unit = Department.objects.create(name="市商务局")
    first.indicator.lead_department = unit
    first.indicator.save()
    bulletin = services.bulletin_draft(period=city["october"], user=reviewer)
    table = next(t for t in bulletin.document["tables"] if "责任分工" in t["title"])
    assert table["headers"] == ["县区", "分管领导", "预警指标", "牵头单位"]
    assert [first.county.name, "李明", first.indicator.name, "市商务局"] in table["rows"]
    assert len(table["rows"]) == len(reds)
