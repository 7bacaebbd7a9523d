from django.urls import path

from liaison import views

app_name = "liaison"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("requests/<int:pk>/refer/", views.refer, name="refer"),
    path("referrals/<int:pk>/answer/", views.answer, name="answer"),
    path("referrals/<int:pk>/share/", views.share, name="share"),
    path("referrals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
]
