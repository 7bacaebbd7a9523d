from django.urls import path

from compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.enterprise_home, name="enterprise_home"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("enterprises/<int:enterprise_pk>/assess/", views.assessment_edit, name="assessment_edit"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("files/<int:pk>/", views.action_file, name="file"),
]
