"""Bonus and penalty items: who adds and cancels them, document checks, caps, audit trail,
recompute, and who may open the documents."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rankings import services, tasks
from rankings.models import BonusItem, CountyResult, RankingRun
from rankings.selectors import bonus

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def recomputes(monkeypatch):
    """Recomputes handed to the broker (period ids); each must say a bonus change queued it."""
    sent = []

    def apply_async(*args, **kwargs):
        assert kwargs["kwargs"]["trigger"] == "bonus"
        sent.append(kwargs["args"][0])

    monkeypatch.setattr(tasks.recompute, "apply_async", apply_async)
    return sent


def pdf(name="通报.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def ooxml(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}document.xml", "<x/>")
    return buffer.getvalue()


def add(city, user, *, county="369901", points="2", reason="招商引资突出", document=None):
    return services.bonus_item_create(
        county=city["counties"][county],
        period=city["october"],
        points=Decimal(points),
        reason=reason,
        document=document or pdf(),
        user=user,
    )


# ----------------------------------------------------------------------------------- services


def test_reviewer_adds_an_item_recorded_with_who_and_a_recompute_queued(
    city, reviewer, recomputes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = add(city, reviewer)
    assert (item.points, item.reason, item.created_by) == (Decimal("2"), "招商引资突出", reviewer)
    assert item.document.name.startswith("bonus/") and item.document.name.endswith(".pdf")
    assert item.document.read() == PDF
    record = item.history.get()
    assert (record.history_type, record.history_user) == ("+", reviewer)
    assert recomputes == [city["october"].pk]


@pytest.mark.parametrize("who", ["leader", "reporter_a"])
def test_leaders_and_county_users_cannot_add_or_cancel(request, city, reviewer, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        add(city, user)
    item = add(city, reviewer)
    with pytest.raises(PermissionDenied):
        services.bonus_item_cancel(item=item, reason="x", user=user)


def test_cancel_keeps_the_item_in_the_history_with_who_and_why(
    city, reviewer, admin_user, recomputes, django_capture_on_commit_callbacks
):
    item = add(city, reviewer)
    pk, name = item.pk, item.document.name
    with django_capture_on_commit_callbacks(execute=True):
        services.bonus_item_cancel(item=item, reason="依据文件有误", user=admin_user)
    assert not BonusItem.objects.filter(pk=pk).exists()
    gone = BonusItem.history.filter(id=pk).order_by("history_date")
    assert [r.history_type for r in gone] == ["+", "-"]
    last = gone.last()
    assert (last.history_user, last.history_change_reason) == (admin_user, "依据文件有误")
    assert last.document == name  # the document stays readable from the history
    assert recomputes == [city["october"].pk]


def test_cancel_needs_a_reason(city, reviewer):
    item = add(city, reviewer)
    with pytest.raises(ValidationError):
        services.bonus_item_cancel(item=item, reason="  ", user=reviewer)
    assert BonusItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("a.exe", b"MZ\x90\x00"), "不支持的文件类型"),
        (SimpleUploadedFile("a", PDF), "不支持的文件类型"),
        (SimpleUploadedFile("a.pdf", b"<html>not a pdf</html>"), "文件内容与扩展名"),
        (SimpleUploadedFile("a.png", PDF), "文件内容与扩展名"),
        (SimpleUploadedFile("a.docx", ooxml("xl/")), "文件内容与扩展名"),
        (SimpleUploadedFile("a.xlsx", b"PK\x03\x04 broken zip"), "文件内容与扩展名"),
        (SimpleUploadedFile("a.pdf", b""), "文件是空的"),
        (SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024)), "不能超过 10 MB"),
    ],
)
def test_documents_are_checked_by_size_and_real_content(city, reviewer, upload, message):
    with pytest.raises(ValidationError) as info:
        add(city, reviewer, document=upload)
    assert message in " ".join(info.value.message_dict["document"])
    assert not BonusItem.objects.exists()


@pytest.mark.parametrize(
    "name, content",
    [
        ("照片.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("扫描件.png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("文件.docx", ooxml("word/")),
        ("表格.xlsx", ooxml("xl/")),
        ("旧版.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32),
    ],
)
def test_images_and_office_documents_are_accepted(city, reviewer, name, content):
    item = add(city, reviewer, document=SimpleUploadedFile(name, content))
    assert item.document.read() == content


def test_points_and_reason_are_checked(city, reviewer):
    with pytest.raises(ValidationError) as info:
        add(city, reviewer, points="0", reason=" ")
    assert set(info.value.message_dict) == {"points", "reason"}
    with pytest.raises(ValidationError):
        add(city, reviewer, points="-150")


def test_effective_points_are_capped_per_part_as_the_engine_does(city, reviewer):
    add(city, reviewer, points="3")
    add(city, reviewer, points="4")
    add(city, reviewer, points="-2", reason="统计违规")
    add(city, reviewer, county="369902", points="-1.5", reason="安全生产")
    caps = bonus.bonus_caps(city["october"])
    assert (caps.bonus_cap, caps.penalty_cap) == (Decimal("5"), Decimal("5"))
    rows = {r.county.code: r for r in bonus.bonus_county_points(city["october"], caps)}
    east = rows["369901"]
    assert (east.bonus, east.penalty, east.effective, east.capped, east.items) == (
        Decimal("7"),
        Decimal("-2"),
        Decimal("3"),
        True,
        3,
    )
    assert (rows["369902"].effective, rows["369902"].capped) == (Decimal("-1.5"), False)
    services.ranking_recompute(period=city["october"], trigger="command")
    stored = CountyResult.objects.get(
        run__is_current=True, county__code="369901", run__period=city["october"]
    )
    # the ranking applies the same caps and keeps both parts: 7 capped at 5, -2
    assert (stored.bonus, stored.penalty) == (Decimal("5"), Decimal("-2"))
    assert stored.bonus + stored.penalty == east.effective


# -------------------------------------------------------------------------------------- pages


def _publish_october(city):
    services.ranking_recompute(period=city["october"], trigger="command")
    RankingRun.objects.filter(period=city["october"]).update(is_published=True)


def test_reviewer_adds_through_the_page(
    client, city, reviewer, recomputes, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    page = client.get(reverse("bonus_list"), {"period": "2026-10"}).content.decode()
    assert "加分合计最多 5 分" in page and "扣分合计最多 5 分" in page
    assert 'enctype="multipart/form-data"' in page
    data = {
        "period": "2026-10",
        "county": city["counties"]["369902"].pk,
        "points": "-1.5",
        "reason": "安全生产事故",
        "document": pdf(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bonus_add"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("bonus_list") + "?period=2026-10"
    item = BonusItem.objects.get()
    assert (item.county.code, item.points, item.created_by) == ("369902", Decimal("-1.5"), reviewer)
    assert recomputes == [city["october"].pk]
    body = client.get(response["Location"]).content.decode()
    assert "安全生产事故" in body and "-1.50" in body and "通报.pdf" in body


def test_a_bad_document_is_refused_on_the_page_with_a_clear_message(client, city, reviewer):
    client.force_login(reviewer)
    data = {
        "period": "2026-10",
        "county": city["counties"]["369902"].pk,
        "points": "1",
        "reason": "x",
        "document": SimpleUploadedFile("scan.pdf", b"GIF89a"),
    }
    response = client.post(reverse("bonus_add"), data)
    assert response.status_code == 400
    assert "文件内容与扩展名" in response.content.decode()
    assert not BonusItem.objects.exists()


@pytest.mark.parametrize("who", ["leader", "reporter_a"])
def test_others_get_403_on_add_and_cancel(request, client, city, reviewer, who):
    item = add(city, reviewer)
    client.force_login(request.getfixturevalue(who))
    data = {"period": "2026-10", "county": item.county_id, "points": "1", "reason": "x"}
    assert client.post(reverse("bonus_add"), data).status_code == 403
    cancel = reverse("bonus_cancel", kwargs={"pk": item.pk})
    assert client.post(cancel, {"reason": "x"}).status_code == 403
    assert BonusItem.objects.filter(pk=item.pk).exists()


def test_cancel_through_the_page_and_read_the_history(client, city, reviewer, recomputes):
    item = add(city, reviewer)
    client.force_login(reviewer)
    response = client.post(reverse("bonus_cancel", kwargs={"pk": item.pk}), {"reason": "重复录入"})
    assert response.status_code == 302
    assert not BonusItem.objects.exists()
    history = client.get(reverse("bonus_history"), {"period": "2026-10"}).content.decode()
    assert "重复录入" in history and "撤销" in history and "录入" in history
    version = BonusItem.history.filter(history_type="-").get()
    document = client.get(
        reverse("bonus_document_version", kwargs={"history_id": version.history_id})
    )
    assert document.status_code == 200 and b"".join(document.streaming_content) == PDF


def test_documents_are_downloaded_through_an_access_check(client, city, reviewer, reporter_a):
    item = add(city, reviewer)
    url = reverse("bonus_document", kwargs={"pk": item.pk})
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(reporter_a)
    assert client.get(url).status_code == 404  # October not published yet
    assert client.get(reverse("bonus_list")).context["periods"] == []
    _publish_october(city)
    assert client.get(url).status_code == 200
    body = client.get(reverse("bonus_list"), {"period": "2026-10"}).content.decode()
    assert "招商引资突出" in body
    assert "录入加减分项" not in body and "撤销原因" not in body  # read only


def test_the_list_page_takes_a_fixed_number_of_queries(
    client, city, reviewer, leader, django_assert_max_num_queries
):
    for n in range(6):
        add(city, reviewer, county=["369901", "369902", "369903"][n % 3], points=str(n + 1))
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("bonus_list"), {"period": "2026-10"})
    assert response.status_code == 200


def test_an_item_added_after_publication_stays_unseen_by_counties_until_it_is_published(
    client, city, reviewer, reporter_a, recomputes
):
    counted = add(city, reviewer, reason="招商引资突出")
    _publish_october(city)
    late = add(city, reviewer, points="-1", reason="安全生产事故", document=pdf("事故通报.pdf"))
    client.force_login(reporter_a)
    body = client.get(reverse("bonus_list"), {"period": "2026-10"}).content.decode()
    assert "招商引资突出" in body and "安全生产事故" not in body
    assert client.get(reverse("bonus_document", kwargs={"pk": late.pk})).status_code == 404
    assert client.get(reverse("bonus_document", kwargs={"pk": counted.pk})).status_code == 200
    history = client.get(reverse("bonus_history"), {"period": "2026-10"}).content.decode()
    assert "安全生产事故" not in history
    record = BonusItem.history.get(id=late.pk, history_type="+")
    version = reverse("bonus_document_version", kwargs={"history_id": record.history_id})
    assert client.get(version).status_code == 404
    # city staff see it at once
    client.force_login(reviewer)
    assert (
        "安全生产事故" in client.get(reverse("bonus_list"), {"period": "2026-10"}).content.decode()
    )
    # a counted item cancelled after publication stays as the published ranking counted it
    services.bonus_item_cancel(item=counted, reason="重复录入", user=reviewer)
    client.force_login(reporter_a)
    body = client.get(reverse("bonus_list"), {"period": "2026-10"}).content.decode()
    assert "招商引资突出" in body
    # once a ranking that counts both is published, the county sees what it counted
    _publish_october(city)
    body = client.get(reverse("bonus_list"), {"period": "2026-10"}).content.decode()
    assert "安全生产事故" in body and "招商引资突出" not in body
    assert client.get(reverse("bonus_document", kwargs={"pk": late.pk})).status_code == 200
