from django.urls import path
from django.utils.translation import gettext_lazy as _

from portal.placeholder import placeholder
from portal.roles import ENTERPRISE_ROLES

urlpatterns = [
    path("", placeholder(_("My enterprise"), ENTERPRISE_ROLES), name="home"),
]
