"""Progress against targets and warnings, stored with each run: computed from the approved
values and the year's published targets, for every county and the city, re-run when the targets
change, and published again where the month had been published."""

from decimal import Decimal

import pytest

from indicators.models import RuleSet
from rankings import services
from rankings.models import IndicatorResult, ProgressResult, RankingRun
from targets import services as target_services
from targets.services import TargetEntry
from tests.factories import ExemptionFactory

pytestmark = pytest.mark.django_db
D = Decimal


def stored(run) -> dict:
    return {
        (p.county.code if p.county_id else "city", p.indicator.code): p
        for p in ProgressResult.objects.filter(run=run).select_related("county", "indicator")
    }


def test_a_run_stores_progress_and_warnings_for_every_county_and_the_city(city, targets):
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    assert run.target_set == targets
    rows = stored(run)
    assert len(rows) == (4 + 1) * 2  # four counties and the city, two indicators

    # the city: 447 against 400 = +11.75% (every reporting county, as the city overview adds)
    assert rows[("city", "gdp")].growth == D("11.75")
    east = rows[("369901", "gdp")]  # +10%: 4 points above its target, below the city's growth
    assert (east.ahead, east.level, east.reasons) == (D("4"), "yellow", ["below_city"])
    south = rows[("369903", "gdp")]  # +2%: 4 points short of its target
    assert (south.ahead, south.level, south.reasons) == (
        D("-4"),
        "yellow",
        ["behind", "below_city"],
    )

    # retail: 52 of 120 after October, 100 due (10/12): 40 points behind, 48 short
    retail = rows[("369901", "retail")]
    assert retail.completion == D("43.3333") and retail.time_progress == D("83.3333")
    assert retail.ahead == D("-40") and retail.shortfall == D("48")
    assert retail.pace_needed == D("34") and retail.pace_so_far == D("5.2")
    assert (retail.level, retail.reasons) == ("red", ["far_behind", "below_city"])
    city_retail = rows[("city", "retail")]  # 218 of 250: 87.2% against 83.3%
    assert city_retail.value == D("218") and city_retail.level == "green"
    assert city_retail.ahead == D("3.8667")
    # no target: growth alone decides, and the target columns stay empty
    west = rows[("369902", "retail")]
    assert west.target is None and west.completion is None  # +10% against the city's +9%
    assert west.level == "green"


def test_without_targets_warnings_still_judge_growth(city):
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    assert run.target_set is None
    rows = stored(run)
    assert rows[("369901", "gdp")].target is None
    assert rows[("369901", "gdp")].level == "yellow"  # +10% against the city's +11.75%
    assert rows[("369971", "gdp")].level == "green"  # the zone's +30%


def test_new_targets_recompute_and_republish_a_published_month(city, reviewer, targets):
    first = services.ranking_recompute(period=city["october"], trigger="command").run
    services.ranking_publish(run=first, user=reviewer, confirm_missing=True)
    # same inputs, same targets: nothing new
    again = services.ranking_recompute(period=city["october"], trigger="command")
    assert again.status == "unchanged"

    second = target_services.target_set_new_version(
        year=2026, reason="省里下调零售目标", user=reviewer
    )
    target_services.targets_save(
        target_set=second,
        entries=[TargetEntry("369901", "retail", "value", D("60"))],
        user=reviewer,
        channel="grid",
    )
    target_services.target_set_publish(target_set=second, user=reviewer)
    outcome = services.ranking_recompute(period=city["october"], trigger=RankingRun.Trigger.TARGETS)
    run = outcome.run
    assert outcome.status == "computed" and run.target_set == second
    assert run.is_published and run.publish_reason == "targets" and run.supersedes == first
    retail = stored(run)[("369901", "retail")]
    assert retail.completion == D("86.6667") and retail.level == "yellow"  # 3.3 points behind


