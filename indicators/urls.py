"""The rule-set pages (/rules/, admins) and the rule-set API (/api/rulesets/, city staff read,
admins write). The editor's what-if preview (/rules/<pk>/preview/) is in rankings.urls."""

from django.urls import path

from . import api, views

urlpatterns = [
    path("rules/", views.ruleset_list, name="ruleset_list"),
    path("rules/clone/", views.ruleset_clone, name="ruleset_clone"),
    path("rules/import/", views.ruleset_import, name="ruleset_import"),
    path("rules/<int:pk>/", views.ruleset_editor, name="ruleset_editor"),
    path("rules/<int:pk>/new-version/", views.ruleset_new_version, name="ruleset_new_version"),
    path("rules/<int:pk>/delete/", views.ruleset_delete, name="ruleset_delete"),
    path("rules/<int:pk>/export.json", views.ruleset_export, name="ruleset_export"),
    path("api/rulesets/", api.RuleSetList.as_view(), name="api_rulesets"),
    path("api/rulesets/<int:pk>/", api.RuleSetDetail.as_view(), name="api_ruleset"),
]
