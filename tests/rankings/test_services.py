"""Recompute: results stored per county and indicator, idempotent, atomic switch of 'current'."""

from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from rankings import selectors, services
from rankings.models import BonusItem, CountyResult, IndicatorResult, RankingRun, Veto
from rankings.services import recompute

pytestmark = pytest.mark.django_db


def current_table(period) -> dict[str, tuple]:
    run = selectors.run_current(period)
    return {
        r.county.code: (r.total, r.rank, r.tier, r.flags)
        for r in CountyResult.objects.filter(run=run).select_related("county")
    }


def test_recompute_stores_a_complete_current_ranking(city):
    outcome = services.ranking_recompute(period=city["october"], trigger="command")
    assert outcome.status == "computed"
    run = outcome.run
    assert run.is_current and run.status == "succeeded"
    assert run.ruleset == city["ruleset"]
    assert len(run.input_checksum) == 64
    table = current_table(city["october"])
    # gdp (60 points, step 10%): 10.0% -> 1st 60, 5.0% -> 2nd 54, 2.0% -> 3rd 48
    # retail (40 points): 10.0% -> 1st 40, 4.0% -> 2nd 36, 2.0% -> 3rd 32
    assert table["369901"][0] == Decimal("96")
    assert table["369902"][0] == Decimal("94")
    assert table["369903"][0] == Decimal("80")
    assert [table[c][1] for c in ("369901", "369902", "369903")] == [1, 2, 3]
    assert table["369971"][1] is None  # the zone is scored but never ranked
    assert "not_ranked" in table["369971"][3]
    assert IndicatorResult.objects.filter(run=run).count() == 8
    gdp = IndicatorResult.objects.get(run=run, county__code="369901", indicator__code="gdp")
    assert gdp.basis == Decimal("10") and gdp.rank == 1 and gdp.score == Decimal("60")


def test_recompute_stores_each_gap_to_the_next_place(city):
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    rows = {
        (r.county.code, r.indicator.code): r
        for r in IndicatorResult.objects.filter(run=run).select_related("county", "indicator")
    }
    # 西城区 grows 5.0 % on gdp, second: 10.0 % (110 on a base of 100) ties 东城区 for first,
    # +6 points (54 -> 60), total 94 -> 100, first overall
    west = rows[("369902", "gdp")]
    assert (west.gap_basis, west.gap_value) == (Decimal("10"), Decimal("110"))
    assert (west.gap_rank, west.gap_points, west.gap_total_rank) == (1, Decimal("6"), 1)
    # 南山县 needs 西城区's 5.0 %: +6 points, still third overall
    south = rows[("369903", "gdp")]
    assert (south.gap_basis, south.gap_rank, south.gap_points) == (Decimal("5"), 2, Decimal("6"))
    assert south.gap_total_rank == 3
    # the leader of an indicator, and the unranked zone, have no gap
    assert rows[("369902", "retail")].gap_basis is None
    assert rows[("369971", "gdp")].gap_basis is None


def test_same_inputs_write_nothing(city):
    first = services.ranking_recompute(period=city["october"], trigger="command")
    again = services.ranking_recompute(period=city["october"], trigger="nightly")
    assert again.status == "unchanged"
    assert again.run == first.run
    assert RankingRun.objects.count() == 1


def test_changed_value_gives_a_new_current_run(city):
    first = services.ranking_recompute(period=city["october"], trigger="command").run
    value = city["gdp"].values.get(
        submission__county__code="369903", submission__period=city["october"]
    )
    value.value = Decimal("120")  # +20.0%: now first on GDP
    value.save()
    second = services.ranking_recompute(period=city["october"], trigger="approval").run
    assert second.pk != first.pk and second.input_checksum != first.input_checksum
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert current_table(city["october"])["369903"][1] == 1


