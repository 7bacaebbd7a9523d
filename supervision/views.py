"""The workload dashboard pages (thin: ``supervision.selectors`` holds the scope rule and every figure)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination import selectors as coordination_selectors
from coordinators import services as coordination
from coordinators.models import Coordinator, PairAssignment, Rotation
from liaison import selectors as liaison_selectors
from outreach.services import heads_missing_training
from portal.exceptions import DomainError
from portal.exports import export_response
from supervision import selectors as dashboard

REBALANCE_PAGE = 20
# The coordinator table shows this many rows in the chosen order (a district has hundreds of
# coordinators; the export has every row).
COORDINATORS_SHOWN = 50


_days_label = lazy(lambda d: _("%(d)s days") % {"d": d}, str)


class FilterForm(forms.Form):
    district = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=gettext_lazy("District")
    )
    office = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=gettext_lazy("Local customs")
    )
    period = forms.ChoiceField(
        choices=[
            ("7", gettext_lazy("Last 7 days")),
            ("30", gettext_lazy("Last 30 days")),
            ("90", gettext_lazy("Last 90 days")),
            ("365", gettext_lazy("Last 12 months")),
        ],
        required=False,
        label=gettext_lazy("Period"),
    )
    due = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=90,  # type: ignore[arg-type]  # stubs: str | None; coerce=int makes 90 right
        label=gettext_lazy("Re-certifications due within"),
        # Lazy per label: formatting a lazy string here would freeze it in the language active at import.
        choices=[(d, _days_label(d)) for d in dashboard.RECERTIFICATION_WINDOWS],
    )
    overloaded = forms.BooleanField(required=False, label=gettext_lazy("Only overloaded coordinators"))
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, scope: dashboard.DashboardScope, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", gettext_lazy("All"))]
        self.fields["district"].choices = every + [(d.pk, d.name) for d in scope.districts()]  # type: ignore[attr-defined]
        self.fields["office"].choices = every + [  # type: ignore[attr-defined]  # a ChoiceField
            (o.pk, o.name) for o in scope.offices().order_by("code")
        ]
        for name in ("district", "office", "period", "due"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"


def _scope(request):
    scope = dashboard.scope_for(request.user)
    if scope is None:
        return None, None, None
    form = FilterForm(
        request.GET or None, scope=scope, initial={"period": dashboard.DEFAULT_PERIOD, "due": 90}
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    narrowed = dashboard.narrow(
        scope, district_id=data.get("district"), office_id=data.get("office"), period=data.get("period")
    )
    return (
        scope,
        narrowed,
        {
            "form": form,
            "sort": data.get("sort") or "-load",
            "due": data.get("due") or 90,
            "overloaded": bool(data.get("overloaded")),
        },
    )


def forbidden(request):
    return render(request, "403.html", status=403)


@login_required
def dashboard_page(request):
    scope, narrowed, opts = _scope(request)
    if scope is None:
        return forbidden(request)
    # The coordinator table's queryset is built once (building and compiling its expressions is most of
    # the page's Python): the rows, the overloaded count and whether the requests feature is installed.
    all_rows = dashboard.coordinator_rows(narrowed, sort=opts["sort"])
    rows = all_rows.filter(overloaded=True) if opts["overloaded"] else all_rows
    coordinators = list(rows[:COORDINATORS_SHOWN])
    ratings = dashboard.rating_distribution(narrowed)
    trend = dashboard.overdue_trend(narrowed)
    heads_missing = heads_missing_training(dashboard.scoped_enterprises(narrowed))
    has_requests = "open_requests" in all_rows.query.annotations
    context = {
        **opts,
        "scope": narrowed,
        "overloaded_count": all_rows.filter(overloaded=True).count(),
        "coordinator_count": rows.count() if len(coordinators) == COORDINATORS_SHOWN else len(coordinators),
        "overdue_count": dashboard.overdue_request_count(narrowed) if has_requests else 0,
        "heads_missing": list(heads_missing[:20]),
        "heads_missing_count": heads_missing.count(),
        "coordinators": coordinators,
        "offices": list(dashboard.office_rows(narrowed)),
        "districts": list(dashboard.district_rows(narrowed)),
        "ratings": ratings,
        "recert": dashboard.recertification_counts(narrowed),
        "recert_rows": list(dashboard.recertifications_due(narrowed, within_days=opts["due"])[:50]),
        "abnormal_rows": list(dashboard.abnormal_nearing(narrowed)[:50]),
        "referral_times": liaison_selectors.referral_times(
            district_ids=narrowed.district_ids, since=narrowed.since
        ),
        "has_requests": has_requests,
        "factor": dashboard.overload_factor(),
        "load_chart": dashboard.bar_chart(
            [
                (f"{c.user.display_name} · {c.local_customs.name}", c.enterprise_count, c.overloaded)
                for c in coordinators[:40]
            ]
        ),
        "rating_chart": dashboard.bar_chart([(str(r["label"]), r["n"], False) for r in ratings]),
        "trend_chart": dashboard.line_chart(trend) if trend else None,
        "query": request.GET.urlencode(),
        "sort_links": _sort_links(request, opts["sort"]),
    }
    return render(request, "supervision/dashboard.html", context)


def _sort_links(request, current: str) -> dict:
    links = {}
    for key in dashboard.COORDINATOR_SORTS:
        params = request.GET.copy()
        params["sort"] = key if current == f"-{key}" else f"-{key}"
        links[key] = f"?{params.urlencode()}"
    return links


def _coordinator_columns():
    return [
        (_("Coordinator"), "user.display_name"),
        (_("Local customs"), "local_customs.name"),
        (_("Enterprises"), "enterprise_count"),
        (_("Office median load"), "office_median"),
        (_("Overloaded"), "overloaded"),
        (_("Open requests"), "open_requests"),
        (_("Overdue now"), "overdue_now"),
        (_("Late first response (period)"), "overdue_first_response"),
        (_("Late resolution (period)"), "overdue_resolution"),
        (_("Median first response (hours)"), "median_response"),
        (_("Median resolution (hours)"), "median_resolution"),
        (_("Site visits"), "site_visits"),
        (_("Satisfaction"), "satisfaction"),
        (_("Appeals about conduct"), "conduct_appeals"),
    ]


def _office_columns():
    return [
        (_("Name"), "name"),
        (_("Coordinators"), "coordinator_count"),
        (_("Enterprises assigned"), "assigned_count"),
        (_("AEO enterprises"), "aeo_count"),
        (_("Median load"), "median_load"),
        (_("Open requests"), "open_requests"),
        (_("Overdue"), "overdue_total"),
    ]


@login_required
def export(request, table: str):
    scope, narrowed, opts = _scope(request)
    if scope is None:
        return forbidden(request)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    rows: QuerySet | list[dict]
    if table == "coordinators":
        rows, columns = (
            dashboard.coordinator_rows(narrowed, sort=opts["sort"], overloaded_only=opts["overloaded"]),
            _coordinator_columns(),
        )
    elif table == "offices":
        rows, columns = dashboard.office_rows(narrowed), _office_columns()
    elif table == "districts":
        rows, columns = dashboard.district_rows(narrowed), _office_columns()
    elif table == "ratings":
        rows, columns = (
            dashboard.rating_distribution(narrowed),
            [(_("Credit rating"), "label"), (_("Enterprises"), "n")],
        )
    elif table == "recertifications":
        rows = dashboard.recertifications_due(narrowed, within_days=opts["due"])
        columns = [
            (_("Enterprise"), "name"),
            (_("Customs registration code"), "customs_code"),
            (_("Local customs"), "local_customs.name"),
            (_("Credit rating"), "rating.name"),
            (_("Re-certification due"), "recertification_due"),
        ]
    elif table == "abnormal":
        rows = dashboard.abnormal_nearing(narrowed)
        columns = [
            (_("Enterprise"), "enterprise.name"),
            (_("Local customs"), "enterprise.local_customs.name"),
            (_("Reason"), "get_reason_display"),
            (_("Listed on"), "listed_on"),
            (_("Days listed"), "days_listed"),
            (_("Days left"), "days_left"),
        ]
    else:
        raise Http404
    return export_response(rows, columns, fmt=fmt, filename=f"dashboard-{table}")


def _coordinator_or_404(scope, pk: int) -> Coordinator:
    coordinator = dashboard.coordinator_in_scope(scope, pk)
    if coordinator is None:
        raise Http404
    return coordinator


@login_required
def coordinator_detail(request, pk: int):
    scope = dashboard.scope_for(request.user)
    if scope is None:
        return forbidden(request)
    coordinator = _coordinator_or_404(scope, pk)
    row = (
        dashboard.coordinator_rows(dashboard.narrow(scope, period=request.GET.get("period")))
        .filter(pk=pk)
        .first()
    )
    context = {
        "coordinator": coordinator,
        "row": row,
        "scope": scope,
        "pairs": list(dashboard.coordinator_enterprises(coordinator)[:200]),
        **dashboard.coordinator_items(scope, coordinator),
    }
    return render(request, "supervision/dashboard_coordinator.html", context)


@login_required
def rebalance(request, pk: int):
    """Suggested alternative pairs for an overloaded coordinator's enterprises (one page at a time)."""
    scope = dashboard.scope_for(request.user)
    if scope is None or not scope.can_rebalance:
        return forbidden(request)
    coordinator = _coordinator_or_404(scope, pk)
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    pairs = list(
        dashboard.coordinator_enterprises(coordinator)[
            (page - 1) * REBALANCE_PAGE : page * REBALANCE_PAGE + 1
        ]
    )
    # Only the overloaded coordinator is replaced; the proposals spread the enterprises over colleagues.
    suggestions = coordination.propose_replacements(coordinator, pairs[:REBALANCE_PAGE])
    return render(
        request,
        "supervision/dashboard_rebalance.html",
        {
            "coordinator": coordinator,
            "suggestions": suggestions,
            "page": page,
            "has_next": len(pairs) > REBALANCE_PAGE,
        },
    )


