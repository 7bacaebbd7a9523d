"""Outreach services and selectors: training and compliance education, announcements, calendar feeds
(docs/DOMAIN.md, "Service practice"; the readings are in ``outreach/models.py``).

Writes are the keyword-only functions below (one home per rule: capacity, who may register, who may
download a material, who counts as having attended); reads are the ``*_visible_to``/report selectors.
Views, admin actions and the Celery digest task call these functions.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coordination.models import SiteVisit
from coordinators.models import Coordinator
from credit.models import CreditRating
from enterprises.models import Enterprise, Membership, MembershipRole
from enterprises.scoping import member_enterprise
from outreach.models import (
    Announcement,
    AnnouncementAttachment,
    AnnouncementDigest,
    AnnouncementReceipt,
    CalendarToken,
    TrainingInvitation,
    TrainingMaterial,
    TrainingRegistration,
    TrainingSession,
)
from portal import deadlines, uploads
from portal.conf import tunable
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.messages import text
from portal.notifications import notify
from portal.roles import Role

BATCH = 1000
STAFF_ROLES = (Role.MANAGER, Role.CUSTOMS_OFFICER, Role.ADMINISTRATOR)


def training_period_months() -> int:
    return int(tunable("TRAINING_PERIOD_MONTHS"))


def months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- who issues and manages -------------------------------------------------------------------------


def is_outreach_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*STAFF_ROLES))


def _check_issuer(actor, district) -> None:
    """Customs staff issue to their own district; only an administrator issues to another or to all."""
    if not is_outreach_staff(actor):
        raise PermissionDeniedError(_("Only customs staff publish announcements and organise training."))
    if actor.has_role(Role.ADMINISTRATOR):
        return
    if district is None or district.pk != actor.district_id_for_scope:
        raise PermissionDeniedError(_("You may address the enterprises of your own district only."))


def manageable(queryset, user):
    """Sessions or announcements ``user`` may manage: customs staff those of their district (an
    administrator: all); what else they may see (announcements to every district) they don't manage."""
    if not is_outreach_staff(user):
        return queryset.none()
    if user.has_role(Role.ADMINISTRATOR):
        return queryset
    return queryset.visible_to(user).filter(district_id=user.district_id_for_scope)


def _set_audience(obj, *, ratings=(), aeo_only=False, industries=()) -> None:
    obj.audience_aeo_only = aeo_only
    obj.audience_industries = list(industries)
    obj.save()
    obj.audience_ratings.set(list(ratings))


# --- training ---------------------------------------------------------------------------------------


@transaction.atomic
def create_training_session(
    *,
    actor,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    capacity: int,
    district=None,
    mode: str = TrainingSession.Mode.ON_SITE,
    place: str = "",
    description: str = "",
    is_business_training: bool = True,
    ratings=(),
    aeo_only: bool = False,
    industries=(),
) -> TrainingSession:
    _check_issuer(actor, district)
    if ends_at < starts_at:
        raise DomainError(_("A session cannot end before it starts."))
    if capacity < 1:
        raise DomainError(_("The capacity must be at least one attendee."))
    session = TrainingSession(
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        district=district,
        mode=mode,
        place=place,
        is_business_training=is_business_training,
        created_by=actor,
    )
    session._history_user = actor  # type: ignore[attr-defined]
    _set_audience(session, ratings=ratings, aeo_only=aeo_only, industries=industries)
    return session


def _check_manages(actor, obj) -> None:
    if not manageable(type(obj).objects.filter(pk=obj.pk), actor).exists():
        raise PermissionDeniedError(_("This belongs to another district."))


@transaction.atomic
def invite_audience(*, session: TrainingSession, actor) -> int:
    """Invite every enterprise of the audience not yet invited (in batches); notify their contact persons."""
    _check_manages(actor, session)
    if session.cancelled_at is not None:
        raise ConflictError(_("The session is cancelled."))
    already = TrainingInvitation.objects.filter(session=session, enterprise=OuterRef("pk"))
    rows = (
        session.matching_enterprises()
        .exclude(Exists(already))
        .order_by("pk")
        .values_list("pk", "district_id")
    )
    invited = 0
    batch: list[tuple[int, int]] = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) >= BATCH:
            invited += _invite_batch(session, batch)
            batch = []
    if batch:
        invited += _invite_batch(session, batch)
    return invited


