"""The demo city: reproducible generation, idempotent loading, and the facts the demo promises."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from counties import demo
from counties.models import Submission, SubmissionValue, default_deadline
from indicators.models import RuleSet
from indicators.scoring.rules import parse_rules

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_city.json"
LOADED_MODELS = [
    "auth.group", "auth.user", "indicators.category", "indicators.indicator", "counties.county",
    "counties.period", "counties.countymembership", "counties.departmentmembership",
    "indicators.ruleset",
    "indicators.rulesetcategory", "indicators.rulesetindicator", "counties.exemption",
    "targets.targetset",
    "targets.target", "targets.schedule", "counties.submission", "counties.submissionvalue",
]  # fmt: skip


class City:
    """The fixture objects indexed for the checks below (no database)."""

    def __init__(self, objects: list[dict]) -> None:
        self.by_model: dict[str, dict] = defaultdict(dict)
        for n, obj in enumerate(objects):
            self.by_model[obj["model"]][obj.get("pk", n)] = obj["fields"]
        self.counties = self.by_model["counties.county"]
        self.indicators = self.by_model["indicators.indicator"]
        self.periods = self.by_model["counties.period"]
        self.submissions = self.by_model["counties.submission"]
        self.values = self.by_model["counties.submissionvalue"]
        self.latest_pk = max(self.periods, key=lambda pk: self.key(pk))

    def key(self, period_pk: int) -> tuple[int, int]:
        p = self.periods[period_pk]
        return p["year"], p["month"]

    def county_pk(self, name: str) -> int:
        return next(pk for pk, c in self.counties.items() if c["name"] == name)

    def rows(self):
        """(county name, (year, month), indicator fields, value fields) for every value."""
        for v in self.values.values():
            s = self.submissions[v["submission"]]
            yield (
                self.counties[s["county"]]["name"],
                self.key(s["period"]),
                self.indicators[v["indicator"]],
                v,
            )

    def growth_rows(self):
        """Year-on-year growth in percent of every filled flow and stock value."""
        for county, period, ind, v in self.rows():
            if ind["kind"] != "rate" and v.get("value") is not None:
                growth = (Decimal(v["value"]) / Decimal(v["prior_value"]) - 1) * 100
                yield county, period, ind["code"], float(growth), v


@pytest.fixture(scope="module")
def city() -> City:
    return City(json.loads(FIXTURE.read_text(encoding="utf-8")))


# ------------------------------------------------------------------------------ generation


def test_same_seed_gives_the_same_bytes():
    assert demo.dump_fixture(demo.build_demo_city(7)) == demo.dump_fixture(demo.build_demo_city(7))


def test_committed_fixture_is_seed_2025():
    """fixtures/demo_city.json is what `make_demo_city --seed 2025` writes: regenerate after
    changing the generator."""
    assert FIXTURE.read_text(encoding="utf-8") == demo.dump_fixture(demo.build_demo_city(2025))


def test_make_demo_city_writes_the_file(tmp_path):
    out = tmp_path / "city.json"
    call_command("make_demo_city", seed=2025, out=out, stdout=io.StringIO())
    assert out.read_bytes() == FIXTURE.read_bytes()


def test_other_seed_changes_values_but_not_the_shape(city):
    other = City(demo.build_demo_city(2026))
    assert {m: rows.keys() for m, rows in other.by_model.items() if m != "auth.user"} == {
        m: rows.keys() for m, rows in city.by_model.items() if m != "auth.user"
    }
    changed = sum(other.values[pk].get("value") != v.get("value") for pk, v in city.values.items())
    assert changed > 0.9 * len(city.values)
    assert (
        other.by_model["indicators.rulesetindicator"]
        == city.by_model["indicators.rulesetindicator"]
    )


# --------------------------------------------------------------------------------- loading


@pytest.mark.django_db
def test_loading_twice_keeps_the_same_valid_rows():
    call_command("load_demo_city", verbosity=0, force=True)
    first = {m: apps.get_model(m).objects.count() for m in LOADED_MODELS}
    call_command("load_demo_city", verbosity=0, force=True)
    second = {m: apps.get_model(m).objects.count() for m in LOADED_MODELS}
    assert first == second
    assert first["counties.county"] == 12
    assert first["counties.submissionvalue"] > 9000
    assert first["auth.user"] == 7  # four roles and two department reporters
    for model in LOADED_MODELS[2:-1]:
        for obj in apps.get_model(model).objects.all():
            obj.full_clean()
    share_values = SubmissionValue.objects.filter(indicator__is_share=True)
    assert not share_values.filter(value__gt=100).exists()
    assert not share_values.filter(value__lt=0).exists()
    outlier = SubmissionValue.objects.get(
        submission__county__name="双溪县",
        submission__period__year=2026,
        submission__period__month=10,
        indicator__code="fixed_investment",
    )
    assert outlier.growth > 150 and outlier.note == ""
    assert outlier.submission.status == Submission.Status.SUBMITTED
    assert RuleSet.objects.filter(status="published").count() == 3
    # 12 counties and the city, but the four districts on rural income (不考核)
    assert first["targets.target"] == 13 * len(demo.RULES) - 4
    assert not SubmissionValue.objects.filter(
        submission__county__kind="district",
        submission__period__year=2026,
        indicator__code="rural_income",
    ).exists()


@pytest.mark.django_db
def test_loading_next_to_an_existing_superuser_updates_it():
    get_user_model().objects.create_superuser("admin", "root@example.com", "other")
    get_user_model().objects.create_user("someone_else")
    call_command("load_demo_city", verbosity=0, force=True)
    assert get_user_model().objects.count() == 8
    for username, *_names, group, _county in demo.USERS:
        # django-axes checks every sign-in against its lockouts, which needs the request
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password=demo.password_for(username))
        assert user is not None, username
        assert user.is_staff == user.is_superuser == (username == "admin")
        assert list(user.groups.values_list("name", flat=True)) == [group]
    finance = get_user_model().objects.get(username="finance")
    assert [m.department.name for m in finance.department_memberships.all()] == ["市财政局"]
    reporter_a = get_user_model().objects.get(username="reporter_a")
    assert [m.county.kind for m in reporter_a.county_memberships.all()] == ["district"]
    reporter_b = get_user_model().objects.get(username="reporter_b")
    assert [m.county.kind for m in reporter_b.county_memberships.all()] == ["county"]


@pytest.mark.django_db
def test_loading_outside_debug_is_refused_without_force():
    """pytest runs with DEBUG off, as production does: a real admin keeps its password."""
    get_user_model().objects.create_superuser("admin", "root@example.com", "real-password")
    with pytest.raises(CommandError, match="overwrite the passwords.*--force"):
        call_command("load_demo_city", verbosity=0)
    request = RequestFactory().post("/accounts/login/")  # django-axes needs the request
    assert authenticate(request, username="admin", password="real-password") is not None
    assert not get_user_model().objects.filter(username="reviewer").exists()


# ----------------------------------------------------------------------------------- facts


def test_twelve_counties_with_one_unranked_zone(city):
    counties = list(city.counties.values())
    assert Counter(c["kind"] for c in counties) == {
        "district": 4, "county": 6, "county_city": 1, "zone": 1
    }  # fmt: skip
    assert [c["kind"] for c in counties if c.get("is_ranked", True) is False] == ["zone"]
    assert all(len(c["code"]) == 6 and c["code"].startswith("3699") for c in counties)
    assert len({c["name"] for c in counties}) == len({c["code"] for c in counties}) == 12
    assert sorted(c["display_order"] for c in counties) == list(range(1, 13))


def test_indicators_cover_all_eight_categories(city):
    categories = city.by_model["indicators.category"]
    assert {c["code"] for c in categories.values()} == {
        "growth", "industry", "innovation", "business", "openness", "urban_rural", "ecology",
        "livelihood",
    }  # fmt: skip
    assert 22 <= len(city.indicators) <= 26
    assert {i["category"] for i in city.indicators.values()} == set(categories)
    lower = {i["code"] for i in city.indicators.values() if i["direction"] == "lower"}
    assert lower == {"energy_intensity", "unemployment"}
    assert {i["kind"] for i in city.indicators.values()} == {"flow", "stock", "rate"}


def test_each_rule_set_adds_up_at_both_levels(city):
    rulesets = city.by_model["indicators.ruleset"]
    assert sorted(r["year"] for r in rulesets.values()) == [2024, 2025, 2026]
    cats = city.by_model["indicators.rulesetcategory"]
    inds = city.by_model["indicators.rulesetindicator"]
    for rs_pk, rs in rulesets.items():
        assert rs["status"] == "published" and rs["published_at"]
        own_cats = {pk: c for pk, c in cats.items() if c["ruleset"] == rs_pk}
        assert len(own_cats) == 8
        assert sum(Decimal(c["weight"]) for c in own_cats.values()) == Decimal(rs["total_weight"])
        assert Decimal(rs["total_weight"]) == 100
        own_inds = [i for i in inds.values() if i["ruleset"] == rs_pk]
        assert len(own_inds) == len(city.indicators)
        for pk, c in own_cats.items():
            weights = [Decimal(i["weight"]) for i in own_inds if i["category"] == pk]
            assert sum(weights) == Decimal(c["weight"])
    weights_by_year = [
        [i["weight"] for i in inds.values() if i["ruleset"] == pk] for pk in sorted(rulesets)
    ]
    assert weights_by_year[0] != weights_by_year[1] != weights_by_year[2]


def _engine_rules(city: City, rs_pk: int) -> dict:
    """A rule set of the fixture as the engine's "scorecard-rules/1" dict."""
    rs = city.by_model["indicators.ruleset"][rs_pk]
    cat_code = {pk: c["code"] for pk, c in city.by_model["indicators.category"].items()}
    ind_code = {pk: i["code"] for pk, i in city.indicators.items()}
    rs_cats = {
        pk: cat_code[c["category"]]
        for pk, c in city.by_model["indicators.rulesetcategory"].items()
        if c["ruleset"] == rs_pk
    }
    categories = [
        {"code": code, "weight": Decimal(city.by_model["indicators.rulesetcategory"][pk]["weight"])}
        for pk, code in rs_cats.items()
    ]
    indicators = []
    for i in city.by_model["indicators.rulesetindicator"].values():
        if i["ruleset"] != rs_pk:
            continue
        basis = {"type": i["basis"]}
        if i["basis"] == "ratio":
            basis |= {"denominator": ind_code[i["denominator"]], "factor": Decimal(i["factor"])}
        indicators.append(
            {
                "code": ind_code[i["indicator"]],
                "category": rs_cats[i["category"]],
                "weight": Decimal(i["weight"]),
                "basis": basis,
                "direction": i["direction"],
                "decimals": i["decimals"],
                "method": i["method"],
                "params": i["params"],
                "frequency": i["frequency"],
            }
        )
    return {
        "format": "scorecard-rules/1",
        "name": rs["name"],
        "year": rs["year"],
        "version": rs["version"],
        "total": {"weight": Decimal(rs["total_weight"])},
        "categories": categories,
        "indicators": indicators,
        "bonus": {"bonus_cap": Decimal(rs["bonus_cap"]), "penalty_cap": Decimal(rs["penalty_cap"])},
        "improvement": rs.get("improvement"),
    }


