from django.urls import path

from . import views_portal

urlpatterns = [
    path("", views_portal.home, name="home"),
    path("annual-report/", views_portal.submit_report, name="submit_report"),
    path("repair/", views_portal.apply_repair, name="apply_repair"),
]
