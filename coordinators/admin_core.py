"""Admin for coordinators, pairs, recusals and disqualifications (DOMAIN.md, "Coordinators").

Pairs, recusals and disqualifications are history: listed and viewed here, created only by the
services (the enterprise page's "assign pair" and "record recusal" actions, the coordinator page's
"disqualify" action). Officers and managers see their district; administrators see all.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from enterprises.admin_helpers import (
    AppendOnlyAdminMixin,
    DomainErrorSafeChangeformMixin,
    ReadOnlyInline,
    ScopedHistoryAdminMixin,
    confirmation_page,
    domain_error,
    is_confirmed,
    too_many,
)
from enterprises.models import Enterprise
from portal.exceptions import DomainError
from portal.roles import Role

from . import services
from .models import Coordinator, Disqualification, DisqualificationGround, PairAssignment, Recusal


def _district_scope(queryset, user, district_path: str):
    """Administrators see every row; officers and managers the rows of their district."""
    if user.has_role(Role.ADMINISTRATOR):
        return queryset
    district_id = user.district_id_for_scope
    if district_id is None or not user.has_role(Role.CUSTOMS_OFFICER, Role.MANAGER):
        return queryset.none()
    return queryset.filter(**{district_path: district_id})


def _enterprise_scope(queryset, user):
    return queryset.filter(enterprise__in=Enterprise.objects.visible_to(user).values("pk"))


# --- Inlines on the coordinator page ---------------------------------------------------------------------


class _PairInline(ReadOnlyInline, admin.TabularInline):
    model = PairAssignment
    readonly_fields = ["enterprise", "coordinator_a", "coordinator_b", "started_on", "ended_on", "end_reason"]
    fields = list(readonly_fields)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("enterprise", "coordinator_a__user", "coordinator_b__user")
        )


class PairAsFirstInline(_PairInline):
    fk_name = "coordinator_a"
    verbose_name_plural = _("pair assignments (listed first)")


class PairAsSecondInline(_PairInline):
    fk_name = "coordinator_b"
    verbose_name_plural = _("pair assignments (listed second)")


class RecusalInline(ReadOnlyInline, admin.TabularInline):
    model = Recusal
    readonly_fields = ["enterprise", "reason", "reason_text", "declared_at", "declared_by"]
    fields = list(readonly_fields)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enterprise", "declared_by")


class DisqualificationInline(ReadOnlyInline, admin.TabularInline):
    model = Disqualification
    readonly_fields = ["ground", "decided_on", "decided_by", "evidence"]
    fields = list(readonly_fields)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("decided_by")


# --- Forms and filters ------------------------------------------------------------------------------


class CoordinatorAdminForm(forms.ModelForm):
    class Meta:
        model = Coordinator
        fields = ["user", "local_customs", "certificate_number", "qualification_valid_until"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("user") and cleaned.get("local_customs"):
            try:
                services.check_appointment(
                    user=cleaned["user"],
                    local_customs=cleaned["local_customs"],
                    certificate_number=cleaned.get("certificate_number") or "",
                )
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from None
        return cleaned


class DisqualifyForm(forms.Form):
    ground = forms.ChoiceField(
        choices=DisqualificationGround.choices, label=_("ground"), widget=forms.RadioSelect
    )
    decided_on = forms.DateField(label=_("decision date"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(label=_("evidence"), widget=forms.Textarea(attrs={"rows": 4}))


class QualificationFilter(admin.SimpleListFilter):
    title = _("qualification")
    parameter_name = "qualification"

    def lookups(self, request, model_admin):
        return [
            ("valid", _("Valid")),
            ("lapsing", _("Lapses within 30 days")),
            ("lapsed", _("Lapsed")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "valid":
            return queryset.filter(qualification_valid_until__gte=today)
        if self.value() == "lapsing":
            return queryset.filter(
                qualification_valid_until__gte=today,
                qualification_valid_until__lte=today + datetime.timedelta(days=30),
            )
        if self.value() == "lapsed":
            return queryset.filter(qualification_valid_until__lt=today)
        return queryset


# --- Coordinator ----------------------------------------------------------------------------------------


@admin.register(Coordinator)
class CoordinatorAdmin(DomainErrorSafeChangeformMixin, ScopedHistoryAdminMixin, SimpleHistoryAdmin):
    form = CoordinatorAdminForm
    list_display = [
        "__str__",
        "local_customs",
        "certificate_number",
        "qualification_valid_until",
        "status",
        "workload",
    ]
    list_filter = ["status", QualificationFilter, "local_customs__district", "local_customs"]
    search_fields = ["user__full_name", "=user__username", "=certificate_number"]
    autocomplete_fields = ["user", "local_customs"]
    list_select_related = ["user", "local_customs"]
    readonly_fields = ["status", "created_at"]
    show_full_result_count = False
    inlines = [PairAsFirstInline, PairAsSecondInline, RecusalInline, DisqualificationInline]
    actions = ["disqualify"]

    def get_queryset(self, request):
        queryset = services.with_workload(super().get_queryset(request))
        return _district_scope(queryset, request.user, "local_customs__district_id")

    def get_fields(self, request, obj=None):
        fields = ["user", "local_customs", "certificate_number", "qualification_valid_until"]
        return fields if obj is None else [*fields, "status", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # The person and office of a coordinator do not change; a status changes only by disqualification.
        return ["status", "created_at"] if obj is None else ["user", "status", "created_at"]

    @admin.display(description=_("enterprises served"), ordering="enterprise_count")
    def workload(self, obj):
        return obj.enterprise_count

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj._history_user = request.user
            obj.save()
            return
        created = services.appoint_coordinator(
            user=form.cleaned_data["user"],
            local_customs=form.cleaned_data["local_customs"],
            certificate_number=form.cleaned_data["certificate_number"],
            qualification_valid_until=form.cleaned_data["qualification_valid_until"],
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def has_disqualify_permission(self, request):
        return request.user.has_perm("coordinators.add_disqualification")

    @admin.action(description=_("Disqualify, stating the ground"), permissions=["disqualify"])
    def disqualify(self, request, queryset):
        if too_many(self, request, queryset, limit=20):
            return None
        coordinators = list(queryset.select_related("user", "local_customs"))
        if is_confirmed(request):
            form = DisqualifyForm(request.POST)
            if form.is_valid():
                decisions = []
                for coordinator in coordinators:
                    try:
                        decisions.append(
                            services.disqualify(
                                coordinator=coordinator,
                                ground=form.cleaned_data["ground"],
                                decided_on=form.cleaned_data["decided_on"],
                                decided_by=request.user,
                                evidence=form.cleaned_data["evidence"],
                            )
                        )
                    except DomainError as exc:
                        form.add_error(None, f"{coordinator}: {exc.message}")
                        domain_error(self, request, exc, prefix=str(coordinator))
                if decisions:
                    return self._disqualified(request, decisions)
        else:
            form = DisqualifyForm(initial={"decided_on": timezone.localdate()})
        return confirmation_page(
            self,
            request,
            queryset,
            title=gettext("Disqualify coordinators"),
            template="admin/coordinators/coordinator/disqualify.html",
            form=form,
            submit_label=gettext("Disqualify"),
        )

    def _disqualified(self, request, decisions):
        self.message_user(
            request,
            gettext("Disqualified %(n)d coordinators; their assignments have ended.") % {"n": len(decisions)},
            messages.SUCCESS,
        )
        rows = [
            (
                decision,
                list(decision.enterprises_needing_pair.select_related("local_customs").order_by("name_zh")),
            )
            for decision in decisions
        ]
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/coordinators/coordinator/disqualified.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Enterprises that need a new pair"),
                "opts": self.model._meta,
                "rows": rows,
            },
        )


# --- History models -------------------------------------------------------------------------------------


@admin.register(PairAssignment)
class PairAssignmentAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "coordinator_a", "coordinator_b", "started_on", "ended_on", "end_reason"]
    list_filter = [
        ("ended_on", admin.EmptyFieldListFilter),
        "end_reason",
        "enterprise__district",
        "enterprise__local_customs",
    ]
    search_fields = [
        "enterprise__name_zh",
        "=enterprise__uscc",
        "=enterprise__customs_code",
        "coordinator_a__user__full_name",
        "coordinator_b__user__full_name",
    ]
    list_select_related = ["enterprise", "coordinator_a__user", "coordinator_b__user"]
    show_full_result_count = False
    date_hierarchy = "started_on"

    def get_queryset(self, request):
        return _enterprise_scope(super().get_queryset(request), request.user)


@admin.register(Recusal)
class RecusalAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["coordinator", "enterprise", "reason", "declared_at", "declared_by"]
    list_filter = ["reason", "enterprise__district", "coordinator__local_customs"]
    search_fields = [
        "enterprise__name_zh",
        "=enterprise__uscc",
        "=enterprise__customs_code",
        "coordinator__user__full_name",
    ]
    list_select_related = ["coordinator__user", "enterprise", "declared_by"]
    show_full_result_count = False

    def get_queryset(self, request):
        return _enterprise_scope(super().get_queryset(request), request.user)


@admin.register(Disqualification)
class DisqualificationAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["coordinator", "ground", "decided_on", "decided_by"]
    list_filter = ["ground", "coordinator__local_customs__district", "coordinator__local_customs"]
    search_fields = ["coordinator__user__full_name", "=coordinator__certificate_number"]
    list_select_related = ["coordinator__user", "decided_by"]
    readonly_fields = [
        "coordinator",
        "ground",
        "decided_on",
        "decided_by",
        "evidence",
        "enterprises_needing_pair",
        "created_at",
    ]
    fields = list(readonly_fields)

    def get_queryset(self, request):
        return _district_scope(
            super().get_queryset(request), request.user, "coordinator__local_customs__district_id"
        )
