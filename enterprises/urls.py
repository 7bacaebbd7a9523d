"""The enterprise's registration data, members and proposed changes (enterprise members only)."""

from django.urls import path

from enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.home, name="home"),
    path("registration/", views.my_registration, name="my_registration"),
    path("<int:pk>/registration/", views.registration, name="registration"),
    path("<int:pk>/registration/change/", views.propose_change, name="propose_change"),
    path("<int:pk>/registration/changes/<int:change_pk>/", views.change_detail, name="registration_change"),
]
