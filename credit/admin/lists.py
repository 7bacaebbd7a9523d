"""Admin for the abnormal list, annual reports, re-certification reminders and credit repair.

Every change is an action with a confirmation page that calls the service (credit.services.abnormal_list,
credit.services.annual_reports, credit.services.repair); nothing is deleted. Lists are scoped to the enterprises the
officer may see and built for large tables (no full counts, related rows joined).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from credit.models import (
    AbnormalListEntry,
    AbnormalListIdentification,
    AbnormalReason,
    AnnualReport,
    AnnualReportCandidate,
    RecertificationReminder,
    RepairApplication,
    UntrustworthyFinding,
)
from credit.services import abnormal_list as abnormal
from credit.services import annual_reports, repair
from enterprises.models import Enterprise
from portal.admin.toolkit import AppendOnlyAdminMixin, ScopedAdminMixin, bulk_action_with_form, file_links
from portal.exceptions import DomainError
from portal.forms import DateInput


class ScopedRecordAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Records of decisions: scoped, never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


# --- The abnormal list ----------------------------------------------------------------------------------


class OpenFilter(admin.SimpleListFilter):
    title = _("on the list")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Listed now")), ("no", _("Removed"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(removed_on__isnull=self.value() == "yes")
        return queryset


class ListEnterpriseForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("Enterprise"))
    reason = forms.ChoiceField(choices=AbnormalReason.choices, label=_("Reason"))
    reason_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Details")
    )
    listed_on = forms.DateField(label=_("Listed on"), initial=timezone.localdate, widget=DateInput())

    def __init__(self, *args, user, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.admin.widgets import AutocompleteSelect

        field = self.fields["enterprise"]
        field.queryset = Enterprise.objects.visible_to(user)
        field.widget = AutocompleteSelect(AbnormalListEntry._meta.get_field("enterprise"), admin_site)
        field.widget.choices = field.choices


class CureForm(forms.Form):
    cure = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label=_("How the cause was cured"))
    removed_on = forms.DateField(label=_("Removed on"), initial=timezone.localdate, widget=DateInput())


@admin.register(AbnormalListEntry)
class AbnormalListEntryAdmin(ScopedRecordAdmin):
    list_display = ["enterprise", "reason", "listed_on", "days_listed", "removed_on", "listed_by"]
    list_filter = [OpenFilter, "reason", "district", "enterprise__local_customs"]
    search_fields = ["enterprise__name_zh", "=enterprise__uscc", "=enterprise__customs_code"]
    list_select_related = ["enterprise", "listed_by"]
    show_full_result_count = False
    date_hierarchy = "listed_on"
    readonly_fields = [
        "enterprise",
        "reason",
        "reason_text",
        "listed_on",
        "listed_by",
        "removed_on",
        "removed_by",
        "cure",
    ]
    actions = ["remove_selected"]

    @admin.display(description=_("days listed"))
    def days_listed(self, obj):
        return ((obj.removed_on or timezone.localdate()) - obj.listed_on).days

    def has_change_permission(self, request, obj=None):
        return False

    def has_remove_permission(self, request):
        return request.user.has_perm("credit.change_abnormallistentry")

    def add_view(self, request, form_url="", extra_context=None):
        """Listing an enterprise is the service's form, not a model form."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        kwargs = {"user": request.user, "admin_site": self.admin_site}
        form = ListEnterpriseForm(request.POST or None, **kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                entry = abnormal.list_enterprise(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request,
                    gettext("%(enterprise)s is on the abnormal list.") % {"enterprise": entry.enterprise},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:credit_abnormallistentry_changelist"))
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/credit/abnormallistentry/list_enterprise.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Put an enterprise on the abnormal list"),
                "opts": self.model._meta,
                "form": form,
                "media": self.media + form.media,
            },
        )

    @admin.action(description=_("Remove from the list (state the cure)"), permissions=["remove"])
    def remove_selected(self, request, queryset):
        return bulk_action_with_form(
            self,
            request,
            queryset.select_related("enterprise"),
            form=CureForm,
            call=lambda entry, data: abnormal.remove_from_list(
                entry=entry, cure=data["cure"], removed_on=data["removed_on"], actor=request.user
            ),
            success=lambda n, data: (
                ngettext(
                    "Removed %(n)d entry from the abnormal list.",
                    "Removed %(n)d entries from the abnormal list.",
                    n,
                )
                % {"n": n}
            ),
            title=gettext("Remove from the abnormal list"),
            submit_label=gettext("Remove"),
        )


