"""A start page that a later piece of work fills in; the routing to it is already real."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def placeholder(title, roles):
    @login_required
    def view(request, *args, **kwargs):
        if not request.user.has_role(*roles):
            return render(request, "403.html", status=403)
        return render(request, "portal/placeholder.html", {"title": title})

    return view
