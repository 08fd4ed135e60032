"""Writes for rule sets: clone, new version, edit, import, delete and publish.

A rule set's contents are written from the engine's JSON shape (docs/rules.md) in one place,
`_write_rules`, which the editor, the import and the API all use; the engine's parser checks
every write first, so a saved draft is always a rule set that `manage.py score_csv` accepts.
Published rule sets are refused by every function here (and by the guards in guards.py).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecard.history import set_history_user

from .models import (
    Category,
    Indicator,
    PublishedRuleSetError,
    RuleSet,
    RuleSetCategory,
    RuleSetIndicator,
)
from .rule_errors import explain
from .rules_json import IMPUTATION_COLUMNS
from .scoring import RulesError, parse_rules
from .selectors import json_ready, ruleset_as_dict
from .signals import ruleset_copied, ruleset_published

if TYPE_CHECKING:
    from scorecard.roles import AnyUser


@dataclass
class RuleSetWrite:
    """A written rule set and what the writer should be told (names taken from the catalogue,
    a version number already in use)."""

    ruleset: RuleSet
    notes: list[str] = field(default_factory=list)


def _check_rules(data: Any) -> None:
    """The engine's verdict, in the editor's words (weights: by how much, at which level); and
    an imputation group the app can give the engine (the engine takes any counties column)."""
    try:
        parse_rules(data)
    except RulesError as exc:
        raise ValidationError(
            [e.message for e in explain(exc.errors, data if isinstance(data, dict) else {})]
        ) from exc
    group = (data.get("missing_data") or {}).get("imputation_group")
    if group is not None and group not in IMPUTATION_COLUMNS:
        raise ValidationError(
            _("插补分组须是县区表中的 %(columns)s 之一，现为“%(got)s”。")
            % {"columns": "、".join(IMPUTATION_COLUMNS), "got": group}
        )


def _next_version(year: int) -> int:
    """The year's next version number. Called inside the writing transaction: the year's rule
    sets are locked first, so two admins making a version at once get 2 and 3, not 2 twice."""
    # Lock, then read in a second statement: under READ COMMITTED a statement that waited for
    # a lock does not see rows inserted meanwhile, the next statement does.
    list(RuleSet.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
    top = RuleSet.objects.filter(year=year).aggregate(top=Max("version"))["top"]
    return (top or 0) + 1


def _draft_locked(ruleset: RuleSet) -> RuleSet:
    locked = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if locked.is_published:
        raise PublishedRuleSetError()
    return locked


def _actor(user: AnyUser | None) -> User | None:
    """The signed-in user who made a change; None if nobody is signed in."""
    return user if user is not None and user.is_authenticated else None


# ------------------------------------------------------------------------- clone and versions


@transaction.atomic
def ruleset_clone(*, source: RuleSet, year: int, user: AnyUser | None) -> RuleSet:
    """A new draft for `year` with everything of `source`: rule-set settings (totals, tiers,
    peer groups, period weights, bonus and penalty caps, improvement reward, warning lines,
    bulletin sizes, missing-data treatment), categories with their weights and missing-value
    policy, indicators with weights, basis, method and parameters. It takes the year's
    next version number; the year in the name follows the new year."""
    if not 2000 <= year <= 2100:
        raise ValidationError(_("考核年度须在 2000 到 2100 之间。"))
    name = source.name.replace(str(source.year), str(year)) if source.year != year else source.name
    clone = RuleSet(
        year=year,
        version=_next_version(year),
        name=name,
        status=RuleSet.Status.DRAFT,
        description=source.description,
    )
    for attr in _COPIED_FIELDS:
        setattr(clone, attr, copy.deepcopy(getattr(source, attr)))
    set_history_user(clone, user)
    clone.save()
    categories = {}
    for rc in RuleSetCategory.objects.filter(ruleset=source).order_by("display_order", "id"):
        categories[rc.pk] = RuleSetCategory.objects.create(
            ruleset=clone,
            category_id=rc.category_id,
            weight=rc.weight,
            aggregation=rc.aggregation,
            decimals=rc.decimals,
            missing=rc.missing,
            display_order=rc.display_order,
        )
    RuleSetIndicator.objects.bulk_create(
        RuleSetIndicator(
            ruleset=clone,
            indicator_id=ri.indicator_id,
            category=categories[ri.category_id],
            weight=ri.weight,
            basis=ri.basis,
            denominator_id=ri.denominator_id,
            factor=ri.factor,
            direction=ri.direction,
            decimals=ri.decimals,
            method=ri.method,
            params=copy.deepcopy(ri.params),
            frequency=ri.frequency,
            display_order=ri.display_order,
        )
        for ri in RuleSetIndicator.objects.filter(ruleset=source).order_by("display_order", "id")
    )
    ruleset_copied.send(sender=RuleSet, source=source, ruleset=clone, user=user)
    return clone


_COPIED_FIELDS = [
    "total_weight",
    "total_points",
    "total_aggregation",
    "total_decimals",
    "indicator_decimals",
    "rank_on_rounded",
    "missing_share_max",
    "tier_leading_share",
    "tier_lagging_share",
    "peer_groups",
    "period_weights",
    "bonus_cap",
    "penalty_cap",
    "improvement",
    "warning_rules",
    "bulletin_rules",
    "missing_data_rules",
]


def ruleset_new_version(*, source: RuleSet, user: AnyUser | None) -> RuleSet:
    """A draft copy of a published rule set, same year, next version: the way to change it."""
    if not source.is_published:
        raise ValidationError(_("草稿可以直接修改，无需新建版本。"))
    return ruleset_clone(source=source, year=source.year, user=user)


@transaction.atomic
def ruleset_delete(*, ruleset: RuleSet, user: AnyUser | None) -> None:
    """Delete a draft (a published rule set stays: rankings name it)."""
    _draft_locked(ruleset).delete()


# --------------------------------------------------------------------- writing the engine JSON


def _decimal(value: Any, path: str, places: int, max_digits: int, errors: list[str]) -> Any:
    """A JSON number as the Decimal stored, refusing what the column cannot hold exactly."""
    if value is None:
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        errors.append(_("%(path)s：%(value)s 不是数字。") % {"path": path, "value": value})
        return None
    step = Decimal(1).scaleb(-places)
    if number.quantize(step) != number or abs(number) >= Decimal(10) ** (max_digits - places):
        errors.append(
            _("%(path)s：%(value)s 超出可保存的精度（整数最多 %(int)d 位，小数最多 %(dec)d 位）。")
            % {"path": path, "value": value, "int": max_digits - places, "dec": places}
        )
        return None
    return number


def _catalogue(
    data: dict, errors: list[str], notes: list[str]
) -> tuple[dict[str, Category], dict[str, Indicator]]:
    """Categories and indicators of the rule-set dict, matched by code against the catalogue."""
    cat_codes = [c["code"] for c in data["categories"]]
    ind_codes = [i["code"] for i in data["indicators"]]
    den_codes = [
        i["basis"]["denominator"] for i in data["indicators"] if "denominator" in i["basis"]
    ]
    categories = {c.code: c for c in Category.objects.filter(code__in=cat_codes)}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=ind_codes + den_codes)}
    for k, code in enumerate(cat_codes):
        if code not in categories:
            errors.append(
                _("categories[%(k)d]：指标类别代码“%(code)s”不在指标目录中。")
                % {"k": k, "code": code}
            )
    for k, code in enumerate(ind_codes):
        if code not in indicators:
            errors.append(
                _("indicators[%(k)d]：指标代码“%(code)s”不在指标目录中。") % {"k": k, "code": code}
            )
    for code in dict.fromkeys(den_codes):
        if code not in indicators:
            errors.append(_("分母指标代码“%(code)s”不在指标目录中。") % {"code": code})
    for items, known in ((data["categories"], categories), (data["indicators"], indicators)):
        for item in items:
            have = known.get(item["code"])
            if have is not None and item.get("name") not in (None, have.name):
                notes.append(
                    _("“%(given)s”（%(code)s）按指标目录中的名称“%(name)s”保存。")
                    % {"given": item["name"], "code": item["code"], "name": have.name}
                )
    return categories, indicators


def _write_rules(*, ruleset: RuleSet, data: dict, user: AnyUser | None) -> list[str]:
    """Replace the draft's contents with the rule-set dict (already accepted by the engine).
    Rows are matched by category and indicator code: kept rows are updated in place (their
    history stays one line), new ones added, missing ones deleted. Raises ValidationError with
    every problem; the caller's transaction makes it all or nothing."""
    errors: list[str] = []
    notes: list[str] = []
    categories, indicators = _catalogue(data, errors, notes)
    total = data["total"]
    tiers = data.get("tiers") or {}
    bonus = data.get("bonus")
    if len(data.get("name", "")) > 120:
        errors.append(_("name：规则名称最多 120 个字。"))
    values = {
        "name": data.get("name", ""),
        "total_weight": _decimal(total["weight"], "total.weight", 4, 9, errors),
        "total_points": _decimal(total.get("points"), "total.points", 4, 9, errors),
        "total_aggregation": total.get("aggregation", "sum"),
        "total_decimals": total.get("decimals", 2),
        "indicator_decimals": data.get("indicator_decimals", 2),
        "rank_on_rounded": data.get("rank_on", "rounded") == "rounded",
        "missing_share_max": _decimal(
            data.get("missing_share_max", 0.2), "missing_share_max", 3, 4, errors
        ),
        "tier_leading_share": _decimal(tiers.get("leading", 0.3333), "tiers.leading", 4, 5, errors),
        "tier_lagging_share": _decimal(tiers.get("lagging", 0.3333), "tiers.lagging", 4, 5, errors),
        "peer_groups": json_ready(copy.deepcopy(data.get("peer_groups"))),
        "period_weights": json_ready(copy.deepcopy(data.get("period_weights"))),
        "bonus_cap": _decimal((bonus or {}).get("bonus_cap"), "bonus.bonus_cap", 2, 7, errors),
        "penalty_cap": _decimal(
            (bonus or {}).get("penalty_cap"), "bonus.penalty_cap", 2, 7, errors
        ),
        "improvement": json_ready(copy.deepcopy(data.get("improvement"))),
        "warning_rules": json_ready(copy.deepcopy(data.get("warnings"))),
        "bulletin_rules": json_ready(copy.deepcopy(data.get("bulletin"))),
        "missing_data_rules": json_ready(copy.deepcopy(data.get("missing_data"))),
    }
    cat_rows = []
    for k, item in enumerate(data["categories"]):
        weight = _decimal(item["weight"], f"categories[{k}].weight", 4, 9, errors)
        cat_rows.append((item, weight))
    ind_rows = []
    for k, item in enumerate(data["indicators"]):
        weight = _decimal(item["weight"], f"indicators[{k}].weight", 4, 9, errors)
        basis = item["basis"]
        factor = None
        if basis["type"] == "ratio":
            factor = _decimal(basis.get("factor"), f"indicators[{k}].basis.factor", 4, 12, errors)
        ind_rows.append((item, weight, factor))
    if errors:
        raise ValidationError(errors)

    for attr, value in values.items():
        setattr(ruleset, attr, value)
    set_history_user(ruleset, user)
    ruleset.save()

    stored_cats = {rc.category.code: rc for rc in ruleset.categories.select_related("category")}
    stored_inds = {ri.indicator.code: ri for ri in ruleset.indicators.select_related("indicator")}
    keep_cats = {item["code"] for item, _w in cat_rows}
    keep_inds = {item["code"] for item, _w, _f in ind_rows}
    for code, ri in stored_inds.items():
        if code not in keep_inds:
            set_history_user(ri, user)
            ri.delete()
    by_code = {}
    for k, (item, weight) in enumerate(cat_rows):
        rc = stored_cats.get(item["code"]) or RuleSetCategory(
            ruleset=ruleset, category=categories[item["code"]]
        )
        rc.weight = weight
        rc.aggregation = item.get("aggregation", "sum")
        rc.decimals = item.get("decimals", 2)
        rc.missing = item.get("missing", RuleSetCategory.Missing.ZERO)
        rc.display_order = k
        set_history_user(rc, user)
        rc.save()
        by_code[item["code"]] = rc
    for k, (item, weight, factor) in enumerate(ind_rows):
        ri = stored_inds.get(item["code"]) or RuleSetIndicator(
            ruleset=ruleset, indicator=indicators[item["code"]]
        )
        basis = item["basis"]
        ri.category = by_code[item["category"]]
        ri.weight = weight
        ri.basis = basis["type"]
        ri.denominator = indicators[basis["denominator"]] if "denominator" in basis else None
        ri.factor = factor if basis["type"] == "ratio" else Decimal(1)
        ri.direction = item.get("direction", "higher")
        ri.decimals = item.get("decimals")
        ri.method = item["method"]
        ri.params = json_ready(copy.deepcopy(item.get("params", {})))
        ri.frequency = item.get("frequency", "monthly")
        ri.display_order = k
        set_history_user(ri, user)
        ri.save()
    for code, rc in stored_cats.items():
        if code not in keep_cats:
            set_history_user(rc, user)
            rc.delete()
    return notes