@login_required
def reassign(request, enterprise_pk: int):
    """Confirm, then assign the suggested pair through ``coordinators.services.assign_pair``."""
    scope = dashboard.scope_for(request.user)
    if scope is None or not scope.can_rebalance:
        return forbidden(request)
    enterprise = (
        dashboard.scoped_enterprises(scope).select_related("local_customs").filter(pk=enterprise_pk).first()
    )
    if enterprise is None:
        raise Http404
    source = request.POST.get("from") or request.GET.get("from") or ""
    ids = (
        request.POST.getlist("coordinator")
        if request.method == "POST"
        else request.GET.getlist("coordinator")
    )
    try:
        chosen = list(
            Coordinator.objects.select_related("user", "local_customs").filter(pk__in=[int(i) for i in ids])
        )
    except ValueError:
        chosen = []
    current = (
        PairAssignment.objects.active()
        .filter(enterprise=enterprise)
        .select_related("coordinator_a__user", "coordinator_b__user")
        .first()
    )
    back = (
        reverse("supervision:dashboard_rebalance", args=[source])
        if source.isdigit()
        else reverse("supervision:dashboard")
    )
    if request.method == "POST":
        if len(chosen) != 2:
            messages.error(request, _("Choose two coordinators."))
            return redirect(back)
        try:
            coordination.assign_pair(enterprise=enterprise, coordinators=chosen, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(e)s is now served by %(a)s and %(b)s.")
                % {"e": enterprise, "a": chosen[0], "b": chosen[1]},
            )
        return redirect(back)
    return render(
        request,
        "supervision/dashboard_reassign.html",
        {
            "enterprise": enterprise,
            "chosen": chosen,
            "current": current,
            "source": source,
            "back": back,
        },
    )


