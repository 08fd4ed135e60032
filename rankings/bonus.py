"""Bonus and penalty items (加减分项): services and reads.

Reviewers and admins add an item (county, period, points, reason, a supporting document) or
cancel one with a reason; simple-history keeps every change with who made it, cancellations
included. Each change queues the period's ranking recompute once the transaction commits.
Whoever may see a period's ranking may see its items and open their documents, which are
stored under MEDIA_ROOT and served only through a view that checks this (never a public URL).

A county's effective points follow the rule set as the engine applies them: the bonuses are
summed and capped at the rule set's bonus cap, the penalties summed and capped at its penalty
cap, each part on its own.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from counties.access import (
    AnyUser,
    can_manage_bonus_items,
    can_see_unpublished_rankings,
)
from counties.models import County, Period
from indicators.models import RuleSet
from indicators.selectors import ruleset_published_for_year

from .models import BonusItem, RankingRun
from .selectors import periods_with_rankings, runs_visible
from .tasks import enqueue_recompute

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_POINTS = Decimal("100")
CANCEL_REASON_MAX = 100  # simple-history's change-reason column

# extension -> (content type, kind of content the first bytes must show)
DOCUMENT_TYPES: dict[str, tuple[str, str]] = {
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "png"),
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".doc": ("application/msword", "ole"),
    ".xls": ("application/vnd.ms-excel", "ole"),
    ".ppt": ("application/vnd.ms-powerpoint", "ole"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "ooxml:word/",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml:xl/"),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ooxml:ppt/",
    ),
}
MAGIC = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpeg": b"\xff\xd8\xff",
    "ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
}
ACCEPTED_EXTENSIONS = tuple(DOCUMENT_TYPES)


# ------------------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class Caps:
    ruleset: RuleSet | None
    bonus_cap: Decimal | None  # None: no cap
    penalty_cap: Decimal | None


@dataclass(frozen=True)
class CountyPoints:
    county: County
    bonus: Decimal  # sum of the positive items
    penalty: Decimal  # sum of the negative items (<= 0)
    effective: Decimal  # after the caps
    capped: bool  # a cap changed the sum
    items: int


def bonus_caps(period: Period) -> Caps:
    """The caps of the rule set that scores the period (its year's published version)."""
    ruleset = ruleset_published_for_year(period.year)
    if ruleset is None:
        return Caps(None, None, None)
    return Caps(ruleset, ruleset.bonus_cap, ruleset.penalty_cap)


def bonus_items_visible(user: AnyUser, period: Period) -> bool:
    """Items are seen by whoever may see the period's ranking: city staff at once, county
    users once a ranking of the period has been published."""
    if can_see_unpublished_rankings(user):
        return True
    if not user.is_authenticated:
        return False
    return runs_visible(user).filter(period=period).exists()


def bonus_periods(user: AnyUser) -> list[Period]:
    """Periods whose items the user may see, newest first."""
    if can_see_unpublished_rankings(user):
        return list(Period.objects.order_by("-year", "-month"))
    if not user.is_authenticated:
        return []
    return periods_with_rankings(user)


def bonus_items_of(period: Period) -> QuerySet[BonusItem]:
    return (
        BonusItem.objects.filter(period=period)
        .select_related("county", "created_by")
        .order_by("county__display_order", "county__code", "created_at", "pk")
    )


def bonus_county_points(period: Period, caps: Caps) -> list[CountyPoints]:
    """Each county with items in the period: its bonuses, penalties and capped effective points."""
    by_county: dict[int, list[BonusItem]] = {}
    counties: dict[int, County] = {}
    for item in bonus_items_of(period):
        by_county.setdefault(item.county_id, []).append(item)
        counties[item.county_id] = item.county
    rows = []
    for county_id, items in by_county.items():
        plus = sum((i.points for i in items if i.points > 0), Decimal(0))
        minus = sum((i.points for i in items if i.points < 0), Decimal(0))
        plus_capped = plus if caps.bonus_cap is None else min(plus, caps.bonus_cap)
        minus_capped = minus if caps.penalty_cap is None else max(minus, -caps.penalty_cap)
        rows.append(
            CountyPoints(
                county=counties[county_id],
                bonus=plus,
                penalty=minus,
                effective=plus_capped + minus_capped,
                capped=(plus_capped, minus_capped) != (plus, minus),
                items=len(items),
            )
        )
    return rows


def bonus_history_of(period: Period) -> QuerySet:
    """Every change to the period's items, newest first: added, changed, cancelled, with who."""
    return (
        BonusItem.history.filter(period=period)
        .select_related("county", "history_user")
        .order_by("-history_date", "-history_id")
    )


def bonus_item_visible_or_404(user: AnyUser, pk: int) -> BonusItem:
    item = BonusItem.objects.select_related("period", "county").filter(pk=pk).first()
    if item is None or not bonus_items_visible(user, item.period):
        raise Http404("no such item")
    return item


def bonus_history_visible_or_404(user: AnyUser, history_id: int):
    """A historical version of an item (a cancelled item's document stays readable)."""
    record = (
        BonusItem.history.select_related("period", "county").filter(history_id=history_id).first()
    )
    if record is None or not bonus_items_visible(user, record.period):
        raise Http404("no such record")
    return record


# ------------------------------------------------------------------------------ the document


def document_check(upload: UploadedFile) -> str:
    """The content type of an acceptable supporting document, or ValidationError saying why
    not: at most 10 MiB, a PDF, PNG or JPEG image or an Office document, whose content (its
    first bytes, and for .docx/.xlsx/.pptx the package inside) matches its extension."""
    name = upload.name or ""
    extension = PurePath(name).suffix.lower()
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”：请上传 PDF、图片（PNG、JPG）或 Office 文档。")
            % {"ext": extension or _("无扩展名")},
            code="type",
        )
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("文件过大（%(size).1f MB）：依据文件不能超过 10 MB。")
            % {"size": upload.size / 1024 / 1024},
            code="size",
        )
    if not upload.size:
        raise ValidationError(_("文件是空的。"), code="empty")
    content_type, kind = DOCUMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    ok = (
        _looks_like_ooxml(upload, kind[6:])
        if kind.startswith("ooxml:")
        else head.startswith(MAGIC[kind])
    )
    upload.seek(0)
    if not ok:
        raise ValidationError(
            _("文件内容与扩展名“%(ext)s”不符（可能已损坏或改过扩展名），请上传原始文件。")
            % {"ext": extension},
            code="content",
        )
    return content_type


