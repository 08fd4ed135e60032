"""What the bulletin says, read from stored results: a period's published ranking, its movers,
red and black lists, red warnings, the city's progress, who reported late, and the bonus and
penalty items. Reads only; never scores. Returns data (Decimals, names), not sentences
(composer.py writes those)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, QuerySet

from counties.models import County, Period, Submission
from indicators.models import Category
from indicators.scoring.rules import Bulletin as BulletinSizes
from indicators.selectors import ruleset_as_dict
from rankings.models import (
    BonusItem,
    CategoryResult,
    CountyResult,
    ProgressResult,
    RankingRun,
)
from scorecard.roles import AnyUser

from ..access import bulletins_visible_to
from ..models import Bulletin


def published_run(period: Period) -> RankingRun | None:
    """The period's latest published ranking: what the counties have been shown."""
    return (
        RankingRun.objects.filter(
            period=period, is_published=True, status=RankingRun.Status.SUCCEEDED
        )
        .select_related("ruleset", "period")
        .order_by("-published_at", "-pk")
        .first()
    )


def periods_to_bulletin() -> list[Period]:
    """Periods with a published ranking and no bulletin yet, newest first."""
    published = RankingRun.objects.filter(
        is_published=True, status=RankingRun.Status.SUCCEEDED
    ).values("period_id")
    return list(
        Period.objects.filter(pk__in=published, bulletin__isnull=True).order_by("-year", "-month")
    )


def bulletins_for(user: AnyUser) -> QuerySet[Bulletin]:
    return bulletins_visible_to(user).select_related("period", "issued_by", "drafted_by")


@dataclass(frozen=True)
class Standing:
    code: str
    name: str
    rank: int | None
    total: Decimal | None
    change: int | None  # places gained since last month (+ up)
    tier: str
    peer_group: str
    bonus: Decimal
    penalty: Decimal


@dataclass(frozen=True)
class Late:
    name: str
    days: int | None  # None: not reported (nothing approved) by the time of the bulletin


@dataclass(frozen=True)
class Adjustment:
    name: str
    points: Decimal
    reason: str


@dataclass(frozen=True)
class Responsible:
    """Who answers for a red warning (责任分工): the county and its leader in charge, the
    indicator and its lead department."""

    county: str
    leader: str
    indicator: str
    lead_department: str


@dataclass(frozen=True)
class BulletinFacts:
    period: Period
    run: RankingRun
    standings: list[Standing]  # by peer group, then rank; counties without a place last
    risers: list[Standing]  # the largest gain of places (ties all named)
    fallers: list[Standing]  # the largest loss of places
    red_list: list[Standing]
    black_list: list[Standing]
    red_warnings: list[tuple[str, list[str]]]  # county name, its red indicators
    responsible: list[Responsible]  # one per red warning
    city_behind: list[tuple[str, str, Decimal]]  # indicator name, target kind, points behind
    late: list[Late]
    adjustments: list[Adjustment]
    warning_counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: red, yellow
    categories: list[Category] = field(default_factory=list)
    subtotals: dict[str, list[Decimal | None]] = field(default_factory=dict)  # by county code

    @property
    def has_targets(self) -> bool:
        """Whether the run measured progress against published targets."""
        return self.run.target_set_id is not None

    @property
    def ranked(self) -> list[Standing]:
        return [s for s in self.standings if s.rank is not None]


def _sizes(run: RankingRun) -> BulletinSizes:
    from indicators.scoring import parse_rules

    rules = parse_rules(ruleset_as_dict(run.ruleset))
    return rules.bulletin or BulletinSizes()


def _extremes(standings: list[Standing], *, up: bool) -> list[Standing]:
    moved = [s for s in standings if s.change and (s.change > 0 if up else s.change < 0)]
    if not moved:
        return []
    best = max(s.change for s in moved) if up else min(s.change for s in moved)  # type: ignore[type-var]
    return [s for s in moved if s.change == best]


