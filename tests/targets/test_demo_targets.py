"""The demo city's 2026 targets: complete, with valid schedules and sums that add up, and the
warnings the demo promises in 2026-10 (a county red on investment, one on track everywhere,
counties on both sides of the calendar)."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from counties import demo
from counties.models import Exemption
from indicators.models import RuleSetIndicator
from rankings.models import ProgressResult
from targets import selectors
from targets.models import Schedule, Target, TargetSet
from targets.schedules import check_shares, spread_quarters
from tests.rankings.conftest import demo_city  # noqa: F401 - the demo loaded and scored

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_city.json"
STAR, (LAGGARD, INVESTMENT) = demo.STAR, demo.LAGGARD


@pytest.fixture(scope="module")
def objects() -> dict[str, dict]:
    """The committed fixture's objects by model and key."""
    by_model: dict[str, dict] = {}
    for obj in json.loads(FIXTURE.read_text(encoding="utf-8")):
        by_model.setdefault(obj["model"], {})[obj.get("pk")] = obj["fields"]
    return by_model


def _rules_2026(objects: dict) -> dict[int, dict]:
    """The 2026 rule set's indicators by indicator key."""
    ruleset = next(
        pk for pk, r in objects["indicators.ruleset"].items() if r["year"] == demo.TARGETS_YEAR
    )
    return {
        i["indicator"]: i
        for i in objects["indicators.rulesetindicator"].values()
        if i["ruleset"] == ruleset
    }


def test_one_published_target_set_for_2026_by_the_admin(objects):
    sets = list(objects["targets.targetset"].values())
    assert len(sets) == 1
    (target_set,) = sets
    assert (target_set["year"], target_set["version"], target_set["status"]) == (
        2026,
        1,
        "published",
    )
    assert target_set["published_by"] == ["admin"]
    assert target_set["created_at"] < target_set["published_at"] < "2026-04"


def test_every_county_and_the_city_have_a_target_for_every_scored_indicator(objects):
    scored = set(_rules_2026(objects))
    have = Counter((t.get("county"), t["indicator"]) for t in objects["targets.target"].values())
    counties = set(objects["counties.county"]) | {None}
    # but where the 2026 method exempts the county (不考核): the districts' rural income
    exempt = {(e["county"], e["indicator"]) for e in objects["counties.exemption"].values()}
    assert exempt and len({i for _c, i in exempt}) == 1
    assert set(have) == {(c, i) for c in counties for i in scored} - exempt
    assert set(have.values()) == {1}
    ranked = [pk for pk, c in objects["counties.county"].items() if c.get("is_ranked", True)]
    assert len(ranked) == 11


def test_target_kinds_follow_what_the_rule_set_judges(objects):
    """Growth targets for flows whose growth is scored (GDP, investment, retail …), value
    targets for revenue, trade, counts and rates; growth targets in percent within reason."""
    indicators = objects["indicators.indicator"]
    basis = {pk: i["basis"] for pk, i in _rules_2026(objects).items()}
    kinds: dict[str, set[str]] = {}
    for t in objects["targets.target"].values():
        code = indicators[t["indicator"]]["code"]
        kinds.setdefault(code, set()).add(t["kind"])
        if t["kind"] == Target.Kind.GROWTH:
            assert indicators[t["indicator"]]["kind"] == "flow"
            assert basis[t["indicator"]] == RuleSetIndicator.Basis.GROWTH
            assert Decimal("1") <= Decimal(t["value"]) <= Decimal("15"), (code, t)
        else:
            assert Decimal(t["value"]) > 0
            if indicators[t["indicator"]].get("is_share"):
                assert Decimal(t["value"]) <= 100
    assert all(len(k) == 1 for k in kinds.values())  # the city's kind is the counties'
    growth = {code for code, k in kinds.items() if k == {"growth"}}
    assert {"gdp", "industry_va", "fixed_investment", "retail_sales"} <= growth
    assert {"budget_revenue", "trade", "fdi", "hitech_firms", "energy_intensity"}.isdisjoint(growth)
    city_gdp = next(
        t
        for t in objects["targets.target"].values()
        if t.get("county") is None and indicators[t["indicator"]]["code"] == "gdp"
    )
    assert Decimal(city_gdp["value"]) == Decimal("6.5")