def _looks_like_ooxml(upload: UploadedFile, folder: str) -> bool:
    if not upload.read(4).startswith(b"PK\x03\x04"):
        return False
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def document_content_type(name: str) -> str:
    return DOCUMENT_TYPES.get(PurePath(name).suffix.lower(), ("application/octet-stream", ""))[0]


# ------------------------------------------------------------------------------------ writes


def bonus_item_create(
    *,
    county: County,
    period: Period,
    points: Decimal,
    reason: str,
    document: UploadedFile,
    user: AbstractBaseUser,
) -> BonusItem:
    """Add a bonus (points > 0) or penalty (points < 0) with its reason and document, and queue
    the period's recompute."""
    if not can_manage_bonus_items(user):
        raise PermissionDenied(_("只有市统计局审核人员或管理员可以录入加减分项。"))
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors.setdefault("reason", []).append(_("请填写加减分事由。"))
    if points is None or points == 0:
        errors.setdefault("points", []).append(_("分值不能为 0：加分填正数，扣分填负数。"))
    elif abs(points) > MAX_POINTS:
        errors.setdefault("points", []).append(_("分值的绝对值不能超过 100 分。"))
    if not county.is_active:
        errors.setdefault("county", []).append(_("该县区已停用。"))
    if document is None:
        errors.setdefault("document", []).append(_("请上传依据文件。"))
    else:
        try:
            document_check(document)
        except ValidationError as exc:
            errors.setdefault("document", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = BonusItem(
            county=county,
            period=period,
            points=points,
            reason=reason,
            created_by=user,
        )
        item.document.save(PurePath(document.name).name, document, save=False)
        item._history_user = user
        item.save()
        enqueue_recompute(period, trigger=RankingRun.Trigger.BONUS, user_id=user.pk)
    return item


def bonus_item_cancel(*, item: BonusItem, reason: str, user: AbstractBaseUser) -> None:
    """Cancel (delete) an item with a reason. The history keeps the item, its document and
    who cancelled it and why; the period's recompute is queued."""
    if not can_manage_bonus_items(user):
        raise PermissionDenied(_("只有市统计局审核人员或管理员可以撤销加减分项。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写撤销原因。")]})
    if len(reason) > CANCEL_REASON_MAX:
        raise ValidationError(
            {"reason": [_("撤销原因不能超过 %(n)d 个字。") % {"n": CANCEL_REASON_MAX}]}
        )
    period = item.period
    with transaction.atomic():
        item._history_user = user
        item._change_reason = reason
        item.delete()  # the file stays on disk: the history points at it
        enqueue_recompute(period, trigger=RankingRun.Trigger.BONUS, user_id=user.pk)
