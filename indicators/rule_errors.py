"""The engine's rule-set errors (parse_rules, in English, each starting with its path) as the
editor, the import and the API show them: in Chinese (English through gettext), attached to the
category, indicator or rule-set field they are about.

The decision is always the engine's: this module only rewords and places its messages, so that
the page and `manage.py score_csv` can never disagree about whether the weights add up.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from scorecard.middleware import has_control_characters

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
    (re.compile(r"^must be a non-empty list(?:, got (?P<got>.+))?$"), "必须是非空的列表"),
    (re.compile(r"^must be an object, got (?P<got>.+)$"), "必须是 JSON 对象（现为 %(got)s）"),
    (
        re.compile(r"^must be a non-empty string, got (?P<got>.+)$"),
        "必须是非空的文字（现为 %(got)s）",
    ),
    (re.compile(r"^must be a string, got (?P<got>.+)$"), "必须是文字（现为 %(got)s）"),
    (re.compile(r'^must be "(?P<a>[^"]*)", got (?P<got>.+)$'), "必须是 “%(a)s”（现为 %(got)s）"),
    (re.compile(r'^unknown category "(?P<a>.*)"$'), "不认识的类别“%(a)s”"),
    (re.compile(r'^duplicate (?:category|indicator) code "(?P<a>.*)"$'), "代码“%(a)s”重复"),
    (re.compile(r'^category "(?P<a>.*)" has no indicators$'), "类别“%(a)s”下没有指标"),
    (re.compile(r'^keys must be months "1" to "12"$'), "键须是月份 “1” 到 “12”"),
    (
        re.compile(r"^must be null or an object like (?P<a>.+)$"),
        "须为空或形如 %(a)s 的对象",
    ),
    (
        re.compile(r"^must be a non-empty object of group name -> list of members$"),
        "须是非空的对象：分组名称 -> 成员列表",
    ),
    (
        re.compile(r"^members must be non-empty strings, got (?P<got>.+)$"),
        "成员须是非空的文字（现为 %(got)s）",
    ),
    (re.compile(r"^leading \+ lagging must not exceed 1$"), "leading 与 lagging 之和不能大于 1"),
    (re.compile(r"^must be greater than lower$"), "必须大于 lower"),
    (re.compile(r"^must not be greater than red_behind$"), "不能大于 red_behind"),
    (
        re.compile(r"^needs a value basis \(.*\), not an? (?P<a>\w+) basis$"),
        "只能用于按本年累计值计分的指标（现为 %(a)s 依据）",
    ),
    (
        re.compile(r'^"impute_group" needs missing_data\.imputation_group\b.*$'),
        "“按组均值插补”须先在“缺报与不考核”中填写插补分组（missing_data.imputation_group）",
    ),
    (
        re.compile(r"^must be the name of a column of the counties table\b.*, got (?P<got>.+)$"),
        "须是县区表中的列名（小写字母、数字和下划线，不能是 county、name、ranked 或 group），"
        "或留空（现为 %(got)s）",
    ),
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
        "必须是非空的列表": _("必须是非空的列表"),
        "必须是 JSON 对象（现为 %(got)s）": _("必须是 JSON 对象（现为 %(got)s）"),
        "必须是非空的文字（现为 %(got)s）": _("必须是非空的文字（现为 %(got)s）"),
        "必须是文字（现为 %(got)s）": _("必须是文字（现为 %(got)s）"),
        "必须是 “%(a)s”（现为 %(got)s）": _("必须是 “%(a)s”（现为 %(got)s）"),
        "不认识的类别“%(a)s”": _("不认识的类别“%(a)s”"),
        "代码“%(a)s”重复": _("代码“%(a)s”重复"),
        "类别“%(a)s”下没有指标": _("类别“%(a)s”下没有指标"),
        "键须是月份 “1” 到 “12”": _("键须是月份 “1” 到 “12”"),
        "须为空或形如 %(a)s 的对象": _("须为空或形如 %(a)s 的对象"),
        "须是非空的对象：分组名称 -> 成员列表": _("须是非空的对象：分组名称 -> 成员列表"),
        "成员须是非空的文字（现为 %(got)s）": _("成员须是非空的文字（现为 %(got)s）"),
        "leading 与 lagging 之和不能大于 1": _("leading 与 lagging 之和不能大于 1"),
        "必须大于 lower": _("必须大于 lower"),
        "不能大于 red_behind": _("不能大于 red_behind"),
        "只能用于按本年累计值计分的指标（现为 %(a)s 依据）": _(
            "只能用于按本年累计值计分的指标（现为 %(a)s 依据）"
        ),
        "“按组均值插补”须先在“缺报与不考核”中填写插补分组（missing_data.imputation_group）": _(
            "“按组均值插补”须先在“缺报与不考核”中填写插补分组（missing_data.imputation_group）"
        ),
        "须是县区表中的列名（小写字母、数字和下划线，不能是 county、name、ranked 或 group），"
        "或留空（现为 %(got)s）": _(
            "须是县区表中的列名（小写字母、数字和下划线，不能是 county、name、ranked 或 group），"
            "或留空（现为 %(got)s）"
        ),
    }
    return [(pattern, wording[text]) for pattern, text in _PHRASES]


def _got(text: str) -> str:
    """The engine's words for a JSON value's kind, in the active language."""
    return {"an object": _("对象"), "a list": _("列表")}.get(text, text)


def reword(detail: str) -> str:
    """'params.target: must be greater than 0' -> 'params.target：必须大于 0' (in the active
    language); a detail no pattern knows is returned as it is."""
    parts = _FIELD.match(detail)
    field, phrase = (parts["field"], parts["phrase"]) if parts else ("", detail)
    for pattern, text in _phrases():
        match = pattern.match(phrase)
        if match:
            found = {k: _got(v) if k == "got" else v for k, v in match.groupdict().items()}
            worded = text % {k: v for k, v in found.items() if v is not None}
            return (
                _("%(field)s：%(phrase)s") % {"field": field, "phrase": worded} if field else worded
            )
    return detail


def explain(errors: list[str], data: dict) -> list[RuleError]:
    """Place and reword each engine error; `data` is the rule-set dict that was checked."""
    categories = data.get("categories") or []
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
            detail = error[path.end("k") + 1 :].lstrip(".")
            if detail.startswith(": "):  # the item itself, not one of its fields
                detail = detail[2:]
            out.append(_item_error(path["list"], k, reword(detail), data))
            continue
        out.append(RuleError("rules", None, _("规则设置：%(detail)s") % {"detail": reword(error)}))
    return out


def _label(data: dict, kind: str, k: int) -> str:
    """How an error names the k-th category or indicator: its name or code as given, or its
    place in the list when it has neither (or one no message should repeat)."""
    items = data.get(kind)
    item = items[k] if isinstance(items, list) and k < len(items) else None
    if isinstance(item, dict):
        for key in ("name", "code"):
            text = item.get(key)
            if isinstance(text, str) and text.strip() and not _text_problem(text):
                return text
    return f"{kind}[{k}]"


def _item_error(kind: str, k: int, detail: str, data: dict) -> RuleError:
    message = _("“%(name)s”：%(detail)s") % {"name": _label(data, kind, k), "detail": detail}
    return RuleError("category" if kind == "categories" else "indicator", k, message)


# ------------------------------------------------------------------ bounds of what is received

# A rule-set document as received (an import file, an API body, the editor's fields) is
# checked against these before the engine reads it: the engine judges rules, not whether a
# number fits a float or a column, or whether a text can be stored and shown.
MAX_MAGNITUDE = 10**15  # |number|: far above any weight, cap or parameter; floats stay exact
MAX_TEXT = 200  # characters of any text in the document (codes, names, group names, keys)
MAX_DEPTH = 32  # nesting; the format itself is at most five levels deep
MAX_GROUP_NAME = 40  # a peer group's name is stored with each county result
MAX_VERSION = 32767  # RuleSet.version is a PositiveSmallIntegerField


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _text_problem(text: str) -> str:
    if has_control_characters(text):
        return _("含有不可见的控制字符（如 NUL）")
    if _SURROGATE.search(text):  # JSON may write "\\ud800"; no text column can store it
        return _("含有无效的字符（不成对的 UTF-16 代理项）")
    if len(text) > MAX_TEXT:
        return _("文字过长（%(len)d 个字，最多 %(n)d 个字）") % {"len": len(text), "n": MAX_TEXT}
    return ""


def _shown_number(value: int | float | Decimal) -> str:
    """A number for a message: a huge one as 1.000000e+400, not four hundred digits."""
    if isinstance(value, int | Decimal) and len(str(value)) > 21:
        return format(Decimal(value), ".6e")
    return str(value)


def _too_large(value: int | float | Decimal) -> bool:
    """|value| >= MAX_MAGNITUDE, read without arithmetic that could overflow; NaN and infinity
    are the engine's to refuse ("must be a number")."""
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if isinstance(value, Decimal):
        return value.is_finite() and value != 0 and value.adjusted() >= len(str(MAX_MAGNITUDE)) - 1
    return abs(value) >= MAX_MAGNITUDE


