"""The inbox (/inbox/, included from scorecard.urls)."""

from django.urls import path

from . import views_inbox

urlpatterns = [
    path("", views_inbox.inbox, name="inbox"),
    path("read/", views_inbox.inbox_read, name="inbox_read"),
    path("settings/", views_inbox.inbox_settings, name="inbox_settings"),
]
