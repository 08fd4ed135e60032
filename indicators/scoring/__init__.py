"""The scoring engine: pure pandas/numpy, no Django. See docs/rules.md for the rule-set format.

rules = parse_rules(json.load(f))
result = score(values, rules, counties)  # targets=: each county's own target
result.indicators, result.categories, result.counties, result.references
explain_points(rule, basis=..., rank=..., flags=..., reference=...)  # the arithmetic of a score
"""

from .annual import annual
from .engine import ScoreResult, score
from .explain import (
    Explanation,
    explain_improvement,
    explain_points,
    explain_result,
    explain_total,
)
from .gaps import gaps
from .grid import BonusPoints, ScoringInputError
from .io import (
    InputFileError,
    read_bonuses,
    read_counties,
    read_exemptions,
    read_rules,
    read_targets,
    read_values,
    score_files,
    wide_table,
)
from .parsing import parse_rules
from .rounding import round_decimal, round_half_up
from .rules import Indicator, MissingData, Rules, RulesError, rules_to_dict
from .stability import StabilityResult, rank_stability

__all__ = [
    "BonusPoints",
    "Explanation",
    "Indicator",
    "InputFileError",
    "MissingData",
    "Rules",
    "RulesError",
    "ScoreResult",
    "ScoringInputError",
    "StabilityResult",
    "annual",
    "explain_improvement",
    "explain_points",
    "explain_result",
    "explain_total",
    "gaps",
    "parse_rules",
    "rank_stability",
    "read_bonuses",
    "read_counties",
    "read_exemptions",
    "read_rules",
    "read_targets",
    "read_values",
    "round_decimal",
    "round_half_up",
    "rules_to_dict",
    "score",
    "score_files",
    "wide_table",
]