# --- Rotation (docs/DOMAIN.md, "Coordinators") ------------------------------------------------------------

ROTATIONS_PAGE = 50


def _rotation_scope(request):
    """Managers (their district) and administrators confirm rotations; nobody else sees this page."""
    scope = dashboard.scope_for(request.user)
    return scope if scope is not None and scope.can_rebalance else None


@login_required
def rotations(request):
    """The rotations due in the manager's district, the soonest limit first, each with a proposed
    substitute (load-balanced across the page). Keyset pages of ``ROTATIONS_PAGE``; a constant number of
    queries whatever the data."""
    if _rotation_scope(request) is None:
        return forbidden(request)
    due = (
        Rotation.objects.visible_to(request.user)
        .pending()
        .select_related("coordinator__user", "enterprise__local_customs")
    )
    after = request.GET.get("after", "")
    if after:
        try:
            limit_on, pk = after.split("_")
            due = due.filter(
                Q(limit_on__gt=datetime.date.fromisoformat(limit_on))
                | Q(limit_on=datetime.date.fromisoformat(limit_on), pk__gt=int(pk))
            )
        except ValueError:
            raise Http404 from None
    page = list(due.order_by("limit_on", "pk")[: ROTATIONS_PAGE + 1])
    shown = page[:ROTATIONS_PAGE]
    pairs = {
        pair.enterprise_id: pair
        for pair in PairAssignment.objects.active()
        .filter(enterprise_id__in=[r.enterprise_id for r in shown])
        .select_related("enterprise", "coordinator_a__user", "coordinator_b__user")
    }
    with_pair = [r for r in shown if r.enterprise_id in pairs]
    proposals = coordination.propose_substitutes([(pairs[r.enterprise_id], r.coordinator) for r in with_pair])
    rows = [{"rotation": r, "proposal": p} for r, p in zip(with_pair, proposals, strict=True)]
    nxt = shown[-1] if len(page) > ROTATIONS_PAGE else None
    return render(
        request,
        "supervision/rotations.html",
        {
            "rows": rows,
            "next_cursor": f"{nxt.limit_on.isoformat()}_{nxt.pk}" if nxt else "",
            "today": timezone.localdate(),
        },
    )


