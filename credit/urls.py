"""Credit pages: the enterprise's credit page, annual report and repair application, and
self-examination against the certification standard (under /credit/self-examination/)."""

from django.urls import path

from credit import views

app_name = "credit"
urlpatterns = [
    path("", views.home, name="home"),
    path("annual-report/", views.submit_report, name="submit_report"),
    path("repair/", views.apply_repair, name="apply_repair"),
    path("self-examination/", views.examination_list, name="selfexam_list"),
    path("self-examination/new/", views.examination_new, name="selfexam_new"),
    path("self-examination/overview/", views.overview, name="selfexam_overview"),
    path("self-examination/<int:pk>/", views.examination_detail, name="selfexam_detail"),
    path("files/repair/<int:pk>/", views.repair_attachment, name="repair_attachment"),
    path("files/evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
]
