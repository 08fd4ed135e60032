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
from decimal import Decimal
from pathlib import PurePath

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from counties.models import County, Period
from scorecard.history import set_change_reason, set_history_user
from scorecard.roles import AnyUser

from ..access import can_manage_bonus_items
from ..models import BonusItem, RankingRun
from ..tasks import enqueue_recompute

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
    user: AnyUser,
) -> BonusItem:
    """Add a bonus (points > 0) or penalty (points < 0) with its reason and document, and queue
    the period's recompute."""
    if not can_manage_bonus_items(user):
        raise PermissionDenied(_("只有市统计局审核人员或管理员可以录入加减分项。"))
    assert isinstance(user, User)  # the check above admits signed-in users only
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
        item.document.save(PurePath(document.name or "").name, document, save=False)
        set_history_user(item, user)
        item.save()
        enqueue_recompute(period, trigger=RankingRun.Trigger.BONUS, user_id=user.pk)
    return item


def bonus_item_cancel(*, item: BonusItem, reason: str, user: AnyUser) -> None:
    """Cancel (delete) an item with a reason. The history keeps the item, its document and
    who cancelled it and why; the period's recompute is queued."""
    if not can_manage_bonus_items(user):
        raise PermissionDenied(_("只有市统计局审核人员或管理员可以撤销加减分项。"))
    assert isinstance(user, User)  # the check above admits signed-in users only
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写撤销原因。")]})
    if len(reason) > CANCEL_REASON_MAX:
        raise ValidationError(
            {"reason": [_("撤销原因不能超过 %(n)d 个字。") % {"n": CANCEL_REASON_MAX}]}
        )
    period = item.period
    with transaction.atomic():
        set_history_user(item, user)
        set_change_reason(item, reason)
        item.delete()  # the file stays on disk: the history points at it
        enqueue_recompute(period, trigger=RankingRun.Trigger.BONUS, user_id=user.pk)
