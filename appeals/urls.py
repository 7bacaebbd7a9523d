from django.urls import path

from appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("new/", views.appeal_file, name="file"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("from-request/<int:request_pk>/", views.from_request, name="from_request"),
]
