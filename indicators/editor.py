"""The rule-set editor: one page of Django forms that becomes the engine's rule-set dict.

Rows are keyed by code: the rule-set settings (prefix "rs"), one form per category
("cat-<code>") and one per indicator of the catalogue ("ind-<code>", with an "included" box).
`RuleSetEditor.rules_dict()` builds the dict that `ruleset_update` saves and the what-if
preview scores; the engine's parser judges it and `rule_errors.explain` puts each of its errors
next to the category, indicator or total it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.forms import BaseForm

from .forms import CategoryRowForm, IndicatorRowForm, SettingsForm
from .models import Category, Indicator, RuleSet
from .rule_errors import MAX_MAGNITUDE, RuleError, bounds, explain, weight_message
from .rules_json import category_entry, improvement_entry, indicator_entry, rules_document
from .scoring import RulesError, parse_rules
from .scoring.params import METHOD_PARAMS
from .scoring.rules import MissingData
from .selectors import ruleset_as_dict


@dataclass
class IndicatorRow:
    indicator: Indicator
    form: IndicatorRowForm
    errors: list[str] = field(default_factory=list)


@dataclass
class CategorySection:
    category: Category
    form: CategoryRowForm
    rows: list[IndicatorRow]
    errors: list[str] = field(default_factory=list)
    total: Decimal = Decimal(0)  # the included indicators' weights, as typed
    weight: Decimal | None = None

    @property
    def balance(self) -> str:
        """ "" when the indicators add up to the category weight, else by how much they do not."""
        want = self.weight if self.weight is not None else (Decimal(0) if self.total else None)
        if want is None or want == self.total:
            return ""
        return _balance(self.total, want, self.category.name)


def _balance(got: Decimal, want: Decimal, category: str | None) -> str:
    diff = got - want
    return weight_message(
        got=_text(got),
        want=_text(want),
        diff=_text(abs(diff)),
        side="over" if diff > 0 else "short",
        category=category,
    )


def _text(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


# The rule-set JSON's "missing_data" keys and their defaults (indicators.scoring.MissingData).
MISSING_DATA_DEFAULTS: dict[str, Any] = {
    "exemptions": MissingData.exemptions,
    "pro_rata_level": MissingData.pro_rata_level,
    "imputation_group": MissingData.imputation_group,
    "count_exempt": MissingData.count_exempt,
    "count_imputed": MissingData.count_imputed,
}


def _missing_data(d: dict) -> dict[str, Any]:
    """The rule-set dict's "missing_data" with every key, the defaults where it has none."""
    given = d.get("missing_data")
    given = given if isinstance(given, dict) else {}
    return {key: given.get(key, default) for key, default in MISSING_DATA_DEFAULTS.items()}


def _raw_decimal(text: Any) -> Decimal | None:
    """A weight as typed, for the running totals; None when it is no number or one no weight
    could be (the field itself then says why), so that 1e999999999 cannot overflow a sum."""
    try:
        number = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    # adjusted(): the power of ten of the leading digit, read without arithmetic (abs() of
    # 1e999999999 overflows the decimal context)
    fits = number.is_finite() and number.adjusted() < len(str(MAX_MAGNITUDE)) - 1
    return number if fits else None


