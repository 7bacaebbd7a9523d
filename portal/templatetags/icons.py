"""``{% icon "bell" label %}``: an icon of the vendored Bootstrap Icons font (static/vendor/bootstrap-icons;
no emoji, which render as empty boxes on machines without an emoji font), hidden from screen readers,
followed by ``label`` for them (visually hidden) when given."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "", extra_class: str = ""):
    classes = f"bi bi-{name} {extra_class}".strip()
    if label:
        return format_html(
            '<i class="{}" aria-hidden="true"></i><span class="visually-hidden">{}</span>', classes, label
        )
    return format_html('<i class="{}" aria-hidden="true"></i>', classes)