def _invite_batch(session: TrainingSession, rows: list[tuple[int, int]]) -> int:
    now = timezone.now()
    TrainingInvitation.objects.bulk_create(
        [
            TrainingInvitation(session=session, enterprise_id=pk, district_id=district_id, invited_at=now)
            for pk, district_id in rows
        ],
        ignore_conflicts=True,
    )
    enterprise_ids = [pk for pk, _district in rows]
    heads = [
        m.user
        for m in Membership.objects.select_related("user").filter(
            enterprise_id__in=enterprise_ids, role=MembershipRole.CONTACT_PERSON, ended_at__isnull=True
        )
    ]
    notify(
        heads,
        verb="training_invitation",
        title=text("Invitation to customs training: %(title)s", title=session.title),
        body=text(
            "%(start)s, %(place)s. Register the attendees on the portal.",
            start=session.starts_at,
            place=session.place,
        ),
        url=reverse("outreach:training_detail", args=[session.pk]),
    )
    return len(enterprise_ids)


def _check_enterprise_member(actor, enterprise) -> None:
    if not Membership.objects.filter(user=actor, enterprise=enterprise, ended_at__isnull=True).exists():
        raise PermissionDeniedError(_("Only the enterprise's own people register its attendees."))


@transaction.atomic
def register_attendee(
    *,
    session: TrainingSession,
    enterprise: Enterprise,
    actor,
    attendee=None,
    attendee_name: str = "",
    attendee_position: str = "",
) -> TrainingRegistration:
    """Register one named attendee. Capacity is checked with the session row locked, so two enterprises
    registering the last seat at once cannot both get it."""
    _check_enterprise_member(actor, enterprise)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.cancelled_at is not None:
        raise ConflictError(_("The session is cancelled."))
    if session.starts_at <= timezone.now():
        raise ConflictError(_("Registration closed when the session started."))
    if not TrainingInvitation.objects.filter(session=session, enterprise=enterprise).exists():
        raise PermissionDeniedError(_("Your enterprise is not invited to this session."))
    is_head = False
    if attendee is not None:
        membership = Membership.objects.filter(
            user=attendee, enterprise=enterprise, ended_at__isnull=True
        ).first()
        if membership is None:
            raise DomainError(_("The attendee must be a member of your enterprise."))
        is_head = membership.role == MembershipRole.CONTACT_PERSON
        attendee_name = attendee_name or attendee.display_name
        attendee_position = attendee_position or membership.position
    attendee_name = attendee_name.strip()
    if not attendee_name:
        raise DomainError(_("Name the person who attends."))
    taken = TrainingRegistration.objects.filter(session=session, cancelled_at__isnull=True).count()
    if taken >= session.capacity:
        raise ConflictError(
            ngettext(
                "The session is full (%(n)d place).", "The session is full (%(n)d places).", session.capacity
            )
            % {"n": session.capacity}
        )
    try:
        with transaction.atomic():
            registration = TrainingRegistration(
                session=session,
                enterprise=enterprise,
                attendee=attendee,
                attendee_name=attendee_name,
                attendee_position=attendee_position,
                is_head=is_head,
                registered_by=actor,
            )
            registration._history_user = actor  # type: ignore[attr-defined]
            registration.save()
    except IntegrityError:
        raise ConflictError(
            _("%(name)s is already registered for this session.") % {"name": attendee_name}
        ) from None
    return registration


@transaction.atomic
def cancel_registration(*, registration: TrainingRegistration, actor) -> TrainingRegistration:
    registration = (
        TrainingRegistration.objects.select_for_update().select_related("session").get(pk=registration.pk)
    )
    _check_enterprise_member(actor, registration.enterprise)
    if registration.cancelled_at is not None:
        raise ConflictError(_("This registration is already cancelled."))
    if registration.session.starts_at <= timezone.now():
        raise ConflictError(_("A registration cannot be cancelled after the session started."))
    registration.cancelled_at = timezone.now()
    registration._history_user = actor  # type: ignore[attr-defined]
    registration.save(update_fields=["cancelled_at"])
    return registration


