"""The Management Department's workload dashboard (``coordinators.views_dashboard``)."""

from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/export/<slug:table>/", views.export, name="dashboard_export"),
    path("dashboard/coordinators/<int:pk>/", views.coordinator_detail, name="dashboard_coordinator"),
    path("dashboard/coordinators/<int:pk>/rebalance/", views.rebalance, name="dashboard_rebalance"),
    path("dashboard/reassign/<int:enterprise_pk>/", views.reassign, name="dashboard_reassign"),
]