def test_a_failed_run_leaves_the_previous_ranking_intact(city):
    first = services.ranking_recompute(period=city["october"], trigger="command").run
    before = current_table(city["october"])
    BonusItem.objects.create(
        county=city["counties"]["369903"],
        period=city["october"],
        points=Decimal("2"),
        reason="招商引资重大项目",
    )
    with (
        mock.patch.object(recompute, "_write_run", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.ranking_recompute(period=city["october"], trigger="command")
    assert selectors.run_current(city["october"]) == first
    assert current_table(city["october"]) == before
    failed = RankingRun.objects.get(status="failed")
    assert "disk full" in failed.error and not failed.is_current
    assert CountyResult.objects.filter(run=failed).count() == 0


def test_only_approved_submissions_count(city):
    submission = city["counties"]["369901"].submissions.get(period=city["october"])
    submission.status = "submitted"
    submission.save()
    services.ranking_recompute(period=city["october"], trigger="command")
    total, rank, tier, flags = current_table(city["october"])["369901"]
    assert total is None and rank is None
    assert "incomplete" in flags


def test_no_published_rules_means_no_run(city):
    city["ruleset"].status = "draft"
    city["ruleset"].save()
    outcome = services.ranking_recompute(period=city["october"], trigger="command")
    assert outcome.status == "no_rules"
    assert not RankingRun.objects.exists()


def test_bonus_and_veto_reach_the_stored_ranking(city):
    BonusItem.objects.create(
        county=city["counties"]["369902"],
        period=city["october"],
        points=Decimal("3"),
        reason="获国务院督查激励",
    )
    Veto.objects.create(county=city["counties"]["369901"], year=2026, reason="统计造假")
    services.ranking_recompute(period=city["october"], trigger="command")
    table = current_table(city["october"])
    assert table["369902"][0] == Decimal("97")
    assert table["369902"][1] == 1
    assert "vetoed" in table["369901"][3]
    assert table["369901"][2] == "vetoed"


def test_rank_change_against_the_month_before(city):
    services.ranking_recompute(period=city["september"], trigger="command")
    value = city["gdp"].values.get(
        submission__county__code="369903", submission__period=city["october"]
    )
    value.value = Decimal("120")
    value.save()
    services.ranking_recompute(period=city["october"], trigger="command")
    run = selectors.run_current(city["october"])
    changes = dict(CountyResult.objects.filter(run=run).values_list("county__code", "rank_change"))
    assert changes["369903"] == 2  # third in September, first in October


def test_recompute_year_runs_months_in_order(city):
    outcomes = services.rankings_recompute_year(year=2026, trigger="nightly")
    assert [o.status for o in outcomes] == ["computed", "computed"]
    assert [o.run.period.month for o in outcomes] == [9, 10]


def test_recompute_is_recorded_with_its_rule_version_and_trigger(city, reviewer):
    run = services.ranking_recompute(period=city["october"], trigger="approval", user=reviewer).run
    assert run.triggered_by == reviewer and run.trigger == "approval"
    assert run.finished_at >= run.started_at and run.finished_at <= timezone.now()
    assert run.counties_scored == 4


def test_reviewer_publishes_the_current_run(city, reviewer):
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    published = services.ranking_publish(run=run, user=reviewer)
    assert published.is_published and published.published_by == reviewer


@pytest.mark.parametrize("who", ["reporter_a", "leader"])
def test_only_reviewers_and_admins_publish(request, city, who):
    from django.core.exceptions import PermissionDenied

    run = services.ranking_recompute(period=city["october"], trigger="command").run
    with pytest.raises(PermissionDenied):
        services.ranking_publish(run=run, user=request.getfixturevalue(who))
    run.refresh_from_db()
    assert not run.is_published


def test_a_superseded_run_cannot_be_published(city, reviewer):
    from django.core.exceptions import ValidationError

    old = services.ranking_recompute(period=city["october"], trigger="command").run
    services.ranking_recompute(period=city["october"], trigger="command", force=True)
    old.refresh_from_db()
    with pytest.raises(ValidationError):
        services.ranking_publish(run=old, user=reviewer)


def test_county_users_keep_seeing_the_published_run_after_a_recompute(
    city, reviewer, reporter_a, leader
):
    published = services.ranking_recompute(period=city["october"], trigger="command").run
    services.ranking_publish(run=published, user=reviewer)
    value = city["gdp"].values.get(
        submission__county__code="369903", submission__period=city["october"]
    )
    value.value = Decimal("120")
    value.save()
    newer = services.ranking_recompute(period=city["october"], trigger="approval").run
    assert selectors.run_visible(city["october"], reporter_a) == published
    assert selectors.run_visible(city["october"], leader) == newer
