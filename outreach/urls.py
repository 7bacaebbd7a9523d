"""Announcements, training and compliance education, calendar feeds."""

from django.urls import path

from outreach import views

app_name = "outreach"
urlpatterns = [
    path("announcements/", views.announcement_list, name="announcement_list"),
    path("announcements/new/", views.announcement_create, name="announcement_create"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement_detail"),
    path("announcements/<int:pk>/publish/", views.announcement_publish, name="announcement_publish"),
    path("announcements/files/<int:pk>/", views.announcement_attachment, name="announcement_attachment"),
    path("announcements/<int:pk>/unread/", views.announcement_unread, name="announcement_unread"),
    path("training/", views.training_list, name="training_list"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/report/", views.training_report, name="training_report"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("training/<int:pk>/register/", views.training_register, name="training_register"),
    path("training/<int:pk>/invite/", views.training_invite, name="training_invite"),
    path("training/<int:pk>/materials/", views.training_material_add, name="training_material_add"),
    path(
        "training/registrations/<int:pk>/cancel/",
        views.training_cancel_registration,
        name="training_cancel_registration",
    ),
    path(
        "training/registrations/<int:pk>/attendance/", views.training_attendance, name="training_attendance"
    ),
    path("training/materials/<int:pk>/", views.training_material_download, name="training_material_download"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