def bulletin_facts(period: Period, run: RankingRun) -> BulletinFacts:
    results = list(
        CountyResult.objects.filter(run=run)
        .select_related("county")
        .order_by("peer_group", F("rank").asc(nulls_last=True), "county__display_order")
    )
    standings = [
        Standing(
            code=r.county.code,
            name=r.county.name,
            rank=r.rank,
            total=r.total,
            change=r.rank_change,
            tier=r.tier,
            peer_group=r.peer_group,
            bonus=r.bonus,
            penalty=r.penalty,
        )
        for r in results
    ]
    ranked = [s for s in standings if s.rank is not None]
    sizes = _sizes(run)
    by_rank = sorted(ranked, key=lambda s: (s.peer_group, s.rank, s.code))
    red_list: list[Standing] = []
    black_list: list[Standing] = []
    for group in dict.fromkeys(s.peer_group for s in by_rank):  # each peer group its own lists
        members = [s for s in by_rank if s.peer_group == group]
        worst = max(int(s.rank or 0) for s in members)
        reds = [s for s in members if int(s.rank or 0) <= sizes.red_list]
        red_list += reds
        black_list += [
            s
            for s in members
            if sizes.black_list and int(s.rank or 0) > worst - sizes.black_list and s not in reds
        ]

    red: dict[str, list[str]] = {}
    responsible = []
    for name, indicator, leader, lead in (
        ProgressResult.objects.filter(run=run, level="red", county__isnull=False)
        .order_by(
            "county__display_order",
            "indicator__category__display_order",
            "indicator__display_order",
        )
        .values_list(
            "county__name", "indicator__name", "county__leader", "indicator__lead_department__name"
        )
    ):
        red.setdefault(name, []).append(indicator)
        responsible.append(Responsible(name, leader or "", indicator, lead or ""))
    city_behind = [
        (name, kind, ahead)
        for name, kind, ahead in ProgressResult.objects.filter(
            run=run, county__isnull=True, ahead__lt=0
        )
        .order_by("ahead")
        .values_list("indicator__name", "target_kind", "ahead")
        if ahead is not None
    ]

    late = []
    submissions = {
        s.county_id: s for s in Submission.objects.filter(period=period).select_related("county")
    }
    for county in County.objects.filter(is_active=True, is_ranked=True).order_by(
        "display_order", "code"
    ):
        sub = submissions.get(county.pk)
        if sub is None or sub.status != Submission.Status.APPROVED or sub.submitted_at is None:
            late.append(Late(county.name, None))
            continue
        days = (sub.submitted_at.date() - period.deadline).days
        if days > 0:
            late.append(Late(county.name, days))

    adjustments = [
        Adjustment(name, points, reason)
        for name, points, reason in BonusItem.objects.filter(
            period=period, created_at__lte=run.started_at
        )
        .order_by("county__display_order", "-points")
        .values_list("county__name", "points", "reason")
    ]

    counts: dict[str, list[int]] = {s.name: [0, 0] for s in standings}
    for name, level, n in (
        ProgressResult.objects.filter(run=run, county__isnull=False, level__in=["red", "yellow"])
        .values_list("county__name", "level")
        .annotate(n=Count("id"))
        .values_list("county__name", "level", "n")
    ):
        counts.setdefault(name, [0, 0])[0 if level == "red" else 1] += n

    subtotal_rows = CategoryResult.objects.filter(run=run).values_list(
        "county__code", "category_id", "subtotal"
    )
    by_key = {(c, k): s for c, k, s in subtotal_rows}
    categories = list(
        Category.objects.filter(id__in={k for _c, k in by_key}).order_by("display_order", "code")
    )
    subtotals = {
        s.code: [by_key.get((s.code, c.pk)) if s.total is not None else None for c in categories]
        for s in standings
    }
    return BulletinFacts(
        period=period,
        run=run,
        standings=standings,
        risers=_extremes(ranked, up=True),
        fallers=_extremes(ranked, up=False),
        red_list=red_list,
        black_list=black_list,
        red_warnings=list(red.items()),
        responsible=responsible,
        city_behind=city_behind,
        late=late,
        adjustments=adjustments,
        warning_counts={name: (r, y) for name, (r, y) in counts.items()},
        categories=categories,
        subtotals=subtotals,
    )