def _as_rules_dict(data: Any) -> dict:
    if not isinstance(data, dict):
        raise ValidationError(_("规则文件须是一个 JSON 对象（scorecard-rules/1 格式）。"))
    return data


@transaction.atomic
def ruleset_import(*, data: Any, user: AnyUser | None) -> RuleSetWrite:
    """A new draft from the engine's rule-set JSON (what `ruleset_as_json` exports and
    `score_csv --rules` reads). Categories and indicators are matched by code in the catalogue;
    unknown codes are refused by name. The JSON's version is kept when the year does not have
    it yet, otherwise the year's next version is taken (and said)."""
    data = _as_rules_dict(data)
    _check_rules(data)
    year = data["year"]
    if not 2000 <= year <= 2100:
        raise ValidationError(_("考核年度须在 2000 到 2100 之间。"))
    wanted = data.get("version", 1)
    notes = []
    version = wanted
    if RuleSet.objects.filter(year=year, version=wanted).exists():
        version = _next_version(year)
        notes.append(
            _("%(year)d 年已有第 %(wanted)d 版，导入为第 %(version)d 版。")
            % {"year": year, "wanted": wanted, "version": version}
        )
    ruleset = RuleSet(year=year, version=version, status=RuleSet.Status.DRAFT)
    notes += _write_rules(ruleset=ruleset, data=data, user=user)
    return RuleSetWrite(ruleset, notes)


