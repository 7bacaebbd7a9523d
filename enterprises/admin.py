"""Admin for enterprises, memberships and registration changes (a product surface for customs staff).

Every list is scoped through ``visible_to`` (an officer sees their district); writes go through the
services: registering (also by import), designating the contact person, deciding a registration change.
Apps above this one add their parts to the enterprise admin with ``portal.admin.toolkit.extend_admin``
(credit: the credit history; coordinators: pairs, recusals and their actions).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from enterprises import services
from enterprises.importing import import_enterprises, template_columns, template_rows
from enterprises.models import Enterprise, Membership, RegistrationChange
from portal.admin.toolkit import (
    MAX_SELECTION,
    AppendOnlyAdminMixin,
    BigTableAdminMixin,
    ReadOnlyInline,
    ScopedAdminMixin,
    bulk_action_with_form,
    confirmation_page,
    domain_error,
    exactly_one,
    file_links,
    is_confirmed,
)
from portal.exceptions import DomainError
from portal.exports import export_response
from portal.models import User

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


# --- Enterprise ----------------------------------------------------------------------------------------


@admin.register(Enterprise)
class EnterpriseAdmin(BigTableAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
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
    list_filter = ["district", "local_customs", "rating", "industry", "is_listed"]
    # Exact codes use the unique indexes; the Chinese name uses the trigram index.
    search_fields = ["name_zh", "=uscc", "=customs_code"]
    uscc_lookup = "uscc"
    search_help_text = _("Chinese name, unified social credit code or customs registration code.")
    autocomplete_fields = ["district", "local_customs"]
    list_select_related = ["district", "local_customs", "rating"]
    readonly_fields = ["rating", "certified_on", "recertification_due", "created_at"]
    show_full_result_count = False
    inlines = [MembershipInline]
    actions = ["designate_contact_person"]
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
    def has_membership_permission(self, request):
        return request.user.has_perm("enterprises.add_membership")

    def has_import_permission(self, request):
        return request.user.has_perm("enterprises.add_enterprise")

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
            path(
                "import/template.<str:fmt>",
                self.admin_site.admin_view(self.import_template),
                name="enterprises_enterprise_import_template",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_template(self, request, fmt: str):
        """The import's columns with one example row, as CSV or Excel, headed in the reader's language."""
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.utils.translation import get_language

        if not self.has_import_permission(request):
            raise PermissionDenied
        if fmt not in ("csv", "xlsx"):
            raise Http404
        return export_response(
            template_rows(),
            template_columns(get_language() or ""),
            fmt=fmt,
            filename="enterprise-import-template",
        )

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
                        ngettext(
                            "Imported %(n)d enterprise from %(file)s.",
                            "Imported %(n)d enterprises from %(file)s.",
                            len(result.created),
                        )
                        % {"n": len(result.created), "file": upload.name},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:enterprises_enterprise_changelist"))
                errors = result.errors
                self.message_user(
                    request,
                    ngettext(
                        "Nothing was imported: the file has %(n)d problem.",
                        "Nothing was imported: the file has %(n)d problems.",
                        len(errors),
                    )
                    % {"n": len(errors)},
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
class MembershipAdmin(ScopedAdminMixin, AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "user", "role", "position", "started_at", "ended_at"]
    list_filter = ["role", ("ended_at", admin.EmptyFieldListFilter), "district"]
    search_fields = [
        "enterprise__name_zh",
        "=enterprise__uscc",
        "=enterprise__customs_code",
        "user__full_name",
        "=user__username",
    ]
    list_select_related = ["enterprise", "user"]
    show_full_result_count = False


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
class RegistrationChangeAdmin(ScopedAdminMixin, AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "submitted_by", "submitted_at", "status", "decided_by", "decided_at"]
    list_filter = ["status", "district", "enterprise__local_customs"]
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
        "documents",
    ]
    fields = list(readonly_fields)
    actions = ["accept", "reject"]

    @admin.display(description=_("documents"))
    def documents(self, obj):
        return file_links(obj.attachments.all(), "enterprises:attachment")

    @admin.display(description=_("before / after"))
    def before_after(self, obj):
        return changes_table(obj)

    def has_decide_permission(self, request):
        return request.user.has_perm("enterprises.change_registrationchange")

    def _decide(self, request, queryset, *, accept: bool):
        changes = queryset.select_related("enterprise", "submitted_by")

        def message(n: int) -> str:
            if accept:
                return ngettext(
                    "Accepted %(n)d registration change.", "Accepted %(n)d registration changes.", n
                ) % {"n": n}
            return ngettext(
                "Rejected %(n)d registration change.", "Rejected %(n)d registration changes.", n
            ) % {"n": n}

        return bulk_action_with_form(
            self,
            request,
            changes,
            form=DecisionForm,
            call=lambda change, data: services.decide_registration_change(
                change=change, actor=request.user, accept=accept, note=data["note"]
            ),
            success=lambda n, data: message(n),
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
