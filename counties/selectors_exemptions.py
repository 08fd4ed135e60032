"""Reads of the exemptions (不考核): which counties a rule set does not score on which
indicators, for the engine (a frame), a county's pages (code -> reason) and a period's entry
(the year's published rule set's, by county).

Re-exported by counties.selectors.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from django.db import connection
from django.db.models import Subquery

from indicators.models import RuleSet

from .models import County, Exemption, Period

EXEMPTION_COLUMNS = ["county", "indicator", "reason"]


def _ruleset_id(ruleset: RuleSet | int | None) -> int | None:
    return ruleset.pk if isinstance(ruleset, RuleSet) else ruleset


def exemptions_frame(ruleset: RuleSet | int | None) -> pd.DataFrame:
    """The rule set's exemptions as the engine takes them: county and indicator codes, with the
    reason, in display order. One plain SQL statement (engine_inputs runs it on every
    recompute); None or a rule set without any gives an empty frame with the columns."""
    ruleset_id = _ruleset_id(ruleset)
    rows: list[tuple] = []
    if ruleset_id is not None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.code, i.code, e.reason FROM counties_exemption e"
                " JOIN counties_county c ON c.id = e.county_id"
                " JOIN indicators_indicator i ON i.id = e.indicator_id"
                " WHERE e.ruleset_id = %s ORDER BY c.display_order, c.code, i.code",
                [ruleset_id],
            )
            rows = cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=EXEMPTION_COLUMNS).astype(object)


def exemptions_of(ruleset: RuleSet | int | None, county: County) -> dict[str, str]:
    """The indicators the rule set exempts the county from: indicator code -> reason."""
    ruleset_id = _ruleset_id(ruleset)
    if ruleset_id is None:
        return {}
    rows = Exemption.objects.filter(ruleset_id=ruleset_id, county=county).values_list(
        "indicator__code", "reason"
    )
    return dict(rows.order_by())


def exemptions_for_entry(period: Period, counties: Iterable[County]) -> dict[int, dict[str, str]]:
    """What the counties do not report for the period (不考核): the exemptions of the year's
    published rule set (its newest published version, the one that scores the period's
    ranking), by county id, then indicator code -> reason. One query; {} for a county without
    any."""
    newest = (
        RuleSet.objects.filter(year=period.year, status=RuleSet.Status.PUBLISHED)
        .order_by("-version")
        .values("pk")[:1]
    )
    rows = (
        Exemption.objects.filter(ruleset=Subquery(newest), county__in=[c.pk for c in counties])
        .values_list("county_id", "indicator__code", "reason")
        .order_by()
    )
    found: dict[int, dict[str, str]] = {}
    for county_id, code, reason in rows:
        found.setdefault(county_id, {})[code] = reason
    return found