@login_required
def rotation_confirm(request, pk: int):
    """Confirm one rotation with a substitute: the page shows what will move (open requests, visits),
    the POST calls ``coordinators.services.rotate``."""
    if _rotation_scope(request) is None:
        return forbidden(request)
    rotation = (
        Rotation.objects.visible_to(request.user)
        .select_related("coordinator__user", "enterprise__local_customs")
        .filter(pk=pk)
        .first()
    )
    if rotation is None:
        raise Http404
    pair = (
        PairAssignment.objects.active()
        .filter(enterprise_id=rotation.enterprise_id)
        .select_related("enterprise", "coordinator_a__user", "coordinator_b__user")
        .first()
    )
    if rotation.status != Rotation.Status.DUE or pair is None:
        messages.info(request, _("This rotation is no longer due."))
        return redirect("supervision:rotations")
    (proposal,) = coordination.propose_substitutes([(pair, rotation.coordinator)])
    colleagues = (
        coordination.with_workload(
            Coordinator.objects.assignable().filter(local_customs_id=rotation.enterprise.local_customs_id)
        )
        .exclude(pk__in=[pair.coordinator_a_id, pair.coordinator_b_id])
        .select_related("user")
        .order_by("enterprise_count", "user__full_name")
    )
    form = RotationForm(
        request.POST if request.method == "POST" else None,
        colleagues=colleagues,
        initial={"substitute": proposal.substitute.pk if proposal.substitute else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            done = coordination.rotate(
                rotation=rotation, substitute=form.cleaned_data["substitute"], actor=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(substitute)s takes over %(enterprise)s from %(leaving)s.")
                % {"substitute": done.substitute, "enterprise": done.enterprise, "leaving": done.coordinator},
            )
            return redirect("supervision:rotations")
    return render(
        request,
        "supervision/rotation_confirm.html",
        {
            "rotation": rotation,
            "pair": pair,
            "proposal": proposal,
            "form": form,
            "work": coordination_selectors.open_work_of(rotation.coordinator, rotation.enterprise),
        },
    )


class RotationForm(forms.Form):
    substitute = forms.ModelChoiceField(queryset=Coordinator.objects.none(), label=gettext_lazy("Substitute"))

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["substitute"]
        field.queryset = colleagues  # type: ignore[attr-defined]
        field.label_from_instance = lambda c: (
            _("%(name)s (%(n)s enterprises)")
            % {  # type: ignore[attr-defined]
                "name": c.user.display_name,
                "n": c.enterprise_count,
            }
        )
        field.widget.attrs["class"] = "form-select"
