"""The abnormal business list (docs/DOMAIN.md, "Abnormal business list").

DOMAIN notes (our readings, tested in tests/credit/test_abnormal*.py):
- An enterprise has at most one open entry (database constraint). Leaving the list needs the cure
  stated: ``remove_from_list`` refuses an empty cure.
- "Listed more than N days" (N = ``abnormal_list_days`` of the regime in force on the day the job runs,
  90 in every regime so far) means the enterprise is identified as untrustworthy on day N + 1 after
  ``listed_on``. The rating used is the untrustworthy rating of the regime in force on that date with
  the highest rank ("untrustworthy", never "seriously untrustworthy"). An enterprise already rated that
  low keeps its rating; the identification is still recorded once.
- ``identify_entry`` runs once per entry: the ``AbnormalListIdentification`` row (unique per entry) and
  the credit event's ``source_key`` make it idempotent, and the notices go out in the same
  transaction, so they are sent exactly once too.
- While listed the rating cannot be raised: ``credit.services.raise_bars`` (not repeated here).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import (
    AbnormalListEntry,
    AbnormalListIdentification,
    CreditEvent,
    CreditEventReason,
    CreditRating,
    CreditRegime,
)
from credit.services import map_rating, record_credit_event, regime_on
from enterprises import selectors as recipients
from portal.exceptions import ConflictError, DomainError
from portal.jobs import JobResult, run_in_batches, today_or
from portal.messages import Text, label, name_of, stored, text
from portal.notifications import notify


def untrustworthy_rating(regime: CreditRegime) -> CreditRating:
    """The regime's untrustworthy rating with the highest rank ("untrustworthy", not "seriously")."""
    rating = regime.ratings.filter(is_untrustworthy=True).order_by("-rank").first()
    if rating is None:
        raise DomainError(_("The regime %(regime)s has no untrustworthy rating.") % {"regime": regime})
    return rating


@transaction.atomic
def list_enterprise(
    *,
    enterprise,
    reason: str,
    actor,
    reason_text: str = "",
    reason_message: Text | None = None,
    listed_on: datetime.date | None = None,
) -> AbnormalListEntry:
    """Put an enterprise on the abnormal list and tell its members."""
    listed_on = listed_on or timezone.localdate()
    if listed_on > timezone.localdate():
        raise DomainError(_("An enterprise cannot be listed from a future date."))
    if (
        AbnormalListEntry.objects.select_for_update()
        .filter(enterprise=enterprise, removed_on__isnull=True)
        .exists()
    ):
        raise ConflictError(_("%(enterprise)s is already on the abnormal list.") % {"enterprise": enterprise})
    entry = AbnormalListEntry.objects.create(
        enterprise=enterprise,
        reason=reason,
        reason_text=reason_text,
        reason_message=reason_message.as_json() if reason_message is not None else None,
        listed_on=listed_on,
        listed_by=actor,
    )
    notify(
        recipients.members(enterprise),
        verb="abnormal_listed",
        title=text("Your enterprise was put on the abnormal business list"),
        body=text("%(reason)s", reason=label("abnormal_reason", entry.reason)),
        url=reverse("credit:home"),
        enterprise_id=enterprise.pk,
    )
    return entry


@transaction.atomic
def remove_from_list(
    *, entry: AbnormalListEntry, cure: str, actor, removed_on: datetime.date | None = None
) -> AbnormalListEntry:
    """Take an enterprise off the list; the cure of the cause is required."""
    if not cure.strip():
        raise DomainError(
            _("State how the cause was cured: an enterprise leaves the abnormal list only when it is cured.")
        )
    entry = AbnormalListEntry.objects.select_for_update().select_related("enterprise").get(pk=entry.pk)
    if entry.removed_on is not None:
        raise ConflictError(_("This entry was already removed on %(date)s.") % {"date": entry.removed_on})
    removed_on = removed_on or timezone.localdate()
    if removed_on > timezone.localdate() or removed_on < entry.listed_on:
        raise DomainError(_("The removal date must lie between the listing date and today."))
    entry.removed_on, entry.removed_by, entry.cure = removed_on, actor, cure.strip()
    entry.save(update_fields=["removed_on", "removed_by", "cure"])
    notify(
        recipients.members(entry.enterprise),
        verb="abnormal_removed",
        title=text("Your enterprise was removed from the abnormal business list"),
        body=entry.cure,
        url=reverse("credit:home"),
        enterprise_id=entry.enterprise_id,
    )
    return entry


def identification_date(entry: AbnormalListEntry, days: int) -> datetime.date:
    return entry.listed_on + datetime.timedelta(days=days + 1)


def long_listed_entries(today: datetime.date):
    """Open entries listed more than the regime's days before ``today`` and not yet identified."""
    days = regime_on(today).abnormal_list_days
    return AbnormalListEntry.objects.filter(
        removed_on__isnull=True, listed_on__lte=today - datetime.timedelta(days=days + 1)
    ).exclude(Exists(AbnormalListIdentification.objects.filter(entry=OuterRef("pk"))))


def identify_entry(entry: AbnormalListEntry, *, today: datetime.date) -> bool:
    """Identify one long-listed enterprise as untrustworthy (once). Call inside a transaction."""
    days = regime_on(today).abnormal_list_days
    identification = AbnormalListIdentification.objects.create(entry=entry, identified_on=today)
    enterprise = entry.enterprise
    latest = (
        CreditEvent.objects.filter(enterprise=enterprise)
        .order_by("-effective_date")
        .values_list("effective_date", flat=True)
        .first()
    )
    effective = max(identification_date(entry, days), latest or datetime.date.min)
    regime = regime_on(effective)
    target = untrustworthy_rating(regime)
    current = map_rating(enterprise.rating, regime)
    if current is not None and current.is_untrustworthy and current.rank <= target.rank:
        identification.note = stored(
            text("Already rated %(rating)s: rating unchanged.", rating=name_of(current))
        )
        identification.save(update_fields=["note"])
        return True
    people, pair = list(recipients.members(enterprise)), recipients.coordinator_users(enterprise)
    event = record_credit_event(
        enterprise=enterprise,
        to_rating=target,
        effective_date=effective,
        reason=CreditEventReason.ABNORMAL_LIST,
        reason_message=text(
            "On the abnormal business list since %(date)s, more than %(days)s days.",
            date=entry.listed_on,
            days=days,
        ),
        source_key=f"abnormal:{entry.pk}",
    )
    identification.credit_event = event
    identification.save(update_fields=["credit_event"])
    title = text("Identified as untrustworthy: on the abnormal list for more than %(days)s days", days=days)
    body = text(
        "%(enterprise)s has been on the abnormal business list since %(date)s.",
        enterprise=name_of(enterprise),
        date=entry.listed_on,
    )
    notify(
        people,
        verb="abnormal_untrustworthy",
        title=title,
        body=body,
        url=reverse("credit:home"),
        enterprise_id=enterprise.pk,
    )
    notify(pair, verb="abnormal_untrustworthy", title=title, body=body, enterprise_id=enterprise.pk)
    return True


# --- The daily job --------------------------------------------------------------------------------


def identify_long_listed(*, today=None, batch_size=None, kill_point=None) -> JobResult:
    today = today_or(today)
    return run_in_batches(
        long_listed_entries(today).select_related("enterprise__rating__regime"),
        lambda entry: identify_entry(entry, today=today),
        result=JobResult("abnormal-list"),
        batch_size=batch_size,
        kill_point=kill_point,
    )
