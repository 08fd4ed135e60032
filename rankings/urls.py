"""The ranking pages: league table, category tables, heatmap, city overview, county profiles,
publishing, bonus and penalty items, rank-stability analyses; and the rule-set pages and API
(/rules/, /api/rulesets/), which live here because the what-if preview scores stored figures."""

from django.urls import path

from . import (
    api_rules,
    views,
    views_bonus,
    views_profile,
    views_rules,
    views_stability,
    views_tables,
)

urlpatterns = [
    path("rankings/", views.league, name="league"),
    path("rankings/runs/<int:run_id>/publish/", views.league_publish, name="league_publish"),
    path("rankings/heatmap/", views.heatmap, name="heatmap"),
    path("rankings/categories/", views_tables.category_table, name="category_table"),
    path("rankings/city/", views_tables.city_overview, name="city_overview"),
    path("rankings/county/<str:code>/", views_profile.county_profile, name="county_profile"),
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
