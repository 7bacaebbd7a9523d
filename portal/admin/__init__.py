from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_celery_beat.admin import PeriodicTaskAdmin as BeatPeriodicTaskAdmin  # registers beat's admin
from django_celery_beat.models import PeriodicTask
from simple_history.admin import SimpleHistoryAdmin

from portal.admin.toolkit import ScopedHistoryMixin
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
from portal.scoping import scope_of


def users_visible_to(user, queryset):
    """The accounts ``user`` may look up: an administrator all of them; a customs officer or manager those
    of their district — its customs staff and the members (past or present) of its enterprises; anyone
    else only their own. Names, phones, e-mails and last logins never cross a district."""
    from django.apps import apps
    from django.db.models import Exists, OuterRef, Q

    scope = scope_of(user)
    if scope is None:
        return queryset.none()
    if scope.is_admin:
        return queryset
    if not scope.sees_district:
        return queryset.filter(pk=user.pk)
    district = scope.district_id
    membership = apps.get_model("enterprises", "Membership")
    return queryset.filter(
        Q(pk=user.pk)
        | Q(local_customs__district_id=district)
        | Q(department__district_id=district)
        | Exists(membership.objects.filter(user_id=OuterRef("pk"), district_id=district))
    )


# No bulk hard delete anywhere in the admin: requests, appeals, credit events, enterprises and
# announcements with receipts are never deleted, and what may be deleted goes one object at a time.
admin.site.disable_action("delete_selected")


class PeriodicTaskAdmin(BeatPeriodicTaskAdmin):
    """The beat schedule: officers read it; only those who may change it run, enable or disable tasks
    (django-celery-beat offers its actions to anyone who may view the list)."""

    WRITE_ACTIONS = ("enable_tasks", "disable_tasks", "toggle_tasks", "run_tasks")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            actions = {name: a for name, a in actions.items() if name not in self.WRITE_ACTIONS}
        return actions


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PeriodicTaskAdmin)


@admin.register(User)
class UserAdmin(ScopedHistoryMixin, SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "email", "local_customs", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active", "local_customs__district"]
    search_fields = ["username", "full_name", "email", "phone"]
    list_select_related = ["local_customs"]
    autocomplete_fields = ["local_customs", "department"]

    def get_queryset(self, request):
        return users_visible_to(request.user, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        # Only an administrator grants roles and rights (a manager's view of an account changes nothing).
        fixed = (
            [] if request.user.is_superuser else ["is_superuser", "is_staff", "groups", "user_permissions"]
        )
        return [*super().get_readonly_fields(request, obj), *fixed]

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
class DistrictAdmin(ScopedHistoryMixin, SimpleHistoryAdmin):
    list_display = ["code", "name_zh", "name_en"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(LocalCustoms)
class LocalCustomsAdmin(ScopedHistoryMixin, SimpleHistoryAdmin):
    list_display = ["code", "name_zh", "name_en", "district", "leader"]
    list_filter = ["district"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["district", "leader"]
    autocomplete_fields = ["district", "leader"]


@admin.register(Department)
class DepartmentAdmin(ScopedHistoryMixin, SimpleHistoryAdmin):
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
class HolidayAdmin(ScopedHistoryMixin, SimpleHistoryAdmin):
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
