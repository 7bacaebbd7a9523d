"""Pages for announcements, training and calendar feeds. Thin: forms check shape, ``outreach.services``
checks meaning and access; a DomainError becomes a form error or a flash message."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from credit.models import CreditRating, CreditRegime
from enterprises.models import Enterprise, Industry, Membership
from enterprises.scoping import member_enterprise
from outreach import services as outreach
from outreach.models import (
    Announcement,
    AnnouncementAttachment,
    TrainingMaterial,
    TrainingRegistration,
    TrainingSession,
)
from portal import uploads
from portal.exceptions import DomainError
from portal.exports import export_response
from portal.forms import DateTimeInput, MultipleFileField
from portal.models import District
from portal.roles import Role

PAGE_SIZE = 50


def forbidden(request):
    return render(request, "403.html", status=403)


def bounded_page(request, queryset, size: int = PAGE_SIZE):
    """Offset pagination without a COUNT: fetch one row more than shown to know whether a next page exists."""
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    rows = list(queryset[(page - 1) * size : page * size + 1])
    return {"rows": rows[:size], "page": page, "has_next": len(rows) > size, "has_previous": page > 1}


class AudienceForm(forms.Form):
    district = forms.ModelChoiceField(
        District.objects.all(),
        required=False,
        label=gettext_lazy("District"),
        help_text=gettext_lazy("Empty: every district (administrators only)."),
    )
    ratings = forms.ModelMultipleChoiceField(
        CreditRating.objects.none(),
        required=False,
        label=gettext_lazy("Credit ratings"),
        widget=forms.CheckboxSelectMultiple,
    )
    aeo_only = forms.BooleanField(required=False, label=gettext_lazy("AEO enterprises only"))
    industries = forms.MultipleChoiceField(
        choices=Industry.choices,
        required=False,
        label=gettext_lazy("Industries"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            regime = CreditRegime.in_force_on(timezone.localdate())
            self.fields["ratings"].queryset = CreditRating.objects.filter(regime=regime)
        except CreditRegime.DoesNotExist:
            pass
        if user is not None and not user.has_role(Role.ADMINISTRATOR):
            self.fields["district"].queryset = District.objects.filter(pk=user.district_id_for_scope)
            self.fields["district"].required = True
            self.fields["district"].initial = user.district_id_for_scope

    def audience(self) -> dict:
        data = self.cleaned_data
        return {
            "district": data["district"],
            "ratings": data["ratings"],
            "aeo_only": data["aeo_only"],
            "industries": data["industries"],
        }


class AnnouncementForm(AudienceForm):
    kind = forms.ChoiceField(choices=Announcement.Kind.choices, label=gettext_lazy("Kind"))
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), label=gettext_lazy("Text"))
    is_important = forms.BooleanField(required=False, label=gettext_lazy("Important"))
    publish = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Publish now"))
    attachments = MultipleFileField(label=gettext_lazy("Files"))

    field_order = [
        "kind",
        "title",
        "body",
        "attachments",
        "is_important",
        "publish",
        "district",
        "ratings",
        "aeo_only",
        "industries",
    ]


class TrainingSessionForm(AudienceForm):
    title = forms.CharField(max_length=200, label=gettext_lazy("Topic"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label=gettext_lazy("Description")
    )
    starts_at = forms.DateTimeField(label=gettext_lazy("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=gettext_lazy("Ends at"), widget=DateTimeInput())
    mode = forms.ChoiceField(choices=TrainingSession.Mode.choices, label=gettext_lazy("Mode"))
    place = forms.CharField(max_length=300, required=False, label=gettext_lazy("Place or meeting link"))
    capacity = forms.IntegerField(min_value=1, label=gettext_lazy("Capacity (attendees)"))
    is_business_training = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Customs business training")
    )

    field_order = [
        "title",
        "description",
        "starts_at",
        "ends_at",
        "mode",
        "place",
        "capacity",
        "is_business_training",
        "district",
        "ratings",
        "aeo_only",
        "industries",
    ]


class RegistrationForm(forms.Form):
    attendee = forms.ModelChoiceField(
        Membership.objects.none(),
        required=False,
        label=gettext_lazy("Member of the enterprise"),
        empty_label=gettext_lazy("— someone without an account —"),
    )
    attendee_name = forms.CharField(
        max_length=100, required=False, label=gettext_lazy("Name (if not a member with an account)")
    )
    attendee_position = forms.CharField(max_length=100, required=False, label=gettext_lazy("Position"))

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprise is not None:
            self.fields["attendee"].queryset = Membership.objects.filter(
                enterprise=enterprise, ended_at__isnull=True
            ).select_related("user")
            self.fields["attendee"].label_from_instance = lambda m: (
                f"{m.user.display_name} ({m.get_role_display()})"
            )

    def clean(self):
        data = super().clean()
        if not data.get("attendee") and not (data.get("attendee_name") or "").strip():
            raise forms.ValidationError(_("Choose a member or write the attendee's name."))
        return data


class MaterialForm(forms.Form):
    title = forms.CharField(max_length=200, label=gettext_lazy("Title"))
    file = forms.FileField(label=gettext_lazy("File"))


def _form_error(form, exc: DomainError):
    form.add_error(None, exc.message)


# --- announcements ----------------------------------------------------------------------------------


@login_required
def announcement_list(request):
    user = request.user
    if not (outreach.is_outreach_staff(user) or user.is_enterprise_user):
        return forbidden(request)
    queryset = outreach.announcements_visible_to(user).select_related("district")
    return render(
        request,
        "outreach/announcement_list.html",
        {"page": bounded_page(request, queryset), "is_staff_view": outreach.is_outreach_staff(user)},
    )


@login_required
def announcement_detail(request, pk: int):
    user = request.user
    announcement = get_object_or_404(outreach.announcements_visible_to(user), pk=pk)
    context = {
        "announcement": announcement,
        "is_staff_view": outreach.is_outreach_staff(user),
        "attachments": list(announcement.attachments.all()),
    }
    if context["is_staff_view"]:
        context["counts"] = outreach.receipt_counts(announcement, viewer=user)
    else:
        outreach.record_receipt(announcement=announcement, user=user)
    return render(request, "outreach/announcement_detail.html", context)


@login_required
def announcement_create(request):
    if not outreach.is_outreach_staff(request.user):
        return forbidden(request)
    form = AnnouncementForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            announcement = outreach.create_announcement(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                is_important=data["is_important"],
                publish=data["publish"],
                files=data["attachments"],
                **form.audience(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The announcement is saved."))
            return redirect("outreach:announcement_detail", pk=announcement.pk)
    return render(request, "outreach/form.html", {"form": form, "title": _("New announcement")})


@login_required
def announcement_attachment(request, pk: int):
    """An announcement's file, for whoever may read the announcement (its own scope), else 404."""
    attachment = get_object_or_404(AnnouncementAttachment, pk=pk)
    get_object_or_404(outreach.announcements_visible_to(request.user), pk=attachment.announcement_id)
    return uploads.file_response(attachment)


