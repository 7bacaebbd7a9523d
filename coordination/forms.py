"""Forms of the coordination pages. They validate shape only; the services validate meaning."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import RequestStatus, ServiceType, Urgency, VisitAction, VisitSignature
from coordinators.models import Coordinator
from portal.forms import BootstrapMixin, DateInput, DateTimeInput, MultipleFileField, files_help
from portal.models import Department, LocalCustoms


class RequestForm(BootstrapMixin, forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["attachments"].help_text = files_help()
        self.fields["subject"].widget.attrs.update({"autocomplete": "off", "data-testid": "subject"})


class CannedSelect(forms.Select):
    """The canned responses, each option carrying its text (``data-body``) for static/js/canned.js to put
    into the message box."""

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies = bodies or {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.bodies:
            option["attrs"]["data-body"] = self.bodies[str(value)]
        return option


class ReplyForm(BootstrapMixin, forms.Form):
    canned = forms.ChoiceField(label=_("Canned response"), required=False)
    body = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("Attachments"))
    internal = forms.BooleanField(
        label=_("Internal note (customs only, never shown to the enterprise)"), required=False
    )

    def __init__(self, *args, customs: bool = False, canned_responses=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not customs:
            del self.fields["internal"]
        canned_responses = list(canned_responses)
        if customs and canned_responses:
            self.canned_bodies = {str(c.pk): c.body for c in canned_responses}
            field = self.fields["canned"]
            field.choices = [("", _("— none —")), *[(str(c.pk), c.title) for c in canned_responses]]
            field.widget = CannedSelect(choices=field.choices, bodies=self.canned_bodies)
            field.widget.attrs.update({"data-canned": "id_body", "data-testid": "canned"})
            field.help_text = _("Puts the office's prepared text into the message, to adapt before sending.")
        else:
            del self.fields["canned"]
        self._style()
        self.fields["attachments"].help_text = files_help()

    def clean(self):
        data = super().clean()
        # Without JavaScript a chosen canned response is sent as it is.
        if data.get("canned") and not (data.get("body") or "").strip():
            data["body"] = self.canned_bodies.get(data["canned"], "")
        return data


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

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
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

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
    note = forms.CharField(label=_("Reason for the transfer"), widget=forms.Textarea(attrs={"rows": 2}))

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
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))

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
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who took part, one per line."),
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 5}))
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
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 5}))
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}))
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
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("nobody", _("Nobody yet"))],
    )
    incoming = forms.BooleanField(label=_("Transfers waiting for my office"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "placeholder": _("Words of the subject, description or messages, or #number"),
                "data-testid": "search",
            }
        )
        self._style()


class SaveFilterForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Save this view as"), max_length=60)
    query = forms.CharField(widget=forms.HiddenInput, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(
            {"data-testid": "filter-name", "class": "form-control form-control-sm"}
        )
        self._style()


class IdListField(forms.Field):
    """Several ids of one name (the checked rows)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if not all(str(v).isdigit() for v in values):
            raise forms.ValidationError(_("Select the requests in the list."))
        return sorted({int(v) for v in values})


class BulkActionForm(BootstrapMixin, forms.Form):
    """Shape of a bulk action on the workspace's selected requests; each request goes through the same
    service as its own page (accept, assign, transfer)."""

    ACTIONS = [("accept", _("Accept")), ("assign", _("Assign to")), ("transfer", _("Transfer to"))]

    action = forms.ChoiceField(label=_("With the selected requests"), choices=ACTIONS)
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"), queryset=Coordinator.objects.none(), required=False
    )
    to_office = OrganisationChoiceField(
        label=_("To local customs office"), queryset=LocalCustoms.objects.none(), required=False
    )
    to_department = OrganisationChoiceField(
        label=_("Or to department"), queryset=Department.objects.none(), required=False
    )
    note = forms.CharField(label=_("Reason (for a transfer)"), required=False, max_length=2000)
    requests = IdListField(error_messages={"required": _("Select the requests first.")})
    next = forms.CharField(required=False, max_length=600, widget=forms.HiddenInput)

    MAX_SELECTION = 100

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        office_id = getattr(user, "local_customs_id", None)
        district_id = getattr(user, "district_id_for_scope", None) if user is not None else None
        self.fields["coordinator"].queryset = (
            Coordinator.objects.filter(local_customs_id=office_id)
            .select_related("user")
            .order_by("user__full_name")
            if office_id
            else Coordinator.objects.none()
        )
        self.fields["to_office"].queryset = LocalCustoms.objects.select_related("district").order_by(
            "district__code", "code"
        )
        self.fields["to_department"].queryset = (
            Department.objects.select_related("district")
            .filter(is_management_department=False, district_id=district_id)
            .order_by("name_zh")
        )
        self._style()

    def clean_requests(self):
        ids = self.cleaned_data["requests"]
        if len(ids) > self.MAX_SELECTION:
            raise forms.ValidationError(_("Select at most %(n)d requests.") % {"n": self.MAX_SELECTION})
        return ids

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "assign" and not data.get("coordinator"):
            raise forms.ValidationError(_("Choose the coordinator to assign the requests to."))
        if action == "transfer" and bool(data.get("to_office")) == bool(data.get("to_department")):
            raise forms.ValidationError(_("Choose either a local customs office or a department."))
        return data


class KnowledgeSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    service_type = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("All")), *ServiceType.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
