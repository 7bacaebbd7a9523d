"""Template context shared by every page: the user's role and the navigation for it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.navigation import navigation_for


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "current_role": None}
    role = user.primary_role
    return {
        "nav_items": navigation_for(user, request.path),
        "current_role": role.label if role else _("No role"),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
        "admin_url": reverse("admin:index") if user.is_staff else None,
    }
