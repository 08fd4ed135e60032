"""Supervision task pages (/tasks/, included from scorecard.urls)."""

from django.urls import path

from . import views_tasks

urlpatterns = [
    path("", views_tasks.task_list, name="task_list"),
    path("new/", views_tasks.task_new, name="task_new"),
    path("<int:pk>/", views_tasks.task_detail, name="task_detail"),
    path("<int:pk>/answer/", views_tasks.task_answer, name="task_answer"),
    path("<int:pk>/review/", views_tasks.task_review, name="task_review"),
    path("attachments/<int:pk>/", views_tasks.task_attachment, name="task_attachment"),
]