class RuleSetEditor:
    """The editor's forms for one rule set, bound to a POST or filled from the stored rows."""

    def __init__(self, ruleset: RuleSet, data: Any = None, *, disabled: bool = False) -> None:
        self.ruleset = ruleset
        self.bound = data is not None
        stored = ruleset_as_dict(ruleset)
        self.settings = SettingsForm(data, prefix="rs", initial=self._settings_initial(stored))
        rules = {r["code"]: r for r in stored["indicators"]}
        cats = {c["code"]: c for c in stored["categories"]}
        catalogue = list(
            Indicator.objects.filter(is_active=True).select_related("category")
        ) + list(Indicator.objects.filter(is_active=False, code__in=rules).select_related(
            "category"
        ))  # fmt: skip
        denominators = [(i.code, i.name) for i in catalogue]
        categories = {c.code: c for c in Category.objects.all()}
        order = list(cats) + [c for c in categories if c not in cats]
        # each indicator under its rule-set category, else its catalogue category
        placed: dict[str, list[Indicator]] = {code: [] for code in order}
        rule_order = {code: k for k, code in enumerate(rules)}
        for ind in sorted(
            catalogue,
            key=lambda i: (i.code not in rules, rule_order.get(i.code, 0), i.display_order, i.code),
        ):
            home = rules[ind.code]["category"] if ind.code in rules else ind.category.code
            placed[home].append(ind)
        self.sections: list[CategorySection] = []
        for code in order:
            if code not in categories or (not placed[code] and code not in cats):
                continue
            cat_form = CategoryRowForm(
                data, prefix=f"cat-{code}", initial=self._category_initial(cats.get(code))
            )
            rows = []
            for ind in placed[code]:
                form = IndicatorRowForm(
                    data,
                    prefix=f"ind-{ind.code}",
                    initial=self._indicator_initial(ind, code, rules.get(ind.code)),
                    denominators=[d for d in denominators if d[0] != ind.code],
                )
                rows.append(IndicatorRow(ind, form))
            self.sections.append(CategorySection(categories[code], cat_form, rows))
        self.errors: list[str] = []  # rule-set wide
        self.total_errors: list[str] = []
        self.checked = False
        if disabled:
            for each in self.forms():
                for f in each.fields.values():
                    f.disabled = True
        self._running_totals()

    # ------------------------------------------------------------------ initial values

    @staticmethod
    def _settings_initial(d: dict) -> dict[str, Any]:
        bonus = d["bonus"] or {}
        imp = d["improvement"] or {}
        return {
            "name": d["name"],
            "total_weight": d["total"]["weight"],
            "total_points": d["total"]["points"],
            "total_aggregation": d["total"]["aggregation"],
            "total_decimals": d["total"]["decimals"],
            "indicator_decimals": d["indicator_decimals"],
            "rank_on": d["rank_on"],
            "missing_share_max": d["missing_share_max"],
            "tier_leading": d["tiers"]["leading"],
            "tier_lagging": d["tiers"]["lagging"],
            "bonus_cap": bonus.get("bonus_cap"),
            "penalty_cap": bonus.get("penalty_cap"),
            "improvement_points": imp.get("points_per_place"),
            "improvement_cap": imp.get("cap"),
            "improvement_penalty": imp.get("penalty_per_place"),
            "improvement_penalty_cap": imp.get("penalty_cap"),
            "peer_groups": d["peer_groups"],
            "period_weights": d["period_weights"],
            "warnings": d.get("warnings"),
            "bulletin": d.get("bulletin"),
            **{f"missing_{key}": value for key, value in _missing_data(d).items()},
        }

    @staticmethod
    def _category_initial(c: dict | None) -> dict[str, Any]:
        if c is None:
            return {"aggregation": "sum", "decimals": 2, "missing": "zero"}
        return {
            "weight": c["weight"],
            "aggregation": c["aggregation"],
            "decimals": c["decimals"],
            "missing": c.get("missing", "zero"),
        }

    @staticmethod
    def _indicator_initial(ind: Indicator, category: str, r: dict | None) -> dict[str, Any]:
        if r is None:
            return {
                "included": False,
                "category": category,
                "basis": "growth" if ind.kind == Indicator.Kind.FLOW else "value",
                "direction": ind.direction,
                "decimals": 1,
                "method": "rank_points",
                "params": {"step": 0.05, "floor": 0.5},
                "frequency": "monthly",
            }
        return {
            "included": True,
            "category": category,
            "weight": r["weight"],
            "basis": r["basis"]["type"],
            "denominator": r["basis"].get("denominator", ""),
            "factor": r["basis"].get("factor"),
            "direction": r["direction"],
            "decimals": r["decimals"],
            "method": r["method"],
            "params": r["params"],
            "frequency": r["frequency"],
        }

    # ------------------------------------------------------------------------ checks

    def forms(self) -> list[BaseForm]:
        out: list[BaseForm] = [self.settings]
        for section in self.sections:
            out.append(section.form)
            out.extend(row.form for row in section.rows)
        return out

    def _value(self, form: BaseForm, name: str) -> Any:
        return form[name].value() if self.bound else form.initial.get(name)

    def _running_totals(self) -> None:
        """Each category's included indicator weights and the category weights, as typed
        (what static/js/ruleset_editor.js shows live; recomputed here on every post)."""
        grand = Decimal(0)
        for section in self.sections:
            section.weight = _raw_decimal(self._value(section.form, "weight"))
            section.total = Decimal(0)
            for row in section.rows:
                if self._value(row.form, "included"):
                    section.total += _raw_decimal(self._value(row.form, "weight")) or Decimal(0)
            grand += section.weight or Decimal(0)
        self.grand_total = grand
        self.total_weight = _raw_decimal(self._value(self.settings, "total_weight"))

    @property
    def grand_balance(self) -> str:
        if self.total_weight is None or self.total_weight == self.grand_total:
            return ""
        return _balance(self.grand_total, self.total_weight, None)

    def is_valid(self) -> bool:
        """Every field valid and the engine accepts the rule set (weights add up at each level)."""
        fields_ok = all(form.is_valid() for form in self.forms())
        if not fields_ok:
            return False
        data = self.rules_dict()
        self.checked = True
        out_of_bounds = bounds(data)  # numbers and texts the engine should not be handed
        if out_of_bounds:
            self.place(out_of_bounds)
            return False
        try:
            parse_rules(data)
        except RulesError as exc:
            self.place(explain(exc.errors, data))
            return False
        return True

    def place(self, errors: list[RuleError]) -> None:
        """Attach engine errors (indices into rules_dict()'s lists) to their rows."""
        sections = [s for s in self.sections if self._category_in(s)]
        rows = [r for s in sections for r in s.rows if r.form.cleaned_data.get("included")]
        for error in errors:
            if (
                error.level == "category"
                and error.index is not None
                and error.index < len(sections)
            ):
                sections[error.index].errors.append(error.message)
            elif error.level == "indicator" and error.index is not None and error.index < len(rows):
                rows[error.index].errors.append(error.message)
            elif error.level == "total":
                self.total_errors.append(error.message)
            else:
                self.errors.append(error.message)

    def _category_in(self, section: CategorySection) -> bool:
        weight = section.form.cleaned_data.get("weight")
        included = any(r.form.cleaned_data.get("included") for r in section.rows)
        return included or bool(weight)

    def rules_dict(self) -> dict[str, Any]:
        """The rule set as typed, in the engine's JSON shape (call after the forms validate)."""
        s = self.settings.cleaned_data
        categories, indicators = [], []
        for section in self.sections:
            if not self._category_in(section):
                continue
            c = section.form.cleaned_data
            categories.append(
                category_entry(
                    code=section.category.code,
                    name=section.category.name,
                    weight=c["weight"],
                    aggregation=c["aggregation"],
                    decimals=c["decimals"],
                    missing=c.get("missing") or "zero",
                )
            )
            for row in section.rows:
                r = row.form.cleaned_data
                if not r.get("included"):
                    continue
                indicators.append(
                    indicator_entry(
                        code=row.indicator.code,
                        name=row.indicator.name,
                        category=section.category.code,
                        weight=r["weight"],
                        basis=r["basis"],
                        denominator=r["denominator"],
                        factor=r["factor"],
                        direction=r["direction"],
                        decimals=r["decimals"],
                        method=r["method"],
                        params=r["params"],
                        frequency=r["frequency"],
                    )
                )
        return rules_document(
            name=s["name"],
            year=self.ruleset.year,
            version=self.ruleset.version,
            total_weight=s["total_weight"],
            total_points=s["total_points"],
            total_aggregation=s["total_aggregation"],
            total_decimals=s["total_decimals"],
            indicator_decimals=s["indicator_decimals"],
            rank_on=s["rank_on"],
            missing_share_max=s["missing_share_max"],
            tier_leading=s["tier_leading"],
            tier_lagging=s["tier_lagging"],
            peer_groups=s["peer_groups"],
            period_weights=s["period_weights"],
            bonus_cap=s["bonus_cap"],
            penalty_cap=s["penalty_cap"],
            improvement=improvement_entry(
                points_per_place=s["improvement_points"],
                cap=s["improvement_cap"],
                penalty_per_place=s["improvement_penalty"],
                penalty_cap=s["improvement_penalty_cap"],
            ),
            categories=categories,
            indicators=indicators,
            warnings=s.get("warnings"),
            bulletin=s.get("bulletin"),
            missing_data=self._missing_data_entry(s),
        )

    def _missing_data_entry(self, s: dict[str, Any]) -> dict[str, Any] | None:
        """The section 缺报与不考核 as the rule set's "missing_data": absent while it says what
        the defaults say and the stored rule set has none; the stored object as it is while the
        fields say what it says (an imported document keeps its form); else every key."""
        typed = {
            "exemptions": s["missing_exemptions"],
            "pro_rata_level": s["missing_pro_rata_level"],
            "imputation_group": s["missing_imputation_group"].strip() or None,
            "count_exempt": s["missing_count_exempt"],
            "count_imputed": s["missing_count_imputed"],
        }
        stored = self.ruleset.missing_data_rules
        if isinstance(stored, dict) and _missing_data({"missing_data": stored}) == typed:
            return stored
        if stored is None and typed == MISSING_DATA_DEFAULTS:
            return None
        return typed

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors
            or self.total_errors
            or any(s.errors or any(r.errors for r in s.rows) for s in self.sections)
            or (self.bound and any(f.errors for f in self.forms()))
        )


def method_params_hint() -> dict[str, list[str]]:
    """Each method's parameter names, required ones marked with *, for the editor's hints."""
    return {
        method: [name + ("*" if p.required else "") for name, p in spec.items()]
        for method, spec in METHOD_PARAMS.items()
    }
