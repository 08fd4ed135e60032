"""Reads for counties and submissions. Every query starts from what the user may see (access)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from indicators.models import WHOLE_UNITS, Indicator, RuleSetIndicator

from .access import AnyUser, counties_visible_to, submissions_visible_to
from .models import County, Period, Submission, SubmissionValue
from .selectors_exemptions import exemptions_for_entry as exemptions_for_entry
from .selectors_exemptions import exemptions_frame as exemptions_frame
from .selectors_exemptions import exemptions_of as exemptions_of
from .validation import Entry, IndicatorContext


@dataclass(frozen=True)
class StatusCell:
    period: Period
    submission: Submission | None  # None: nothing reported yet

    @property
    def overdue(self) -> int:
        """Days past the deadline the county still owes the period (0: on time or sent)."""
        return self.period.days_overdue(self.submission)


@dataclass(frozen=True)
class StatusRow:
    county: County
    cells: list[StatusCell]  # one per period, in the order asked


def period_latest() -> Period | None:
    """The most recent period that has begun (its month is the latest one set up)."""
    return Period.objects.order_by("-year", "-month").first()


def periods_recent(limit: int = 6) -> list[Period]:
    return list(Period.objects.order_by("-year", "-month")[:limit])


def submission_status_board(*, user: AnyUser, periods: list[Period]) -> list[StatusRow]:
    """Counties the user may see x the given periods, with each submission or None.

    Two queries whatever the number of counties and periods.
    """
    counties = list(counties_visible_to(user).order_by("display_order", "code"))
    submissions = Submission.objects.filter(county__in=counties, period__in=periods).only(
        "id", "county_id", "period_id", "status", "is_late", "submitted_at", "reviewed_at"
    )
    by_key = {(s.county_id, s.period_id): s for s in submissions}
    return [
        StatusRow(county=c, cells=[StatusCell(p, by_key.get((c.id, p.id))) for p in periods])
        for c in counties
    ]


def period_status_counts(*, user: AnyUser, period: Period) -> dict[str, int]:
    """How many visible counties are in each status for a period ('missing' for no submission)."""
    counties = counties_visible_to(user)
    counts = Submission.objects.filter(county__in=counties, period=period).aggregate(
        **{status: Count("id", filter=Q(status=status)) for status in Submission.Status.values}
    )
    counts["missing"] = counties.count() - sum(counts.values())
    return counts


def submission_for(county: County, period: Period) -> Submission | None:
    return Submission.objects.filter(county=county, period=period).first()


def indicators_for_entry(period: Period) -> list[Indicator]:
    """The indicators a county reports for a period: the year's published rule set's, plus the
    denominators its ratios need; without a rule set, every active indicator."""
    from indicators.selectors import ruleset_published_for_year

    ruleset = ruleset_published_for_year(period.year)
    queryset = Indicator.objects.filter(is_active=True)
    if ruleset is not None:
        ids = set(ruleset.indicators.values_list("indicator_id", flat=True))
        ids |= set(
            ruleset.indicators.exclude(denominator=None).values_list("denominator_id", flat=True)
        )
        queryset = Indicator.objects.filter(id__in=ids)
    return list(
        queryset.select_related("category", "department").order_by(
            "category__display_order", "display_order", "code"
        )
    )


def scored_indicator_ids(period: Period) -> set[int]:
    """The indicators the year's rule set scores in this month: a quarterly indicator only in
    March, June, September and December."""
    from indicators.selectors import ruleset_published_for_year

    ruleset = ruleset_published_for_year(period.year)
    if ruleset is None:
        return set()
    rules = ruleset.indicators.all()
    if period.month % 3:
        rules = rules.exclude(frequency=RuleSetIndicator.Frequency.QUARTERLY)
    return set(rules.values_list("indicator_id", flat=True))


def off_month_indicator_ids(period: Period) -> set[int]:
    """Quarterly indicators of the year's rule set that this month does not score."""
    from indicators.selectors import ruleset_published_for_year

    ruleset = ruleset_published_for_year(period.year)
    if ruleset is None or period.month % 3 == 0:
        return set()
    return set(
        ruleset.indicators.filter(frequency=RuleSetIndicator.Frequency.QUARTERLY).values_list(
            "indicator_id", flat=True
        )
    )


def entry_contexts(
    *, county: County, period: Period, indicators: list[Indicator]
) -> dict[str, IndicatorContext]:
    """What the entry checks need per indicator: last month's figures, the county's range for
    this month in past years, and whether the year's rule set exempts it (不考核)."""
    return entry_contexts_many(counties=[county], period=period, indicators=indicators)[county.pk]


