"""Writes of the supervision app: bulletins (bulletins.py) and supervision tasks (tasks.py)."""

from .bulletins import (
    bulletin_draft,
    bulletin_issue,
    bulletin_redraft,
    bulletin_text_save,
)
from .tasks import (
    TaskDraft,
    task_answer,
    task_checks,
    task_close,
    task_raise,
    task_return,
    tasks_check_run,
)

__all__ = [
    "TaskDraft",
    "bulletin_draft",
    "bulletin_issue",
    "bulletin_redraft",
    "bulletin_text_save",
    "task_answer",
    "task_checks",
    "task_close",
    "task_raise",
    "task_return",
    "tasks_check_run",
]
