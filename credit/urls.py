"""Credit pages. ``urls_portal``: the enterprise's credit page, annual reports, repair;
``urls_selfexam``: self-examination against the certification standard."""

from django.urls import include, path

app_name = "credit"
urlpatterns = [
    path("", include("credit.urls_portal")),
    path("self-examination/", include("credit.urls_selfexam")),
]
