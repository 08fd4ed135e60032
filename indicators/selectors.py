"""Reads for the indicator catalogue and rule sets."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db.models import Count

from .models import RuleSet, RuleSetCategory, RuleSetIndicator
from .rules_json import category_entry, indicator_entry, rules_document
from .scoring.rules import MissingData


def ruleset_published_for_year(year: int) -> RuleSet | None:
    """The year's rule set that scores rankings: its newest published version."""
    return (
        RuleSet.objects.filter(year=year, status=RuleSet.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def ruleset_as_dict(ruleset: RuleSet) -> dict[str, Any]:
    """The rule set in the engine's JSON shape (docs/rules.md), ready for `parse_rules`.

    Categories and indicators come in their display order, which `ruleset_import` and
    `ruleset_update` set to their position in the JSON, so that a rule set exported after an
    import is the same document.
    """
    categories = list(
        RuleSetCategory.objects.filter(ruleset=ruleset)
        .select_related("category")
        .order_by("display_order", "category__display_order", "id")
    )
    rules = (
        RuleSetIndicator.objects.filter(ruleset=ruleset)
        .select_related("indicator", "denominator", "category__category")
        .order_by("display_order", "id")
    )
    # The improvement reward is stored as the engine's JSON object already.
    return rules_document(
        name=ruleset.name,
        year=ruleset.year,
        version=ruleset.version,
        total_weight=ruleset.total_weight,
        total_points=ruleset.total_points,
        total_aggregation=ruleset.total_aggregation,
        total_decimals=ruleset.total_decimals,
        indicator_decimals=ruleset.indicator_decimals,
        rank_on="rounded" if ruleset.rank_on_rounded else "unrounded",
        missing_share_max=ruleset.missing_share_max,
        tier_leading=ruleset.tier_leading_share,
        tier_lagging=ruleset.tier_lagging_share,
        peer_groups=ruleset.peer_groups,
        period_weights=ruleset.period_weights,
        bonus_cap=ruleset.bonus_cap,
        penalty_cap=ruleset.penalty_cap,
        improvement=ruleset.improvement,
        warnings=ruleset.warning_rules,
        bulletin=ruleset.bulletin_rules,
        missing_data=ruleset.missing_data_rules,
        categories=[
            category_entry(
                code=rc.category.code,
                name=rc.category.name,
                weight=rc.weight,
                aggregation=rc.aggregation,
                decimals=rc.decimals,
                missing=rc.missing,
            )
            for rc in categories
        ],
        indicators=[
            indicator_entry(
                code=ri.indicator.code,
                name=ri.indicator.name,
                category=ri.category.category.code,
                weight=ri.weight,
                basis=ri.basis,
                denominator=ri.denominator.code if ri.denominator is not None else None,
                factor=ri.factor,
                direction=ri.direction,
                decimals=ri.decimals,
                method=ri.method,
                params=ri.params,
                frequency=ri.frequency,
            )
            for ri in rules
        ],
    )


def ruleset_missing_policy(ruleset: RuleSet) -> MissingData:
    """What the rule set does with exemptions and missing values (its "missing_data", stored
    as the engine accepted it; the defaults where it sets none)."""
    stored = ruleset.missing_data_rules if isinstance(ruleset.missing_data_rules, dict) else {}
    return MissingData(**{k: v for k, v in stored.items() if k in MissingData.__dataclass_fields__})


def json_ready(value: Any) -> Any:
    """The rule-set dict with Decimals as JSON numbers: a stored Decimal has at most 12 digits,
    so its float prints back as the same digits (33.3 stays 33.3)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def ruleset_as_json(ruleset: RuleSet) -> str:
    """The rule-set JSON file that `manage.py score_csv --rules` reads."""
    return json.dumps(json_ready(ruleset_as_dict(ruleset)), ensure_ascii=False, indent=2) + "\n"


def rulesets_by_year() -> list[tuple[int, list[RuleSet]]]:
    """Every rule set, newest year first, each year's versions newest first."""
    rulesets = (
        RuleSet.objects.select_related("published_by")
        .annotate(n_indicators=Count("indicators"))
        .order_by("-year", "-version")
    )
    # ranking runs scored with each set (the reverse relation of rankings.RankingRun), counted
    # in a query of its own so that the two counts do not multiply each other's joins
    runs = dict(RuleSet.objects.annotate(n=Count("ranking_runs")).values_list("pk", "n"))
    years: dict[int, list[RuleSet]] = {}
    for ruleset in rulesets:
        ruleset.n_runs = runs.get(ruleset.pk, 0)
        years.setdefault(ruleset.year, []).append(ruleset)
    return list(years.items())


def ruleset_run_count(ruleset: RuleSet) -> int:
    """How many ranking runs this rule set has scored (rankings.RankingRun's reverse relation)."""
    return RuleSet.objects.filter(pk=ruleset.pk).aggregate(n=Count("ranking_runs"))["n"] or 0


def ruleset_latest() -> RuleSet | None:
    """What "clone last year's" starts from: the latest year's newest published version (else
    the newest rule set of all)."""
    newest = RuleSet.objects.order_by("-year", "-version")
    return newest.filter(status=RuleSet.Status.PUBLISHED).first() or newest.first()
