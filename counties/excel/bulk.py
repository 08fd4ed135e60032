"""Reading a whole period for many counties: the statistics bureau's import (an all-counties
workbook with a sheet per county, or a long table of county, indicator, value, prior value and
note as .xlsx or .csv) and a department's workbook of its indicators for every county.

Every problem is located by sheet, row and column, as for a county's own upload.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext as _

from indicators.models import Indicator

from .. import selectors
from ..models import County, Period
from ..validation import Entry
from .layout import PERIOD_LIMITS, Problem, Upload
from .reading import FIELDS, entry_of, header_label, read_upload
from .template import current_entries_many


def county_lookup(counties: Iterable[County]) -> dict[str, str]:
    """Division codes and names (as typed, and as compared) to division codes."""
    found: dict[str, str] = {}
    for county in counties:
        for key in (county.code, county.name, county.name_en):
            if key:
                found[unicodedata.normalize("NFKC", key).strip()] = county.code
                found[header_label(key)] = county.code
    return found


def read_many_counties(
    *,
    period: Period,
    data: bytes,
    filename: str,
    indicators: list[Indicator],
    counties: list[County],
) -> Upload:
    """A file of many counties' figures for the period, read and located (no validation of the
    figures yet: the bulk services check them as the form does). Counties the file does not
    name are left alone; a file naming no county is refused."""
    upload = read_upload(
        data,
        filename,
        indicators={ind.code: ind.name for ind in indicators},
        csv_county=None,
        period_key=period.key,
        limits=PERIOD_LIMITS,
        counties=county_lookup(counties),
    )
    if upload.refused:
        return upload
    _keep_what_the_file_lacks(upload, period=period, indicators=indicators, counties=counties)
    known = {c.code for c in counties}
    for sheet in upload.sheets:
        if sheet.county_code is not None and sheet.county_code not in known:
            row, column = sheet.county_at or (None, "")
            upload.problems.append(
                Problem(
                    _("行政区划代码 %(code)s 不是本市启用的县区。") % {"code": sheet.county_code},
                    sheet.name,
                    row,
                    column,
                )
            )
    if not upload.entries and not upload.problems:
        upload.problems.append(
            Problem(
                _(
                    "文件中没有县区数据：请使用“各县区填报模板”（每个县区一个工作表），"
                    "或每行一个县区和指标的明细表（县区、指标代码、本年累计、上年同期、说明）。"
                )
            )
        )
    return upload


def _keep_what_the_file_lacks(
    upload: Upload, *, period: Period, indicators: list[Indicator], counties: list[County]
) -> None:
    """Where a sheet lacks the prior-value or note column (a CSV of values alone), the stored
    figures (or last year's, as the form offers them) stand for them: read only then, for the
    counties concerned."""
    partial = {
        sheet.county_code
        for sheet in upload.sheets
        if sheet.county_code in upload.entries
        and any(set(FIELDS) - set(row.columns) for row in sheet.rows.values())
    }
    if not partial:
        return
    wanted = [c for c in counties if c.code in partial]
    current = current_entries_many(counties=wanted, period=period, indicators=indicators)
    for county in wanted:
        kept = current[county.pk]
        rows = {
            code: row
            for sheet in upload.sheets
            if sheet.county_code == county.code
            for code, row in sheet.rows.items()
        }
        upload.entries[county.code] = {
            code: entry_of(rows[code], kept.get(code)) if code in rows else entry
            for code, entry in upload.entries[county.code].items()
        }


def read_period_upload(*, period: Period, data: bytes, filename: str) -> Upload:
    """The statistics bureau's file of a whole month, for every county it names."""
    counties = list(County.objects.filter(is_active=True).order_by("display_order", "code"))
    indicators = selectors.indicators_for_entry(period)
    return read_many_counties(
        period=period, data=data, filename=filename, indicators=indicators, counties=counties
    )


def entries_only(upload: Upload, codes: set[str]) -> dict[str, dict[str, Entry]]:
    """The upload's entries restricted to these indicator codes (a department's workbook may
    carry the other indicators' rows read-only)."""
    return {
        county: {code: entry for code, entry in found.items() if code in codes}
        for county, found in upload.entries.items()
    }