@transaction.atomic
def ruleset_update(
    *, ruleset: RuleSet, data: Any, user: AnyUser | None, partial: bool = False
) -> RuleSetWrite:
    """Save edits to a draft: `data` is the whole rule set in the engine's JSON shape, or with
    `partial` only the top-level fields to change (the rest is kept). Refused for a published
    rule set, and when the engine rejects the result (nothing is written then)."""
    locked = _draft_locked(ruleset)
    data = _as_rules_dict(data)
    if partial:
        data = {**ruleset_as_dict(locked), **data}
    for key in ("year", "version"):
        if key in data and data[key] != getattr(locked, key):
            raise ValidationError(
                _("不能修改考核年度和版本号（%(key)s）：请复制或导入为新的规则。") % {"key": key}
            )
    _check_rules(data)
    notes = _write_rules(ruleset=locked, data=data, user=user)
    return RuleSetWrite(locked, notes)


@transaction.atomic
def ruleset_publish(*, ruleset: RuleSet, user: AnyUser | None) -> RuleSet:
    """Publish a draft rule set after the engine has accepted it (weights add up, parameters
    valid). From then on it is read-only and scores its year's rankings."""
    locked = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if locked.is_published:
        raise ValidationError(_("该考核规则已发布，不能重复发布；如需修改请新建版本。"))
    try:
        parse_rules(ruleset_as_dict(locked))
    except RulesError as exc:
        raise ValidationError(
            [_("考核规则有误：%(error)s") % {"error": e} for e in exc.errors]
        ) from exc
    locked.status = RuleSet.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = _actor(user)
    locked.save(update_fields=["status", "published_at", "published_by"])
    ruleset_published.send(sender=RuleSet, ruleset=locked, user=user)
    return locked
