from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import Department, District, Holiday, LocalCustoms, Notification, OutboxMessage, User


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
