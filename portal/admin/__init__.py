from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.models import (
    ApiToken,
    Department,
    District,
    Holiday,
    LocalCustoms,
    Notification,
    OutboxMessage,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "local_customs", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active", "local_customs__district"]
    search_fields = ["username", "full_name", "email", "phone"]
    list_select_related = ["local_customs"]
    autocomplete_fields = ["local_customs", "department"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("Guanqi"),
            {
                "fields": (
                    "full_name",
                    "phone",
                    "local_customs",
                    "department",
                    "email_notifications",
                    "announcement_digest",
                )
            },
        ),
    )


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(LocalCustoms)
class LocalCustomsAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "district", "leader"]
    list_filter = ["district"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["district", "leader"]
    autocomplete_fields = ["district", "leader"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "district", "is_management_department"]
    list_filter = ["district", "is_management_department"]
    search_fields = ["name_zh", "name_en"]
    list_select_related = ["district"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "verb", "created_at", "read_at"]
    list_filter = ["verb"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]
    list_select_related = ["recipient"]
    show_full_result_count = False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["task_name", "created_at", "dispatched_at", "attempts"]
    list_filter = ["task_name"]
    readonly_fields = [
        "task_name",
        "kwargs",
        "dedupe_key",
        "created_at",
        "dispatched_at",
        "attempts",
        "last_error",
    ]
    show_full_result_count = False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every API token, listed for administrators: who holds it, what it may do, when it was last used.
    The secret is never stored, so it is never shown; a token is revoked here or by its owner."""

    list_display = [
        "name",
        "user",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["=prefix", "name", "user__username", "user__full_name"]
    list_select_related = ["user"]
    readonly_fields = list_display  # type: ignore[assignment]
    fields = list_display  # type: ignore[assignment]
    actions = ["revoke"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        from portal import tokens

        done = 0
        for token in queryset:
            if token.revoked_at is None:
                tokens.revoke_token(token=token, actor=request.user)
                done += 1
        self.message_user(
            request, ngettext("Revoked %(n)d token.", "Revoked %(n)d tokens.", done) % {"n": done}
        )
