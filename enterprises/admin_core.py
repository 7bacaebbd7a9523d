"""Admin for enterprises, memberships and registration changes (a product surface for customs staff).

Every list is scoped through ``Enterprise.objects.visible_to`` (an officer sees their district); writes
go through the services: registering (also by import), assigning a pair, recording a recusal,
designating the contact person, deciding a registration change.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from coordinators import services as coordination
from coordinators.models import Coordinator, PairAssignment, Recusal, RecusalReason
from credit.models import CreditEvent
from portal.exceptions import DomainError
from portal.models import User

from . import services
from .admin_helpers import (
    MAX_SELECTION,
    AppendOnlyAdminMixin,
    ReadOnlyInline,
    ScopedHistoryAdminMixin,
    bulk_action_with_form,
    confirmation_page,
    domain_error,
    exactly_one,
    is_confirmed,
    too_many,
)
from .importing import import_enterprises
from .models import Enterprise, Membership, RegistrationChange

# --- Inlines: the enterprise's history, read-only -----------------------------------------------------


class MembershipInline(ReadOnlyInline, admin.TabularInline):
    model = Membership
    readonly_fields = [
        "user",
        "role",
        "position",
        "is_senior_executive",
        "started_at",
        "ended_at",
        "changed_by",
    ]
    fields = list(readonly_fields)
    verbose_name_plural = _("members (contact persons and staff, past and present)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "changed_by")


class CreditEventInline(ReadOnlyInline, admin.TabularInline):
    model = CreditEvent
    readonly_fields = [
        "effective_date",
        "regime",
        "from_rating",
        "to_rating",
        "reason",
        "reason_text",
        "actor",
    ]
    fields = list(readonly_fields)
    ordering = ["-effective_date", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("regime", "from_rating", "to_rating", "actor")


class PairAssignmentInline(ReadOnlyInline, admin.TabularInline):
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


class RecusalInline(ReadOnlyInline, admin.TabularInline):
    model = Recusal
    readonly_fields = ["coordinator", "reason", "reason_text", "declared_at", "declared_by"]
    fields = list(readonly_fields)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("coordinator__user", "declared_by")


# --- Forms of the actions ------------------------------------------------------------------------------


class EnterpriseAdminForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "customs_code",
            "name_zh",
            "name_en",
            "district",
            "local_customs",
            "registered_address",
            "industry",
            "is_listed",
            "employees",
            "premises",
            "phone",
            "email",
        ]

    def clean(self):
        cleaned = super().clean()
        try:
            services.check_local_customs_in_district(
                district=cleaned.get("district"), local_customs=cleaned.get("local_customs")
            )
        except DomainError as exc:
            self.add_error("local_customs", exc.message)
        return cleaned


class CoordinatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        workload = getattr(obj, "enterprise_count", None)
        if workload is None:
            return str(obj)
        return gettext("%(name)s (%(office)s, %(n)d enterprises)") % {
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
        candidates = coordination.with_workload(coordination.assignable_for(enterprise)).select_related(
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


class ContactPersonForm(forms.Form):
    username = forms.CharField(label=_("username of the new contact person"), max_length=150)
    position = forms.CharField(
        label=_("position"), max_length=100, help_text=_("A senior executive in charge of customs affairs.")
    )
    keep_previous_as_staff = forms.BooleanField(
        label=_("keep the previous contact person as staff"), required=False, initial=True
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(_("No active user %(name)s.") % {"name": username}) from None


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Columns: uscc, customs_code, name_zh, registered_address, district, local_customs (required); "
            "name_en, industry, is_listed, employees, premises, phone, email, rating, rated_on (optional). "
            "A file with any invalid row imports nothing."
        ),
    )


# --- Filters -------------------------------------------------------------------------------------------


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


# --- Enterprise ----------------------------------------------------------------------------------------


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedHistoryAdminMixin, SimpleHistoryAdmin):
    form = EnterpriseAdminForm
    list_display = [
        "name_zh",
        "uscc",
        "customs_code",
        "district",
        "local_customs",
        "rating",
        "recertification_due",
    ]
    list_filter = ["district", "local_customs", "rating", PairStatusFilter, "industry", "is_listed"]
    # Exact codes use the unique indexes; the Chinese name uses the trigram index.
    search_fields = ["name_zh", "=uscc", "=customs_code"]
    search_help_text = _("Chinese name, unified social credit code or customs registration code.")
    autocomplete_fields = ["district", "local_customs"]
    list_select_related = ["district", "local_customs", "rating"]
    readonly_fields = ["rating", "certified_on", "recertification_due", "created_at"]
    show_full_result_count = False
    list_per_page = 50
    inlines = [MembershipInline, CreditEventInline, PairAssignmentInline, RecusalInline]
    actions = ["assign_suggested_pair", "record_recusal", "designate_contact_person"]
    change_list_template = "admin/enterprises/enterprise/change_list.html"
    fieldsets = [
        (None, {"fields": ["uscc", "customs_code", "name_zh", "name_en", "district", "local_customs"]}),
        (
            _("Registration data"),
            {
                "fields": [
                    "registered_address",
                    "industry",
                    "is_listed",
                    "employees",
                    "premises",
                    "phone",
                    "email",
                ]
            },
        ),
        (_("Credit"), {"fields": ["rating", "certified_on", "recertification_due", "created_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj._history_user = request.user
            obj.save()
            return
        data = {
            f: form.cleaned_data[f]
            for f in form.cleaned_data
            if f in {fld.name for fld in Enterprise._meta.fields}
        }
        created = services.register_enterprise(actor=request.user, **data)
        obj.pk = created.pk
        obj._state.adding = False

    # Action permissions: the Django model permission of what the action creates.
    def has_assign_pair_permission(self, request):
        return request.user.has_perm("coordinators.add_pairassignment")

    def has_recusal_permission(self, request):
        return request.user.has_perm("coordinators.add_recusal")

    def has_membership_permission(self, request):
        return request.user.has_perm("enterprises.add_membership")

    def has_import_permission(self, request):
        return request.user.has_perm("enterprises.add_enterprise")

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
                    coordination.assign_suggested_pair(enterprise=enterprise, actor=request.user)
                    done += 1
                except DomainError as exc:
                    domain_error(self, request, exc, prefix=str(enterprise))
            if done:
                self.message_user(
                    request, gettext("Assigned a pair to %(n)d enterprises.") % {"n": done}, messages.SUCCESS
                )
            return None
        rows = []
        for enterprise in enterprises:
            try:
                rows.append((enterprise, coordination.suggest_pair(enterprise), ""))
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
            suggestion = coordination.suggest_pair(enterprise)
            problem = ""
        except DomainError as exc:
            suggestion, problem = [], exc.message
        current = coordination.current_pair(enterprise)
        if is_confirmed(request):
            form = PairForm(request.POST, enterprise=enterprise, suggestion=suggestion)
            if form.is_valid():
                try:
                    pair = coordination.assign_pair(
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
                    outcome = coordination.declare_recusal(
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
            current=coordination.current_pair(enterprise),
            template="admin/enterprises/enterprise/record_recusal.html",
            submit_label=gettext("Record the recusal"),
        )

    @admin.action(description=_("Designate the contact person"), permissions=["membership"])
    def designate_contact_person(self, request, queryset):
        enterprise = exactly_one(self, request, queryset)
        if enterprise is None:
            return None
        if is_confirmed(request):
            form = ContactPersonForm(request.POST)
            if form.is_valid():
                try:
                    services.designate_contact_person(
                        enterprise=enterprise,
                        user=form.cleaned_data["username"],
                        position=form.cleaned_data["position"],
                        actor=request.user,
                        keep_previous_as_staff=form.cleaned_data["keep_previous_as_staff"],
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                    domain_error(self, request, exc)
                else:
                    self.message_user(
                        request,
                        gettext("%(user)s is now the contact person of %(enterprise)s.")
                        % {"user": form.cleaned_data["username"], "enterprise": enterprise},
                        messages.SUCCESS,
                    )
                    return None
        else:
            form = ContactPersonForm()
        return confirmation_page(
            self,
            request,
            queryset,
            title=gettext("Designate the contact person of %(enterprise)s") % {"enterprise": enterprise},
            form=form,
            current_contact=services.contact_person(enterprise),
            submit_label=gettext("Designate"),
        )

    # --- Import page -----------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="enterprises_enterprise_import",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        from django.core.exceptions import PermissionDenied

        if not self.has_import_permission(request):
            raise PermissionDenied
        errors = []
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                result = import_enterprises(data=upload.read(), filename=upload.name, actor=request.user)
                if result.ok:
                    self.message_user(
                        request,
                        gettext("Imported %(n)d enterprises from %(file)s.")
                        % {"n": len(result.created), "file": upload.name},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:enterprises_enterprise_changelist"))
                errors = result.errors
                self.message_user(
                    request,
                    gettext("Nothing was imported: the file has %(n)d problems.") % {"n": len(errors)},
                    messages.ERROR,
                )
        else:
            form = ImportForm()
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/enterprises/enterprise/import.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Import enterprises"),
                "opts": self.model._meta,
                "form": form,
                "errors": errors,
            },
        )


# --- Memberships ---------------------------------------------------------------------------------------


@admin.register(Membership)
class MembershipAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "user", "role", "position", "started_at", "ended_at"]
    list_filter = ["role", ("ended_at", admin.EmptyFieldListFilter), "enterprise__district"]
    search_fields = [
        "enterprise__name_zh",
        "=enterprise__uscc",
        "=enterprise__customs_code",
        "user__full_name",
        "=user__username",
    ]
    list_select_related = ["enterprise", "user"]
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(enterprise__in=Enterprise.objects.visible_to(request.user).values("pk"))
        )


# --- Registration changes ------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("decision note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


def changes_table(change: RegistrationChange):
    labels = {f.name: f.verbose_name for f in Enterprise._meta.fields}
    rows = format_html_join(
        "",
        "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
        ((str(labels.get(name, name)), before, after) for name, (before, after) in change.changes.items()),
    )
    return format_html(
        '<table data-testid="changes"><thead><tr><th></th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>',
        gettext("Before"),
        gettext("After"),
        rows,
    )


@admin.register(RegistrationChange)
class RegistrationChangeAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "submitted_by", "submitted_at", "status", "decided_by", "decided_at"]
    list_filter = ["status", "enterprise__district", "enterprise__local_customs"]
    search_fields = ["enterprise__name_zh", "=enterprise__uscc", "=enterprise__customs_code"]
    list_select_related = ["enterprise", "submitted_by", "decided_by"]
    show_full_result_count = False
    readonly_fields = [
        "enterprise",
        "submitted_by",
        "submitted_at",
        "before_after",
        "note",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    fields = list(readonly_fields)
    actions = ["accept", "reject"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(enterprise__in=Enterprise.objects.visible_to(request.user).values("pk"))
        )

    @admin.display(description=_("before / after"))
    def before_after(self, obj):
        return changes_table(obj)

    def has_decide_permission(self, request):
        return request.user.has_perm("enterprises.change_registrationchange")

    def _decide(self, request, queryset, *, accept: bool):
        changes = queryset.select_related("enterprise", "submitted_by")
        message = (
            gettext("Accepted %(n)d registration changes.")
            if accept
            else gettext("Rejected %(n)d registration changes.")
        )
        return bulk_action_with_form(
            self,
            request,
            changes,
            form=DecisionForm,
            call=lambda change, data: services.decide_registration_change(
                change=change, actor=request.user, accept=accept, note=data["note"]
            ),
            success=lambda n, data: message % {"n": n},
            title=gettext("Accept registration changes")
            if accept
            else gettext("Reject registration changes"),
            submit_label=gettext("Accept") if accept else gettext("Reject"),
            template="admin/enterprises/registrationchange/decide.html",
            changes=[(change, changes_table(change)) for change in changes[:MAX_SELECTION]],
            accept=accept,
        )

    @admin.action(description=_("Accept the selected registration changes"), permissions=["decide"])
    def accept(self, request, queryset):
        return self._decide(request, queryset, accept=True)

    @admin.action(description=_("Reject the selected registration changes"), permissions=["decide"])
    def reject(self, request, queryset):
        return self._decide(request, queryset, accept=False)
