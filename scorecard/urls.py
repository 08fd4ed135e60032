from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from counties import views as county_views
from scorecard.accounts import AccountView

admin.site.site_header = _("经济发展考核管理")
admin.site.site_title = _("经济发展考核")
admin.site.index_title = _("系统配置")

urlpatterns = [
    path("", county_views.home, name="home"),
    path("", include("counties.urls")),
    path("", include("indicators.urls")),
    path("", include("rankings.urls")),
    path("targets/", include("targets.urls")),
    path("bulletins/", include("supervision.urls")),
    path("tasks/", include("supervision.urls_tasks")),
    path("inbox/", include("supervision.urls_inbox")),
    path("", include("api.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", AccountView.as_view(), name="account"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "scorecard.errors.server_error"
