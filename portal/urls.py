"""Root URLs. Each app owns its own ``urls.py`` (pages) and ``api/urls.py`` (REST)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal import views

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("no-role/", views.no_role, name="no_role"),
        path("officer/", views.officer_home, name="officer_home"),
        path("notifications/", views.notifications, name="notifications"),
        path("notifications/<int:pk>/", views.open_notification, name="open_notification"),
        path("language/", views.set_language, name="set_language"),
        path("account/tokens/", views.api_tokens, name="api_tokens"),
        path("account/tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    ],
    "portal",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("", include(portal_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("verify/", include("credit.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("enterprise/", include("enterprises.urls")),
    path("coordination/", include("coordination.urls")),
    path("compliance/", include("compliance.urls")),
    path("appeals/", include("appeals.urls")),
    path("credit/", include("credit.urls")),
    path("outreach/", include("outreach.urls")),
    path("liaison/", include("liaison.urls")),
    path("supervision/", include("supervision.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/", include("portal.api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Guanqi 关企"
admin.site.site_title = "Guanqi"