@transaction.atomic
def record_attendance(*, registration: TrainingRegistration, actor, present: bool) -> TrainingRegistration:
    registration = (
        TrainingRegistration.objects.select_for_update().select_related("session").get(pk=registration.pk)
    )
    _check_manages(actor, registration.session)
    if registration.cancelled_at is not None:
        raise ConflictError(_("This registration was cancelled."))
    if registration.session.starts_at > timezone.now():
        raise ConflictError(_("Attendance is recorded once the session has started."))
    registration.attendance = (
        TrainingRegistration.Attendance.PRESENT if present else TrainingRegistration.Attendance.ABSENT
    )
    registration.attendance_recorded_by = actor
    registration.attendance_recorded_at = timezone.now()
    registration._history_user = actor  # type: ignore[attr-defined]
    registration.save(update_fields=["attendance", "attendance_recorded_by", "attendance_recorded_at"])
    return registration


@transaction.atomic
def cancel_session(*, session: TrainingSession, actor) -> TrainingSession:
    _check_manages(actor, session)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.cancelled_at is not None:
        raise ConflictError(_("The session is already cancelled."))
    session.cancelled_at = timezone.now()
    session._history_user = actor  # type: ignore[attr-defined]
    session.save(update_fields=["cancelled_at"])
    return session


@transaction.atomic
def add_material(*, session: TrainingSession, actor, title: str, upload) -> TrainingMaterial:
    _check_manages(actor, session)
    if not title.strip():
        raise DomainError(_("Give the material a title."))
    checked = uploads.check_upload(upload)
    return TrainingMaterial.from_checked(checked, uploaded_by=actor, session=session, title=title.strip())


def can_download_material(user, material: TrainingMaterial) -> bool:
    """Customs staff who manage the session; after the session, enterprises with an attendee present."""
    if manageable(TrainingSession.objects.filter(pk=material.session_id), user).exists():
        return True
    enterprise = member_enterprise(user)
    if enterprise is None or not material.session.has_ended:
        return False
    return TrainingRegistration.objects.filter(
        session_id=material.session_id,
        enterprise=enterprise,
        cancelled_at__isnull=True,
        attendance=TrainingRegistration.Attendance.PRESENT,
    ).exists()


def sessions_visible_to(user):
    """Sessions a user may open: customs staff their district's; enterprise users those their
    enterprise is invited to."""
    return TrainingSession.objects.visible_to(user)


def sessions_with_counts(queryset):
    return queryset.annotate(
        registered=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True), distinct=True),
        present=Count(
            "registrations",
            filter=Q(
                registrations__cancelled_at__isnull=True,
                registrations__attendance=TrainingRegistration.Attendance.PRESENT,
            ),
            distinct=True,
        ),
    ).select_related("district")


def heads_missing_training(enterprises, *, on: datetime.date | None = None):
    """AEO enterprises (of ``enterprises``) whose head — the current contact person — was not recorded
    present at a customs business training within the training period. One query, no loop."""
    on = on or timezone.localdate()
    since = months_before(on, training_period_months())
    head = Membership.objects.filter(
        enterprise=OuterRef("pk"), role=MembershipRole.CONTACT_PERSON, ended_at__isnull=True
    )
    attended = TrainingRegistration.objects.filter(
        enterprise=OuterRef("pk"),
        attendee_id=OuterRef("head_id"),
        cancelled_at__isnull=True,
        attendance=TrainingRegistration.Attendance.PRESENT,
        session__is_business_training=True,
        session__cancelled_at__isnull=True,
        session__starts_at__date__gte=since,
        session__starts_at__date__lte=on,
    )
    last_present = (
        TrainingRegistration.objects.filter(
            enterprise=OuterRef("pk"),
            attendee_id=OuterRef("head_id"),
            attendance=TrainingRegistration.Attendance.PRESENT,
            session__is_business_training=True,
        )
        .order_by("-session__starts_at")
        .values("session__starts_at")[:1]
    )
    # The AEO ratings as literal ids: the (rating, name) index finds the few AEO enterprises of a district
    # of hundreds of thousands, where a join on the rating table scanned them all.
    aeo_ratings = list(CreditRating.objects.filter(is_aeo=True).values_list("pk", flat=True))
    return (
        enterprises.filter(rating_id__in=aeo_ratings)
        .annotate(
            head_id=Subquery(head.values("user_id")[:1]),
            head_name=Subquery(head.values("user__full_name")[:1]),
            head_position=Subquery(head.values("position")[:1]),
        )
        .exclude(Exists(attended))
        .annotate(last_attended=Subquery(last_present))
        .select_related("rating", "local_customs")
        .order_by("local_customs__code", "name_zh", "pk")
    )


