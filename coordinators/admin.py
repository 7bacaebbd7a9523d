"""Admin for coordinators, pairs, recusals and disqualifications (docs/DOMAIN.md, "Coordinators").

Pairs, recusals and disqualifications are history: listed and viewed here, created only by the
services (the enterprise page's "assign pair" and "record recusal" actions, the coordinator page's
"disqualify" action). Officers and managers see their district; administrators see all.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from coordinators import selectors, services
from coordinators.models import (
    Coordinator,
    Disqualification,
    DisqualificationGround,
    PairAssignment,
    Recusal,
    RecusalReason,
    Rotation,
    RotationPolicy,
)
from enterprises.models import Enterprise
from portal.admin.toolkit import (
    AppendOnlyAdminMixin,
    DomainErrorSafeChangeformMixin,
    ReadOnlyInline,
    ScopedAdminMixin,
    confirmation_page,
    domain_error,
    exactly_one,
    extend_admin,
    is_confirmed,
    too_many,
)
from portal.exceptions import DomainError
from portal.forms import DateInput
from portal.models import District
from portal.roles import Role

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
    decided_on = forms.DateField(label=_("decision date"), widget=DateInput())
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
class CoordinatorAdmin(DomainErrorSafeChangeformMixin, ScopedAdminMixin, SimpleHistoryAdmin):
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
        return services.with_workload(super().get_queryset(request))

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
            ngettext(
                "Disqualified %(n)d coordinator; their pairs were replaced where a colleague could take over.",
                "Disqualified %(n)d coordinators; their pairs were replaced where a colleague could take over.",
                len(decisions),
            )
            % {"n": len(decisions)},
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
class PairAssignmentAdmin(ScopedAdminMixin, AppendOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["enterprise", "coordinator_a", "coordinator_b", "started_on", "ended_on", "end_reason"]
    list_filter = [
        ("ended_on", admin.EmptyFieldListFilter),
        "end_reason",
        "district",
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


@admin.register(Recusal)
class RecusalAdmin(ScopedAdminMixin, AppendOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["coordinator", "enterprise", "reason", "declared_at", "declared_by"]
    list_filter = ["reason", "district", "coordinator__local_customs"]
    search_fields = [
        "enterprise__name_zh",
        "=enterprise__uscc",
        "=enterprise__customs_code",
        "coordinator__user__full_name",
    ]
    list_select_related = ["coordinator__user", "enterprise", "declared_by"]
    show_full_result_count = False


@admin.register(Disqualification)
class DisqualificationAdmin(ScopedAdminMixin, AppendOnlyAdminMixin, SimpleHistoryAdmin):
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


@admin.register(RotationPolicy)
class RotationPolicyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """The district's rotation rule, set by its Management Department (history kept)."""

    list_display = ["district", "max_service_months", "cooling_off_months", "notice_days"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and not request.user.has_role(Role.ADMINISTRATOR):
            kwargs["queryset"] = District.objects.filter(pk=request.user.district_id_for_scope)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rotation)
class RotationAdmin(ScopedAdminMixin, AppendOnlyAdminMixin, SimpleHistoryAdmin):
    """Rotations listed by the daily job and their handovers. Managers confirm them on the Management
    Department's page (supervision), which proposes the substitutes."""

    list_display = [
        "coordinator",
        "enterprise",
        "serving_since",
        "limit_on",
        "status",
        "substitute",
        "decided_at",
    ]
    list_filter = ["status", "district", "coordinator__local_customs"]
    search_fields = ["enterprise__name_zh", "=enterprise__uscc", "coordinator__user__full_name"]
    list_select_related = ["coordinator__user", "enterprise", "substitute__user"]
    show_full_result_count = False
    readonly_fields = [
        "enterprise",
        "coordinator",
        "serving_since",
        "limit_on",
        "listed_on",
        "status",
        "substitute",
        "decided_by",
        "decided_at",
        "handover",
    ]
    fields = list(readonly_fields)


