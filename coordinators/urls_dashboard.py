from django.urls import path
from django.utils.translation import gettext_lazy as _

from portal.placeholder import placeholder
from portal.roles import Role

urlpatterns = [
    path("dashboard/", placeholder(_("Workload dashboard"), {Role.MANAGER}), name="dashboard"),
]