# --- announcements ----------------------------------------------------------------------------------


@transaction.atomic
def create_announcement(
    *,
    actor,
    title: str,
    body: str,
    kind: str = Announcement.Kind.NOTICE,
    district=None,
    is_important: bool = False,
    publish: bool = True,
    ratings=(),
    aeo_only: bool = False,
    industries=(),
    files=(),
) -> Announcement:
    """A new announcement (published now, or a draft), with its files (checked by ``portal.uploads``)."""
    _check_issuer(actor, district)
    if not title.strip() or not body.strip():
        raise DomainError(_("An announcement needs a title and a text."))
    checked = uploads.check_uploads(files)
    announcement = Announcement(
        title=title.strip(),
        body=body,
        kind=kind,
        district=district,
        is_important=is_important,
        created_by=actor,
    )
    if publish:
        announcement.published_at = timezone.now()
        announcement.published_by = actor
    announcement._history_user = actor  # type: ignore[attr-defined]
    _set_audience(announcement, ratings=ratings, aeo_only=aeo_only, industries=industries)
    for item in checked:
        AnnouncementAttachment.from_checked(item, uploaded_by=actor, announcement=announcement)
    return announcement


@transaction.atomic
def publish_announcement(*, announcement: Announcement, actor) -> Announcement:
    _check_manages(actor, announcement)
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if announcement.published_at is not None:
        raise ConflictError(_("The announcement is already published."))
    announcement.published_at = timezone.now()
    announcement.published_by = actor
    announcement._history_user = actor  # type: ignore[attr-defined]
    announcement.save(update_fields=["published_at", "published_by"])
    return announcement


def announcements_for_enterprise(enterprise):
    """Published announcements whose audience includes ``enterprise``, important first."""
    if enterprise is None:
        return Announcement.objects.none()
    return (
        Announcement.objects.filter(published_at__isnull=False)
        .filter(Announcement.reaching(enterprise))
        .order_by("-is_important", "-published_at", "-id")
    )


def announcements_visible_to(user):
    """Customs staff: their district's (drafts too) and the published ones addressed to every district;
    enterprise users: the published ones for their enterprise, with ``is_read``."""
    queryset = Announcement.objects.visible_to(user)
    if is_outreach_staff(user):
        return queryset.order_by(F("published_at").desc(nulls_first=True), "-id")
    queryset = queryset.order_by("-is_important", "-published_at", "-id")
    return queryset.annotate(
        is_read=Exists(AnnouncementReceipt.objects.filter(announcement=OuterRef("pk"), user=user))
    )


def record_receipt(*, announcement: Announcement, user) -> bool:
    """Record that an enterprise user opened the announcement; True the first time only."""
    enterprise = member_enterprise(user)
    if enterprise is None or announcement.published_at is None:
        return False
    created = AnnouncementReceipt.objects.bulk_create(
        [
            AnnouncementReceipt(
                announcement=announcement,
                user=user,
                enterprise=enterprise,
                district_id=enterprise.district_id,
            )
        ],
        ignore_conflicts=True,
    )
    return bool(created and created[0].pk)


def _audience_members(announcement: Announcement, viewer=None):
    enterprises = announcement.matching_enterprises()
    if viewer is not None:
        enterprises = enterprises.visible_to(viewer)
    return Membership.objects.filter(ended_at__isnull=True, enterprise__in=enterprises.values("pk"))


