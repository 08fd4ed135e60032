"""Files in and out: rule-set JSON, values / counties / bonuses / targets CSV, the scores CSV.

Every problem raises InputFileError with one message naming the file and, where it applies, the
row (data rows counted from 1, the header being line 1, so row n is line n + 1) and the column.
CSV files are read as UTF-8 with or without a byte-order mark; the scores CSV is written with one
(utf-8-sig) so that spreadsheet programs show Chinese names correctly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .engine import ScoreResult, score
from .grid import ScoringInputError
from .parsing import parse_rules
from .progress import schedule_from_text
from .rules import Rules, RulesError

TRUE = {"true", "1", "yes", "y", "t", "是"}
FALSE = {"false", "0", "no", "n", "f", "否"}


class InputFileError(ValueError):
    def __init__(
        self, path: str | Path, problem: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.path, self.problem, self.row, self.column = str(path), problem, row, column
        where = Path(path).name if path else "--veto"
        if row is not None:
            where += f" row {row} (line {row + 1})"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {problem}")


def read_rules(path: str | Path) -> Rules:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputFileError(path, f"cannot read the file ({e.strerror})") from e
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputFileError(
            path, f"not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}"
        ) from e
    try:
        return parse_rules(data)
    except RulesError as e:
        raise InputFileError(path, str(e)) from e


def _read_csv(path: str | Path, required: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True
        )
    except FileNotFoundError as e:
        raise InputFileError(path, "no such file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputFileError(path, f"cannot read the file as UTF-8 CSV ({e})") from e
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputFileError(path, f"not a valid CSV file: {str(e).strip()}") from e
    frame.columns = [str(c).strip() for c in frame.columns]
    for col in required:
        if col not in frame.columns:
            have = ", ".join(frame.columns)
            raise InputFileError(path, f"missing column (the header has: {have})", column=col)
    for col in frame.columns:
        frame[col] = frame[col].str.strip()
    return frame


def _number_column(frame: pd.DataFrame, path: str | Path, col: str, required: bool) -> None:
    text = frame[col]
    blank = text == ""
    numbers = pd.to_numeric(text.where(~blank, None), errors="coerce")
    bad = numbers.isna() & ~blank
    if required:
        bad |= blank
    if bad.any():
        k = int(np.argmax(bad.to_numpy()))
        raw = text.iloc[k]
        problem = "is empty" if raw == "" else f"{raw!r} is not a number"
        raise InputFileError(path, problem, row=k + 1, column=col)
    frame[col] = numbers.astype(float)


def _text_column(frame: pd.DataFrame, path: str | Path, col: str) -> None:
    blank = frame[col] == ""
    if blank.any():
        raise InputFileError(path, "is empty", row=int(np.argmax(blank.to_numpy())) + 1, column=col)


def read_values(path: str | Path) -> pd.DataFrame:
    """county, indicator, period, value[, prior_value]; empty value = not reported (missing)."""
    frame = _read_csv(path, ("county", "indicator", "period", "value"))
    for col in ("county", "indicator", "period"):
        _text_column(frame, path, col)
    _number_column(frame, path, "value", required=False)
    if "prior_value" in frame.columns:
        _number_column(frame, path, "prior_value", required=False)
    return frame


def read_counties(path: str | Path) -> pd.DataFrame:
    """county[, name, kind, ranked, ...]; ranked is true/false (also 1/0, yes/no, 是/否; empty:
    true). Other columns are kept: the rules may impute by one of them (e.g. region)."""
    frame = _read_csv(path, ("county",))
    _text_column(frame, path, "county")
    if "ranked" in frame.columns:
        values = []
        for k, raw in enumerate(frame["ranked"]):
            low = raw.lower()
            if low in TRUE or low == "":
                values.append(True)
            elif low in FALSE:
                values.append(False)
            else:
                raise InputFileError(
                    path, f"{raw!r} is not true or false", row=k + 1, column="ranked"
                )
        frame["ranked"] = values
    return frame


def read_bonuses(path: str | Path) -> pd.DataFrame:
    """county, period, points[, reason]: positive points are bonuses, negative ones penalties."""
    frame = _read_csv(path, ("county", "period", "points"))
    for col in ("county", "period"):
        _text_column(frame, path, col)
    _number_column(frame, path, "points", required=True)
    return frame


def read_targets(path: str | Path) -> pd.DataFrame:
    """county, indicator, target[, schedule]: each county's own annual target, in the terms of
    the indicator's basis (growth in percent, or a value), and how it falls due: cumulative
    percents "20/45/70/100" by quarter or twelve by month, empty for month/12. The schedule
    column becomes twelve shares of 1 (or None), as score() takes it."""
    frame = _read_csv(path, ("county", "indicator", "target"))
    for col in ("county", "indicator"):
        _text_column(frame, path, col)
    _number_column(frame, path, "target", required=True)
    if "schedule" in frame.columns:
        shares = []
        for k, text in enumerate(frame["schedule"]):
            try:
                shares.append(schedule_from_text(text))
            except ValueError as e:
                raise InputFileError(path, str(e), row=k + 1, column="schedule") from e
        frame["schedule"] = pd.Series(shares, index=frame.index, dtype=object)
    return frame


def read_exemptions(path: str | Path) -> pd.DataFrame:
    """county, indicator[, reason]: the counties exempted from indicators (不考核)."""
    frame = _read_csv(path, ("county", "indicator"))
    for col in ("county", "indicator"):
        _text_column(frame, path, col)
    dup = frame.duplicated(["county", "indicator"])
    if dup.any():
        row = int(np.argmax(dup.to_numpy())) + 1
        raise InputFileError(path, "duplicate row: this county and indicator appear twice", row=row)
    return frame


def wide_table(result: ScoreResult) -> pd.DataFrame:
    """One row per (period, county): indicator scores `score.<code>`, category subtotals
    `subtotal.<code>`, then bonus, penalty, improvement, total, rank, rank_change, tier, flags and
    indicator_flags ("energy:missing; revenue:invalid_base; grain:exempt"); with a rule set whose
    categories treat missing values, category_flags ("rural:imputed")."""
    counties = result.counties
    n = len(counties)
    ind_codes = [i.code for i in result.rules.indicators]
    cat_codes = [c.code for c in result.rules.categories]
    scores = result.indicators["score"].to_numpy().reshape(n, len(ind_codes))
    subtotals = result.categories["subtotal"].to_numpy().reshape(n, len(cat_codes))
    columns: dict[str, object] = {
        "period": counties["period"].astype(str).to_numpy(),
        "county": counties["county"].astype(str).to_numpy(),
        "name": counties["name"].to_numpy(),
        "group": counties["group"].astype(object).to_numpy(),
        "ranked": counties["ranked"].to_numpy(),
    }
    for k, code in enumerate(ind_codes):
        columns[f"score.{code}"] = scores[:, k]
    for k, code in enumerate(cat_codes):
        columns[f"subtotal.{code}"] = subtotals[:, k]
    for col in (
        "bonus", "penalty", "improvement", "total", "rank", "rank_change", "tier", "flags"
    ):  # fmt: skip
        columns[col] = counties[col].to_numpy()
    columns["indicator_flags"] = _item_flags(result.indicators, "indicator", n, len(ind_codes))
    if result.rules.treats_missing:
        columns["category_flags"] = _item_flags(result.categories, "category", n, len(cat_codes))
    wide = pd.DataFrame(columns)
    for col in ("rank", "rank_change"):
        wide[col] = wide[col].astype("Int64")
    return wide


def _item_flags(frame: pd.DataFrame, key: str, n_rows: int, n_items: int) -> np.ndarray:
    """Per (period, county): "code:flag; ..." for the items (indicators or categories) flagged
    missing, invalid_base, exempt or imputed."""
    out = np.full(n_rows, "", dtype=object)
    flags = frame["flags"].astype(str)
    hit = flags.str.contains("missing|invalid_base|exempt|imputed", regex=True).to_numpy()
    if hit.any():
        rows = np.flatnonzero(hit)
        codes = frame[key].to_numpy()[rows]
        labels = flags.to_numpy()[rows]
        text = pd.Series(
            [f"{c}:{f.replace(',not_ranked', '')}" for c, f in zip(codes, labels, strict=True)]
        )
        joined = text.groupby(rows // n_items).agg("; ".join)
        out[joined.index.to_numpy()] = joined.to_numpy()
    return out


def score_files(
    rules_path: str | Path,
    values_path: str | Path,
    out_path: str | Path | None = None,
    counties_path: str | Path | None = None,
    *,
    bonuses_path: str | Path | None = None,
    vetoes: Iterable[str] = (),
    targets_path: str | Path | None = None,
    exemptions_path: str | Path | None = None,
) -> tuple[ScoreResult, pd.DataFrame]:
    """Read the files, score, and write the wide table to out_path (if given)."""
    rules = read_rules(rules_path)
    values = read_values(values_path)
    counties = read_counties(counties_path) if counties_path else None
    bonuses = read_bonuses(bonuses_path) if bonuses_path else None
    targets = read_targets(targets_path) if targets_path else None
    exemptions = read_exemptions(exemptions_path) if exemptions_path else None
    files = {
        "exemptions": exemptions_path,
        "values": values_path,
        "counties": counties_path,
        "bonuses": bonuses_path,
        "targets": targets_path,
    }
    vetoes = list(vetoes)
    known = set(counties["county"]) if counties is not None else set(values["county"])
    for code in vetoes:
        if code not in known:
            raise InputFileError("", f"vetoed county {code!r} is not among the counties scored")
    for frame, path in ((targets, targets_path), (exemptions, exemptions_path)):
        if frame is not None and path:  # an unknown county in a file is a typo
            unknown = ~frame["county"].isin(known).to_numpy()
            if unknown.any():
                k = int(np.argmax(unknown))
                code = frame["county"].iloc[k]
                problem = f"county {code!r} is not among the counties scored"
                raise InputFileError(path, problem, row=k + 1, column="county")
    if exemptions is not None and exemptions_path:  # so is an indicator the rules do not score
        scored = {i.code for i in rules.indicators}
        unknown = ~exemptions["indicator"].isin(scored).to_numpy()
        if unknown.any():
            k = int(np.argmax(unknown))
            code = exemptions["indicator"].iloc[k]
            problem = f"indicator {code!r} is not scored by the rules"
            raise InputFileError(exemptions_path, problem, row=k + 1, column="indicator")
    try:
        result = score(
            values,
            rules,
            counties,
            bonuses=bonuses,
            vetoes=vetoes,
            targets=targets,
            exemptions=exemptions,
        )
    except ScoringInputError as e:
        raise InputFileError(files.get(e.table) or e.table, e.problem, e.row, e.column) from e
    wide = wide_table(result)
    if out_path is not None:
        try:
            wide.to_csv(out_path, index=False, encoding="utf-8-sig")
        except OSError as e:
            raise InputFileError(out_path, f"cannot write the file ({e.strerror})") from e
    return result, wide
