"""Routes for publishing rankings, bonus and penalty items, and rank-stability analyses."""

from django.urls import path

from . import views, views_bonus, views_stability

urlpatterns = [
    path("rankings/runs/<int:run_id>/publish/", views.league_publish, name="league_publish"),
    path("rankings/bonus/", views_bonus.bonus_list, name="bonus_list"),
    path("rankings/bonus/add/", views_bonus.bonus_add, name="bonus_add"),
    path("rankings/bonus/history/", views_bonus.bonus_history, name="bonus_history"),
    path("rankings/bonus/<int:pk>/cancel/", views_bonus.bonus_cancel, name="bonus_cancel"),
    path("rankings/bonus/<int:pk>/document/", views_bonus.bonus_document, name="bonus_document"),
    path(
        "rankings/bonus/versions/<int:history_id>/document/",
        views_bonus.bonus_document_version,
        name="bonus_document_version",
    ),
    path("rankings/stability/", views_stability.stability, name="stability"),
    path("rankings/stability/<int:pk>/", views_stability.stability_detail, name="stability_detail"),
    path(
        "rankings/stability/<int:pk>/status/",
        views_stability.stability_status,
        name="stability_status",
    ),
]
