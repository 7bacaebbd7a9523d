"""Public status verification: the page anyone may open without signing in."""

from django.urls import path

from credit import public_views

app_name = "verify"
urlpatterns = [path("", public_views.status, name="status")]
