"""Admin of the compliance assessment: officers and managers of the district look up assessments (with
their answers, signatures and actions) and improvement actions, read-only — they are written by the
pair and the enterprise on the portal pages; managers edit their district's ``AssessmentPolicy``."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from compliance import services
from compliance.models import (
    OWED_STATUSES,
    ActionResponse,
    Assessment,
    AssessmentAnswer,
    AssessmentPolicy,
    AssessmentSignature,
    ImprovementAction,
)
from portal.admin.toolkit import ReadOnlyInline, ScopedAdminMixin
from portal.models import District
from portal.scoping import scope_of


class ReadOnlyAdmin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnswerInline(ReadOnlyInline, admin.TabularInline):
    model = AssessmentAnswer
    readonly_fields = ["item", "judgement", "evidence", "notes"]
    fields = list(readonly_fields)


class SignatureInline(ReadOnlyInline, admin.TabularInline):
    model = AssessmentSignature
    readonly_fields = ["signer", "signed_at"]
    fields = list(readonly_fields)


class ActionInline(ReadOnlyInline, admin.TabularInline):
    model = ImprovementAction
    readonly_fields = ["item", "description", "owner", "due_on", "status"]
    fields = list(readonly_fields)
    show_change_link = True


class ResponseInline(ReadOnlyInline, admin.TabularInline):
    model = ActionResponse
    readonly_fields = [
        "created_at",
        "author",
        "text",
        "review",
        "review_comment",
        "reviewed_by",
        "reviewed_at",
    ]
    fields = list(readonly_fields)


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdminMixin, ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["enterprise", "assessed_on", "state", "coordinator_a", "coordinator_b", "signed_at"]
    list_filter = ["state"]
    search_fields = ["enterprise__name_zh", "enterprise__uscc"]
    list_select_related = ["enterprise", "coordinator_a__user", "coordinator_b__user"]
    show_full_result_count = False
    ordering = ["-written_at", "-id"]
    readonly_fields = [
        "enterprise",
        "coordinator_a",
        "coordinator_b",
        "self_examination",
        "assessed_on",
        "summary",
        "state",
        "written_by",
        "written_at",
        "updated_at",
        "signed_at",
    ]
    fields = list(readonly_fields)
    inlines = [AnswerInline, ActionInline, SignatureInline]


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(status__in=OWED_STATUSES, due_on__lt=today)
        if self.value() == "no":
            return queryset.exclude(status__in=OWED_STATUSES, due_on__lt=today)
        return queryset


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ScopedAdminMixin, ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["description_short", "enterprise", "item", "owner", "due_on", "status"]
    list_filter = ["status", OverdueFilter]
    search_fields = ["enterprise__name_zh", "enterprise__uscc", "description"]
    list_select_related = ["enterprise", "item"]
    show_full_result_count = False
    ordering = ["due_on", "id"]
    readonly_fields = [
        "enterprise",
        "assessment",
        "item",
        "description",
        "owner",
        "due_on",
        "status",
        "status_changed_at",
    ]
    fields = list(readonly_fields)
    inlines = [ResponseInline]

    @admin.display(description=_("improvement action"))
    def description_short(self, obj) -> str:
        return obj.description[:80]


@admin.register(AssessmentPolicy)
class AssessmentPolicyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Managers edit their district's policy; saving moves the district's due dates to it."""

    list_display = ["district", "interval_months", "remind_days_before"]
    fields = ["district", "interval_months", "remind_days_before"]

    def get_readonly_fields(self, request, obj=None):
        return ["district"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            scope = scope_of(request.user)
            districts = District.objects.all()
            if scope is not None and not scope.is_admin:
                districts = districts.filter(pk=scope.district_id)
            kwargs["queryset"] = districts.exclude(assessment_policy__isnull=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        moved = services.save_policy(policy=obj)
        self.message_user(
            request,
            ngettext(
                "The due dates of %(n)d enterprise follow the new policy.",
                "The due dates of %(n)d enterprises follow the new policy.",
                moved,
            )
            % {"n": moved},
            messages.INFO,
        )
