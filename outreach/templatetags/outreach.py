"""Template tags for outreach on the enterprise home page (``outreach/_announcements_panel.html``)."""

from django import template

from outreach import services as outreach

register = template.Library()
PANEL_SIZE = 5


@register.simple_tag(takes_context=True)
def enterprise_announcements(context, limit: int = PANEL_SIZE):
    """The latest announcements for the signed-in enterprise user (important first), with ``is_read``."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_enterprise_user:
        return []
    return list(outreach.announcements_visible_to(user)[:limit])
