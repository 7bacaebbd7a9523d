"""Enterprise-side pages: the enterprise home, its registration data, its members, and the changes it
proposes.

Only active members of the enterprise reach these pages (``scoping.member_enterprises``); everyone
else gets a 404 (the home page a 403), also when guessing ids — except customs staff who may see the
enterprise (its coordinators, its district's officers and managers): the registration pages send them to
the enterprise file (``enterprises.file_views``), where they read the same data.

The home page shows the reminder that customs services are free (docs/DOMAIN.md, "Service practice":
warn against intermediaries) and the cards the apps register in ``portal.registry.enterprise_panels``:
the credit rating, the coordinator pair, the open requests, the announcements.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from enterprises import selectors, services
from enterprises.forms import RegistrationChangeForm
from enterprises.models import Enterprise, RegistrationChange, RegistrationChangeAttachment
from enterprises.scoping import member_enterprise, member_enterprises
from portal import uploads
from portal.exceptions import DomainError
from portal.registry import enterprise_panels
from portal.typing import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprise = member_enterprise(request.user)
    if enterprise is None:
        return render(request, "403.html", status=403)
    context = {"enterprise": enterprise, "panels": enterprise_panels.render_context(request, enterprise)}
    return render(request, "enterprises/home.html", context)


def _enterprise_or_404(request: HttpRequest, pk: int) -> Enterprise:
    return get_object_or_404(
        member_enterprises(request.user).select_related("district", "local_customs", "rating"), pk=pk
    )


def _to_enterprise_file(request: HttpRequest, pk: int) -> HttpResponse | None:
    """Customs staff who may see the enterprise read its registration in the enterprise file."""
    user = request.user
    if getattr(user, "is_customs_staff", False) and not member_enterprises(user).filter(pk=pk).exists():
        get_object_or_404(Enterprise.objects.visible_to(user), pk=pk)
        return redirect(reverse("enterprises:file", args=[pk]) + "#section-profile")
    return None


@login_required
def my_registration(request: HttpRequest) -> HttpResponse:
    enterprise = member_enterprises(request.user).first()
    if enterprise is None:
        raise Http404
    return redirect("enterprises:registration", pk=enterprise.pk)


@login_required
def registration(request: HttpRequest, pk: int) -> HttpResponse:
    if (to_file := _to_enterprise_file(request, pk)) is not None:
        return to_file
    enterprise = _enterprise_or_404(request, pk)
    changes = selectors.registration_changes(enterprise)
    return render(
        request,
        "enterprises/registration.html",
        {
            "enterprise": enterprise,
            "members": selectors.active_members(enterprise),
            "contact_history": selectors.contact_person_history(enterprise),
            "changes": [(change, selectors.change_rows(change)) for change in changes],
        },
    )


@login_required
def propose_change(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _enterprise_or_404(request, pk)
    if request.method == "POST":
        # A copy: the form writes the proposal into its instance, the real row changes only on acceptance.
        form = RegistrationChangeForm(
            request.POST, request.FILES, instance=Enterprise.objects.get(pk=enterprise.pk)
        )
        if form.is_valid():
            try:
                services.submit_registration_change(
                    enterprise=enterprise,
                    submitted_by=request.user,
                    new_values=form.proposed_values(),
                    note=form.cleaned_data["note"],
                    files=form.cleaned_data["attachments"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your proposed change was sent to customs."))
                return redirect("enterprises:registration", pk=enterprise.pk)
    else:
        form = RegistrationChangeForm(instance=enterprise)
    pending = RegistrationChange.objects.filter(
        enterprise=enterprise, status=RegistrationChange.Status.PENDING
    ).count()
    return render(
        request,
        "enterprises/registration_change_form.html",
        {"enterprise": enterprise, "form": form, "pending": pending},
    )


@login_required
def change_detail(request: AuthenticatedHttpRequest, pk: int, change_pk: int) -> HttpResponse:
    if (to_file := _to_enterprise_file(request, pk)) is not None:
        return to_file
    enterprise = _enterprise_or_404(request, pk)
    change = get_object_or_404(
        RegistrationChange.objects.select_related("submitted_by", "decided_by"),
        pk=change_pk,
        enterprise=enterprise,
    )
    template = (
        "enterprises/_registration_change.html" if request.htmx else "enterprises/registration_change.html"
    )
    return render(
        request, template, {"enterprise": enterprise, "change": change, "rows": selectors.change_rows(change)}
    )


@login_required
def attachment(request: HttpRequest, pk: int):
    """A registration change's document, for whoever may see the change (``visible_to``), else 404."""
    return uploads.file_response(
        get_object_or_404(RegistrationChangeAttachment.objects.visible_to(request.user), pk=pk)
    )