def test_publishing_targets_queues_the_years_recompute(
    city, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    from rankings import tasks

    queued = []
    monkeypatch.setattr(
        tasks.recompute, "apply_async", lambda args, kwargs, **_: queued.append((args, kwargs))
    )
    draft = target_services.target_set_start(year=2026, user=reviewer)
    target_services.targets_save(
        target_set=draft,
        entries=[TargetEntry(None, "gdp", "growth", D("6"))],
        user=reviewer,
        channel="grid",
    )
    with django_capture_on_commit_callbacks(execute=True):
        target_services.target_set_publish(target_set=draft, user=reviewer)
    assert queued == [([city["september"].pk], {"trigger": "targets", "user_id": reviewer.pk})]


# ----------------------------------------------------------------------------- the board


def test_the_warning_board_colours_counties_and_filters_them(client, city, targets, reviewer):
    from django.urls import reverse

    services.ranking_recompute(period=city["october"], trigger="command")
    client.force_login(reviewer)
    url = reverse("warning_board")
    page = client.get(url, {"period": "2026-10"})
    assert page.status_code == 200
    board = page.context["board"]
    assert [row.county.code for row in board.rows] == ["369901", "369902", "369903", "369971"]
    assert board.city is not None and board.has_targets
    body = page.content.decode()
    # the red cell says why: 52 of 120 against 10/12 of the year
    assert "完成全年目标 43.3%，时序进度 83.3%，−40.0 个百分点" in body
    assert "落后时序进度超过红色预警线" in body
    red = client.get(url, {"period": "2026-10", "level": "red"}).context["board"]
    assert [row.county.code for row in red.rows] == ["369901"] and red.filtered_out == 3
    one = client.get(url, {"period": "2026-10", "county": "369903", "category": "growth"})
    assert [row.county.code for row in one.context["board"].rows] == ["369903"]
    # filters the board does not know show everything; a period not seen is refused
    odd = client.get(
        url, {"period": "2026-10", "level": "purple", "county": "²", "category": "x" * 500}
    )
    assert odd.status_code == 200 and len(odd.context["board"].rows) == 4
    assert client.get(url, {"period": "2025-10"}).status_code == 404


def test_county_users_see_the_board_of_published_runs_only(
    client, city, targets, reporter_a, reviewer
):
    from django.urls import reverse

    run = services.ranking_recompute(period=city["october"], trigger="command").run
    client.force_login(reporter_a)
    assert client.get(reverse("warning_board")).context["board"] is None
    services.ranking_publish(run=run, user=reviewer, confirm_missing=True)
    assert client.get(reverse("warning_board")).context["board"] is not None


def test_the_profile_and_the_reporters_home_page_show_the_countys_warnings(
    client, city, targets, reporter_a, reviewer
):
    from django.urls import reverse

    run = services.ranking_recompute(period=city["october"], trigger="command").run
    services.ranking_publish(run=run, user=reviewer, confirm_missing=True)
    client.force_login(reporter_a)
    home = client.get(reverse("home")).content.decode()
    # 东城区: retail red (40 points behind), gdp yellow (below the city's growth)
    assert "红色 1 项" in home and "黄色 1 项" in home
    assert reverse("county_profile", args=["369901"]) + "?year=2026#progress" in home
    page = client.get(reverse("county_profile", args=["369901"]), {"year": 2026})
    lines = {line["row"].indicator.code: line for line in page.context["progress_lines"]}
    assert lines["retail"]["level"] == "红色" and lines["retail"]["shortfall"] == "48.00 亿元"
    assert lines["retail"]["pace"] == "每月 34.00 亿元（此前每月 5.20 亿元）"
    assert list(lines) == ["retail", "gdp"]  # reds first
    assert 'id="progress"' in page.content.decode()


def test_the_catch_up_plan_is_stored_and_checked_against_the_next_month(city, targets):
    september = services.ranking_recompute(period=city["september"], trigger="command").run
    plan = stored(september)[("369901", "retail")].plan
    # 52 of 120 after September, linear: the other 68 in three equal parts
    assert [m for m, _n in plan] == [10, 11, 12]
    assert plan[0][1] == pytest.approx(52 + 68 / 3, abs=1e-4) and plan[-1][1] == 120.0
    october = services.ranking_recompute(period=city["october"], trigger="command").run
    retail = stored(october)[("369901", "retail")]
    # October still 52: last month's plan asked for 74.67 by now
    assert retail.milestone == D("74.6667") and retail.milestone_met is False
    assert stored(october)[("369901", "gdp")].milestone is None  # no prior months: no plan


def test_the_profile_shows_the_catch_up_plan_and_exports_it(client, city, targets, reviewer):
    import io

    import openpyxl
    from django.urls import reverse

    services.ranking_recompute(period=city["september"], trigger="command")
    services.ranking_recompute(period=city["october"], trigger="command")
    client.force_login(reviewer)
    page = client.get(reverse("county_profile", args=["369901"]), {"year": 2026})
    (line,) = [x for x in page.context["catch_up"] if x["row"].indicator.code == "retail"]
    # 52 of 120 after October: 34 a month, so 86 by November and 120 by December
    assert line["milestones"] == [(11, "86.00 亿元"), (12, "120.00 亿元")]
    assert line["checked"] == "未达到上月计划（应达 74.67 亿元）"
    assert 'id="catch-up"' in page.content.decode()
    export = client.get(reverse("county_plan_xlsx", args=["369901"]), {"year": 2026})
    assert export.status_code == 200 and export["Cache-Control"] == "private, no-store"
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = [[c for c in row] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert rows[0][:4] == ["指标", "全年目标", "本年累计", "欠账"] and "11月末累计应达到" in rows[0]
    assert [
        "社会消费品零售总额",
        "120.00 亿元",
        "52.00 亿元",
        "48.00 亿元",
        "86.00 亿元",
        "120.00 亿元",
    ] == rows[1][:6]
    assert client.get(reverse("county_plan_xlsx", args=["999999"])).status_code == 404


def test_the_citys_value_target_counts_only_the_counties_that_reported(city, reviewer):
    """Retail: 100 for each of the four counties, 400 for the city. With 369903 not approved,
    the city's sum (three counties) is measured against three quarters of its target."""
    from counties.models import Submission

    draft = target_services.target_set_start(year=2026, user=reviewer)
    entries = [TargetEntry(code, "retail", "value", D("100")) for code in city["counties"]]
    entries.append(TargetEntry(None, "retail", "value", D("400")))
    target_services.targets_save(target_set=draft, entries=entries, user=reviewer, channel="grid")
    target_services.target_set_publish(target_set=draft, user=reviewer)
    Submission.objects.filter(county__code="369903", period=city["october"]).update(
        status="submitted"
    )
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    retail = stored(run)[("city", "retail")]
    assert retail.value == D("167")  # 52 + 55 + 60
    assert retail.target == D("300") and retail.completion == D("55.6667")


def test_a_rule_with_own_target_scores_each_county_against_its_published_target(city, reviewer):
    """Retail by growth with the target method (target 5%, cap 1.2, weight 40) and own_target:
    369901 (+4%) against its own 8% scores 40 × min(4/8, 1.2)/1.2 = 16.67; 369902 (+10%)
    without an own target is scored against the rule's 5%: 40 × min(2, 1.2)/1.2 = 40."""
    from django.utils import timezone

    from indicators.models import RuleSetIndicator
    from rankings.models import IndicatorResult

    ruleset = city["ruleset"]
    ruleset.status, ruleset.published_at = "draft", None
    ruleset.save()
    RuleSetIndicator.objects.filter(ruleset=ruleset, indicator=city["retail"]).update(
        method="target", params={"target": 5, "cap": 1.2, "own_target": True}
    )
    ruleset.status, ruleset.published_at = "published", timezone.now()
    ruleset.save()
    draft = target_services.target_set_start(year=2026, user=reviewer)
    target_services.targets_save(
        target_set=draft,
        entries=[
            TargetEntry("369901", "retail", "growth", D("8")),
            TargetEntry("369903", "retail", "value", D("60")),  # a value: not the basis' terms
        ],
        user=reviewer,
        channel="grid",
    )
    target_services.target_set_publish(target_set=draft, user=reviewer)
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    results = {
        r.county.code: r
        for r in IndicatorResult.objects.filter(run=run, indicator=city["retail"]).select_related(
            "county"
        )
    }
    assert results["369901"].score == D("16.67")
    assert "8" in results["369901"].formula and "÷ 8" in results["369901"].formula
    assert results["369902"].score == D("40")
    # 369903's value target is not in the terms of a growth basis: the rule's 5% applies
    assert results["369903"].score == D("13.33")  # 40 × (2/5)/1.2


def test_the_rule_sets_warning_lines_decide_the_colours(city, targets):
    """东城区's retail is 40 points behind: red by default, yellow when the rule set draws the
    red line at 50 points."""
    from django.utils import timezone

    ruleset = city["ruleset"]
    ruleset.status, ruleset.published_at = "draft", None
    ruleset.save()
    ruleset.warning_rules = {"red_behind": 50}
    ruleset.status, ruleset.published_at = "published", timezone.now()
    ruleset.save()
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    retail = stored(run)[("369901", "retail")]
    assert (
        retail.ahead == D("-40")
        and retail.level == "yellow"
        and retail.reasons == ["behind", "below_city"]
    )


def test_the_board_and_the_profile_name_who_is_responsible(client, city, targets, reviewer):
    """责任分工: the county's leader in charge and contact, the indicator's lead department, on
    the warning board and the profile; changes to them are kept in the history."""
    from django.urls import reverse

    from indicators.models import Department

    county = city["counties"]["369901"]
    county.leader, county.leader_title = "王伟", "副县长"
    county.contact, county.contact_phone = "赵敏", "0812-1234567"
    county.save()
    retail = city["retail"]
    retail.lead_department = Department.objects.create(name="市商务局", name_en="Commerce Bureau")
    retail.save()
    retail.supporting_departments.add(Department.objects.get_or_create(name="市统计局")[0])
    services.ranking_recompute(period=city["october"], trigger="command")
    client.force_login(reviewer)
    board = client.get(reverse("warning_board"), {"period": "2026-10"}).content.decode()
    assert "分管：王伟" in board and "牵头单位：市商务局" in board
    profile = client.get(reverse("county_profile", args=["369901"]), {"year": 2026})
    body = profile.content.decode()
    assert "分管领导：王伟（副县长）" in body and "联系人：赵敏 0812-1234567" in body
    assert "<td>市商务局</td>" in body
    # kept in the history, with the earlier value
    assert [h.leader for h in county.history.order_by("history_date")][-1] == "王伟"
    county.leader = "陈静"
    county.save()
    assert [h.leader for h in county.history.order_by("history_date")][-2:] == ["王伟", "陈静"]
    supporting = retail.history.latest().supporting_departments.all()
    assert [d.department.name for d in supporting] == ["市统计局"]


def test_an_exempted_indicator_is_neither_measured_nor_warned_and_scores_pro_rata(city, targets):
    """东城区 is exempted from retail (不考核): no progress row, no warning on it, while the
    city's retail figure still adds up every county's; its retail points are its gdp points
    rate times retail's weight (按其余指标得分率折算)."""
    ruleset = city["ruleset"]
    # a published rule set's fields are read-only through save(): set the policy as stored
    RuleSet._base_manager.filter(pk=ruleset.pk).update(
        missing_data_rules={"exemptions": "pro_rata"}
    )
    ExemptionFactory(ruleset=ruleset, county=city["counties"]["369901"], indicator=city["retail"])
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    rows = stored(run)
    assert ("369901", "retail") not in rows
    assert ("369901", "gdp") in rows and ("369902", "retail") in rows
    assert rows[("city", "retail")].value == D("218")  # every county's figure, as before
    results = {
        r.indicator.code: r
        for r in IndicatorResult.objects.filter(run=run, county__code="369901").select_related(
            "indicator"
        )
    }
    assert results["retail"].flags == ["exempt"]
    assert results["retail"].score == (D("40") * results["gdp"].score / D("60")).quantize(D("0.01"))
