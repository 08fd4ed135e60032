"""The read-only API (/api/...): thin viewsets that ask api.selectors for the rows the user may
read (api.access decides which), filter them (api.filters) and page them (api.pagination).

Authentication: a personal token (`Authorization: Token <key>`, api.authentication) or the
browser's signed-in session. Anonymous requests are answered 401, users without a role 403.
Throttled per user and per anonymous IP (settings.REST_FRAMEWORK); the schema (/api/schema/)
and its documentation page (/api/docs/) are open to everyone.
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from counties.models import County, Period
from indicators.models import Indicator
from rankings.models import CountyResult, IndicatorResult, ProgressResult, RankingRun
from rankings.selectors.breakdown import total_breakdown
from supervision.models import Bulletin
from targets.access import target_county_ids_visible_to
from targets.models import Target

from . import access, filters, selectors, serializers
from .authentication import TokenAuthentication
from .pagination import Pagination


class HasRole(BasePermission):
    message = gettext_lazy("您的账号尚未分配角色，不能通过接口读取数据；请联系管理员。")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return access.can_use_api(request.user)


class TooManyRequests(exceptions.Throttled):
    def __init__(self, wait: float | None) -> None:
        seconds = math.ceil(wait) if wait is not None else None
        detail = (
            _("请求过于频繁，请 %(wait)d 秒后再试。") % {"wait": seconds}
            if seconds is not None
            else _("请求过于频繁，请稍后再试。")
        )
        exceptions.APIException.__init__(self, detail)
        self.wait = seconds


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """GET a list (filtered, paged) and GET one row."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, HasRole]
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Filters narrow lists; one row is looked up among all the user may read."""
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self) -> Any:
        """The row, or 404 with the same words whether it does not exist or the user may not
        read it, so that an id reveals nothing."""
        try:
            return super().get_object()
        except Http404 as exc:
            raise exceptions.NotFound(_("没有找到这条记录，或您无权查看。")) from exc

    def throttled(self, request: Request, wait: float | None) -> None:
        raise TooManyRequests(wait)


class CountyViewSet(ReadOnlyViewSet):
    """县区：全部启用的县区（任何有角色的用户）。"""

    queryset = County.objects.none()
    serializer_class = serializers.CountySerializer
    filterset_class = filters.CountyFilterSet
    lookup_field = "code"
    lookup_value_regex = "[0-9]{6}"

    def get_queryset(self) -> QuerySet[County]:
        return selectors.counties(self.request.user)


class IndicatorViewSet(ReadOnlyViewSet):
    """指标目录，含计量单位（unit）。"""

    queryset = Indicator.objects.none()
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilterSet
    lookup_field = "code"
    lookup_value_regex = "[a-z][a-z0-9_]{0,39}"

    def get_queryset(self) -> QuerySet[Indicator]:
        return selectors.indicators(self.request.user)


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=gettext_lazy("报送期，YYYY-MM，如 2026-06"),
                pattern="^[0-9]{4}-[0-9]{2}$",
            )
        ]
    )
)
class PeriodViewSet(ReadOnlyViewSet):
    """报送期（月度，1-N 月累计）。"""

    queryset = Period.objects.none()
    serializer_class = serializers.PeriodSerializer
    filterset_class = filters.PeriodFilterSet
    lookup_field = "key"
    lookup_value_regex = "[0-9]{4}-[0-9]{2}"

    def get_queryset(self) -> QuerySet[Period]:
        return selectors.periods(self.request.user)

    def get_object(self) -> Period:
        year, _sep, month = self.kwargs["key"].partition("-")
        found = self.get_queryset().filter(year=int(year), month=int(month)).first()
        if found is None:
            raise exceptions.NotFound(_("没有这个报送期。"))
        return found


class RunViewSet(ReadOnlyViewSet):
    """排名计算：市级用户看到每期当前的计算（含未发布的），其他用户只看到已发布的。"""

    queryset = RankingRun.objects.none()
    serializer_class = serializers.RunSerializer
    filterset_class = filters.RunFilterSet

    def get_queryset(self) -> QuerySet[RankingRun]:
        return selectors.runs(self.request.user)


class CountyResultViewSet(ReadOnlyViewSet):
    """县区综合得分与名次，及其构成（各类别小计、加减分、进位奖励）；单条另附得分构成明细。
    不指定 run 时，每期取页面展示的那次计算。"""

    queryset = CountyResult.objects.none()
    filterset_class = filters.CountyResultFilterSet

    def get_queryset(self) -> QuerySet[CountyResult]:
        return selectors.county_results(self.request.user)

    def get_serializer_class(self) -> type[serializers.CountyResultSerializer]:
        if self.action == "retrieve":
            return serializers.CountyResultDetailSerializer
        return serializers.CountyResultSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        result = self.get_object()
        breakdown = total_breakdown(result.run, result.county)
        context = {**self.get_serializer_context(), "breakdown": breakdown}
        return Response(serializers.CountyResultDetailSerializer(result, context=context).data)


class IndicatorResultViewSet(ReadOnlyViewSet):
    """各县区各指标的计分结果（依据值、名次、得分、算式、进位差距）。"""

    queryset = IndicatorResult.objects.none()
    serializer_class = serializers.IndicatorResultSerializer
    filterset_class = filters.IndicatorResultFilterSet

    def get_queryset(self) -> QuerySet[IndicatorResult]:
        return selectors.indicator_results(self.request.user)


class ProgressViewSet(ReadOnlyViewSet):
    """目标进度与预警（county 为 null 的是全市合计行）。"""

    queryset = ProgressResult.objects.none()
    serializer_class = serializers.ProgressSerializer
    filterset_class = filters.ProgressFilterSet

    def get_queryset(self) -> QuerySet[ProgressResult]:
        return selectors.progress(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        """Other counties' target figures are left out for a county user (targets.access)."""
        return {
            **super().get_serializer_context(),
            "target_counties": target_county_ids_visible_to(self.request.user),
        }


class TargetViewSet(ReadOnlyViewSet):
    """年度目标任务：草稿只有市统计局编辑人员可见；县区用户只看到本县区和全市的目标。"""

    queryset = Target.objects.none()
    serializer_class = serializers.TargetSerializer
    filterset_class = filters.TargetFilterSet

    def get_queryset(self) -> QuerySet[Target]:
        return selectors.targets(self.request.user)


class BulletinViewSet(ReadOnlyViewSet):
    """通报：市级用户看到全部，县区用户只看到已印发的。"""

    queryset = Bulletin.objects.none()
    filterset_class = filters.BulletinFilterSet

    def get_queryset(self) -> QuerySet[Bulletin]:
        return selectors.bulletins(self.request.user)

    def get_serializer_class(self) -> type[serializers.BulletinSerializer]:
        if self.action == "retrieve":
            return serializers.BulletinDetailSerializer
        return serializers.BulletinSerializer