def test_2026_exempts_the_urban_districts_from_rural_income(city):
    """不考核 from 2026 on: the four districts are not scored on rural residents' income, its
    weight going pro rata to their other indicators of the category."""
    rulesets = city.by_model["indicators.ruleset"]
    by_year = {rs["year"]: pk for pk, rs in rulesets.items()}
    exemptions = list(city.by_model["counties.exemption"].values())
    rural = next(pk for pk, i in city.indicators.items() if i["code"] == "rural_income")
    districts = {pk for pk, c in city.counties.items() if c["kind"] == "district"}
    assert len(districts) == 4
    assert {e["county"] for e in exemptions} == districts
    assert {(e["ruleset"], e["indicator"], e["reason"]) for e in exemptions} == {
        (by_year[2026], rural, "城区无农村常住人口")
    }
    assert rulesets[by_year[2026]]["missing_data_rules"] == {
        "exemptions": "pro_rata",
        "pro_rata_level": "category",
    }
    assert "missing_data_rules" not in rulesets[by_year[2025]]
    regions = Counter(c.get("region", "") for c in city.counties.values())
    assert regions == {"北部": 6, "南部": 5, "": 1}  # the zone is in no region


@pytest.mark.django_db
def test_the_loaded_demo_has_its_exemptions():
    from counties.models import County, Period
    from counties.selectors import exemptions_for_entry, exemptions_frame
    from indicators.selectors import ruleset_published_for_year

    call_command("load_demo_city", verbosity=0, force=True)
    ruleset = ruleset_published_for_year(2026)
    frame = exemptions_frame(ruleset)
    assert sorted(frame["county"]) == ["369902", "369903", "369904", "369905"]
    assert set(frame["indicator"]) == {"rural_income"}
    assert ruleset.exemptions.get(county__code="369902").history.count() == 1
    assert exemptions_frame(ruleset_published_for_year(2025)).empty
    october = Period.objects.get(year=2026, month=10)
    qingjiang = County.objects.get(code="369902")
    assert exemptions_for_entry(october, [qingjiang]) == {
        qingjiang.pk: {"rural_income": "城区无农村常住人口"}
    }


