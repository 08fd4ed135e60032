"""Rule sets for the editor, import/export and API tests."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from indicators.models import RuleSet
from tests.factories import (
    CategoryFactory,
    IndicatorFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
)

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def catalogue_for(data: dict) -> None:
    """Catalogue entries with the codes and names that a rule-set dict uses."""
    for item in data["categories"]:
        CategoryFactory(code=item["code"], name=item.get("name", item["code"]))
    for item in data["indicators"]:
        IndicatorFactory(
            code=item["code"],
            name=item.get("name", item["code"]),
            category=CategoryFactory(code=item["category"]),
        )


def build_ruleset(*, published: bool, year: int = 2026, version: int = 1):
    """Two categories (growth 60: gdp 40 + retail 20; green 40: forest 40)."""
    growth = CategoryFactory(code="growth", name="主要经济指标", display_order=1)
    green = CategoryFactory(code="green", name="生态环境", display_order=2)
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth)
    retail = IndicatorFactory(code="retail", name="社会消费品零售总额", category=growth)
    forest = IndicatorFactory(code="forest", name="森林覆盖率", category=green, unit="%")
    ruleset = RuleSetFactory(
        year=year,
        version=version,
        name=f"{year}年度县区经济发展考核办法",
        status="published" if published else "draft",
        published_at=timezone.now() if published else None,
        peer_groups={"by": "kind", "groups": {"urban": ["district"], "county": ["county"]}},
        improvement={"points_per_place": 0.5, "cap": 2},
        bonus_cap=Decimal("3"),
        penalty_cap=Decimal("4"),
    )
    rc_growth = RuleSetCategoryFactory(
        ruleset=ruleset, category=growth, weight=Decimal("60"), display_order=0
    )
    rc_green = RuleSetCategoryFactory(
        ruleset=ruleset, category=green, weight=Decimal("40"), display_order=1
    )
    for n, (indicator, rc, weight) in enumerate(
        ((gdp, rc_growth, "40"), (retail, rc_growth, "20"), (forest, rc_green, "40"))
    ):
        RuleSetIndicatorFactory(
            ruleset=ruleset,
            indicator=indicator,
            category=rc,
            weight=Decimal(weight),
            basis="value" if indicator is forest else "growth",
            decimals=1,
            method="goalposts" if indicator is forest else "rank_points",
            params={"lower": 20, "upper": 70} if indicator is forest else {"step": 0.1},
            display_order=n,
        )
    return ruleset


@pytest.fixture
def published_ruleset(db):
    return build_ruleset(published=True)


@pytest.fixture
def draft_ruleset(db):
    return build_ruleset(published=False)


@pytest.fixture
def demo_rulesets(db):
    """The demo city's catalogue, users and its three published rule sets (no submissions)."""
    from counties import demo

    objects = demo._reference_objects() + demo._ruleset_objects()
    for obj in serializers.deserialize("json", json.dumps(objects)):
        obj.save()
    models = [apps.get_model(m) for m in {o["model"] for o in objects}]
    with connection.cursor() as cursor:  # as loaddata does after rows with fixed keys
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return list(RuleSet.objects.order_by("year"))
