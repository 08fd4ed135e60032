"""The engine's rule-set errors (parse_rules, in English, each starting with its path) as the
editor, the import and the API show them: in Chinese (English through gettext), attached to the
category, indicator or rule-set field they are about.

The decision is always the engine's: this module only rewords and places its messages, so that
the page and `manage.py score_csv` can never disagree about whether the weights add up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_WEIGHTS = re.compile(
    r'^(?:categories\[(?P<k>\d+)\] "[^"]*"|total\.weight): (?:indicator|category) weights add up'
    r" to (?P<got>\S+), not (?:the category weight|total\.weight) (?P<want>\S+)"
    r" \((?P<diff>\S+) (?P<side>over|short)\)$"
)
_FIELD = re.compile(r"^(?P<field>[\w.\[\]]+): (?P<phrase>.*)$")
_PATH = re.compile(r"^(?P<list>categories|indicators)\[(?P<k>\d+)\](?P<rest>\S*)")


@dataclass(frozen=True)
class RuleError:
    """One engine error. `level` is "total", "category" or "indicator" with `index` into the
    rule-set dict's list, or "rules" for rule-set wide fields."""

    level: str
    index: int | None
    message: str


def weight_texts() -> dict[str, str]:
    """The wording of a weight that does not add up, also handed to the editor's script so that
    its live running totals say it in the same words."""
    return {
        "total": _("各类别权重合计 %(got)s 分，应等于总分权重 %(want)s 分"),
        "category": _("“%(category)s”各指标权重合计 %(got)s 分，应等于类别权重 %(want)s 分"),
        "over": _("多了 %(diff)s 分"),
        "short": _("少了 %(diff)s 分"),
        "amount": _("（%(amount)s）"),
    }


def weight_message(*, got: str, want: str, diff: str, side: str, category: str | None) -> str:
    texts = weight_texts()
    text = texts["total"] if category is None else texts["category"]
    amount = texts[side] % {"diff": diff}
    return (text % {"got": got, "want": want, "category": category}) + texts["amount"] % {
        "amount": amount
    }


# The engine's most common phrases, reworded; anything else is shown as the engine wrote it.
# Each pattern matches the detail after the path ("params.target: must be greater than 0").
_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^is required$"), "必须填写"),
    (re.compile(r"^must be greater than (?P<a>\S+?)(?:, got (?P<got>.+))?$"), "必须大于 %(a)s"),
    (re.compile(r"^must be at least (?P<a>\S+?)(?:, got (?P<got>.+))?$"), "不能小于 %(a)s"),
    (re.compile(r"^must be at most (?P<a>\S+?)(?:, got (?P<got>.+))?$"), "不能大于 %(a)s"),
    (
        re.compile(r"^must be between (?P<a>\S+) and the weight (?P<b>\S+)$"),
        "必须在 %(a)s 和本指标权重 %(b)s 之间",
    ),
    (
        re.compile(r"^must be between (?P<a>-?[\d.]+) and (?P<b>-?[\d.]+)(?: .*)?$"),
        "必须在 %(a)s 和 %(b)s 之间",
    ),
    (re.compile(r"^must be a number, got (?P<got>.+)$"), "必须是数字（现为 %(got)s）"),
    (re.compile(r"^must be a whole number, got (?P<got>.+)$"), "必须是整数（现为 %(got)s）"),
    (
        re.compile(r"^must be true or false, got (?P<got>.+)$"),
        "必须是 true 或 false（现为 %(got)s）",
    ),
    (
        re.compile(r"^must be one of (?P<a>.+), got (?P<got>.+)$"),
        "必须是 %(a)s 之一（现为 %(got)s）",
    ),
    (re.compile(r"^unknown field \(allowed: (?P<a>.+)\)$"), "不认识的字段（可用：%(a)s）"),
]


def _phrases() -> list[tuple[re.Pattern[str], str]]:
    # translated when used, so the active language applies
    wording = {
        "必须填写": _("必须填写"),
        "必须大于 %(a)s": _("必须大于 %(a)s"),
        "不能小于 %(a)s": _("不能小于 %(a)s"),
        "不能大于 %(a)s": _("不能大于 %(a)s"),
        "必须在 %(a)s 和本指标权重 %(b)s 之间": _("必须在 %(a)s 和本指标权重 %(b)s 之间"),
        "必须在 %(a)s 和 %(b)s 之间": _("必须在 %(a)s 和 %(b)s 之间"),
        "必须是数字（现为 %(got)s）": _("必须是数字（现为 %(got)s）"),
        "必须是整数（现为 %(got)s）": _("必须是整数（现为 %(got)s）"),
        "必须是 true 或 false（现为 %(got)s）": _("必须是 true 或 false（现为 %(got)s）"),
        "必须是 %(a)s 之一（现为 %(got)s）": _("必须是 %(a)s 之一（现为 %(got)s）"),
        "不认识的字段（可用：%(a)s）": _("不认识的字段（可用：%(a)s）"),
    }
    return [(pattern, wording[text]) for pattern, text in _PHRASES]


def reword(detail: str) -> str:
    """'params.target: must be greater than 0' -> 'params.target：必须大于 0' (in the active
    language); a detail no pattern knows is returned as it is."""
    parts = _FIELD.match(detail)
    field, phrase = (parts["field"], parts["phrase"]) if parts else ("", detail)
    for pattern, text in _phrases():
        match = pattern.match(phrase)
        if match:
            worded = text % {k: v for k, v in match.groupdict().items() if v is not None}
            return (
                _("%(field)s：%(phrase)s") % {"field": field, "phrase": worded} if field else worded
            )
    return detail


def explain(errors: list[str], data: dict) -> list[RuleError]:
    """Place and reword each engine error; `data` is the rule-set dict that was checked."""
    categories = data.get("categories") or []
    indicators = data.get("indicators") or []
    out = []
    for error in errors:
        weights = _WEIGHTS.match(error)
        if weights:
            k = weights["k"]
            name = None
            if k is not None:
                item = categories[int(k)] if int(k) < len(categories) else {}
                name = (item.get("name") or item.get("code")) if isinstance(item, dict) else k
            message = weight_message(
                got=weights["got"],
                want=weights["want"],
                diff=weights["diff"],
                side=weights["side"],
                category=name,
            )
            level = "total" if k is None else "category"
            out.append(RuleError(level, None if k is None else int(k), message))
            continue
        path = _PATH.match(error)
        if path:
            k = int(path["k"])
            items = categories if path["list"] == "categories" else indicators
            item = items[k] if k < len(items) and isinstance(items[k], dict) else {}
            name = item.get("name") or item.get("code") or str(k + 1)
            detail = error[len(path["list"]) + len(path["k"]) + 2 :].lstrip(".")
            message = _("“%(name)s”：%(detail)s") % {"name": name, "detail": reword(detail)}
            level = "category" if path["list"] == "categories" else "indicator"
            out.append(RuleError(level, k, message))
            continue
        out.append(RuleError("rules", None, _("规则设置：%(detail)s") % {"detail": reword(error)}))
    return out
