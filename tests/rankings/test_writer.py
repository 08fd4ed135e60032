"""The recompute's writer: result rows written with COPY (PostgreSQL) are exactly what the ORM's
bulk_create stores (the path SQLite takes)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from rankings import services
from rankings.models import (
    AnnualResult,
    CategoryResult,
    CountyResult,
    IndicatorReference,
    IndicatorResult,
    ProgressResult,
    RankingRun,
)
from scorecard import bulk

pytestmark = pytest.mark.django_db

RESULT_MODELS = (
    CountyResult,
    CategoryResult,
    IndicatorResult,
    IndicatorReference,
    AnnualResult,
    ProgressResult,
)


def _stored(run: RankingRun) -> dict[str, list[dict]]:
    """Every result row of a run, without its id and run, in a stable order."""
    out = {}
    for model in RESULT_MODELS:
        rows = [
            {k: v for k, v in model_to_dict(row).items() if k not in ("id", "run")}
            for row in model.objects.filter(run=run).order_by("id")
        ]
        out[model.__name__] = sorted(rows, key=repr)
    return out


@pytest.fixture
def weighted(city, targets):
    """The city with targets and a rule set that weighs September and October (a year so far)."""
    from django.utils import timezone

    ruleset = city["ruleset"]  # withdrawn while unused, weighted, published again
    ruleset.status, ruleset.published_at = "draft", None
    ruleset.save()
    ruleset.period_weights = {"9": 40, "10": 60}
    ruleset.status, ruleset.published_at = "published", timezone.now()
    ruleset.save()
    return city


def test_copy_and_bulk_create_store_the_same_rows(weighted, monkeypatch):
    assert bulk.copy_supported()  # the suite runs on PostgreSQL
    period = weighted["october"]
    services.ranking_recompute(period=weighted["september"], trigger="command")
    copied = services.ranking_recompute(period=period, trigger="command", force=True).run
    monkeypatch.setattr(bulk, "copy_supported", lambda: False)
    created = services.ranking_recompute(period=period, trigger="command", force=True).run
    first, second = _stored(copied), _stored(created)
    assert all(first[model.__name__] for model in RESULT_MODELS)  # rows in every table
    assert first == second


@pytest.mark.parametrize("use_copy", [True, False])
def test_text_json_and_nulls_survive_the_round_trip(city, monkeypatch, use_copy):
    monkeypatch.setattr(bulk, "copy_supported", lambda: use_copy)
    run = services.ranking_recompute(period=city["september"], trigger="command").run
    county = city["counties"]["369901"]
    CountyResult.objects.filter(run=run, county=county).delete()
    awkward = 'a "quoted", comma\nnew line \\N \\. 中文'
    written = bulk.rows_insert(
        CountyResult,
        ["run_id", "county_id", "base_total", "bonus", "penalty", "improvement", "vetoed"]
        + ["total", "rank", "tier", "peer_group", "flags", "total_formula"]
        + ["improvement_formula"],
        [
            (
                run.pk,
                county.pk,
                None,
                Decimal("1.2500"),
                -0.5,
                Decimal(0),
                True,
                None,
                3,
                "",
                "\\N",
                ["missing", 'odd "flag"'],
                awkward,
                "",
            )
        ],
    )
    assert written == 1
    row = CountyResult.objects.get(run=run, county=county)
    assert row.base_total is None and row.total is None  # NULL, not an empty text
    assert row.bonus == Decimal("1.25") and row.penalty == Decimal("-0.5")
    assert row.vetoed is True and row.rank == 3
    assert row.tier == "" and row.peer_group == "\\N"  # an empty text and a text "\N"
    assert row.flags == ["missing", 'odd "flag"']
    assert row.total_formula == awkward


def test_no_rows_writes_nothing(city):
    before = CountyResult.objects.count()
    assert bulk.rows_insert(CountyResult, ["run_id", "county_id"], []) == 0
    assert CountyResult.objects.count() == before
    assert connection.vendor == "postgresql"