def test_rule_sets_pass_the_engine_validation(city):
    for rs_pk in city.by_model["indicators.ruleset"]:
        rules = parse_rules(_engine_rules(city, rs_pk))
        methods = {i.method for i in rules.indicators}
        assert methods >= {"rank_points", "efficacy", "stepped", "threshold_rank", "goalposts"}
        gdp = next(i for i in rules.indicators if i.code == "gdp")
        assert gdp.weight == 10 and gdp.params["target"] in (6.5, 7.0)
        rd = next(i for i in rules.indicators if i.code == "rd_spend")
        assert (rd.basis.type, rd.basis.denominator) == ("ratio", "gdp")
        energy = next(i for i in rules.indicators if i.code == "energy_intensity")
        assert (energy.direction, energy.frequency) == ("lower", "quarterly")
        assert (rules.improvement is not None) == (rules.year == 2026)


def test_periods_run_from_2024_to_2026_10_with_only_the_latest_open(city):
    keys = sorted(city.key(pk) for pk in city.periods)
    assert len(keys) == 34 and keys[0] == (2024, 1) and keys[-1] == (2026, 10)
    assert [city.key(pk) for pk, p in city.periods.items() if p["is_open"]] == [(2026, 10)]
    for p in city.periods.values():
        assert p["deadline"] == default_deadline(p["year"], p["month"]).isoformat()


