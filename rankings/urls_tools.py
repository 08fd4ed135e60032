"""Routes for publishing rankings, bonus and penalty items, and rank-stability analyses."""

from django.urls import path

from . import views_stability

urlpatterns = [
    path("rankings/stability/", views_stability.stability, name="stability"),
    path("rankings/stability/<int:pk>/", views_stability.stability_detail, name="stability_detail"),
    path(
        "rankings/stability/<int:pk>/status/",
        views_stability.stability_status,
        name="stability_status",
    ),
]