@admin.register(AbnormalListIdentification)
class AbnormalListIdentificationAdmin(AppendOnlyAdminMixin, ScopedRecordAdmin):
    list_display = ["entry", "identified_on", "credit_event", "note_text"]
    list_select_related = ["entry__enterprise", "credit_event__to_rating"]
    show_full_result_count = False
    date_hierarchy = "identified_on"


# --- Annual reports -------------------------------------------------------------------------------------


@admin.register(AnnualReport)
class AnnualReportAdmin(AppendOnlyAdminMixin, ScopedRecordAdmin):
    list_display = [
        "enterprise",
        "year",
        "submitted_at",
        "submitted_by",
        "operating_normally",
        "registration_unchanged",
    ]
    list_filter = ["year", "operating_normally", "registration_unchanged", "district"]
    search_fields = ["enterprise__name_zh", "=enterprise__uscc", "=enterprise__customs_code"]
    list_select_related = ["enterprise", "submitted_by"]
    show_full_result_count = False


class DecisionNoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Note"))


class DismissForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("Why is the candidate dismissed?")
    )


@admin.register(AnnualReportCandidate)
class AnnualReportCandidateAdmin(ScopedRecordAdmin):
    list_display = ["enterprise", "year", "found_on", "status", "report_received", "decided_by"]
    list_filter = ["status", "year", "district", "enterprise__local_customs"]
    search_fields = ["enterprise__name_zh", "=enterprise__uscc", "=enterprise__customs_code"]
    list_select_related = ["enterprise", "decided_by"]
    show_full_result_count = False
    readonly_fields = [
        "enterprise",
        "year",
        "found_on",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
        "abnormal_entry",
    ]
    actions = ["confirm_selected", "dismiss_selected"]

    def get_queryset(self, request):
        reports = AnnualReport.objects.filter(enterprise=OuterRef("enterprise"), year=OuterRef("year"))
        return super().get_queryset(request).annotate(has_report=Exists(reports))

    @admin.display(description=_("report received late"), boolean=True, ordering="has_report")
    def report_received(self, obj):
        return obj.has_report

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return request.user.has_perm("credit.change_annualreportcandidate")

    @admin.action(description=_("Confirm: put on the abnormal list"), permissions=["decide"])
    def confirm_selected(self, request, queryset):
        return bulk_action_with_form(
            self,
            request,
            queryset.select_related("enterprise"),
            form=DecisionNoteForm,
            call=lambda candidate, data: annual_reports.confirm_candidate(
                candidate=candidate, actor=request.user, note=data["note"]
            ),
            success=lambda n, data: (
                ngettext(
                    "%(n)d enterprise put on the abnormal list.",
                    "%(n)d enterprises put on the abnormal list.",
                    n,
                )
                % {"n": n}
            ),
            title=gettext("Put these enterprises on the abnormal list"),
            submit_label=gettext("Confirm"),
        )

    @admin.action(description=_("Dismiss (with a note)"), permissions=["decide"])
    def dismiss_selected(self, request, queryset):
        return bulk_action_with_form(
            self,
            request,
            queryset.select_related("enterprise"),
            form=DismissForm,
            call=lambda candidate, data: annual_reports.dismiss_candidate(
                candidate=candidate, actor=request.user, note=data["note"]
            ),
            success=lambda n, data: (
                ngettext("%(n)d candidate dismissed.", "%(n)d candidates dismissed.", n) % {"n": n}
            ),
            title=gettext("Dismiss candidates"),
            submit_label=gettext("Dismiss"),
        )


# --- Re-certification reminders ------------------------------------------------------------------------


