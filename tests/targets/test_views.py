"""Target pages: the grid saved all or nothing with every problem in its cell, fields a post
does not carry kept, sums that do not add up warned about, versions, and who may do what."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from counties.selectors import user_label
from targets.models import Schedule, Target, TargetSet
from tests.factories import CountyFactory, MembershipFactory

D = Decimal


def grid(year=2026, version=None):
    url = reverse("target_grid", args=[year])
    return f"{url}?version={version}" if version is not None else url


def targets_of(target_set):
    return {
        (t.county.code if t.county_id else None, t.indicator.code): (t.kind, t.value)
        for t in Target.objects.filter(target_set=target_set).select_related("county", "indicator")
    }


def login(client, user):
    if user is not None:
        client.force_login(user)


# ----------------------------------------------------------------------------- the grid


def test_an_editor_starts_a_year_and_fills_the_grid(client, targets_year, reviewer, county_a):
    client.force_login(reviewer)
    page = client.get(reverse("target_list"))
    assert page.status_code == 200
    assert 'value="2026"' in page.content.decode()  # the latest period's year by default
    response = client.post(reverse("target_start"), {"year": "2026"})
    draft = TargetSet.objects.get(year=2026)
    assert response.status_code == 302 and response["Location"] == grid(2026, draft.version)
    page = client.get(response["Location"]).content.decode()
    # a column per indicator, grouped by category, with unit and kind; a row per county, then 全市
    assert "主要经济指标" in page and "市场主体" in page and "家" in page
    assert f'name="t-{county_a.code}-revenue"' in page and 'name="t-city-revenue"' in page
    assert 'name="s-revenue"' in page and 'name="s-firms"' not in page  # schedules: flows only
    # gdp's rule scores growth, so its column starts as a growth target
    assert re.search(r'name="k-gdp".*?<option value="growth" selected>', page, re.S)
    response = client.post(
        grid(2026, draft.version),
        {
            f"t-{county_a.code}-revenue": "5.2",
            "t-city-revenue": "１２.３",  # full-width digits, as officials type them
            "k-revenue": "value",
            f"t-{county_a.code}-gdp": "6.5",
            "k-gdp": "growth",
            "s-revenue": "20/45/70/100",
        },
    )
    assert response.status_code == 302
    assert targets_of(draft) == {
        (county_a.code, "revenue"): ("value", D("5.2")),
        (None, "revenue"): ("value", D("12.3")),
        (county_a.code, "gdp"): ("growth", D("6.5")),
    }
    assert Schedule.objects.get(target_set=draft, county=None).shares[5] == 45
    record = Target.history.filter(indicator__code="gdp").first()
    assert (record.history_change_reason, record.history_user) == ("grid", reviewer)
    page = client.get(response["Location"]).content.decode()
    assert "目标已保存：3 项目标有变化" in page
    assert 'value="20/45/70/100"' in page


def test_the_grid_warns_where_county_targets_do_not_add_up(
    client, draft, reviewer, county_a, county_b
):
    client.force_login(reviewer)
    response = client.post(grid(2026, draft.version), {"t-city-revenue": "12.3"}, follow=True)
    page = response.content.decode()
    assert "目标已保存" in page
    assert "县区目标合计 12.2 亿元，与全市目标 12.3 亿元相差 −0.1 亿元" in page
    # growth targets are never summed; once the sum adds up the warning goes
    client.post(grid(2026, draft.version), {f"t-{county_b.code}-revenue": "7.1"})
    assert 'id="mismatches"' not in client.get(grid(2026, draft.version)).content.decode()


def test_a_refused_grid_shows_every_problem_in_its_cell_and_saves_nothing(
    client, draft, reviewer, county_a, county_b, checksum
):
    client.force_login(reviewer)
    before = checksum()
    response = client.post(
        grid(2026, draft.version),
        {
            f"t-{county_a.code}-revenue": "abc",
            f"t-{county_b.code}-revenue": "-1",
            "t-city-revenue": "13",  # fine on its own, still not saved
            f"t-{county_a.code}-firms": "10.5",
            f"t-{county_b.code}-gdp": "1001",
            "k-gdp": "growth",
            "s-revenue": "20/45/70/90",
        },
    )
    assert response.status_code == 400
    assert checksum() == before
    page = response.content.decode()
    assert "有 5 处错误，目标没有保存" in page
    for name, message in (
        (f"t-{county_a.code}-revenue", "“abc”不是有效的数字"),
        (f"t-{county_b.code}-revenue", "不能为负数"),
        (f"t-{county_a.code}-firms", "应为整数"),
        (f"t-{county_b.code}-gdp", "目标增速应在"),
        ("s-revenue", "到 12 月应完成全年目标的 100%"),
    ):
        # the input is marked, its message is under it, and the list at the top links to it
        assert re.search(
            rf'name="{name}"[^>]*aria-invalid="true" aria-describedby="{name}-issues"', page
        ), name
        assert re.search(rf'<div id="{name}-issues"><div class="field-error">[^<]*{message}', page)
        assert f'href="#{name}"' in page
    # what was typed is kept
    assert f'name="t-{county_a.code}-revenue" value="abc"' in page
    assert 'name="t-city-revenue" value="13"' in page
    assert 'name="s-revenue" value="20/45/70/90"' in page


def test_fields_a_post_does_not_carry_keep_their_targets_and_empty_ones_remove_them(
    client, draft, reviewer, county_a, county_b
):
    client.force_login(reviewer)
    before = targets_of(draft)
    response = client.post(
        grid(2026, draft.version),
        {f"t-{county_a.code}-revenue": "5.5", f"t-{county_b.code}-gdp": ""},
    )
    assert response.status_code == 302
    after = targets_of(draft)
    assert after.pop((county_a.code, "revenue")) == ("value", D("5.5"))
    assert (county_b.code, "gdp") not in after
    del before[(county_a.code, "revenue")], before[(county_b.code, "gdp")]
    assert after == before  # nothing else touched, not even blanked
    assert Schedule.objects.filter(target_set=draft).count() == 2  # no s-… field: kept


def test_the_kind_chosen_for_a_column_applies_to_every_cell_posted(
    client, draft, reviewer, county_a, county_b
):
    client.force_login(reviewer)
    client.post(
        grid(2026, draft.version),
        {
            "k-firms": "growth",
            f"t-{county_a.code}-firms": "3",
            f"t-{county_b.code}-firms": "2",
            "t-city-firms": "",
        },
    )
    cells = targets_of(draft)
    assert cells[(county_a.code, "firms")] == ("growth", D("3"))
    assert cells[(county_b.code, "firms")] == ("growth", D("2"))
    response = client.post(grid(2026, draft.version), {"k-firms": "percent"})
    assert response.status_code == 400
    assert "目标类型应为“目标值”或“目标增速”" in response.content.decode()


def test_the_grid_queries_do_not_grow_with_counties(client, draft, reviewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reviewer)

    with CaptureQueriesContext(connection) as few:
        assert client.get(grid(2026, draft.version)).status_code == 200
    for n in range(5):
        CountyFactory(code=f"3699{50 + n}", name=f"新区{n}")
    with CaptureQueriesContext(connection) as more:
        assert client.get(grid(2026, draft.version)).status_code == 200
    assert len(more) == len(few)


# ----------------------------------------------------------------------------- versions


def test_a_published_version_is_read_only_and_changes_need_a_new_version_with_a_reason(
    client, draft, reviewer, county_a, checksum
):
    client.force_login(reviewer)
    response = client.post(
        reverse("target_publish", args=[2026]), {"version": draft.version, "confirm": "1"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == reviewer
    page = client.get(grid(2026)).content.decode()
    assert 'name="t-' not in page and "6.50%" in page and "5.2 亿元" in page
    assert "已发布的目标只读" in page and 'id="new-version-reason"' in page
    before = checksum()
    response = client.post(grid(2026, 1), {f"t-{county_a.code}-revenue": "9"})
    assert response.status_code == 302 and checksum() == before
    # a new version needs a reason
    response = client.post(
        reverse("target_new_version", args=[2026]), {"reason": "  "}, follow=True
    )
    assert "请填写修改原因" in response.content.decode() and checksum() == before
    response = client.post(reverse("target_new_version", args=[2026]), {"reason": "x" * 501})
    assert checksum() == before
    response = client.post(reverse("target_new_version", args=[2026]), {"reason": "省里调整"})
    second = TargetSet.objects.get(year=2026, version=2)
    assert response["Location"] == grid(2026, 2)
    assert (second.status, second.reason) == ("draft", "省里调整")
    assert targets_of(second) == targets_of(draft)
    page = client.get(grid(2026)).content.decode()  # an editor opens the draft by default
    assert f'name="t-{county_a.code}-revenue"' in page and "第 1 版" in page
    client.post(grid(2026, 2), {f"t-{county_a.code}-revenue": "6"})
    assert targets_of(draft)[(county_a.code, "revenue")] == ("value", D("5.2"))  # v1 kept


def test_publishing_or_deleting_needs_the_confirmation_and_the_shown_version(
    client, draft, reviewer, checksum
):
    client.force_login(reviewer)
    before = checksum()
    for action in ("target_publish", "target_delete"):
        url = reverse(action, args=[2026])
        client.post(url, {"version": draft.version})  # not confirmed
        client.post(url, {"version": draft.version + 1, "confirm": "1"})  # another version
        client.post(url, {"version": "²", "confirm": "1"})
    assert checksum() == before
    response = client.post(
        reverse("target_delete", args=[2026]), {"version": draft.version, "confirm": "1"}
    )
    assert response.status_code == 302 and not TargetSet.objects.exists()


def test_the_list_shows_versions_with_reason_and_publisher(
    client, published_and_draft, reviewer, leader
):
    client.force_login(reviewer)
    page = client.get(reverse("target_list")).content.decode()
    assert "第 1 版" in page and "第 2 版" in page and "省里调整目标" in page
    assert "已发布" in page and "草稿" in page and user_label(reviewer) in page
    client.force_login(leader)
    page = client.get(reverse("target_list")).content.decode()
    assert "第 1 版" in page and "第 2 版" not in page  # drafts are the editors' business
    assert 'action="/targets/start/"' not in page


def test_bad_years_and_versions_are_not_found(client, draft, reviewer):
    client.force_login(reviewer)
    for url in (
        grid(2026, "²"),
        grid(2026, "9" * 400),
        grid(2026, "40000"),
        grid(2026, "-1"),
        grid(2026, "abc"),
        grid(2026, 7),
        "/targets/99999999999999999999/",
        "/targets/1800/",
        "/targets/2025/",
        reverse("targets_export", args=[2026]) + "?version=²",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/targets/start/", {"year": "²"}).status_code == 302
    assert TargetSet.objects.count() == 1


# ----------------------------------------------------------------------------- who may do what

SEES = {"admin", "reviewer", "leader", "reporter_a", "reporter_b"}
EDITS = {"admin", "reviewer"}


def expected(who, allowed, *, ok=200, refused=403):
    if who == "anonymous":
        return 302  # to the login page
    return ok if who in allowed else refused


@pytest.mark.parametrize(
    "who", ["admin", "reviewer", "leader", "reporter_a", "reporter_b", "anonymous"]
)
def test_who_may_read(client, cast, published_and_draft, who, county_a, county_b):
    login(client, cast[who])
    assert client.get(reverse("target_list")).status_code == expected(who, SEES)
    published = client.get(grid(2026, 1))
    assert published.status_code == expected(who, SEES)
    assert client.get(grid(2026, 2)).status_code == expected(who, EDITS, refused=404)
    export = reverse("targets_export", args=[2026])
    assert client.get(f"{export}?version=1").status_code == expected(who, SEES)
    assert client.get(f"{export}?version=2").status_code == expected(who, EDITS, refused=404)
    if who in SEES:
        page = published.content.decode()
        assert ("东城区" in page) == (who != "reporter_b")
        assert ("北山县" in page) == (who != "reporter_a")
        assert "全市" in page and 'name="t-' not in page  # a published version is read-only
        assert ('id="mismatches"' in page) is False
        nav = client.get(reverse("home")).content.decode()
        assert 'href="/targets/"' in nav


@pytest.mark.parametrize(
    "who", ["admin", "reviewer", "leader", "reporter_a", "reporter_b", "anonymous"]
)
def test_who_may_write(client, cast, published_and_draft, who, county_a, checksum):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, cast[who])
    before = checksum()
    _first, second = published_and_draft
    writes = [
        (grid(2026, 2), {f"t-{county_a.code}-revenue": "9"}),
        (reverse("target_start"), {"year": "2027"}),
        (reverse("target_new_version", args=[2026]), {"reason": "再改"}),
        (reverse("targets_import", args=[2026]), {"file": SimpleUploadedFile("t.xlsx", b"x")}),
        (reverse("target_delete", args=[2026]), {"version": second.version, "confirm": "1"}),
        (reverse("target_publish", args=[2026]), {"version": second.version, "confirm": "1"}),
    ]
    for url, data in writes:
        status = client.post(url, data).status_code
        if who in EDITS:
            assert status in (302, 400), url
        else:
            assert status == expected(who, EDITS), url
    if who not in EDITS:
        assert checksum() == before
    assert client.get(reverse("targets_import", args=[2026])).status_code == expected(who, EDITS)


def test_a_reporter_reads_its_own_county_and_the_city_but_no_sums(
    client, published_and_draft, reporter_a, county_a
):
    other = CountyFactory(code="369931", name="南湖区")
    MembershipFactory(user=reporter_a, county=other)  # a reporter of two counties sees both
    client.force_login(reporter_a)
    page = client.get(grid(2026)).content.decode()  # the published version by default
    assert "东城区" in page and "南湖区" in page and "北山县" not in page
    assert "5.2 亿元" in page and "12.2 亿元" in page  # own county and the city
    assert "7 亿元" not in page
    assert "单独下达的分月进度" not in page  # 北山县's own schedule is not reporter_a's


def test_sums_over_the_counties_are_shown_to_city_staff_only(
    client, draft, reviewer, leader, reporter_a
):
    from targets import services
    from targets.services import TargetEntry

    services.targets_save(
        target_set=draft,
        entries=[TargetEntry(None, "revenue", "value", D("12.3"))],
        user=reviewer,
        channel="grid",
    )
    services.target_set_publish(target_set=draft, user=reviewer)
    warning = "县区目标合计 12.2 亿元，与全市目标 12.3 亿元相差 −0.1 亿元"
    client.force_login(leader)
    assert warning in client.get(grid(2026)).content.decode()
    client.force_login(reporter_a)
    page = client.get(grid(2026)).content.decode()
    assert "12.3 亿元" in page and warning not in page and 'id="mismatches"' not in page


def test_a_grid_drawn_before_someone_elses_save_is_refused_with_what_was_typed(
    client, draft, reviewer, admin_user, county_a, checksum
):
    """Two editors open the grid; the second saves first; the first one's save is refused
    (409), keeps what was typed, and saving again from that page overwrites deliberately."""
    client.force_login(reviewer)
    page = client.get(grid(2026, draft.version))
    drawn = page.context["fingerprint"]
    other = Client()
    other.force_login(admin_user)
    other_page = other.get(grid(2026, draft.version))
    assert (
        other.post(
            grid(2026, draft.version),
            {"fingerprint": other_page.context["fingerprint"], f"t-{county_a.code}-revenue": "6"},
        ).status_code
        == 302
    )
    before = checksum()
    refused = client.post(
        grid(2026, draft.version), {"fingerprint": drawn, f"t-{county_a.code}-revenue": "5"}
    )
    assert refused.status_code == 409
    assert checksum() == before
    body = refused.content.decode()
    assert "其他人在您打开此页后修改了目标" in body and 'value="5"' in body
    again = client.post(
        grid(2026, draft.version),
        {"fingerprint": refused.context["fingerprint"], f"t-{county_a.code}-revenue": "5"},
    )
    assert again.status_code == 302
    assert targets_of(draft)[(county_a.code, "revenue")] == ("value", D("5"))