def entry_contexts_many(
    *, counties: list[County], period: Period, indicators: list[Indicator]
) -> dict[int, dict[str, IndicatorContext]]:
    """entry_contexts for many counties at once (by county id): the same few queries whatever
    the number of counties and indicators, so that a province month checks in one go."""
    margin = Decimal(settings.OUTLIER_BAND_MARGIN)
    scored = scored_indicator_ids(period)
    off_month = off_month_indicator_ids(period)
    county_ids = [c.pk for c in counties]
    indicator_ids = [ind.pk for ind in indicators]
    last_month: dict[tuple[int, int], tuple[Decimal | None, Decimal | None]] = {}
    if period.month > 1:
        rows = SubmissionValue.objects.filter(
            submission__county_id__in=county_ids,
            submission__period__year=period.year,
            submission__period__month=period.month - 1,
            indicator_id__in=indicator_ids,
        ).values_list("submission__county_id", "indicator_id", "value", "prior_value")
        last_month = {(c, i): (v, p) for c, i, v, p in rows.order_by()}
    history = (
        SubmissionValue.objects.filter(
            submission__county_id__in=county_ids,
            submission__period__month=period.month,
            submission__period__year__lt=period.year,
            submission__status=Submission.Status.APPROVED,
            indicator_id__in=indicator_ids,
            value__isnull=False,
        )
        .values("submission__county_id", "indicator_id")
        .annotate(low=Min("value"), high=Max("value"))
        .order_by()
    )
    bands = {}
    for row in history:
        low, high = row["low"], row["high"]
        spread = max(abs(low), abs(high)) * margin
        bands[(row["submission__county_id"], row["indicator_id"])] = (
            low - spread,
            high + spread,
        )
    described = [
        IndicatorContext(
            code=ind.code,
            name=ind.display_name,
            unit=ind.get_unit_display(),
            kind=ind.kind,
            can_be_negative=ind.can_be_negative,
            is_share=ind.is_share,
            scored=ind.id in scored,
            decimals=ind.decimals,
            off_month=ind.id in off_month,
            whole=ind.unit in WHOLE_UNITS or ind.decimals == 0,
        )
        for ind in indicators
    ]
    exempt = exemptions_for_entry(period, counties)
    result: dict[int, dict[str, IndicatorContext]] = {}
    for county_id in county_ids:
        contexts = {}
        reasons = exempt.get(county_id, {})
        for ind, fixed in zip(indicators, described, strict=True):
            value, prior = last_month.get((county_id, ind.id), (None, None))
            band = bands.get((county_id, ind.id))
            contexts[ind.code] = (
                replace(fixed, last_month_value=value, last_month_prior=prior, band=band)
                if value is not None or prior is not None or band is not None
                else fixed
            )
            if ind.code in reasons:
                contexts[ind.code] = replace(contexts[ind.code], exemption=reasons[ind.code])
        result[county_id] = contexts
    return result


def last_year_values(*, county: County, period: Period) -> dict[int, Decimal]:
    """Last year's approved value for the same month: the default 'same period last year'."""
    return last_year_values_many(counties=[county], period=period).get(county.pk, {})


def last_year_values_many(
    *, counties: list[County], period: Period
) -> dict[int, dict[int, Decimal]]:
    """last_year_values of many counties in one query: by county id, then indicator id."""
    rows = SubmissionValue.objects.filter(
        submission__county_id__in=[c.pk for c in counties],
        submission__period__year=period.year - 1,
        submission__period__month=period.month,
        submission__status=Submission.Status.APPROVED,
        value__isnull=False,
    ).values_list("submission__county_id", "indicator_id", "value")
    found: dict[int, dict[int, Decimal]] = {}
    for county_id, indicator_id, value in rows.order_by():
        if value is not None:
            found.setdefault(county_id, {})[indicator_id] = value
    return found


def submissions_of_period(*, counties: list[County], period: Period) -> dict[int, Submission]:
    """The period's submissions of these counties, by county id."""
    return {
        s.county_id: s
        for s in Submission.objects.filter(county__in=counties, period=period).order_by()
    }


def department_stamp(values: Mapping[int, StoredValue], indicator_ids: list[int]) -> str:
    """A short fingerprint of a county's stored figures on a department's indicators: what the
    department grid records when it is shown and compares when it is saved, so that only a
    change to those figures (not the county's save of its own) makes the grid stale."""
    digest = hashlib.sha256()
    for indicator_id in sorted(indicator_ids):
        row = values.get(indicator_id)
        parts = (None, None, "") if row is None else (row.value, row.prior_value, row.note)
        digest.update(repr((indicator_id, *[_canonical(p) for p in parts])).encode())
    return digest.hexdigest()[:16]


