from django.urls import path
from django.utils.translation import gettext_lazy as _

from portal.placeholder import placeholder
from portal.roles import Role

app_name = "coordinators"
urlpatterns = [
    path("workspace/", placeholder(_("Workspace"), {Role.COORDINATOR}), name="workspace"),
    path("dashboard/", placeholder(_("Workload dashboard"), {Role.MANAGER}), name="dashboard"),
]
