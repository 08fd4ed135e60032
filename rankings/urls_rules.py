"""URLs of the rule-set pages (/rules/) and the rule-set API (/api/rulesets/)."""

from django.urls import path

from . import api_rules, views_rules

urlpatterns = [
    path("rules/", views_rules.ruleset_list, name="ruleset_list"),
    path("rules/clone/", views_rules.ruleset_clone, name="ruleset_clone"),
    path("rules/import/", views_rules.ruleset_import, name="ruleset_import"),
    path("rules/<int:pk>/", views_rules.ruleset_editor, name="ruleset_editor"),
    path("rules/<int:pk>/preview/", views_rules.ruleset_preview, name="ruleset_preview"),
    path(
        "rules/<int:pk>/new-version/", views_rules.ruleset_new_version, name="ruleset_new_version"
    ),
    path("rules/<int:pk>/delete/", views_rules.ruleset_delete, name="ruleset_delete"),
    path("rules/<int:pk>/export.json", views_rules.ruleset_export, name="ruleset_export"),
    path("api/rulesets/", api_rules.RuleSetList.as_view(), name="api_rulesets"),
    path("api/rulesets/<int:pk>/", api_rules.RuleSetDetail.as_view(), name="api_ruleset"),
]
