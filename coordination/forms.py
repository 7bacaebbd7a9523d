"""Forms of the coordination pages. They validate shape only; the services validate meaning."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import RequestStatus, ServiceType, Urgency
from coordinators.models import Coordinator
from portal.conf import tunable
from portal.forms import BootstrapMixin, MultipleFileField, files_help
from portal.models import Department, LocalCustoms

TEXT_MAX_CHARS = int(tunable("TEXT_MAX_CHARS"))


class RequestForm(BootstrapMixin, forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6})
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["attachments"].help_text = files_help()
        self.fields["subject"].widget.attrs.update({"autocomplete": "off", "data-testid": "subject"})


class ReplyForm(BootstrapMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = MultipleFileField(label=_("Attachments"))
    internal = forms.BooleanField(
        label=_("Internal note (customs only, never shown to the enterprise)"), required=False
    )

    def __init__(self, *args, customs: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not customs:
            del self.fields["internal"]
        self._style()
        self.fields["attachments"].help_text = files_help()


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, label=None, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["note"].label = label
        self.fields["note"].required = required
        self._style()


class ConfirmForm(BootstrapMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating of the service"),
        coerce=int,
        choices=[(5, "5 ★★★★★"), (4, "4 ★★★★"), (3, "3 ★★★"), (2, "2 ★★"), (1, "1 ★")],
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class TransferForm(BootstrapMixin, forms.Form):
    to_office = forms.ModelChoiceField(
        label=_("To local customs office"), queryset=LocalCustoms.objects.none(), required=False
    )
    to_department = forms.ModelChoiceField(
        label=_("Or to department"), queryset=Department.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Reason for the transfer"),
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, request_obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_office"].queryset = LocalCustoms.objects.select_related("district").order_by(
            "district__code", "code"
        )
        self.fields["to_department"].queryset = Department.objects.select_related("district").order_by(
            "district__code", "name_zh"
        )
        self._style()

    def clean(self):
        data = super().clean()
        if bool(data.get("to_office")) == bool(data.get("to_department")):
            raise forms.ValidationError(_("Choose either a local customs office or a department."))
        return data


class SiteVisitForm(BootstrapMixin, forms.Form):
    coordinator_a = forms.ModelChoiceField(label=_("Coordinator"), queryset=Coordinator.objects.none())
    coordinator_b = forms.ModelChoiceField(label=_("Second coordinator"), queryset=Coordinator.objects.none())
    scheduled_for = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=300)
    purpose = forms.CharField(
        label=_("Purpose"), max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices show every coordinator of the office who is not recused; the service re-checks the
        # pair rule (assignable on the visit date, distinct, not recused).
        qs = Coordinator.objects.select_related("user").order_by("user__full_name")
        if enterprise is not None:
            qs = qs.filter(local_customs_id=enterprise.local_customs_id).not_recused_from(enterprise)
        self.fields["coordinator_a"].queryset = qs
        self.fields["coordinator_b"].queryset = qs
        self._style()


class VisitRecordForm(BootstrapMixin, forms.Form):
    record = forms.CharField(
        label=_("Visit record"), max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class PublishForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    question = forms.CharField(
        label=_("Question"), max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 5})
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6})
    )
    publish_despite_identity = forms.BooleanField(
        label=_("Publish even though the enterprise may still be identifiable"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class RequestFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open")), *RequestStatus.choices],
    )
    service_type = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("All")), *ServiceType.choices]
    )
    filed_from = forms.DateField(
        label=_("Filed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    filed_to = forms.DateField(
        label=_("Filed to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        for field in self.fields.values():
            field.widget.attrs["class"] += (
                " form-control-sm" if "form-control" in field.widget.attrs["class"] else " form-select-sm"
            )


class WorkspaceFilterForm(BootstrapMixin, forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("due", _("Due soonest first")), ("filed", _("Newest first"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All open")),
            *[
                (s, RequestStatus(s).label)
                for s in ("submitted", "accepted", "in_progress", "awaiting_enterprise", "transferred")
            ],
        ],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Accepted by me"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class KnowledgeSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    service_type = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("All")), *ServiceType.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
