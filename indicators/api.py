"""Rule-set API (Django REST framework, session authentication with CSRF).

- GET /api/rulesets/: every rule set, each with its engine JSON (`rules`); city staff.
- POST /api/rulesets/: import an engine JSON document as a new draft; admins.
- GET /api/rulesets/<id>/: one rule set; city staff.
- PUT /api/rulesets/<id>/: replace a draft's rules with an engine JSON document; admins.
- PATCH /api/rulesets/<id>/: change some top-level fields of a draft's rules; admins.
- DELETE /api/rulesets/<id>/: delete a draft; admins.

A published rule set is refused with 409 and a message saying to make a new version.
Who may read or write is decided by counties.access, like every page.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import access, services
from .models import PublishedRuleSetError, RuleSet
from .rule_errors import bounds
from .selectors import json_ready, ruleset_as_dict
from .views import referenced_message

# ------------------------------------------------- the OpenAPI schema's words (documentation only)


class RuleSetSchema(serializers.Serializer):
    """What every answer with a rule set holds (_body): the schema documents it, nothing
    serializes with it."""

    id = serializers.IntegerField()
    year = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RuleSet.Status.choices)
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField()
    rules = serializers.DictField(
        help_text=gettext_lazy("引擎 JSON（scorecard-rules/1，见 docs/rules.md）；数值为 JSON 数字")
    )


class RuleSetWrittenSchema(RuleSetSchema):
    notes = serializers.ListField(child=serializers.CharField())


class ErrorsSchema(serializers.Serializer):
    errors = serializers.ListField(child=serializers.CharField())


class DetailSchema(serializers.Serializer):
    detail = serializers.CharField()


_ENGINE_JSON = OpenApiTypes.OBJECT
_REFUSED = {
    400: OpenApiResponse(ErrorsSchema, description=gettext_lazy("规则有误，逐条列出")),
    403: OpenApiResponse(DetailSchema, description=gettext_lazy("只有管理员可以修改")),
    404: OpenApiResponse(DetailSchema, description=gettext_lazy("没有这个考核规则")),
    409: OpenApiResponse(DetailSchema, description=gettext_lazy("已发布的规则不能修改或删除")),
}


class RulesPermission(BasePermission):
    """City staff read rule sets; only admins write them."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return access.can_read_rules(request.user)
        return access.can_configure_rules(request.user)


def _body(ruleset: RuleSet, **extra: Any) -> dict[str, Any]:
    return {
        "id": ruleset.pk,
        "year": ruleset.year,
        "version": ruleset.version,
        "status": ruleset.status,
        "published_at": ruleset.published_at,
        "url": reverse("api_ruleset", args=[ruleset.pk]),
        "rules": json_ready(ruleset_as_dict(ruleset)),
        **extra,
    }


def _refused(exc: ValidationError) -> Response:
    return Response({"errors": exc.messages}, status=status.HTTP_400_BAD_REQUEST)


def _out_of_bounds(data: Any) -> Response | None:
    """400 with every number, text or version of the body that no rule set can hold (checked
    before the engine reads the body); None when there is none."""
    errors = bounds(data)
    if not errors:
        return None
    return Response({"errors": [e.message for e in errors]}, status=status.HTTP_400_BAD_REQUEST)


def _ruleset_or_404(pk: int) -> RuleSet:
    ruleset = RuleSet.objects.filter(pk=pk).first()
    if ruleset is None:
        raise NotFound(_("没有编号为 %(id)s 的考核规则。") % {"id": pk})
    return ruleset


def _published(ruleset: RuleSet) -> Response:
    return Response(
        {
            "detail": _("%(ruleset)s 已发布，不能修改或删除；如需修改请新建版本。")
            % {"ruleset": ruleset}
        },
        status=status.HTTP_409_CONFLICT,
    )


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, with a body nested too deep for Python's parser answered as a parse
    error (400) like any other malformed body, rather than a server error, and every parse
    error said in the interface's language (DRF words them in English, with Python's text)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON 嵌套过深。")) from exc
        except ParseError as exc:
            raise ParseError(_parse_problem(exc.__context__)) from exc


