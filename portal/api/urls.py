"""API root: each app's router is included under /api/."""

from django.urls import include, path

urlpatterns = [
    path("", include("enterprises.api.urls")),
    path("", include("coordination.api.urls")),
    path("", include("appeals.api.urls")),
    path("", include("credit.api.urls")),
    path("", include("liaison.api.urls")),
    path("", include("supervision.api.urls")),
    path("", include("compliance.api.urls")),
]
