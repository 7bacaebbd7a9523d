"""The enterprise's registration data, members and proposed changes (enterprise members); "My enterprises"
and the enterprise file (customs)."""

from django.urls import path

from enterprises import file_views, views

app_name = "enterprises"

urlpatterns = [
    path("", views.home, name="home"),
    path("served/", file_views.mine, name="mine"),
    path("<int:pk>/file/", file_views.enterprise_file, name="file"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("registration/", views.my_registration, name="my_registration"),
    path("<int:pk>/registration/", views.registration, name="registration"),
    path("<int:pk>/registration/change/", views.propose_change, name="propose_change"),
    path("<int:pk>/registration/changes/<int:change_pk>/", views.change_detail, name="registration_change"),
]