@login_required
@require_POST
def announcement_publish(request, pk: int):
    announcement = get_object_or_404(outreach.manageable(Announcement.objects.all(), request.user), pk=pk)
    try:
        outreach.publish_announcement(announcement=announcement, actor=request.user)
        messages.success(request, _("The announcement is published."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("outreach:announcement_detail", pk=pk)


@login_required
def announcement_unread(request, pk: int):
    if not outreach.is_outreach_staff(request.user):
        raise Http404
    announcement = get_object_or_404(outreach.announcements_visible_to(request.user), pk=pk)
    report = outreach.unread_report(announcement, viewer=request.user)
    return render(
        request,
        "outreach/announcement_unread.html",
        {"announcement": announcement, "page": bounded_page(request, report)},
    )


# --- training ---------------------------------------------------------------------------------------


@login_required
def training_list(request):
    user = request.user
    if not (outreach.is_outreach_staff(user) or user.is_enterprise_user):
        return forbidden(request)
    queryset = outreach.sessions_with_counts(outreach.sessions_visible_to(user)).order_by("-starts_at", "-id")
    return render(
        request,
        "outreach/training_list.html",
        {"page": bounded_page(request, queryset), "is_staff_view": outreach.is_outreach_staff(user)},
    )


@login_required
def training_create(request):
    if not outreach.is_outreach_staff(request.user):
        return forbidden(request)
    form = TrainingSessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = outreach.create_training_session(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                mode=data["mode"],
                place=data["place"],
                capacity=data["capacity"],
                is_business_training=data["is_business_training"],
                **form.audience(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("The session is created. Send the invitations when the audience is right.")
            )
            return redirect("outreach:training_detail", pk=session.pk)
    return render(request, "outreach/form.html", {"form": form, "title": _("New training session")})


@login_required
def training_detail(request, pk: int):
    user = request.user
    session = get_object_or_404(outreach.sessions_with_counts(outreach.sessions_visible_to(user)), pk=pk)
    materials = list(session.materials.all())
    context = {"session": session, "is_staff_view": outreach.is_outreach_staff(user)}
    if context["is_staff_view"]:
        context["registrations"] = bounded_page(
            request,
            session.registrations.filter(cancelled_at__isnull=True)
            .select_related("enterprise")
            .order_by("enterprise__name_zh", "pk"),
        )
        context["invited"] = session.invitations.count()
        context["material_form"] = MaterialForm()
        context["materials"] = materials
    else:
        enterprise = member_enterprise(user)
        context["enterprise"] = enterprise
        context["own_registrations"] = list(
            session.registrations.filter(enterprise=enterprise).order_by("pk")
        )
        context["form"] = RegistrationForm(enterprise=enterprise)
        context["materials"] = (
            [m for m in materials if outreach.can_download_material(user, m)] if materials else []
        )
    return render(request, "outreach/training_detail.html", context)


@login_required
@require_POST
def training_register(request, pk: int):
    user = request.user
    session = get_object_or_404(outreach.sessions_visible_to(user), pk=pk)
    enterprise = member_enterprise(user)
    if enterprise is None:
        return forbidden(request)
    form = RegistrationForm(request.POST, enterprise=enterprise)
    if form.is_valid():
        membership = form.cleaned_data["attendee"]
        try:
            outreach.register_attendee(
                session=session,
                enterprise=enterprise,
                actor=user,
                attendee=membership.user if membership else None,
                attendee_name=form.cleaned_data["attendee_name"],
                attendee_position=form.cleaned_data["attendee_position"],
            )
            messages.success(request, _("Registered."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))  # ErrorList yields the message strings
    return redirect("outreach:training_detail", pk=pk)


@login_required
@require_POST
def training_cancel_registration(request, pk: int):
    enterprise = member_enterprise(request.user)
    registration = (
        get_object_or_404(TrainingRegistration, pk=pk, enterprise=enterprise) if enterprise else None
    )
    if registration is None:
        raise Http404
    try:
        outreach.cancel_registration(registration=registration, actor=request.user)
        messages.success(request, _("The registration is cancelled."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("outreach:training_detail", pk=registration.session_id)


@login_required
@require_POST
def training_invite(request, pk: int):
    session = get_object_or_404(outreach.manageable(TrainingSession.objects.all(), request.user), pk=pk)
    try:
        count = outreach.invite_audience(session=session, actor=request.user)
        messages.success(
            request, ngettext("%(n)d enterprise invited.", "%(n)d enterprises invited.", count) % {"n": count}
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("outreach:training_detail", pk=pk)


@login_required
@require_POST
def training_attendance(request, pk: int):
    registration = get_object_or_404(
        TrainingRegistration.objects.filter(
            session__in=outreach.manageable(TrainingSession.objects.all(), request.user)
        ),
        pk=pk,
    )
    try:
        outreach.record_attendance(
            registration=registration, actor=request.user, present=request.POST.get("present") == "1"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("outreach:training_detail", pk=registration.session_id)


@login_required
@require_POST
def training_material_add(request, pk: int):
    session = get_object_or_404(outreach.manageable(TrainingSession.objects.all(), request.user), pk=pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            outreach.add_material(
                session=session,
                actor=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
            messages.success(request, _("The material is attached."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Choose a file and give it a title."))
    return redirect("outreach:training_detail", pk=pk)


@login_required
def training_material_download(request, pk: int):
    material = get_object_or_404(TrainingMaterial.objects.select_related("session"), pk=pk)
    if not outreach.can_download_material(request.user, material):
        raise Http404
    return uploads.file_response(material)


@login_required
def training_report(request):
    """AEO enterprises whose head missed customs business training in the period (customs staff)."""

    user = request.user
    if not outreach.is_outreach_staff(user):
        return forbidden(request)
    queryset = outreach.heads_missing_training(Enterprise.objects.visible_to(user))
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        columns = [
            (_("Enterprise"), "name_zh"),
            (_("Customs registration code"), "customs_code"),
            (_("Local customs"), "local_customs__name_zh"),
            (_("Head (contact person)"), "head_name"),
            (_("Position"), "head_position"),
            (_("Last attended"), "last_attended"),
        ]
        return export_response(
            queryset.values(*[key for _label, key in columns]),
            columns,
            fmt=fmt,
            filename="aeo-heads-missing-training",
        )
    return render(
        request,
        "outreach/training_report.html",
        {"page": bounded_page(request, queryset), "months": outreach.training_period_months()},
    )


# --- calendar ---------------------------------------------------------------------------------------


def _has_calendar(user) -> bool:
    return user.has_role(Role.COORDINATOR) or user.is_enterprise_user


@login_required
def calendar_page(request):
    if not _has_calendar(request.user):
        return forbidden(request)
    if request.method == "POST":
        outreach.rotate_calendar_token(user=request.user)
        messages.success(request, _("A new calendar address is issued; the old one no longer works."))
        return redirect("outreach:calendar")
    token = outreach.calendar_token_for(request.user)
    feed_url = request.build_absolute_uri(reverse("outreach:calendar_feed", args=[token.token]))
    return render(request, "outreach/calendar.html", {"feed_url": feed_url})


def calendar_feed(request, token: str):
    """The iCal feed; the token is the only credential, so a wrong or revoked one is a plain 404."""
    user = outreach.user_for_calendar_token(token)
    if user is None or not _has_calendar(user):
        raise Http404
    # A calendar client has no session: the feed speaks the owner's language.
    with translation.override(user.reading_language):
        name, events = outreach.calendar_events_for(user, host=request.get_host().split(":")[0] or "guanqi")
        body = outreach.render_ical(events, name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
