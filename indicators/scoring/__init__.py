"""The scoring engine: pure pandas/numpy, no Django. See docs/rules.md for the rule-set format.

rules = parse_rules(json.load(f))
result = score(values, rules, counties)
result.indicators, result.categories, result.counties
"""

from .annual import annual
from .engine import ScoreResult, score
from .gaps import gaps
from .grid import ScoringInputError
from .io import (
    InputFileError,
    read_bonuses,
    read_counties,
    read_rules,
    read_values,
    score_files,
    wide_table,
)
from .parsing import parse_rules
from .rounding import round_decimal, round_half_up
from .rules import Rules, RulesError, rules_to_dict
from .stability import StabilityResult, rank_stability

__all__ = [
    "InputFileError",
    "Rules",
    "RulesError",
    "ScoreResult",
    "ScoringInputError",
    "StabilityResult",
    "annual",
    "gaps",
    "parse_rules",
    "rank_stability",
    "read_bonuses",
    "read_counties",
    "read_rules",
    "read_values",
    "round_decimal",
    "round_half_up",
    "rules_to_dict",
    "score",
    "score_files",
    "wide_table",
]
