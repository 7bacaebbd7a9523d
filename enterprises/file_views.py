"""The enterprise file and "My enterprises": the customs side of an enterprise (docs/DOMAIN.md, "Who
sees what").

- **My enterprises** (``mine``): the enterprises a coordinator serves (their pairs, never one they
  withdrew from), or an officer's or manager's district — searchable by name or exact code, filtered by
  rating and re-certification due date, with the open work of each (columns registered by higher apps
  in ``portal.registry.enterprise_columns``). Keyset pages in an indexed order: no count, no offset.
- **The enterprise file** (``enterprise_file``): one page per enterprise for its coordinators, officers
  and managers, made of the sections each app registers (``portal.registry.enterprise_file``): profile
  and registration history, coordinators, credit history and deadlines, requests, appeals, site visits,
  self-examinations, training, documents. Each section reads through ``visible_to(viewer)``, so the same
  rules decide what each viewer sees in it (the integrity channel stays with the Management Department).

Enterprise members use their own pages (``enterprises.views``); here they get a 404, as does anyone
guessing the id of an enterprise they may not see.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from enterprises.validators import normalise_code
from portal.forms import BootstrapMixin
from portal.keyset import keyset_page
from portal.registry import enterprise_columns
from portal.registry import enterprise_file as file_sections
from portal.typing import AuthenticatedHttpRequest

DUE_WITHIN_DAYS = 90


def _rating_model():
    # The rating belongs to the credit app above this one: reached through the relation, not imported.
    return Enterprise._meta.get_field("rating").related_model


class EnterpriseFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    rating = forms.TypedChoiceField(label=_("Credit rating"), required=False, coerce=int, empty_value=None)
    due = forms.ChoiceField(
        label=_("Re-certification"),
        required=False,
        choices=[
            ("", _("Any")),
            ("soon", _("Due within 90 days or overdue")),
            ("overdue", _("Overdue")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("name", _("By name")), ("due", _("Re-certification due first"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ratings = (
            _rating_model().objects.select_related("regime").order_by("-regime__effective_from", "-rank")
        )
        self.fields["rating"].choices = [
            ("", _("Any")),
            *[(r.pk, f"{r.name} · {r.regime.name}") for r in ratings],
        ]
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Name, unified social credit code or customs code"), "data-testid": "search"}
        )
        self._style()


def _is_customs(user) -> bool:
    return user.is_customs_staff


def served_enterprises(user, *, q: str = "", rating=None, due: str = "", today: datetime.date | None = None):
    """The enterprises ``user`` may see (``visible_to``), narrowed by the list's filters. A code finds its
    enterprise through the unique index; a name through the trigram index."""
    today = today or timezone.localdate()
    qs = Enterprise.objects.visible_to(user).select_related("rating", "local_customs")
    q = (q or "").strip()
    if q:
        code = normalise_code(q)
        if len(code) == 18 and code.isalnum():
            qs = qs.filter(uscc=code)
        elif len(code) == 10 and code.isalnum():
            qs = qs.filter(customs_code=code)
        else:
            qs = qs.filter(name_zh__icontains=q)
    if rating:
        qs = qs.filter(rating_id=rating)
    if due == "soon":
        qs = qs.filter(recertification_due__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS))
    elif due == "overdue":
        qs = qs.filter(recertification_due__lt=today)
    return qs


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not _is_customs(user):
        if user.is_enterprise_user:
            return redirect("enterprises:home")
        return render(request, "403.html", status=403)
    form = EnterpriseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = served_enterprises(user, q=data.get("q") or "", rating=data.get("rating"), due=data.get("due") or "")
    if data.get("sort") == "due":
        qs = qs.filter(recertification_due__isnull=False)
        page = keyset_page(
            qs, field_name="recertification_due", descending=False, cursor=request.GET.get("cursor")
        )
    else:
        page = keyset_page(qs, field_name="name_zh", descending=False, cursor=request.GET.get("cursor"))
    ids = [e.pk for e in page.items]
    columns = [
        {"column": column, "values": column.values(ids, user) if ids else {}}
        for column in enterprise_columns.all()
    ]
    rows = [
        {"enterprise": e, "cells": [{"column": c["column"], "value": c["values"].get(e.pk)} for c in columns]}
        for e in page.items
    ]
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "columns": [c["column"] for c in columns],
        "query": query.urlencode(),
        "is_coordinator": "coordinator" in user.roles,
        "today": timezone.localdate(),
        "soon": timezone.localdate() + datetime.timedelta(days=DUE_WITHIN_DAYS),
    }
    return render(request, "enterprises/mine.html", context)


@login_required
def enterprise_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not _is_customs(user):
        raise Http404
    enterprise = get_object_or_404(
        Enterprise.objects.visible_to(user).select_related("district", "local_customs", "rating"), pk=pk
    )
    sections = file_sections.render_context(enterprise, user)
    return render(
        request,
        "enterprises/file.html",
        {"enterprise": enterprise, "sections": sections, "today": timezone.localdate()},
    )
