"""Admin for coordination requests.

Requests, their threads, transitions, transfers and site visits are written by the services through
the portal pages and the API; here customs staff look them up (scoped by ``visible_to``) with the
history inline. Managers edit the SLA targets (``ServiceLevel``, with history) and may withdraw a
published answer.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coordination.models import (
    CannedResponse,
    CoordinationRequest,
    PublishedAnswer,
    RequestHandler,
    RequestMessage,
    RequestTransfer,
    RequestTransition,
    ServiceLevel,
    SiteVisit,
)
from portal.admin.toolkit import BigTableAdminMixin, ScopedAdminMixin
from portal.models import LocalCustoms
from portal.roles import Role


class ReadOnlyTabular(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionInline(ReadOnlyTabular):
    model = RequestTransition
    readonly_fields = ["at", "action", "from_status", "to_status", "actor", "note_text"]
    fields = list(readonly_fields)


class MessageInline(ReadOnlyTabular):
    model = RequestMessage
    readonly_fields = ["created_at", "author", "from_customs", "kind", "is_internal", "text"]
    fields = list(readonly_fields)


class HandlerInline(ReadOnlyTabular):
    model = RequestHandler
    readonly_fields = ["coordinator", "reason", "added_at"]
    fields = list(readonly_fields)


class TransferInline(ReadOnlyTabular):
    model = RequestTransfer
    fk_name = "request"
    readonly_fields = [
        "requested_at",
        "from_office",
        "to_office",
        "to_department",
        "reason",
        "outcome",
        "decided_by",
        "decided_at",
    ]
    fields = list(readonly_fields)


@admin.register(CoordinationRequest)
class CoordinationRequestAdmin(BigTableAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "subject",
        "enterprise",
        "service_type",
        "status",
        "filed_at",
        "resolution_due",
        "responsible_office",
    ]
    # A date filter, not a date hierarchy: the hierarchy lists the distinct years of every row of the
    # district (a scan of hundreds of thousands of requests on each page).
    list_filter = [
        "status",
        "service_type",
        "urgency",
        "district",
        "responsible_office",
        ("filed_at", admin.DateFieldListFilter),
    ]
    search_fields = ["=id", "subject", "enterprise__name_zh", "=enterprise__uscc"]
    uscc_lookup = "enterprise__uscc"
    list_select_related = ["enterprise", "responsible_office"]
    ordering = ["-filed_at", "-id"]
    inlines = [HandlerInline, TransitionInline, MessageInline, TransferInline]
    readonly_fields = [f.name for f in CoordinationRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceLevel)
class ServiceLevelAdmin(SimpleHistoryAdmin):
    list_display = ["service_type", "first_response_working_days", "resolution_working_days"]
    list_editable = ["first_response_working_days", "resolution_working_days"]
    readonly_fields = ["service_type"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublishedAnswer)
class PublishedAnswerAdmin(SimpleHistoryAdmin):
    list_display = ["title", "service_type", "published_at", "published_by", "is_withdrawn"]
    list_filter = ["service_type", "is_withdrawn"]
    search_fields = ["title", "search_text"]
    list_select_related = ["published_by"]
    show_full_result_count = False
    readonly_fields = [
        "source_request",
        "service_type",
        "title",
        "question",
        "answer",
        "published_by",
        "published_at",
    ]
    fields = [*readonly_fields, "is_withdrawn"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SiteVisit)
class SiteVisitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "scheduled_for", "coordinator_a", "coordinator_b", "status"]
    list_filter = ["status"]
    list_select_related = ["enterprise", "coordinator_a__user", "coordinator_b__user"]
    search_fields = ["enterprise__name_zh", "place"]
    show_full_result_count = False
    readonly_fields = [f.name for f in SiteVisit._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CannedResponse)
class CannedResponseAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """The replies each local customs office prepares for its coordinators (offered in the reply form).
    An officer manages their own office's; a manager those of the district's offices."""

    list_display = ["title", "office", "is_active", "created_by", "created_at"]
    list_filter = ["is_active", "office"]
    search_fields = ["title", "body"]
    list_select_related = ["office", "created_by"]
    readonly_fields = ["created_by", "created_at"]
    fields = ["office", "title", "body", "is_active", "created_by", "created_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            user = request.user
            offices = LocalCustoms.objects.all()
            if not user.is_superuser:
                if Role.MANAGER in user.roles:
                    offices = offices.filter(district_id=user.district_id_for_scope)
                else:
                    offices = offices.filter(pk=user.local_customs_id)
            kwargs["queryset"] = offices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        user = request.user
        other_office = obj is not None and obj.office_id != user.local_customs_id
        if other_office and not user.is_superuser and Role.MANAGER not in user.roles:
            return False  # another office's responses: read, not edited
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
