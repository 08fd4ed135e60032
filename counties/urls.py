from django.urls import path

from . import views, views_bulk, views_excel

urlpatterns = [
    path("completeness/", views.completeness, name="completeness"),
    path("review/", views.review_queue, name="review_queue"),
    path("submissions/<int:pk>/history/", views.submission_history, name="submission_history"),
    path("submissions/<int:pk>/approve/", views.submission_approve, name="submission_approve"),
    path("submissions/<int:pk>/return/", views.submission_return, name="submission_return"),
    path("submissions/<int:pk>/reopen/", views.submission_reopen, name="submission_reopen"),
    path(
        "submissions/<str:code>/<int:year>-<int:month>/",
        views.submission_form,
        name="submission_form",
    ),
    path(
        "submissions/<str:code>/<int:year>-<int:month>/template.xlsx",
        views_excel.submission_template,
        name="submission_template",
    ),
    path(
        "submissions/<str:code>/<int:year>-<int:month>/upload/",
        views_excel.submission_upload,
        name="submission_upload",
    ),
    path(
        "periods/<int:year>-<int:month>/import/",
        views_bulk.period_import,
        name="period_import",
    ),
    path("departments/", views_bulk.department_home, name="department_home"),
    path(
        "departments/<int:pk>/<int:year>-<int:month>/",
        views_bulk.department_grid,
        name="department_grid",
    ),
    path(
        "departments/<int:pk>/<int:year>-<int:month>/template.xlsx",
        views_bulk.department_template,
        name="department_template",
    ),
    path(
        "departments/<int:pk>/<int:year>-<int:month>/upload/",
        views_bulk.department_upload,
        name="department_upload",
    ),
    path(
        "periods/<int:year>-<int:month>/template.xlsx",
        views_excel.period_template,
        name="period_template",
    ),
]