def unread_report(announcement: Announcement, *, viewer=None):
    """Active members of the audience's enterprises (those ``viewer`` may see) who have not opened
    ``announcement``, by office and enterprise. A queryset of memberships; paginate it."""
    return (
        _audience_members(announcement, viewer)
        .exclude(
            Exists(AnnouncementReceipt.objects.filter(announcement=announcement, user_id=OuterRef("user_id")))
        )
        .select_related("user", "enterprise", "enterprise__local_customs")
        .order_by("enterprise__local_customs__code", "enterprise__name_zh", "role", "pk")
    )


def receipt_counts(announcement: Announcement, *, viewer=None) -> dict:
    audience = _audience_members(announcement, viewer)
    read = audience.filter(
        Exists(AnnouncementReceipt.objects.filter(announcement=announcement, user_id=OuterRef("user_id")))
    )
    return {"audience": audience.count(), "read": read.count()}


# --- digest -----------------------------------------------------------------------------------------


def digest_period(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def digest_recipients():
    return (
        Membership.objects.filter(ended_at__isnull=True, user__announcement_digest=True, user__is_active=True)
        .exclude(user__email="")
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def send_digest(*, user, period_start: datetime.date) -> AnnouncementDigest | None:
    """E-mail ``user`` the announcements published on ``period_start`` for their enterprise — once.
    The digest row and the mail are one transaction: a failed send leaves no row, so the next run retries."""
    if AnnouncementDigest.objects.filter(user=user, period_start=period_start).exists():
        return None
    start, end = digest_period(period_start)
    items = list(
        announcements_for_enterprise(member_enterprise(user)).filter(
            published_at__gte=start, published_at__lt=end
        )[:50]
    )
    if not items:
        return None
    try:
        with transaction.atomic():
            digest = AnnouncementDigest.objects.create(
                user=user, period_start=period_start, announcement_count=len(items)
            )
    except IntegrityError:
        return None  # another worker sent it
    portal_url = tunable("PORTAL_URL")
    from django.urls import reverse

    with translation.override("zh-hans"):
        subject = _("[Guanqi] New customs announcements of %(day)s") % {"day": period_start.isoformat()}
        lines = [
            f"• {a.title}\n  {portal_url}{reverse('outreach:announcement_detail', args=[a.pk])}"
            for a in items
        ]
        footer = _(
            "Customs services are free of charge. No agency may sell certification or “counselling” in the name of customs."
        )
    send_mail(
        subject=subject, message="\n\n".join([*lines, footer]), from_email=None, recipient_list=[user.email]
    )
    return digest


# --- calendar ---------------------------------------------------------------------------------------


def calendar_token_for(user) -> CalendarToken:
    token = CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()
    if token is None:
        try:
            with transaction.atomic():
                token = CalendarToken.objects.create(user=user)
        except IntegrityError:
            token = CalendarToken.objects.get(user=user, revoked_at__isnull=True)
    return token


@transaction.atomic
def rotate_calendar_token(*, user) -> CalendarToken:
    CalendarToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return CalendarToken.objects.create(user=user)


def user_for_calendar_token(token: str):
    found = CalendarToken.objects.select_related("user").filter(token=token, revoked_at__isnull=True).first()
    if found is None or not found.user.is_active:
        return None
    return found.user


@dataclass
class CalendarEvent:
    uid: str
    summary: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date | None = None
    location: str = ""
    description: str = ""
    url: str = ""


def _ical_escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _ical_fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _ical_time(value: datetime.datetime | datetime.date, name: str) -> str:
    if isinstance(value, datetime.datetime):
        return f"{name}:{value.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}"
    return f"{name};VALUE=DATE:{value:%Y%m%d}"


def render_ical(events: list[CalendarEvent], *, name: str) -> str:
    """An RFC 5545 VCALENDAR with CRLF line ends, escaped text and folded lines."""
    stamp = _ical_time(timezone.now().replace(microsecond=0), "DTSTAMP")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Guanqi//Customs-enterprise coordination//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ical_escape(name)}",
    ]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", stamp, _ical_time(event.start, "DTSTART")]
        if event.end is not None:
            lines.append(_ical_time(event.end, "DTEND"))
        elif isinstance(event.start, datetime.date) and not isinstance(event.start, datetime.datetime):
            lines.append(_ical_time(event.start + datetime.timedelta(days=1), "DTEND"))
        lines.append(f"SUMMARY:{_ical_escape(event.summary)}")
        if event.location:
            lines.append(f"LOCATION:{_ical_escape(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{_ical_escape(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_ical_fold(line) + "\r\n" for line in lines)


CALENDAR_LIMIT = 500


def _session_event(session: TrainingSession, host: str) -> CalendarEvent:
    return CalendarEvent(
        uid=f"training-{session.pk}@{host}",
        summary=_("Training: %(title)s") % {"title": session.title},
        start=session.starts_at,
        end=session.ends_at,
        location=session.place,
        description=session.description,
    )


def calendar_events_for(user, *, host: str = "guanqi") -> tuple[str, list[CalendarEvent]]:
    """The feed of a coordinator (their visits, their district's sessions) or an enterprise user (its
    re-certification due date, the sessions it registered for, its site visits). Bounded lists."""

    events: list[CalendarEvent] = []
    since = timezone.now() - datetime.timedelta(days=180)
    coordinator = Coordinator.objects.select_related("local_customs").filter(user=user).first()
    if coordinator is not None and user.has_role(Role.COORDINATOR):
        sessions = TrainingSession.objects.filter(
            Q(district_id=coordinator.local_customs.district_id) | Q(district__isnull=True),
            cancelled_at__isnull=True,
            starts_at__gte=since,
        ).order_by("starts_at")[:CALENDAR_LIMIT]
        events += [_session_event(s, host) for s in sessions]
        events += _visit_events(coordinator=coordinator, since=since, host=host)
        return _("Guanqi: coordinator %(name)s") % {"name": user.display_name}, events
    enterprise = member_enterprise(user)
    if enterprise is None:
        return "Guanqi", events
    # Every deadline the enterprise has (re-certification, annual report, appeal decisions, information
    # asked of it, …) as an all-day event; visits and sessions come below with their times.
    for deadline in deadlines.for_enterprise(enterprise, user):
        if deadline.key.startswith(("visit:", "training:")):
            continue
        events.append(
            CalendarEvent(
                uid=f"{deadline.key.replace(':', '-')}@{host}",
                summary=f"{deadline.title_text} · {deadline.state_label()}",
                start=deadline.due_date,
                description=_("Yours to do")
                if deadline.owner == deadlines.ENTERPRISE
                else _("Customs to do"),
            )
        )
    sessions = (
        TrainingSession.objects.filter(
            registrations__enterprise=enterprise,
            registrations__cancelled_at__isnull=True,
            cancelled_at__isnull=True,
            starts_at__gte=since,
        )
        .distinct()
        .order_by("starts_at")[:CALENDAR_LIMIT]
    )
    events += [_session_event(s, host) for s in sessions]
    events += _visit_events(enterprise=enterprise, since=since, host=host)
    return _("Guanqi: %(name)s") % {"name": enterprise.name}, events


def _visit_events(*, since, host: str, coordinator=None, enterprise=None) -> list[CalendarEvent]:
    """Scheduled and done site visits of the coordinator (either side of the pair) or the enterprise."""

    visits = SiteVisit.objects.exclude(status=SiteVisit.Status.CANCELLED).filter(scheduled_for__gte=since)
    if coordinator is not None:
        visits = visits.filter(Q(coordinator_a=coordinator) | Q(coordinator_b=coordinator))
    else:
        visits = visits.filter(enterprise=enterprise)
    visits = visits.select_related("enterprise", "coordinator_a__user", "coordinator_b__user").order_by(
        "scheduled_for"
    )
    return [
        CalendarEvent(
            uid=f"visit-{v.pk}@{host}",
            summary=_("Site visit: %(enterprise)s") % {"enterprise": v.enterprise.name},
            start=v.scheduled_for,
            end=v.scheduled_for + datetime.timedelta(hours=2),
            location=v.place,
            description=f"{v.purpose}\n{v.coordinator_a.user.display_name} + {v.coordinator_b.user.display_name}",
        )
        for v in visits[:CALENDAR_LIMIT]
    ]