# --- The enterprise admin's coordinator parts (added to enterprises' admin, see extend_admin) ----------


class EnterprisePairInline(ReadOnlyInline, admin.TabularInline):
    model = PairAssignment
    readonly_fields = [
        "coordinator_a",
        "coordinator_b",
        "started_on",
        "ended_on",
        "end_reason",
        "assigned_by",
    ]
    fields = list(readonly_fields)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("coordinator_a__user", "coordinator_b__user", "assigned_by")
        )


class EnterpriseRecusalInline(ReadOnlyInline, admin.TabularInline):
    model = Recusal
    readonly_fields = ["coordinator", "reason", "reason_text", "declared_at", "declared_by"]
    fields = list(readonly_fields)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("coordinator__user", "declared_by")


class CoordinatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        workload = getattr(obj, "enterprise_count", None)
        if workload is None:
            return str(obj)
        return ngettext(
            "%(name)s (%(office)s, %(n)d enterprise)", "%(name)s (%(office)s, %(n)d enterprises)", workload
        ) % {
            "name": obj,
            "office": obj.local_customs,
            "n": workload,
        }


class PairForm(forms.Form):
    """The officer confirms the suggested pair or picks two other assignable coordinators."""

    first = CoordinatorChoiceField(queryset=Coordinator.objects.none(), label=_("coordinator"))
    second = CoordinatorChoiceField(queryset=Coordinator.objects.none(), label=_("second coordinator"))

    def __init__(self, *args, enterprise, suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = services.with_workload(services.assignable_for(enterprise)).select_related(
            "user", "local_customs"
        )
        candidates = candidates.order_by("enterprise_count", "user__full_name", "pk")
        self.fields["first"].queryset = candidates
        self.fields["second"].queryset = candidates
        if len(suggestion) == 2:
            self.fields["first"].initial = suggestion[0].pk
            self.fields["second"].initial = suggestion[1].pk

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first"), cleaned.get("second")
        if first and second and first.pk == second.pk:
            raise forms.ValidationError(_("A pair needs two different coordinators."))
        return cleaned


class RecusalForm(forms.Form):
    coordinator = forms.ModelChoiceField(queryset=Coordinator.objects.none(), label=_("coordinator"))
    reason = forms.ChoiceField(choices=RecusalReason.choices, label=_("reason"))
    reason_text = forms.CharField(
        label=_("details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = (
            Coordinator.objects.filter(local_customs__district_id=enterprise.district_id)
            .exclude(recusals__enterprise=enterprise)
            .select_related("user", "local_customs")
            .order_by("local_customs__code", "user__full_name")
        )


class PairStatusFilter(admin.SimpleListFilter):
    title = _("coordinator pair")
    parameter_name = "pair"

    def lookups(self, request, model_admin):
        return [("active", _("Has a pair")), ("needed", _("Needs a pair"))]

    def queryset(self, request, queryset):
        active = PairAssignment.objects.filter(enterprise=OuterRef("pk"), ended_on__isnull=True)
        if self.value() == "active":
            return queryset.filter(Exists(active))
        if self.value() == "needed":
            return queryset.filter(rating__gets_coordinators=True).exclude(Exists(active))
        return queryset


class EnterprisePairActions:
    """Actions on enterprises that belong to this app: assign the suggested pair, record a recusal."""

    extra_actions = ["assign_suggested_pair", "record_recusal"]

    def has_assign_pair_permission(self, request):
        return request.user.has_perm("coordinators.add_pairassignment")

    def has_recusal_permission(self, request):
        return request.user.has_perm("coordinators.add_recusal")

    @admin.action(description=_("Assign the suggested coordinator pair"), permissions=["assign_pair"])
    def assign_suggested_pair(self, request, queryset):
        if too_many(self, request, queryset, limit=50):
            return None
        enterprises = list(queryset.select_related("local_customs", "rating", "district"))
        if len(enterprises) == 1:
            return self._assign_one(request, queryset, enterprises[0])
        if is_confirmed(request):
            done = 0
            for enterprise in enterprises:
                try:
                    services.assign_suggested_pair(enterprise=enterprise, actor=request.user)
                    done += 1
                except DomainError as exc:
                    domain_error(self, request, exc, prefix=str(enterprise))
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "Assigned a pair to %(n)d enterprise.", "Assigned a pair to %(n)d enterprises.", done
                    )
                    % {"n": done},
                    messages.SUCCESS,
                )
            return None
        rows = []
        for enterprise in enterprises:
            try:
                rows.append((enterprise, services.suggest_pair(enterprise), ""))
            except DomainError as exc:
                rows.append((enterprise, [], exc.message))
        return confirmation_page(
            self,
            request,
            queryset,
            title=gettext("Assign the suggested coordinator pairs"),
            template="admin/enterprises/enterprise/assign_pair.html",
            rows=rows,
            submit_label=gettext("Assign these pairs"),
        )

    def _assign_one(self, request, queryset, enterprise):
        try:
            suggestion = services.suggest_pair(enterprise)
            problem = ""
        except DomainError as exc:
            suggestion, problem = [], exc.message
        current = selectors.current_pair(enterprise)
        if is_confirmed(request):
            form = PairForm(request.POST, enterprise=enterprise, suggestion=suggestion)
            if form.is_valid():
                try:
                    pair = services.assign_pair(
                        enterprise=enterprise,
                        coordinators=[form.cleaned_data["first"], form.cleaned_data["second"]],
                        actor=request.user,
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                    domain_error(self, request, exc)
                else:
                    self.message_user(
                        request,
                        gettext("%(enterprise)s: %(a)s and %(b)s are now the pair.")
                        % {"enterprise": enterprise, "a": pair.coordinator_a, "b": pair.coordinator_b},
                        messages.SUCCESS,
                    )
                    return None
        else:
            form = PairForm(enterprise=enterprise, suggestion=suggestion)
        return confirmation_page(
            self,
            request,
            queryset,
            title=gettext("Assign a coordinator pair to %(enterprise)s") % {"enterprise": enterprise},
            template="admin/enterprises/enterprise/assign_pair.html",
            form=form,
            enterprise=enterprise,
            suggestion=suggestion,
            problem=problem,
            current=current,
            submit_label=gettext("Assign this pair"),
        )

    @admin.action(description=_("Record a coordinator's recusal"), permissions=["recusal"])
    def record_recusal(self, request, queryset):
        enterprise = exactly_one(self, request, queryset)
        if enterprise is None:
            return None
        if is_confirmed(request):
            form = RecusalForm(request.POST, enterprise=enterprise)
            if form.is_valid():
                try:
                    outcome = services.declare_recusal(
                        coordinator=form.cleaned_data["coordinator"],
                        enterprise=enterprise,
                        reason=form.cleaned_data["reason"],
                        reason_text=form.cleaned_data["reason_text"],
                        actor=request.user,
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                    domain_error(self, request, exc)
                else:
                    text = gettext("Recorded the recusal of %(c)s.") % {"c": outcome.recusal.coordinator}
                    if outcome.message:
                        text = f"{text} {outcome.message}"
                    level = messages.WARNING if outcome.needs_new_pair else messages.SUCCESS
                    self.message_user(request, text, level)
                    return None
        else:
            form = RecusalForm(enterprise=enterprise)
        return confirmation_page(
            self,
            request,
            queryset,
            title=gettext("Record a recusal for %(enterprise)s") % {"enterprise": enterprise},
            form=form,
            current=selectors.current_pair(enterprise),
            template="admin/enterprises/enterprise/record_recusal.html",
            submit_label=gettext("Record the recusal"),
        )


extend_admin(
    Enterprise,
    mixin=EnterprisePairActions,
    inlines=[EnterprisePairInline, EnterpriseRecusalInline],
    list_filter=[PairStatusFilter],
)
