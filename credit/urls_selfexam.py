"""Self-examination against the certification standard (mounted at /credit/self-examination/)."""

from django.urls import path

from . import views_selfexam as views

urlpatterns = [
    path("", views.examination_list, name="selfexam_list"),
    path("new/", views.examination_new, name="selfexam_new"),
    path("overview/", views.overview, name="selfexam_overview"),
    path("<int:pk>/", views.examination_detail, name="selfexam_detail"),
]
