"""Admin for announcements and training sessions (a product surface for customs staff: scoped to the
staff member's district, writes through ``outreach.services``)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from outreach import services as outreach
from outreach.models import (
    Announcement,
    AnnouncementReceipt,
    CalendarToken,
    TrainingMaterial,
    TrainingRegistration,
    TrainingSession,
)
from portal.admin.toolkit import ScopedAdminMixin, file_links
from portal.exceptions import DomainError


class ManagedByDistrictMixin(ScopedAdminMixin):
    """Sessions and announcements: listed as ``visible_to`` allows; changed only by the issuing district's
    staff (an announcement addressed to every district is read-only here for other districts)."""

    def has_change_permission(self, request, obj=None):
        if (
            obj is not None
            and not outreach.manageable(type(obj).objects.filter(pk=obj.pk), request.user).exists()
        ):
            return False
        return super().has_change_permission(request, obj)


class TrainingMaterialInline(admin.TabularInline):
    model = TrainingMaterial
    extra = 0
    fields = ["title", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None):
        return False


class TrainingRegistrationInline(admin.TabularInline):
    model = TrainingRegistration
    extra = 0
    readonly_fields = [
        "enterprise",
        "attendee_name",
        "attendee_position",
        "is_head",
        "cancelled_at",
        "attendance",
    ]
    fields = list(readonly_fields)
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(ManagedByDistrictMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "starts_at",
        "mode",
        "district",
        "capacity",
        "is_business_training",
        "cancelled_at",
    ]
    list_filter = ["mode", "is_business_training", "district"]
    search_fields = ["title", "place"]
    list_select_related = ["district"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["audience_ratings"]
    readonly_fields = ["created_by", "created_at", "cancelled_at"]
    inlines = [TrainingRegistrationInline, TrainingMaterialInline]
    actions = ["invite"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Invite the audience of the selected sessions"))
    def invite(self, request, queryset):
        for session in queryset:
            try:
                count = outreach.invite_audience(session=session, actor=request.user)
                self.message_user(
                    request,
                    ngettext(
                        "%(session)s: %(n)d enterprise invited.",
                        "%(session)s: %(n)d enterprises invited.",
                        count,
                    )
                    % {"session": session, "n": count},
                )
            except DomainError as exc:
                self.message_user(request, f"{session}: {exc.message}", messages.ERROR)


@admin.register(Announcement)
class AnnouncementAdmin(ManagedByDistrictMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "is_important", "district", "published_at"]
    list_filter = ["kind", "is_important", "district"]
    search_fields = ["title"]
    list_select_related = ["district"]
    filter_horizontal = ["audience_ratings"]
    readonly_fields = ["created_by", "created_at", "published_at", "published_by", "documents"]
    actions = ["publish"]

    @admin.display(description=_("documents"))
    def documents(self, obj):
        return file_links(obj.attachments.all() if obj.pk else [], "outreach:announcement_attachment")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected announcements"))
    def publish(self, request, queryset):
        for announcement in queryset.filter(published_at__isnull=True):
            try:
                outreach.publish_announcement(announcement=announcement, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{announcement}: {exc.message}", messages.ERROR)


@admin.register(AnnouncementReceipt)
class AnnouncementReceiptAdmin(admin.ModelAdmin):
    list_display = ["announcement", "user", "enterprise", "read_at"]
    list_select_related = ["announcement", "user", "enterprise"]
    raw_id_fields = ["announcement", "user", "enterprise"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_at"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    exclude = ["token"]
    show_full_result_count = False
