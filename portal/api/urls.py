"""API root: each app's router is included under /api/; ``/api/`` itself lists the resources."""

from django.urls import include, path

from portal.api.views import api_root

urlpatterns = [
    path("", api_root, name="api-root"),
    path("", include("enterprises.api.urls")),
    path("", include("credit.api.urls")),
    path("", include("coordination.api.urls")),
    path("", include("appeals.api.urls")),
    path("", include("outreach.api.urls")),
    path("", include("liaison.api.urls")),
    path("", include("supervision.api.urls")),
    path("", include("compliance.api.urls")),
]
