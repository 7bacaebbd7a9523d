"""The enterprise home page (contact person and staff): credit rating and re-certification date, the
coordinator pair and how to reach them, open requests with their due dates, announcements, and the
reminder that customs services are free (DOMAIN.md, "Service practice": warn against intermediaries)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from coordinators.requests import selectors
from coordinators.services import current_pair
from portal.roles import ENTERPRISE_ROLES
from portal.typing import AuthenticatedHttpRequest

from .permissions import member_enterprise

OPEN_REQUESTS_SHOWN = 10


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprise = member_enterprise(request.user) if request.user.has_role(*ENTERPRISE_ROLES) else None
    if enterprise is None:
        return render(request, "403.html", status=403)
    pair = current_pair(enterprise)
    open_requests = list(
        selectors.requests_for(request.user)
        .filter(enterprise=enterprise)
        .open()
        .order_by("resolution_due", "id")[:OPEN_REQUESTS_SHOWN]
    )
    rating = enterprise.rating
    context = {
        "enterprise": enterprise,
        "rating": rating,
        "pair": pair,
        "open_requests": open_requests,
    }
    return render(request, "enterprises/home.html", context)
