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


@pytest.mark.parametrize("use_copy", [True, False])
def test_columns_insert_stores_what_rows_insert_stores(city, monkeypatch, use_copy):
    """One table written column by column and row by row: the same stored rows, floats for a
    decimal column standing for the decimal their repr spells, NaN and infinities as NULL."""
    monkeypatch.setattr(bulk, "copy_supported", lambda: use_copy)
    run = services.ranking_recompute(period=city["september"], trigger="command").run
    indicator = IndicatorResult.objects.filter(run=run).first().indicator_id
    counties = [c.pk for c in city["counties"].values()]
    IndicatorResult.objects.filter(run=run).delete()
    awkward = 'a "quoted", comma\nnew line \\N 中文'
    columns = {
        "run_id": [run.pk] * 4,
        "county_id": counties,
        "indicator_id": [indicator] * 4,
        "value": [1.2346, float("nan"), None, -0.5],
        "prior_value": [Decimal("2.5000"), None, Decimal("-1"), Decimal("0")],
        "basis": [float("inf"), 12.345678, 0.1, None],
        "rank": [1, None, 3, None],
        "score": [0.0, 1e-05, 99.5, None],
        "flags": [[], ["missing"], ['odd "flag"', "x"], []],
        "formula": [awkward, "", "1 + 2 = 3", "\\N"],
        "gap_kind": ["next", "", "", "first"],
    }
    assert bulk.columns_insert(IndicatorResult, columns) == 4
    by_columns = _result_rows(run)
    IndicatorResult.objects.filter(run=run).delete()
    as_decimal = [
        None if v is None or v != v or v in (float("inf"), float("-inf")) else Decimal(repr(v))
        for v in columns["value"]
    ]
    rows = zip(
        *[as_decimal if name == "value" else values for name, values in columns.items()],
        strict=True,
    )
    basis = [None, Decimal("12.345678"), Decimal("0.1"), None]
    score = [Decimal("0.0"), Decimal("0.00001"), Decimal("99.5"), None]
    rows = [(*row[:5], basis[k], row[6], score[k], *row[8:]) for k, row in enumerate(rows)]
    assert bulk.rows_insert(IndicatorResult, list(columns), rows) == 4
    assert by_columns == _result_rows(run)
    stored = {r["county"]: r for r in by_columns}
    first = stored[counties[0]]
    assert first["value"] == Decimal("1.2346") and first["basis"] is None  # infinity: NULL
    assert stored[counties[1]]["value"] is None  # NaN: NULL
    assert stored[counties[1]]["score"] == Decimal("0.0000")  # 1e-05 rounds away at 4 places
    assert first["formula"] == awkward and stored[counties[2]]["flags"] == ['odd "flag"', "x"]


def _result_rows(run: RankingRun) -> list[dict]:
    return sorted(
        (
            {k: v for k, v in model_to_dict(row).items() if k not in ("id", "run")}
            for row in IndicatorResult.objects.filter(run=run)
        ),
        key=lambda r: r["county"],
    )


def test_columns_insert_refuses_columns_of_different_lengths(city):
    with pytest.raises(ValueError, match="different lengths"):
        bulk.columns_insert(CategoryResult, {"run_id": [1, 2], "county_id": [1]})
    assert bulk.columns_insert(CategoryResult, {"run_id": [], "county_id": []}) == 0


def test_a_recompute_writes_each_result_table_with_one_statement(city):
    """The run's rows go with one COPY per table, whatever the number of rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.ranking_recompute(period=city["september"], trigger="command")
    with CaptureQueriesContext(connection) as queries:
        run = services.ranking_recompute(period=city["october"], trigger="command", force=True).run
    statements = [q["sql"] for q in queries.captured_queries]
    copies = [s.split('"')[1] for s in statements if s.startswith("COPY ")]
    tables = [m._meta.db_table for m in RESULT_MODELS if m.objects.filter(run=run).exists()]
    assert sorted(copies) == sorted(tables) and len(copies) == len(set(copies))
    assert not any(s.startswith("INSERT INTO") and "result" in s for s in statements)


def test_code_ids_maps_every_code(city):
    from counties.models import County
    from indicators.models import Category, Indicator
    from rankings.services.writer import code_ids

    ids = code_ids()
    assert ids.counties == dict(County.objects.values_list("code", "id"))
    assert ids.indicators == dict(Indicator.objects.values_list("code", "id"))
    assert ids.categories == dict(Category.objects.values_list("code", "id"))
