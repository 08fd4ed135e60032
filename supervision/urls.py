"""Bulletin pages (/bulletins/, included from scorecard.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.bulletin_list, name="bulletin_list"),
    path("draft/", views.bulletin_create, name="bulletin_create"),
    path("<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("<int:pk>/edit/", views.bulletin_edit, name="bulletin_edit"),
    path("<int:pk>/redraft/", views.bulletin_redraft, name="bulletin_redraft"),
    path("<int:pk>/issue/", views.bulletin_issue, name="bulletin_issue"),
    path("<int:pk>/bulletin.docx", views.bulletin_docx, name="bulletin_docx"),
    path("<int:pk>/bulletin.pdf", views.bulletin_pdf, name="bulletin_pdf"),
]
