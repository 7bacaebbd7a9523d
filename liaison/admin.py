"""Liaison in the admin: the Management Department names and ends liaison officers (through
``liaison.services``); officers see referrals and department notices of their district (read-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from liaison import services
from liaison.models import DepartmentNotice, LiaisonOfficer, Referral
from portal.admin.toolkit import AppendOnlyAdminMixin, ScopedAdminMixin, apply_each
from portal.exceptions import DomainError
from portal.models import Department, User
from portal.roles import Role


class LiaisonOfficerForm(forms.ModelForm):
    """Department and officer only; the service checks the rules and fills in the rest."""

    class Meta:
        model = LiaisonOfficer
        fields = ["department", "user"]

    def __init__(self, *args, request_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(is_management_department=False)
        officers = User.objects.filter(
            is_active=True, groups__name=Role.CUSTOMS_OFFICER, department__isnull=False
        )
        if request_user is not None and not request_user.has_role(Role.ADMINISTRATOR):
            district_id = request_user.district_id_for_scope
            departments = departments.filter(district_id=district_id)
            officers = officers.filter(department__district_id=district_id)
        # On the change page both are read-only (an appointment is ended, never edited): no fields then.
        if "department" in self.fields:
            self.fields["department"].queryset = departments.order_by("name_zh")  # type: ignore[attr-defined]
        if "user" in self.fields:
            self.fields["user"].queryset = officers.distinct().order_by("full_name")  # type: ignore[attr-defined]


@admin.register(LiaisonOfficer)
class LiaisonOfficerAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["user", "department", "named_at", "named_by", "ended_at"]
    list_filter = [("ended_at", admin.EmptyFieldListFilter), "department"]
    search_fields = ["user__full_name", "user__username", "department__name_zh"]
    list_select_related = ["user", "department", "named_by"]
    actions = ["end_selected"]
    form = LiaisonOfficerForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithUser(form):  # type: ignore[valid-type,misc]
            def __init__(self, *args, **inner):
                super().__init__(*args, request_user=request.user, **inner)

            def clean(self):
                data = super().clean()
                if not self.errors and not change:
                    # Check the rules now so a refusal is a form error, not a failed save.
                    department, user = data.get("department"), data.get("user")
                    try:
                        services.check_liaison(department=department, user=user, actor=request.user)
                    except DomainError as exc:
                        raise forms.ValidationError(exc.message) from exc
                return data

        return WithUser

    def get_readonly_fields(self, request, obj=None):
        return ["department", "user", "named_at", "named_by", "ended_at"] if obj else []

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        appointment = services.name_liaison_officer(
            department=obj.department, user=obj.user, actor=request.user
        )
        obj.pk = appointment.pk
        obj._state.adding = False

    @admin.action(description=_("End the appointment"), permissions=["add"])
    def end_selected(self, request, queryset):
        done = apply_each(
            self,
            request,
            list(queryset.filter(ended_at__isnull=True)[:100]),
            lambda appointment: services.end_liaison_officer(appointment=appointment, actor=request.user),
        )
        if done:
            self.message_user(
                request,
                ngettext("Ended %(n)d appointment.", "Ended %(n)d appointments.", done) % {"n": done},
                messages.SUCCESS,
            )


@admin.register(Referral)
class ReferralAdmin(ScopedAdminMixin, AppendOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["request", "department", "status", "referred_by", "referred_at", "due_at", "answered_at"]
    list_filter = ["status", "department"]
    search_fields = ["=request__id", "question"]
    list_select_related = ["request", "department", "referred_by"]
    show_full_result_count = False
    readonly_fields = [
        "request",
        "enterprise",
        "department",
        "question",
        "referred_by",
        "referred_at",
        "due_at",
        "status",
        "answered_by",
        "answered_at",
        "answer",
        "reply",
    ]
    fields = list(readonly_fields)


@admin.register(DepartmentNotice)
class DepartmentNoticeAdmin(ScopedAdminMixin, AppendOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "department", "kind", "author", "published_at", "recipient_count"]
    list_filter = ["kind", "department"]
    search_fields = ["title"]
    list_select_related = ["department", "author"]
    show_full_result_count = False
    readonly_fields = ["department", "kind", "title", "body", "author", "published_at", "recipient_count"]
    fields = list(readonly_fields)
