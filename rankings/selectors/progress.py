"""What progress against targets reads besides the period's approved values: the year's targets
in force, the indicators' kinds and directions, and last year's whole-year values (the pace a
growth target needs)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from counties.models import Period, Submission, SubmissionValue
from indicators.models import Indicator
from targets.models import TargetSet
from targets.selectors import CITY_CODE, published_target_set, targets_frame

from .tables import is_summable


@dataclass(frozen=True)
class ProgressInputs:
    target_set: TargetSet | None
    targets: pd.DataFrame  # targets_frame(): county (CITY_CODE for the city), indicator, ...
    indicators: pd.DataFrame  # indicator, kind, direction
    summable: frozenset[str]  # indicators whose county figures add up to the city's
    prior_annual: pd.DataFrame  # county, indicator, prior_annual (last December's approved)

    def checksum_part(self) -> dict:
        """What of these decides a run, for its input checksum."""
        if self.target_set is None:
            return {}
        targets = self.targets.astype(object).where(self.targets.notna(), None)
        return {
            "target_set": [self.target_set.pk, self.target_set.version],
            "targets": sorted(
                [str(v) for v in row] for row in targets.itertuples(index=False, name=None)
            ),
        }


def progress_inputs(period: Period, indicator_codes: list[str]) -> ProgressInputs:
    target_set = published_target_set(period.year)
    indicators = list(Indicator.objects.filter(code__in=indicator_codes))
    frame = pd.DataFrame(
        [(i.code, i.kind, i.direction) for i in indicators],
        columns=["indicator", "kind", "direction"],
    )
    summable = frozenset(i.code for i in indicators if is_summable(i))
    if target_set is None:
        empty = pd.DataFrame(columns=["county", "indicator", "target_kind", "target", "schedule"])
        return ProgressInputs(None, empty, frame, summable, pd.DataFrame())
    targets = targets_frame(target_set)
    targets = targets[targets["indicator"].isin(indicator_codes)]
    december = SubmissionValue.objects.filter(
        submission__period__year=period.year - 1,
        submission__period__month=12,
        submission__status=Submission.Status.APPROVED,
        indicator__code__in=indicator_codes,
    ).values_list("submission__county__code", "indicator__code", "value")
    prior_annual = pd.DataFrame(
        [(c, i, float(v)) for c, i, v in december if v is not None],
        columns=["county", "indicator", "prior_annual"],
    )
    return ProgressInputs(target_set, targets, frame, summable, prior_annual)


__all__ = ["CITY_CODE", "ProgressInputs", "progress_inputs"]