def _parse_problem(cause: BaseException | None) -> str:
    """What was wrong with a body DRF could not parse (`cause`: the error it caught)."""
    if isinstance(cause, UnicodeDecodeError):
        return _("请求内容不是 UTF-8 编码的文本。")
    if isinstance(cause, json.JSONDecodeError):
        return _("不是有效的 JSON（第 %(line)d 行第 %(col)d 列）。") % {
            "line": cause.lineno,
            "col": cause.colno,
        }
    if isinstance(cause, ValueError):  # DRF's strict parsing refuses NaN and Infinity
        return _("JSON 中不能有 NaN 或 Infinity：请写成数字或 null。")
    return _("请求内容不是有效的 JSON。")


class RuleSetList(APIView):
    permission_classes = [RulesPermission]
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="rulesets_list",
        summary=gettext_lazy("全部考核规则（市级用户）"),
        responses={200: RuleSetSchema(many=True), 403: DetailSchema},
    )
    def get(self, request: Request) -> Response:
        return Response([_body(r) for r in RuleSet.objects.order_by("-year", "-version")])

    @extend_schema(
        summary=gettext_lazy("导入引擎 JSON，新建草稿（管理员）"),
        request=_ENGINE_JSON,
        responses={201: RuleSetWrittenSchema, **_REFUSED},
    )
    def post(self, request: Request) -> Response:
        refused = _out_of_bounds(request.data)
        if refused is not None:
            return refused
        try:
            written = services.ruleset_import(data=request.data, user=request.user)
        except ValidationError as exc:
            return _refused(exc)
        return Response(_body(written.ruleset, notes=written.notes), status=status.HTTP_201_CREATED)


class RuleSetDetail(APIView):
    permission_classes = [RulesPermission]
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        summary=gettext_lazy("一个考核规则（市级用户）"),
        responses={200: RuleSetSchema, 403: DetailSchema, 404: DetailSchema},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_body(_ruleset_or_404(pk)))

    def _update(self, request: Request, pk: int, *, partial: bool) -> Response:
        ruleset = _ruleset_or_404(pk)
        if ruleset.is_published:
            return _published(ruleset)
        refused = _out_of_bounds(request.data)
        if refused is not None:
            return refused
        try:
            written = services.ruleset_update(
                ruleset=ruleset, data=request.data, user=request.user, partial=partial
            )
        except PublishedRuleSetError:
            return _published(ruleset)
        except ValidationError as exc:
            return _refused(exc)
        return Response(_body(written.ruleset, notes=written.notes))

    @extend_schema(
        summary=gettext_lazy("以引擎 JSON 替换草稿的规则（管理员）"),
        request=_ENGINE_JSON,
        responses={200: RuleSetWrittenSchema, **_REFUSED},
    )
    def put(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=False)

    @extend_schema(
        summary=gettext_lazy("修改草稿规则的部分顶层字段（管理员）"),
        request=_ENGINE_JSON,
        responses={200: RuleSetWrittenSchema, **_REFUSED},
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    @extend_schema(
        summary=gettext_lazy("删除草稿（管理员）"),
        responses={204: None, 403: DetailSchema, 404: DetailSchema, 409: DetailSchema},
    )
    def delete(self, request: Request, pk: int) -> Response:
        ruleset = _ruleset_or_404(pk)
        if ruleset.is_published:
            return _published(ruleset)
        try:
            services.ruleset_delete(ruleset=ruleset, user=request.user)
        except PublishedRuleSetError:
            return _published(ruleset)
        except ProtectedError:
            return Response(
                {"detail": referenced_message(ruleset)}, status=status.HTTP_409_CONFLICT
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
