"""The API's query-string filters (django-filter): period (`period=2026-06`, or `year` and
`month`), county (division code), indicator (code) and a few more. A value of the wrong shape is
a 400 naming the parameter and what it should look like; a well-formed value that matches
nothing is an empty list. Unknown parameters are ignored."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from counties.models import County, Period
from indicators.models import Indicator
from rankings.models import CountyResult, IndicatorResult, ProgressResult, RankingRun
from supervision.models import Bulletin
from targets.models import Target

from . import access

MAX_ID = 2**63 - 1  # bigint ids
YEARS = (2000, 2100)  # what Period and TargetSet hold


# ------------------------------------------------------------------------------ form fields


class PeriodField(forms.CharField):
    """`YYYY-MM` -> (year, month)."""

    default_error_messages = {
        "invalid": _("报送期格式应为 YYYY-MM（如 2026-06），月份为 01 至 12。"),
    }

    def to_python(self, value: Any) -> tuple[int, int] | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text)
        if match is None or not 1 <= int(match[2]) <= 12:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(match[1]), int(match[2])


class BoundedIntegerField(forms.IntegerField):
    """An integer written in ASCII digits (no exponent, no full-width digits), within bounds."""

    default_error_messages = {"invalid": _("请输入整数（只用数字 0-9）。")}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not re.fullmatch(r"-?[0-9]{1,19}", text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class CountyCodeField(forms.CharField):
    """A six-digit division code, or `city` for the rows of the city as a whole."""

    default_error_messages = {
        "invalid": _("县区应为 6 位行政区划代码（如 369901）。"),
        "invalid_or_city": _("县区应为 6 位行政区划代码（如 369901），或 city 表示全市。"),
    }

    def __init__(self, *args: Any, allow_city: bool = False, **kwargs: Any) -> None:
        self.allow_city = allow_city
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        if not text:
            return None
        if self.allow_city and text == "city":
            return text
        if not re.fullmatch(r"[0-9]{6}", text):
            code = "invalid_or_city" if self.allow_city else "invalid"
            raise ValidationError(self.error_messages[code], code=code)
        return text


indicator_code = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}\Z",
    _("指标代码只含小写字母、数字和下划线，以字母开头，最多 40 个字符（如 gdp）。"),
)


# ---------------------------------------------------------------------------------- filters


@extend_schema_field(OpenApiTypes.STR)
class PeriodFilter(django_filters.Filter):
    """`period=2026-06` on `<field_name>__year` and `<field_name>__month`."""

    field_class = PeriodField

    def filter(self, qs: QuerySet, value: tuple[int, int] | None) -> QuerySet:
        if value is None:
            return qs
        year, month = value
        return qs.filter(**{f"{self.field_name}__year": year, f"{self.field_name}__month": month})


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.Filter):
    field_class = BoundedIntegerField


@extend_schema_field(OpenApiTypes.STR)
class CountyFilter(django_filters.Filter):
    """`county=369901` on the county's code; with allow_city, `county=city` for the city's
    rows (no county)."""

    field_class = CountyCodeField

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        if value is None:
            return qs
        if value == "city":
            return qs.filter(**{f"{self.field_name}__isnull": True})
        return qs.filter(**{f"{self.field_name}__code": value})


def period_filter(field_name: str) -> PeriodFilter:
    return PeriodFilter(field_name=field_name, help_text=_("报送期，YYYY-MM，如 2026-06"))


def year_filter(field_name: str) -> IntegerFilter:
    return IntegerFilter(
        field_name=field_name, min_value=YEARS[0], max_value=YEARS[1], help_text=_("年度，如 2026")
    )


def month_filter(field_name: str) -> IntegerFilter:
    return IntegerFilter(
        field_name=field_name, min_value=1, max_value=12, help_text=_("月份，1 至 12")
    )


def county_filter(field_name: str = "county", *, allow_city: bool = False) -> CountyFilter:
    text = (
        _("县区的 6 位行政区划代码；city 表示全市合计行")
        if allow_city
        else _("县区的 6 位行政区划代码，如 369901")
    )
    return CountyFilter(field_name=field_name, allow_city=allow_city, help_text=text)


def indicator_filter(field_name: str = "indicator__code") -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name=field_name, validators=[indicator_code], help_text=_("指标代码，如 gdp")
    )


# ------------------------------------------------------------------------------ filter sets


class CountyFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=County.Kind.choices, help_text=_("县区类型"))
    is_ranked = django_filters.BooleanFilter(help_text=_("是否参与排名"))

    class Meta:
        model = County
        fields = ["kind", "is_ranked"]


class IndicatorFilterSet(django_filters.FilterSet):
    category = django_filters.CharFilter(
        field_name="category__code", validators=[indicator_code], help_text=_("类别代码")
    )
    is_active = django_filters.BooleanFilter(help_text=_("是否启用"))

    class Meta:
        model = Indicator
        fields = ["category", "is_active"]


class PeriodFilterSet(django_filters.FilterSet):
    year = year_filter("year")

    class Meta:
        model = Period
        fields = ["year"]


class RunFilterSet(django_filters.FilterSet):
    period = period_filter("period")
    year = year_filter("period__year")
    month = month_filter("period__month")

    class Meta:
        model = RankingRun
        fields = ["period", "year", "month"]


class RunRowsFilterSet(django_filters.FilterSet):
    """Rows stored with a run (results, progress). Without `run`, each period's rows come
    from the run the pages show for it (access.runs_shown); `run=<id>` picks another run the
    user may read (an earlier published one, say)."""

    run = IntegerFilter(
        field_name="run_id",
        min_value=1,
        max_value=MAX_ID,
        help_text=_("排名计算编号；不填则为每期当前展示的那次计算"),
    )
    period = period_filter("run__period")
    year = year_filter("run__period__year")
    month = month_filter("run__period__month")
    county = county_filter()

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("run") is None:
            queryset = queryset.filter(run__in=access.runs_shown(self.request.user))
        return queryset


class CountyResultFilterSet(RunRowsFilterSet):
    class Meta:
        model = CountyResult
        fields = ["run", "period", "year", "month", "county"]


class IndicatorResultFilterSet(RunRowsFilterSet):
    indicator = indicator_filter()

    class Meta:
        model = IndicatorResult
        fields = ["run", "period", "year", "month", "county", "indicator"]


class ProgressFilterSet(RunRowsFilterSet):
    county = county_filter(allow_city=True)
    indicator = indicator_filter()
    level = django_filters.ChoiceFilter(
        choices=ProgressResult.Level.choices, help_text=_("预警等级")
    )

    class Meta:
        model = ProgressResult
        fields = ["run", "period", "year", "month", "county", "indicator", "level"]


class TargetFilterSet(django_filters.FilterSet):
    year = year_filter("target_set__year")
    version = IntegerFilter(
        field_name="target_set__version",
        min_value=1,
        max_value=32767,
        help_text=_("目标任务版本号"),
    )
    county = county_filter(allow_city=True)
    indicator = indicator_filter()

    class Meta:
        model = Target
        fields = ["year", "version", "county", "indicator"]


class BulletinFilterSet(django_filters.FilterSet):
    year = year_filter("year")
    period = period_filter("period")

    class Meta:
        model = Bulletin
        fields = ["year", "period"]
