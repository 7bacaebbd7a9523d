"""Enterprise pages. ``urls_home``: the enterprise home page; ``urls_profile``: registration data and
members; ``urls_outreach``: announcements, training, calendar."""

from django.urls import include, path

app_name = "enterprises"
urlpatterns = [
    path("", include("enterprises.urls_home")),
    path("", include("enterprises.urls_profile")),
    path("", include("enterprises.urls_outreach")),
]