def _walk(data: dict) -> list[tuple[str, str]]:
    """(path, problem) of every number and text of the document that is out of bounds, in
    document order. Iterative: a document nested as deep as a parser allows is no trouble."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            problems.append((path, _("JSON 嵌套过深。")))
            continue
        children: list[tuple[str, Any]] = []
        if isinstance(value, dict):
            for key, item in value.items():
                problem = _text_problem(str(key))
                if problem:
                    problems.append((path, _("字段名%(problem)s") % {"problem": problem}))
                    continue
                children.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list):
            children = [(f"{path}[{k}]", item) for k, item in enumerate(value)]
        elif isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                problems.append((path, problem))
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            if _too_large(value) and path != "version":
                problems.append(
                    (
                        path,
                        _("数值 %(value)s 过大（绝对值须小于 10 的 15 次方）")
                        % {"value": _shown_number(value)},
                    )
                )
        stack.extend((p, v, depth + 1) for p, v in reversed(children))
    return problems


def bounds(data: Any) -> list[RuleError]:
    """What a rule-set document must satisfy before the engine parses it and a service stores
    it: every number within ±10^15 (a larger one overflows a float or a column), every text
    at most 200 characters without control characters, nesting at most 32 levels, the version
    within 1..32767 and peer group names at most 40 characters. Each problem is placed and
    worded as `explain` does; not a dict: nothing to say here (the engine says what it must
    be)."""
    if not isinstance(data, dict):
        return []
    problems = _walk(data)
    version = data.get("version")
    if (
        isinstance(version, int)
        and not isinstance(version, bool)
        and not 1 <= version <= MAX_VERSION
    ):
        problems.append(
            (
                "version",
                _("版本号须在 1 到 %(max)d 之间（现为 %(value)s）")
                % {"max": MAX_VERSION, "value": _shown_number(version)},
            )
        )
    peers = data.get("peer_groups")
    groups = peers.get("groups") if isinstance(peers, dict) else None
    if isinstance(groups, dict):
        for name in groups:
            if isinstance(name, str) and MAX_GROUP_NAME < len(name) <= MAX_TEXT:
                problems.append(
                    (
                        "peer_groups.groups",
                        _("分组名称“%(name)s”过长（最多 %(n)d 个字）")
                        % {"name": name, "n": MAX_GROUP_NAME},
                    )
                )
    out = []
    for path, problem in problems:
        where = _PATH.match(path)
        if where:
            rest = path[where.end("k") + 1 :].lstrip(".")
            detail = (
                _("%(field)s：%(phrase)s") % {"field": rest, "phrase": problem} if rest else problem
            )
            out.append(_item_error(where["list"], int(where["k"]), detail, data))
        else:
            detail = (
                _("%(field)s：%(phrase)s") % {"field": path, "phrase": problem} if path else problem
            )
            out.append(RuleError("rules", None, _("规则设置：%(detail)s") % {"detail": detail}))
    return out
