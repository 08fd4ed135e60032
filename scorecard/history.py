"""What simple-history records with the history row of an instance's next save or delete.

It reads two attributes that the models' types do not declare: `_history_user` (who) and
`_change_reason` (why). Every service sets them through here.
"""

from __future__ import annotations

from django.db.models import Model

from scorecard.roles import AnyUser


def actor(user: AnyUser | None) -> AnyUser | None:
    """The signed-in user who made a change; None for the system or an anonymous request."""
    return user if user is not None and user.is_authenticated else None


def set_history_user(instance: Model, user: AnyUser | None) -> None:
    setattr(instance, "_history_user", actor(user))  # noqa: B010 (undeclared attribute)


def set_change_reason(instance: Model, reason: str) -> None:
    setattr(instance, "_change_reason", reason)  # noqa: B010 (undeclared attribute)


def bulk_history_create(model: type[Model], rows: list[Model], default_change_reason: str) -> None:
    """A first history record (created) for rows that were written without one (loaddata)."""
    if rows:
        model.history.bulk_history_create(  # type: ignore[attr-defined]
            rows, default_change_reason=default_change_reason, batch_size=2000
        )


def history_rows_insert(
    model: type[Model],
    rows: list[dict],
    *,
    history_type: str,
    user: AnyUser | None,
    reason: str,
    date,
) -> int:
    """History records for rows written in bulk (scorecard.bulk), as simple-history would have
    written them one save at a time: each row's tracked fields (by attname, its id included),
    with when, who, why and the kind of change ("+" created, "~" changed)."""
    from scorecard.bulk import rows_insert

    tracked = [f.attname for f in model._meta.concrete_fields]
    historical = model.history.model  # type: ignore[attr-defined]
    who = actor(user)
    user_id = who.pk if who is not None else None
    columns = [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"]
    return rows_insert(
        historical,
        columns,
        ([*(row[name] for name in tracked), date, reason, history_type, user_id] for row in rows),
    )
