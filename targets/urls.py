"""Target pages (/targets/, included from scorecard.urls): the list, the grid of a year's
version, the editors' actions and the Excel round trip."""

from django.urls import path

from . import views, views_excel

urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("start/", views.target_start, name="target_start"),
    path("<int:year>/", views.target_grid, name="target_grid"),
    path("<int:year>/new-version/", views.target_new_version, name="target_new_version"),
    path("<int:year>/publish/", views.target_publish, name="target_publish"),
    path("<int:year>/delete/", views.target_delete, name="target_delete"),
    path("<int:year>/targets.xlsx", views_excel.targets_export, name="targets_export"),
    path("<int:year>/import/", views_excel.targets_import, name="targets_import"),
]