def test_every_past_period_is_approved_except_one_missed_month(city):
    have = {(s["county"], s["period"]): s for s in city.submissions.values()}
    missing = []
    for period_pk in city.periods:
        if period_pk == city.latest_pk:
            continue
        for county_pk in city.counties:
            s = have.get((county_pk, period_pk))
            if s is None:
                missing.append((city.counties[county_pk]["name"], city.key(period_pk)))
            else:
                assert s["status"] == "approved" and s["submitted_at"] and s["reviewed_at"]
    assert missing == [("松源县", (2026, 8))]


def test_latest_period_mixes_statuses(city):
    latest = {
        city.counties[s["county"]]["name"]: s
        for s in city.submissions.values()
        if s["period"] == city.latest_pk
    }
    assert set(city.counties[pk]["name"] for pk in city.counties) - set(latest) == {"瑶山县"}
    statuses = Counter(s["status"] for s in latest.values())
    assert statuses["draft"] == 1 and statuses["returned"] == 1
    assert statuses["submitted"] + statuses["approved"] == 9
    assert statuses["submitted"] >= 1 and statuses["approved"] >= 6  # work for the reviewer
    returned = next(s for s in latest.values() if s["status"] == "returned")
    assert "重新报送" in returned["return_reason"]
    assert latest["青江区"]["status"] == "draft"  # reporter_a's county
    assert latest["丰桥县"]["status"] == "returned"  # reporter_b's county