def _canonical(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return "" if value is None else str(value)


@dataclass
class DepartmentGridRow:
    """One county's row of a department's grid: its figures on the department's indicators,
    the stamp they were read at, and whether the department may still change them."""

    county: County
    submission: Submission | None
    entries: dict[str, Entry]
    stamp: str
    editable: bool


def department_grid(
    *, period: Period, indicators: list[Indicator], counties: list[County]
) -> list[DepartmentGridRow]:
    """Every county's figures on these indicators for the period (stored, or last year's approved
    value as the default prior value), in a few queries."""
    from .excel.template import current_entries_many

    submissions = submissions_of_period(counties=counties, period=period)
    stored = values_of_submissions(list(submissions.values()))
    current = current_entries_many(counties=counties, period=period, indicators=indicators)
    ids = [ind.pk for ind in indicators]
    rows = []
    for county in counties:
        submission = submissions.get(county.pk)
        values = stored.get(submission.pk, {}) if submission else {}
        rows.append(
            DepartmentGridRow(
                county=county,
                submission=submission,
                entries=current[county.pk],
                stamp=department_stamp(values, ids),
                editable=period.accepts_entries()
                and (submission is None or submission.status != Submission.Status.APPROVED),
            )
        )
    return rows


class StoredValue(NamedTuple):
    """A stored value as the bulk checks compare it (lighter than a model instance: a province
    month has 12,000)."""

    pk: int
    value: Decimal | None
    prior_value: Decimal | None
    note: str


def values_of_submissions(submissions: list[Submission]) -> dict[int, dict[int, StoredValue]]:
    """The stored values of these submissions: by submission id, then indicator id."""
    found: dict[int, dict[int, StoredValue]] = {}
    rows = SubmissionValue.objects.filter(submission__in=submissions).values_list(
        "submission_id", "indicator_id", "pk", "value", "prior_value", "note"
    )
    for submission_id, indicator_id, pk, value, prior, note in rows.order_by():
        found.setdefault(submission_id, {})[indicator_id] = StoredValue(pk, value, prior, note)
    return found


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    who: str
    channel: str
    what: str  # indicator name, or the submission's status
    field: str
    old: object
    new: object
    # `old` is last year's approved figure that the form (or the Excel template) offered as
    # 上年同期, not a figure the submission had stored
    prefilled: bool = False


# The channels whose first save starts from last year's approved figure as 上年同期: the form
# and the Excel template prefill it; the admin, the API and the demo loader do not.
PREFILLING_CHANNELS = frozenset({"form", "upload"})


def _blank(value: object) -> object:
    """None for an empty cell or note; a figure (0 included) as it is."""
    return None if value is None or value == "" else value


def _last_year_offer(submission: Submission) -> Callable[[int, datetime], Decimal | None]:
    """What the form offered as an indicator's 上年同期 at a given moment: last year's figure for
    the month (`last_year_values`) as it stood then, so that a later revision of last year's
    figure does not turn a kept prefill into an edit. Without any history of that figure (rows
    written without history), its approved value now. Two queries.

    Last year's status at that moment is not checked: approvals do not leave a history record
    of the submission, so "approved then" cannot be read back; the figure itself can."""
    period = submission.period
    approved_now = last_year_values(county=submission.county, period=period)
    versions: dict[int, list[tuple[datetime, Decimal | None]]] = {}
    rows = (
        SubmissionValue.history.filter(
            submission__county_id=submission.county_id,
            submission__period__year=period.year - 1,
            submission__period__month=period.month,
        )
        .order_by("history_date", "history_id")
        .values_list("indicator_id", "history_date", "value", "history_type")
    )
    for indicator_id, when, value, kind in rows:
        versions.setdefault(indicator_id, []).append((when, None if kind == "-" else value))

    def offer(indicator_id: int, when: datetime) -> Decimal | None:
        if indicator_id not in versions:
            return approved_now.get(indicator_id)
        then = [value for at, value in versions[indicator_id] if at <= when]
        return then[-1] if then else None

    return offer


def submission_trail(submission: Submission) -> list[HistoryLine]:
    """Every change to the submission's values and status, newest first: who, when, old value,
    new value, and the channel (form, upload, admin, api). Five queries.

    A value's first save through the form or an upload starts from what the page offered, not
    from nothing: 上年同期 comes prefilled with last year's approved figure. The reviewer reads
    this page to learn what the county typed, above all whether it changed last year's figure
    (a different base changes the growth that is scored). So the trail compares the first save
    with that offer: a prefill kept as it was is not a change and is not listed (the figure is
    last year's approved one, in last year's trail); a prefill replaced or cleared is listed
    with the offered figure as the old value, marked 按上年审核数预填, rather than as "–". Every
    later change compares with the stored figure before it, as always."""
    from django.utils.translation import gettext as _

    labels = {"value": _("本年累计"), "prior_value": _("上年同期"), "note": _("说明")}
    names = dict(Indicator.objects.values_list("id", "name"))
    offer = _last_year_offer(submission)
    lines: list[HistoryLine] = []
    records = (
        SubmissionValue.history.filter(submission_id=submission.pk)
        .select_related("history_user")
        .order_by("indicator_id", "history_date", "history_id")
    )
    previous: dict[int, object] = {}
    for record in records:
        before = previous.get(record.indicator_id)
        offered = (
            offer(record.indicator_id, record.history_date)
            if before is None and record.history_change_reason in PREFILLING_CHANNELS
            else None
        )
        for name, label in labels.items():
            old = getattr(before, name) if before is not None else None
            prefilled = name == "prior_value" and offered is not None
            if prefilled:
                old = offered  # what the reporter saw in the field and kept, changed or cleared
            new = getattr(record, name)
            if record.history_type == "-":
                new = None  # the row itself was removed: its figures are gone
            if _blank(old) == _blank(new):  # 0 is a figure, unlike an empty cell
                continue
            lines.append(
                HistoryLine(
                    record.history_date,
                    user_label(record.history_user),
                    record.history_change_reason or "",
                    names.get(record.indicator_id, "?"),
                    label,
                    old,
                    new,
                    prefilled,
                )
            )
        previous[record.indicator_id] = record
    status_records = (
        Submission.history.filter(id=submission.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    last_status = None
    status_names = dict(Submission.Status.choices)
    for record in status_records:
        if record.status != last_status:
            lines.append(
                HistoryLine(
                    record.history_date,
                    user_label(record.history_user),
                    record.history_change_reason or "",
                    _("报送状态"),
                    _("状态"),
                    status_names.get(last_status) if last_status else None,
                    _status_text(status_names.get(record.status), record),
                )
            )
            last_status = record.status
    lines.sort(key=lambda line: line.when, reverse=True)
    return lines


def _status_text(name: object, record) -> object:
    """A status as the trail shows it: a return or reopen with the reviewer's reason."""
    reason = getattr(record, "return_reason", "")
    if record.status == Submission.Status.RETURNED and reason:
        return f"{name}（{reason}）"
    return name


def user_label(user: User | None, missing: str = "–") -> str:
    """A user as the pages name them: surname first (李建国), else the user name."""
    if user is None:
        return missing
    return f"{user.last_name}{user.first_name}" or user.username


def submission_last_editor(submission: Submission) -> str:
    """Who last changed a value of the submission (for the edit-conflict message)."""
    from django.utils.translation import gettext as _

    record = (
        SubmissionValue.history.filter(submission_id=submission.pk)
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    return user_label(record.history_user if record else None, missing=_("其他用户"))


@dataclass(frozen=True)
class CompletenessBoard:
    year: int
    periods: list[Period]
    rows: list[StatusRow]
    owing: list[tuple[County, Submission | None, int]]  # the latest period: who owes, days late
    latest: Period | None


def completeness_board(*, user: AnyUser, year: int) -> CompletenessBoard:
    """Counties x months of a year with each submission's status, and who still owes the
    latest period. A fixed number of queries."""
    periods = list(Period.objects.filter(year=year).order_by("month"))
    rows = submission_status_board(user=user, periods=periods)
    latest = periods[-1] if periods else None
    owing = []
    if latest is not None:
        for row in rows:
            cell = row.cells[-1].submission
            if cell is None or cell.status in (Submission.Status.DRAFT, Submission.Status.RETURNED):
                owing.append((row.county, cell, row.cells[-1].overdue))
    return CompletenessBoard(year=year, periods=periods, rows=rows, owing=owing, latest=latest)


def years_with_periods() -> list[int]:
    return sorted(set(Period.objects.values_list("year", flat=True)), reverse=True)


@dataclass(frozen=True)
class QueueRow:
    """A submitted month waiting for review (待审核)."""

    submission: Submission
    days_late: int  # days between the deadline and the submission; 0 if on time
    explained: int  # indicators the county explained (every warning needs an explanation)
    warnings: int = 0  # the warnings of its figures the reviewer confirms before approving


def review_queue(*, user: AnyUser) -> list[QueueRow]:
    """Submitted months of the counties the user sees, oldest submission first, with how late
    each came in and how many indicators carry the county's explanation. Two queries."""
    submissions = (
        submissions_visible_to(user)
        .filter(status=Submission.Status.SUBMITTED)
        .select_related("county", "period", "submitted_by")
        .annotate(explained=Count("values", filter=~Q(values__note="")))
        .order_by("submitted_at", "pk")
    )
    rows = []
    for s in submissions:
        submitted = timezone.localdate(s.submitted_at) if s.submitted_at else timezone.localdate()
        rows.append(
            QueueRow(
                submission=s,
                days_late=max(0, (submitted - s.period.deadline).days),
                explained=s.explained,
            )
        )
    return rows