@admin.register(RecertificationReminder)
class RecertificationReminderAdmin(AppendOnlyAdminMixin, ScopedRecordAdmin):
    list_display = ["enterprise", "due_date", "kind", "offset_days", "sent_on", "recipients"]
    list_filter = ["kind", "offset_days", "district"]
    search_fields = ["enterprise__name_zh", "=enterprise__uscc"]
    list_select_related = ["enterprise"]
    show_full_result_count = False
    date_hierarchy = "sent_on"


# --- Credit repair ---------------------------------------------------------------------------------------


REPAIR_SELECTION = 20  # applications decided at once (each shows its eligibility, a few queries)


class RepairDecisionForm(forms.Form):
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label=_("Reasons (shown to the enterprise)")
    )


@admin.register(RepairApplication)
class RepairApplicationAdmin(ScopedRecordAdmin):
    list_display = ["enterprise", "applied_at", "status", "eligibility_now", "decided_by", "decided_at"]
    list_filter = ["status", "district"]
    search_fields = ["enterprise__name_zh", "=enterprise__uscc"]
    list_select_related = ["enterprise__rating", "decided_by"]
    show_full_result_count = False
    readonly_fields = [
        "enterprise",
        "statement",
        "applied_by",
        "applied_at",
        "status",
        "eligibility_now",
        "decided_by",
        "decided_at",
        "decision_reasons",
        "credit_event",
        "documents",
    ]
    actions = ["grant_selected", "refuse_selected"]

    @admin.display(description=_("documents"))
    def documents(self, obj):
        return file_links(obj.attachments.all(), "credit:repair_attachment")

    @admin.display(description=_("eligibility today"))
    def eligibility_now(self, obj):
        return repair.repair_eligibility(obj.enterprise).reason

    def get_list_display(self, request):
        # Eligibility is computed per row (a few queries each): shown on the page of one application only.
        return [f for f in self.list_display if f != "eligibility_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return request.user.has_perm("credit.change_repairapplication")

    def _decide(self, request, queryset, *, granted: bool):
        title = gettext("Grant credit repair") if granted else gettext("Refuse credit repair")

        def message(n: int) -> str:
            if granted:
                return ngettext(
                    "%(n)d application granted: the enterprise is repaired.",
                    "%(n)d applications granted: the enterprises are repaired.",
                    n,
                ) % {"n": n}
            return ngettext("%(n)d application refused.", "%(n)d applications refused.", n) % {"n": n}

        selection = queryset.select_related("enterprise__rating")

        def rows():
            # Called by the confirmation page only (at most REPAIR_SELECTION rows): the officer sees each
            # application's date in local time and where the enterprise stands today before deciding.
            return [
                {"application": a, "eligibility": repair.repair_eligibility(a.enterprise)}
                for a in selection[:REPAIR_SELECTION]
            ]

        return bulk_action_with_form(
            self,
            request,
            selection,
            form=RepairDecisionForm,
            template="admin/credit/repairapplication/decide.html",
            rows=rows,
            call=lambda application, data: repair.decide_repair(
                application=application, granted=granted, reasons=data["reasons"], actor=request.user
            ),
            success=lambda n, data: message(n),
            title=title,
            submit_label=title,
            limit=REPAIR_SELECTION,
        )

    @admin.action(description=_("Grant credit repair"), permissions=["decide"])
    def grant_selected(self, request, queryset):
        return self._decide(request, queryset, granted=True)

    @admin.action(description=_("Refuse credit repair"), permissions=["decide"])
    def refuse_selected(self, request, queryset):
        return self._decide(request, queryset, granted=False)


@admin.register(UntrustworthyFinding)
class UntrustworthyFindingAdmin(ScopedRecordAdmin):
    """The cause of a finding of untrustworthiness: decides the repair wait (credit.services.repair)."""

    list_display = ["event", "cause", "recorded_by", "recorded_at"]
    list_filter = ["cause"]
    list_select_related = ["event__enterprise", "event__to_rating", "recorded_by"]
    show_full_result_count = False
    raw_id_fields = ["event"]
    fields = ["event", "cause"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        finding = repair.record_cause(event=obj.event, cause=obj.cause, actor=request.user)
        obj.pk = finding.pk
        obj._state.adding = False
