"""The engine's result flags as every page, export and the API's readers see them: one label,
one badge class and one explanation per flag, so that 不考核 (exempt), 插补 (imputed) and 缺报
(missing) read the same in the league table, the category tables, the heatmap, the county
profile, the 得分构成 and the exports.

An indicator result may be flagged "exempt" (the county is exempted from the indicator: its
weight goes as the rule set's missing_data says) or "missing" (no value); a category result
"imputed" (none of its indicators reported: the subtotal is the mean of the county's
imputation group). docs/rules.md §11.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from indicators.scoring.rules import MissingData

EXEMPT = "exempt"
IMPUTED = "imputed"
MISSING = "missing"


@dataclass(frozen=True)
class FlagBadge:
    css: str  # the badge's class (static/css/scorecard.css)
    label: str  # 不考核, 插补, 缺报
    title: str  # what it means, for the tooltip and the legend


def flag_badges() -> dict[str, FlagBadge]:
    """The flags a table marks, in the active language."""
    return {
        EXEMPT: FlagBadge("status-exempt", _("不考核"), _("经批准该县区不考核此指标")),
        IMPUTED: FlagBadge(
            "status-imputed",
            _("插补"),
            _("该县区本类别指标全部缺报，类别得分取所在分组县区的平均得分"),
        ),
        MISSING: FlagBadge("status-draft", _("缺报"), _("未报送数据")),
    }


def indicator_badge(flags: Iterable[str]) -> FlagBadge | None:
    """An indicator result's mark: 不考核 before 缺报 (an exempted county need not report)."""
    shown = set(flags)
    badges = flag_badges()
    for flag in (EXEMPT, MISSING):
        if flag in shown:
            return badges[flag]
    return None


def exemption_policy_text(policy: MissingData) -> str:
    """What the rule set does with an exempted indicator's weight."""
    if policy.exemptions == "redistribute":
        return _("权重按比例分配给本类别其余指标")
    if policy.exemptions == "zero":
        return _("计 0 分")
    if policy.pro_rata_level == "total":
        return _("权重按全部其余指标得分率折算")
    return _("权重按本类别其余指标得分率折算")


def rate_source_text(policy: MissingData) -> str:
    """Where a pro-rata rate comes from (其余指标得分率)."""
    if policy.pro_rata_level == "total":
        return _("全部其余指标得分率")
    return _("本类别其余指标得分率")


def legend(flags: Iterable[str], policy: MissingData | None = None) -> list[FlagBadge]:
    """The badges a page shows for `flags` (those present on it), for its legend; the exempt
    one says what the rule set does with the weight when `policy` is given."""
    present = set(flags)
    out = []
    for flag, badge in flag_badges().items():
        if flag not in present:
            continue
        if flag == EXEMPT and policy is not None:
            badge = FlagBadge(
                badge.css,
                badge.label,
                _("%(meaning)s，%(policy)s")
                % {"meaning": badge.title, "policy": exemption_policy_text(policy)},
            )
        out.append(badge)
    return out


def note_text(
    exempt: Iterable[str] = (), missing: Iterable[str] = (), imputed: Iterable[str] = ()
) -> str:
    """An export row's note: "不考核：工业投资；缺报：税收收入；插补：创新发展", each list of names
    (indicators, or categories for the imputed) joined with 、; "" when there is none."""
    badges = flag_badges()
    parts = [
        _("%(label)s：%(names)s") % {"label": badges[flag].label, "names": "、".join(names)}
        for flag, names in (
            (EXEMPT, list(exempt)),
            (MISSING, list(missing)),
            (IMPUTED, list(imputed)),
        )
        if names
    ]
    return _("；").join(parts)
