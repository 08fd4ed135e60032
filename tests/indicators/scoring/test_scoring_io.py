"""Files in and out, and the offline `score_csv` command: one clear message per bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from indicators.scoring import (
    InputFileError,
    read_counties,
    read_rules,
    read_values,
    score_files,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
RULES = EXAMPLES / "worked_example.json"
VALUES = EXAMPLES / "worked_example_values.csv"
COUNTIES = EXAMPLES / "worked_example_counties.csv"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def values_with(tmp_path: Path, replace: tuple[str, str]) -> Path:
    return write(tmp_path, "values.csv", VALUES.read_text(encoding="utf-8").replace(*replace))


def test_read_values_parses_numbers_and_keeps_empty_values_as_missing():
    frame = read_values(VALUES)
    assert list(frame.columns) == ["county", "indicator", "period", "value", "prior_value"]
    assert frame["value"].isna().sum() == 1 and frame["county"].iloc[0] == "360102"


@pytest.mark.parametrize(
    "replace, message",
    [
        (("360121,revenue,2025-06,40,40", "360121,revenue,2025-06,4O,40"),
         "values.csv row 6 (line 7), column 'value': '4O' is not a number"),
        (("360122,gdp,2025-06,103,100", "360122,gdp,2025-06,103,abc"),
         "values.csv row 9 (line 10), column 'prior_value': 'abc' is not a number"),
        (("360122,gdp,2025-06", ",gdp,2025-06"),
         "values.csv row 9 (line 10), column 'county': is empty"),
        (("county,indicator,period,value", "county,indicator,month,value"),
         "values.csv, column 'period': missing column (the header has: county, indicator, month"),
    ],
)  # fmt: skip
def test_bad_values_file_names_file_row_and_column(tmp_path, replace, message):
    with pytest.raises(InputFileError) as info:
        read_values(values_with(tmp_path, replace))
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    "replace, message",
    [
        (("360122,gdp,2025-06,103,100", "360122,gdp,2025-13,103,100"),
         "values.csv row 9 (line 10), column 'period': \"2025-13\" is not a period"),
        (("360181,forest,2025-06,20.5,", "360181,energy,2025-06,1,"),
         "values.csv row 16 (line 17): duplicate row"),
        (("360181,forest", "999999,forest"),
         "values.csv row 16 (line 17), column 'county': county '999999' is not in the counties"),
    ],
)  # fmt: skip
def test_problems_found_while_scoring_name_the_file_too(tmp_path, replace, message):
    with pytest.raises(InputFileError) as info:
        score_files(RULES, values_with(tmp_path, replace), None, COUNTIES)
    assert str(info.value).startswith(message)


def test_bad_json_names_line_and_column(tmp_path):
    path = write(tmp_path, "rules.json", '{\n  "format": "scorecard-rules/1",\n  "year": 2025,,\n}')
    with pytest.raises(InputFileError, match=r"rules.json: not valid JSON at line 3, column 16"):
        read_rules(path)


def test_invalid_rules_file_names_the_file_and_the_field(tmp_path):
    d = json.loads(RULES.read_text(encoding="utf-8"))
    d["indicators"][2]["weight"] = 25
    path = write(tmp_path, "rules.json", json.dumps(d))
    with pytest.raises(InputFileError) as info:
        read_rules(path)
    assert str(info.value) == (
        'rules.json: invalid rule set: categories[1] "green": indicator weights add up to 45, '
        "not the category weight 40 (5 over)"
    )


def test_bad_counties_file(tmp_path):
    text = COUNTIES.read_text(encoding="utf-8").replace(
        "360122,南湖县,county,true", "360122,南湖县,county,maybe"
    )
    with pytest.raises(InputFileError, match=r"counties.csv row 3 \(line 4\), column 'ranked'"):
        read_counties(write(tmp_path, "counties.csv", text))
    text = COUNTIES.read_text(encoding="utf-8").replace("county_city", "city")
    with pytest.raises(InputFileError, match=r"counties.csv row 4 \(line 5\), column 'kind'"):
        score_files(RULES, VALUES, None, write(tmp_path, "counties.csv", text))


def test_missing_file():
    with pytest.raises(InputFileError, match=r"nope.csv: no such file"):
        read_values("nope.csv")


def test_score_files_writes_one_row_per_county_and_period(tmp_path):
    out = tmp_path / "scores.csv"
    score_files(RULES, VALUES, out, COUNTIES)
    written = pd.read_csv(out, dtype={"county": str}, encoding="utf-8-sig")
    assert written.columns.tolist() == [
        "period", "county", "name", "group", "ranked", "score.gdp", "score.revenue",
        "score.energy", "score.forest", "subtotal.growth", "subtotal.green", "bonus", "penalty",
        "improvement", "total", "rank", "rank_change", "tier", "flags", "indicator_flags",
    ]  # fmt: skip
    assert written["total"].tolist() == [88.52, 80.67, 62.89, 42.2]
    assert written["rank"].tolist() == [1, 2, 3, 4]
    assert written["name"].tolist() == ["东城区", "西山县", "南湖县", "北岭市"]
    assert written["indicator_flags"].iloc[3] == "revenue:invalid_base; energy:missing"


def test_bonuses_and_vetoes_through_files(tmp_path):
    bonuses = write(
        tmp_path, "bonuses.csv", "county,period,points,reason\n360122,2025-06,2,award\n"
    )
    _, wide = score_files(RULES, VALUES, None, COUNTIES, bonuses_path=bonuses, vetoes=["360102"])
    assert wide["total"].tolist() == [88.52, 80.67, 64.89, 42.2]
    assert wide["tier"].iloc[0] == "vetoed"


def test_a_vetoed_county_that_is_not_scored_is_a_typo_in_the_file_interface():
    with pytest.raises(InputFileError, match="--veto: vetoed county '360199' is not among"):
        score_files(RULES, VALUES, None, COUNTIES, vetoes=["360199"])


# ------------------------------------------------------------------------ the management command


@pytest.fixture
def django_ready():
    apps = pytest.importorskip("django.apps").apps
    if not apps.ready:
        pytest.skip("Django is not set up (run with pytest-django and scorecard.settings)")


def test_score_csv_command_writes_the_scores(django_ready, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "scores.csv"
    call_command(
        "score_csv", rules=str(RULES), values=str(VALUES), out=str(out), counties=str(COUNTIES)
    )
    written = pd.read_csv(out, dtype={"county": str}, encoding="utf-8-sig")
    assert written["total"].tolist() == [88.52, 80.67, 62.89, 42.2]


def test_score_csv_command_reproduces_the_hdi(django_ready, tmp_path):
    from django.core.management import call_command

    data = Path(__file__).resolve().parents[3] / "tests" / "data"
    out = tmp_path / "hdi.csv"
    call_command(
        "score_csv",
        "--rules", str(EXAMPLES / "hdi_2022.json"),
        "--values", str(data / "hdi_2022_values.csv"),
        "--out", str(out),
    )  # fmt: skip
    written = pd.read_csv(out, encoding="utf-8-sig").set_index("county")
    published = pd.read_csv(data / "hdi_2022.csv").set_index("iso3")
    assert (written.loc[published.index, "total"] == published["published_hdi"]).all()
    assert (written.loc[published.index, "rank"] == published["published_rank"]).all()


def test_score_csv_command_fails_with_one_clear_message(django_ready, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = values_with(tmp_path, ("360121,revenue,2025-06,40,40", "360121,revenue,2025-06,x,40"))
    with pytest.raises(CommandError) as info:
        call_command("score_csv", rules=str(RULES), values=str(bad), out=str(tmp_path / "o.csv"))
    assert str(info.value) == "values.csv row 6 (line 7), column 'value': 'x' is not a number"
    assert not (tmp_path / "o.csv").exists()
