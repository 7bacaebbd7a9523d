"""The Management Department's workload dashboard ."""

from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("export/<slug:table>/", views.export, name="dashboard_export"),
    path("coordinators/<int:pk>/", views.coordinator_detail, name="dashboard_coordinator"),
    path("coordinators/<int:pk>/rebalance/", views.rebalance, name="dashboard_rebalance"),
    path("reassign/<int:enterprise_pk>/", views.reassign, name="dashboard_reassign"),
    path("rotations/", views.rotations, name="rotations"),
    path("rotations/<int:pk>/", views.rotation_confirm, name="rotation_confirm"),
]
