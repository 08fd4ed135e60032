"""The ranking pages: league table, category tables, heatmap, city overview, county profiles,
publishing, bonus and penalty items, rank-stability analyses, and the rule-set editor's what-if
preview (it scores stored figures, so it lives here; the rule-set pages are in indicators/)."""

from django.urls import path

from .views import annual, bonus, exports, league, profile, stability, tables, warnings, whatif

urlpatterns = [
    path("rankings/", league.league, name="league"),
    path("rankings/runs/<int:run_id>/publish/", league.league_publish, name="league_publish"),
    path("rankings/heatmap/", league.heatmap, name="heatmap"),
    path("rankings/warnings/", warnings.warning_board, name="warning_board"),
    path("rankings/year/", annual.year_results, name="year_results"),
    path("rankings/categories/", tables.category_table, name="category_table"),
    path("rankings/city/", tables.city_overview, name="city_overview"),
    path("rankings/county/<str:code>/", profile.county_profile, name="county_profile"),
    path("rankings/county/<str:code>/plan.xlsx", profile.county_plan_xlsx, name="county_plan_xlsx"),
    path(
        "rankings/county/<str:code>/profile.<str:fmt>",
        exports.profile_export,
        name="profile_export",
    ),
    path("rankings/export/<str:what>.<str:fmt>", exports.ranking_export, name="ranking_export"),
    path("rankings/bonus/", bonus.bonus_list, name="bonus_list"),
    path("rankings/bonus/add/", bonus.bonus_add, name="bonus_add"),
    path("rankings/bonus/history/", bonus.bonus_history, name="bonus_history"),
    path("rankings/bonus/<int:pk>/cancel/", bonus.bonus_cancel, name="bonus_cancel"),
    path("rankings/bonus/<int:pk>/document/", bonus.bonus_document, name="bonus_document"),
    path(
        "rankings/bonus/versions/<int:history_id>/document/",
        bonus.bonus_document_version,
        name="bonus_document_version",
    ),
    path("rankings/stability/", stability.stability, name="stability"),
    path("rankings/stability/<int:pk>/", stability.stability_detail, name="stability_detail"),
    path(
        "rankings/stability/<int:pk>/status/",
        stability.stability_status,
        name="stability_status",
    ),
    path("rules/<int:pk>/preview/", whatif.ruleset_preview, name="ruleset_preview"),
]