def test_schedules_add_up_to_the_whole_target_by_december(objects):
    indicators = objects["indicators.indicator"]
    schedules = {
        indicators[s["indicator"]]["code"]: s for s in objects["targets.schedule"].values()
    }
    assert set(schedules) == {"fixed_investment", "budget_revenue"}
    for schedule in schedules.values():
        shares = [Decimal(str(x)) for x in schedule["shares"]]
        check_shares(shares)
        assert shares[-1] == 100
        assert schedule.get("county") is None  # one split for every county
        assert indicators[schedule["indicator"]]["kind"] == "flow"
    investment = [Decimal(str(x)) for x in schedules["fixed_investment"]["shares"]]
    assert investment == spread_quarters([Decimal(q) for q in (20, 45, 70, 100)])
    revenue = schedules["budget_revenue"]["shares"]
    assert revenue[2] > 25 and revenue[5] > 50  # front-loaded: ahead of month/12


@pytest.mark.django_db
def test_loading_gives_targets_a_first_record_and_sums_that_add_up():
    call_command("load_demo_city", verbosity=0, force=True)
    call_command("load_demo_city", verbosity=0, force=True)  # again: no second first record
    target_set = selectors.published_target_set(2026)
    assert target_set is not None and target_set.published_by.username == "admin"
    for model in (TargetSet, Target, Schedule):
        rows = model.objects.count()
        assert rows and model.history.count() == rows, model
        assert set(model.history.values_list("history_change_reason", flat=True)) == {"demo"}
    assert selectors.sum_mismatches(target_set) == []
    assert set(selectors.target_indicators(2026)) == set(
        target_set.targets.values_list("indicator__code", flat=True)
    )


@pytest.mark.django_db
def test_october_2026_has_a_red_investment_an_on_track_county_and_both_sides(demo_city):  # noqa: F811
    october = next(r for r in demo_city if r.period.key == "2026-10")
    assert october.target_set is not None and october.target_set.year == 2026
    rows = list(
        ProgressResult.objects.filter(run=october, county__isnull=False)
        .exclude(target_kind="")
        .select_related("county", "indicator")
    )
    assert rows
    red_investment = {
        r.county.code for r in rows if r.indicator.code == INVESTMENT and r.level == "red"
    }
    assert LAGGARD in red_investment
    laggard = next(r for r in rows if (r.county.code, r.indicator.code) == (LAGGARD, INVESTMENT))
    assert laggard.ahead < -5 and "far_behind" in laggard.reasons

    by_county: dict[str, list[ProgressResult]] = {}
    for r in rows:
        by_county.setdefault(r.county.code, []).append(r)
    on_track = {code for code, own in by_county.items() if all(r.level == "green" for r in own)}
    assert STAR in on_track
    # every indicator with a target, but those the county is exempted from (不考核): an urban
    # district has no rural income to chase
    exempted = set(
        Exemption.objects.filter(ruleset=october.ruleset, county__code=STAR).values_list(
            "indicator__code", flat=True
        )
    )
    assert {r.indicator.code for r in by_county[STAR]} == set(
        selectors.target_indicators(2026)
    ) - exempted
    assert all(r.ahead >= 0 for r in by_county[STAR])

    aheads = [r.ahead for r in rows if r.ahead is not None]
    assert any(a > 0 for a in aheads) and any(a < 0 for a in aheads)
    # most are close to the calendar, a few clearly behind
    close = [a for a in aheads if abs(a) <= 3]
    assert len(close) >= 0.6 * len(aheads)
    assert sum(a < -5 for a in aheads) >= 3
    levels = Counter(r.level for r in rows)
    assert levels["green"] and levels["yellow"] and levels["red"]


def test_targets_follow_the_seed():
    """Another seed sets other figures on the same cells; the same seed the same bytes."""
    first = [o for o in demo.build_demo_city(7) if o["model"].startswith("targets.")]
    again = [o for o in demo.build_demo_city(7) if o["model"].startswith("targets.")]
    other = [o for o in demo.build_demo_city(8) if o["model"].startswith("targets.")]
    assert first == again
    assert [o.get("pk") for o in first] == [o.get("pk") for o in other]
    assert first != other
