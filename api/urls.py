"""The read-only API (/api/...), its schema and its documentation page (Swagger UI, served
from static files: Redoc's page would fetch web fonts from the internet), and the token page
(/account/tokens/). The rule-set API (/api/rulesets/) is indicators.urls'."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views, views_tokens

router = SimpleRouter()
router.register("api/counties", views.CountyViewSet, basename="api-county")
router.register("api/indicators", views.IndicatorViewSet, basename="api-indicator")
router.register("api/periods", views.PeriodViewSet, basename="api-period")
router.register("api/runs", views.RunViewSet, basename="api-run")
router.register("api/results", views.CountyResultViewSet, basename="api-result")
router.register(
    "api/indicator-results", views.IndicatorResultViewSet, basename="api-indicator-result"
)
router.register("api/progress", views.ProgressViewSet, basename="api-progress")
router.register("api/targets", views.TargetViewSet, basename="api-target")
router.register("api/bulletins", views.BulletinViewSet, basename="api-bulletin")

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("account/tokens/", views_tokens.token_list, name="api_tokens"),
    path("account/tokens/new/", views_tokens.token_create, name="api_token_create"),
    path("account/tokens/revoke/", views_tokens.token_revoke, name="api_token_revoke"),
    *router.urls,
]
