"""Coordination pages. ``urls_requests``: requests, workspace, knowledge base; ``urls_dashboard``: the
managers' workload dashboard."""

from django.urls import include, path

app_name = "coordinators"
urlpatterns = [
    path("", include("coordinators.urls_requests")),
    path("", include("coordinators.urls_dashboard")),
]
