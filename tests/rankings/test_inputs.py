"""What the engine reads (rankings.selectors.inputs): the counties with their imputation region,
the rule set's exemptions (不考核), passed to every engine call; and a recompute that stores the
engine's "exempt" flag for an exempted county's indicator."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counties.models import County
from indicators.scoring import parse_rules
from indicators.selectors import ruleset_as_dict
from rankings import services
from rankings.models import IndicatorResult
from rankings.selectors.inputs import counties_frame, engine_inputs
from rankings.services.recompute import inputs_checksum
from tests.factories import ExemptionFactory, RuleSetFactory

REASON = "城区无农村常住人口"


@pytest.fixture
def exempted(city):
    """西城区 (369902) is exempted from retail sales by the published rule set; so is a county
    no longer active (left out: the engine knows only the active counties)."""
    County.objects.filter(code="369903").update(region="南部")
    County.objects.filter(code__in=["369901", "369902"]).update(region="北部")
    ExemptionFactory(
        ruleset=city["ruleset"],
        county=city["counties"]["369902"],
        indicator=city["retail"],
        reason=REASON,
    )
    closed = County.objects.create(code="369930", name="旧县", name_en="Old", kind="county")
    ExemptionFactory(ruleset=city["ruleset"], county=closed, indicator=city["retail"])
    County.objects.filter(pk=closed.pk).update(is_active=False)
    return city


def rules_of(ruleset):
    return parse_rules(ruleset_as_dict(ruleset))


def test_the_counties_carry_their_region(exempted):
    frame = counties_frame().set_index("county")
    assert "region" in frame.columns
    assert frame.loc["369901", "region"] == "北部"
    assert frame.loc["369903", "region"] == "南部"
    assert frame.loc["369971", "region"] == ""  # in no group


def test_engine_inputs_carry_the_rule_sets_exemptions_of_active_counties(exempted):
    city = exempted
    rules = rules_of(city["ruleset"])
    inputs = engine_inputs(city["october"], rules, ruleset=city["ruleset"])
    assert inputs.exemptions.values.tolist() == [["369902", "retail", REASON]]
    assert inputs.as_kwargs()["exemptions"] is inputs.exemptions
    assert "region" in inputs.counties.columns
    # another rule set's (a draft's) exemptions are its own; none at all is None
    draft = RuleSetFactory(year=2026)
    assert engine_inputs(city["october"], rules, ruleset=draft).exemptions is None
    assert engine_inputs(city["october"], rules, ruleset=None).as_kwargs()["exemptions"] is None


def test_engine_inputs_take_one_more_statement_for_the_exemptions(exempted):
    city = exempted
    rules = rules_of(city["ruleset"])
    with CaptureQueriesContext(connection) as without:
        engine_inputs(city["october"], rules, ruleset=None)
    with CaptureQueriesContext(connection) as with_them:
        engine_inputs(city["october"], rules, ruleset=city["ruleset"])
    assert len(with_them) == len(without) + 1


def test_the_checksum_follows_exemptions_and_regions_but_keeps_its_old_value_without(city):
    rules = rules_of(city["ruleset"])
    plain = engine_inputs(city["october"], rules, ruleset=city["ruleset"])

    def checksum(inputs, **extra):
        return inputs_checksum(
            rules=ruleset_as_dict(city["ruleset"]),
            values=inputs.values,
            counties=inputs.counties,
            bonuses=inputs.bonuses,
            vetoes=inputs.vetoes,
            previous_ranks=inputs.previous_ranks,
            base_ranks=inputs.base_ranks,
            **extra,
        )

    without_region = plain.counties.drop(columns=["region"])
    before = inputs_checksum(
        rules=ruleset_as_dict(city["ruleset"]),
        values=plain.values,
        counties=without_region,
        bonuses=plain.bonuses,
        vetoes=plain.vetoes,
        previous_ranks=plain.previous_ranks,
        base_ranks=plain.base_ranks,
    )
    assert checksum(plain, exemptions=None) == before  # no regions, no exemptions: as before
    ExemptionFactory(
        ruleset=city["ruleset"], county=city["counties"]["369902"], indicator=city["retail"]
    )
    exempt = engine_inputs(city["october"], rules, ruleset=city["ruleset"])
    assert checksum(exempt, exemptions=exempt.exemptions) != before
    County.objects.filter(code="369901").update(region="北部")
    regional = engine_inputs(city["october"], rules, ruleset=city["ruleset"])
    assert checksum(regional) != before


def test_a_recompute_stores_the_exempt_flag_of_the_exempted_indicator(exempted):
    city = exempted
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    flags = {
        (r.county.code, r.indicator.code): r.flags
        for r in IndicatorResult.objects.filter(run=run).select_related("county", "indicator")
    }
    assert "exempt" in flags[("369902", "retail")]
    assert "exempt" not in flags[("369902", "gdp")]
    assert "exempt" not in flags[("369901", "retail")]
    # the county is still ranked: its category is scored on its other indicator
    result = run.county_results.get(county__code="369902")
    assert result.rank is not None and result.total is not None
    assert result.total > Decimal(0)


def test_the_whatif_preview_reads_the_edited_rule_sets_exemptions(exempted, admin_user):
    from indicators.services import ruleset_new_version
    from rankings.selectors.whatif import ranking_whatif

    city = exempted
    draft = ruleset_new_version(source=city["ruleset"], user=admin_user)
    draft.exemptions.all().delete()  # the draft scores 西城区 on retail sales again
    published = ranking_whatif(
        rules=ruleset_as_dict(city["ruleset"]), period=city["october"], ruleset=city["ruleset"]
    )
    edited = ranking_whatif(rules=ruleset_as_dict(draft), period=city["october"], ruleset=draft)
    before = {r.county.code: r.preview_total for r in published.rows}
    after = {r.county.code: r.preview_total for r in edited.rows}
    assert before["369902"] != after["369902"]  # the draft scores retail sales again
