"""Forms of the coordination pages. They validate shape only; the services validate meaning."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import RequestStatus, ServiceType, Urgency, VisitAction, VisitSignature
from coordinators.models import Coordinator
from portal.conf import tunable
from portal.forms import BootstrapMixin, DateInput, DateTimeInput, MultipleFileField, files_help
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


class OrganisationChoiceField(forms.ModelChoiceField):
    """An office or department named with its district: department names repeat from district to district."""

    def label_from_instance(self, obj):
        return f"{obj.district.name} · {obj.name}"


class TransferForm(BootstrapMixin, forms.Form):
    to_office = OrganisationChoiceField(
        label=_("To local customs office"), queryset=LocalCustoms.objects.none(), required=False
    )
    to_department = OrganisationChoiceField(
        label=_("Or to department"), queryset=Department.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Reason for the transfer"),
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, request_obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        offices = LocalCustoms.objects.select_related("district").order_by("district__code", "code")
        # A department of the request's own district (the Management Department supervises, it does not
        # take requests); another district is reached through its local customs office.
        departments = Department.objects.select_related("district").filter(is_management_department=False)
        if request_obj is not None:
            offices = offices.exclude(pk=request_obj.responsible_office_id)
            departments = departments.filter(district_id=request_obj.district_id)
        self.fields["to_office"].queryset = offices
        self.fields["to_department"].queryset = departments.order_by("name_zh")
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
        widget=DateTimeInput(),
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
    attendees = forms.CharField(
        label=_("Attendees"),
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who took part, one per line."),
    )
    findings = forms.CharField(
        label=_("Findings"), max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("Files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class VisitActionForm(BootstrapMixin, forms.Form):
    description = forms.CharField(label=_("Follow-up action"), max_length=300, required=False)
    owner = forms.ChoiceField(
        label=_("Owner"), choices=[("", "—"), *VisitAction.Owner.choices], required=False
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


VisitActionFormSet = forms.formset_factory(VisitActionForm, extra=3, max_num=20)


class VisitSignForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=VisitSignature.Decision.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if decisions:
            self.fields["decision"].choices = [
                c for c in VisitSignature.Decision.choices if c[0] in decisions
            ]
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
    filed_from = forms.DateField(label=_("Filed from"), required=False, widget=DateInput())
    filed_to = forms.DateField(label=_("Filed to"), required=False, widget=DateInput())

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