def test_late_flag_matches_submission_time(city):
    late = 0
    for s in city.submissions.values():
        if not s.get("submitted_at"):
            continue
        deadline = dt.date.fromisoformat(city.periods[s["period"]]["deadline"])
        submitted = dt.datetime.fromisoformat(s["submitted_at"]).date()
        assert s.get("is_late", False) == (submitted > deadline)
        late += s.get("is_late", False)
    assert 3 <= late <= 15


def test_timestamps_are_ordered_and_not_in_the_future(city):
    today = dt.datetime(2026, 11, 25, tzinfo=demo.TZ)
    for s in city.submissions.values():
        stamps = [s["created_at"], s.get("submitted_at"), s.get("reviewed_at")]
        times = [dt.datetime.fromisoformat(t) for t in stamps if t]
        assert times == sorted(times) and times[-1] < today
        assert dt.datetime.fromisoformat(s["updated_at"]) >= times[-1]


def test_cumulative_flows_never_fall_within_a_year(city):
    series = defaultdict(list)
    for county, (year, month), ind, v in city.rows():
        if ind["kind"] == "flow" and v.get("value") is not None:
            series[(county, ind["code"], year)].append((month, Decimal(v["value"])))
    assert series
    for points in series.values():
        values = [value for _month, value in sorted(points)]
        assert values == sorted(values)


def test_prior_value_is_last_years_value(city):
    reported = {
        (county, period, ind["code"]): v.get("value") for county, period, ind, v in city.rows()
    }
    checked = 0
    for county, (year, month), ind, v in city.rows():
        last_year = reported.get((county, (year - 1, month), ind["code"]))
        if last_year is not None:
            assert v["prior_value"] == last_year
            checked += 1
    assert checked > 6000


def test_values_have_the_indicators_decimals(city):
    for _county, _period, ind, v in city.rows():
        for field in ("value", "prior_value"):
            if v.get(field) is not None:
                assert -Decimal(v[field]).as_tuple().exponent == ind["decimals"]
                assert Decimal(v[field]) > 0
                if ind.get("is_share"):
                    assert Decimal(v[field]) <= 100


def test_growth_stays_plausible_apart_from_one_planted_outlier(city):
    rows = list(city.growth_rows())
    outliers = [r for r in rows if abs(r[3]) > 50]
    assert [(c, p, code) for c, p, code, _g, _v in outliers] == [
        ("双溪县", (2026, 10), "fixed_investment")
    ]
    assert outliers[0][3] > 150 and not outliers[0][4].get("note")
    plausible = [r for r in rows if -5 <= r[3] <= 15]
    assert len(plausible) >= 0.95 * len(rows)
    gdp = [g for _c, _p, code, g, _v in rows if code == "gdp"]
    assert min(gdp) > -5 and max(gdp) < 15


def test_magnitudes_are_those_of_a_mid_sized_city(city):
    december = {
        (county, ind["code"]): Decimal(v["value"])
        for county, (year, month), ind, v in city.rows()
        if (year, month) == (2025, 12)
    }
    gdp = [value for (_county, code), value in december.items() if code == "gdp"]
    assert 140 <= min(gdp) and max(gdp) <= 620
    for county, code in december:
        if code == "rd_spend":
            intensity = december[(county, code)] / december[(county, "gdp")] * 100
            assert 0.8 < intensity < 5.5
        if code == "tax_revenue":
            assert december[(county, code)] < december[(county, "budget_revenue")]
        if code == "urban_income":
            assert december[(county, code)] > december[(county, "rural_income")]
