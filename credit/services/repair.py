"""Credit repair (docs/DOMAIN.md, "Credit repair", Decree 251): an untrustworthy enterprise may apply after
``repair_wait_months_serious`` (smuggling or obstruction: 12) or ``repair_wait_months_minor`` (violation
count or fines: 6) months; customs repairs automatically after ``auto_repair_clean_years`` (2) clean
years. Every number is a field of the regime in force on the day the question is asked.

DOMAIN notes (our readings, tested in tests/credit/test_repair*.py):
- :func:`repair_eligibility` is the ONE place that decides whether and from when an enterprise may
  apply, and when it is repaired automatically; the portal, the application service, the officer's
  decision and the daily job all call it.
- The wait runs from the *finding*: the latest credit event that made the enterprise untrustworthy
  (not a mere change of regime). Its cause is the ``UntrustworthyFinding`` an officer recorded; without
  one, an abnormal-list identification counts as minor, anything else as serious (the longer wait is
  the safe reading when the cause is unknown; an officer can record the cause to shorten it).
- Unpaid taxes count with fines (minor); "other" counts as serious.
- "Clean" means no new finding and no abnormal-list entry since the finding (an entry restarts the
  clean period when it is removed; an open entry stops automatic repair).
- Repair is a raise, so ``credit.services.raise_bars`` still applies (abnormal list, gift-rule bar): a
  bar postpones both the application and the automatic repair to its end.
- A repaired enterprise gets the regime's lowest rating that is neither untrustworthy nor AEO
  ("regular" / "general credit").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import (
    AbnormalListEntry,
    CreditEvent,
    CreditEventReason,
    CreditRating,
    CreditRegime,
    RepairApplication,
    RepairApplicationAttachment,
    UntrustworthyCause,
    UntrustworthyFinding,
)
from credit.services import add_months, add_years, map_rating, raise_bars, record_credit_event, regime_on
from enterprises import selectors as recipients
from enterprises.models import Enterprise, Membership
from portal import uploads
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.jobs import JobResult, run_in_batches, today_or
from portal.messages import plural_text, text
from portal.notifications import notify
from portal.roles import Role

SERIOUS_CAUSES = {UntrustworthyCause.SMUGGLING, UntrustworthyCause.OBSTRUCTION, UntrustworthyCause.OTHER}


class Status:
    NOT_UNTRUSTWORTHY = "not_untrustworthy"
    WAITING = "waiting"
    BARRED = "barred"
    PENDING = "pending"
    ELIGIBLE = "eligible"


@dataclass(frozen=True)
class RepairEligibility:
    status: str
    reason: str
    eligible_from: datetime.date | None = None
    automatic_on: datetime.date | None = None
    finding: CreditEvent | None = None
    cause: str | None = None

    @property
    def eligible(self) -> bool:
        return self.status == Status.ELIGIBLE


def repaired_rating(regime: CreditRegime) -> CreditRating:
    rating = regime.ratings.filter(is_untrustworthy=False, is_aeo=False).order_by("rank").first()
    if rating is None:
        raise DomainError(_("The regime %(regime)s has no rating to repair to.") % {"regime": regime})
    return rating


def _finding_events():
    return CreditEvent.objects.filter(to_rating__is_untrustworthy=True).exclude(
        reason=CreditEventReason.REGIME_CHANGE
    )


def latest_finding(enterprise) -> CreditEvent | None:
    return _finding_events().filter(enterprise=enterprise).order_by("-effective_date", "-id").first()


def cause_of(finding: CreditEvent) -> str | None:
    recorded = UntrustworthyFinding.objects.filter(event=finding).values_list("cause", flat=True).first()
    if recorded:
        return recorded
    if finding.reason == CreditEventReason.ABNORMAL_LIST:
        return UntrustworthyCause.ABNORMAL_LIST
    return None


def repair_eligibility(enterprise, *, on: datetime.date | None = None) -> RepairEligibility:
    """Whether ``enterprise`` may apply for credit repair on ``on``, why, and from when."""
    on = on or timezone.localdate()
    regime = regime_on(on)
    rating = map_rating(enterprise.rating, regime) if enterprise.rating_id else None
    if rating is None or not rating.is_untrustworthy:
        return RepairEligibility(
            Status.NOT_UNTRUSTWORTHY,
            _("The enterprise is not rated untrustworthy: there is nothing to repair."),
        )
    finding = latest_finding(enterprise)
    found_on = finding.effective_date if finding else on
    cause = cause_of(finding) if finding else None
    serious = cause is None or cause in SERIOUS_CAUSES
    months = regime.repair_wait_months_serious if serious else regime.repair_wait_months_minor
    eligible_from = add_months(found_on, months)
    automatic_on = _automatic_repair_date(enterprise, found_on, regime)
    bars = raise_bars(enterprise, on=on, for_certification=False)
    open_bar = any(bar.until is None for bar in bars)
    bar_until = max((bar.until for bar in bars if bar.until), default=None)
    if bar_until:
        eligible_from = max(eligible_from, bar_until)
        automatic_on = max(automatic_on, bar_until) if automatic_on else None
    if open_bar:
        automatic_on = None
    cause_label = (
        str(UntrustworthyCause(cause).label) if cause else _("cause not recorded: the longer wait applies")
    )
    common: dict[str, Any] = {"finding": finding, "cause": cause, "automatic_on": automatic_on}
    pending = (
        RepairApplication.objects.filter(enterprise=enterprise, status=RepairApplication.Status.PENDING)
        .values_list("applied_at", flat=True)
        .first()
    )
    if pending is not None:
        # Read by the enterprise and by the officer deciding: worded for both, dated in local time.
        return RepairEligibility(
            Status.PENDING,
            _("An application for credit repair made on %(date)s awaits the customs' decision.")
            % {"date": timezone.localtime(pending).strftime("%Y-%m-%d")},
            eligible_from,
            **common,
        )
    if bars:
        return RepairEligibility(
            Status.BARRED, " ".join(bar.reason for bar in bars), None if open_bar else eligible_from, **common
        )
    if on < eligible_from:
        return RepairEligibility(
            Status.WAITING,
            _(
                "Found untrustworthy on %(found)s (%(cause)s): the enterprise may apply for repair %(months)s months later, from %(date)s."
            )
            % {"found": found_on, "cause": cause_label, "months": months, "date": eligible_from},
            eligible_from,
            **common,
        )
    return RepairEligibility(
        Status.ELIGIBLE,
        _("Found untrustworthy on %(found)s (%(cause)s): the enterprise may apply for repair since %(date)s.")
        % {"found": found_on, "cause": cause_label, "date": eligible_from},
        eligible_from,
        **common,
    )


def _automatic_repair_date(enterprise, found_on: datetime.date, regime: CreditRegime) -> datetime.date | None:
    entries = AbnormalListEntry.objects.filter(enterprise=enterprise, listed_on__gte=found_on)
    if entries.filter(removed_on__isnull=True).exists():
        return None
    # Every entry has a removal date here (an open one returned above).
    removed: Iterable[datetime.date] = entries.values_list("removed_on", flat=True)  # type: ignore[assignment]
    clean_since = max([found_on, *removed])
    return add_years(clean_since, regime.auto_repair_clean_years)


def _require_member(enterprise, user) -> None:
    if not Membership.objects.filter(enterprise=enterprise, user=user, ended_at__isnull=True).exists():
        raise PermissionDeniedError(
            _("Only the enterprise's contact person or staff may apply for its credit repair.")
        )


@transaction.atomic
def apply_for_repair(*, enterprise, author, statement: str, files=()) -> RepairApplication:
    """An untrustworthy enterprise applies for credit repair, with its supporting documents (checked by
    ``portal.uploads``: a payment receipt, a rectification report)."""
    _require_member(enterprise, author)
    if not statement.strip():
        raise DomainError(_("Describe what the enterprise has done to correct the cause."))
    checked = uploads.check_uploads(files)
    enterprise = Enterprise.objects.select_for_update(of=("self",)).get(pk=enterprise.pk)
    eligibility = repair_eligibility(enterprise)
    if not eligibility.eligible:
        raise ConflictError(eligibility.reason)
    try:
        with transaction.atomic():
            application = RepairApplication.objects.create(
                enterprise=enterprise, statement=statement.strip(), applied_by=author
            )
    except IntegrityError:
        raise ConflictError(_("An application for credit repair is already pending.")) from None
    for item in checked:
        RepairApplicationAttachment.from_checked(item, uploaded_by=author, application=application)
    return application


@transaction.atomic
def decide_repair(*, application: RepairApplication, granted: bool, reasons: str, actor) -> RepairApplication:
    """An officer grants (the enterprise is repaired today) or refuses an application, with reasons."""
    if not actor.has_role(Role.CUSTOMS_OFFICER, Role.MANAGER, Role.ADMINISTRATOR):
        raise PermissionDeniedError(_("Only customs officers decide on credit repair."))
    if not reasons.strip():
        raise DomainError(_("State the reasons for the decision."))
    application = (
        RepairApplication.objects.select_for_update().select_related("enterprise").get(pk=application.pk)
    )
    if application.status != RepairApplication.Status.PENDING:
        raise ConflictError(_("This application was already decided."))
    today = timezone.localdate()
    if granted:
        regime = regime_on(today)
        application.credit_event = record_credit_event(
            enterprise=application.enterprise,
            to_rating=repaired_rating(regime),
            effective_date=today,
            reason=CreditEventReason.REPAIR,
            reason_text=reasons.strip(),
            actor=actor,
            source_key=f"repair-application:{application.pk}",
        )
    application.status = RepairApplication.Status.GRANTED if granted else RepairApplication.Status.REFUSED
    application.decided_by, application.decided_at, application.decision_reasons = (
        actor,
        timezone.now(),
        reasons.strip(),
    )
    application._history_user = actor  # type: ignore[attr-defined]
    application.save()
    notify(
        recipients.members(application.enterprise),
        verb="repair_decided",
        title=text("Credit repair granted") if granted else text("Credit repair refused"),
        body=application.decision_reasons,
        url=reverse("credit:home"),
        enterprise_id=application.enterprise_id,
    )
    return application


@transaction.atomic
def record_cause(*, event: CreditEvent, cause: str, actor) -> UntrustworthyFinding:
    if not event.to_rating.is_untrustworthy:
        raise DomainError(_("A cause is recorded only for a finding of untrustworthiness."))
    finding, _created = UntrustworthyFinding.objects.update_or_create(
        event=event, defaults={"cause": cause, "recorded_by": actor}
    )
    return finding


def automatic_repair_candidates(today: datetime.date):
    """Untrustworthy enterprises whose latest finding is at least the regime's clean period old."""
    regime = regime_on(today)
    latest = (
        _finding_events()
        .filter(enterprise=OuterRef("pk"))
        .order_by("-effective_date")
        .values("effective_date")[:1]
    )
    return (
        Enterprise.objects.filter(rating__is_untrustworthy=True)
        .alias(found_on=Subquery(latest))
        .filter(found_on__lte=add_years(today, -regime.auto_repair_clean_years))
    )


def repair_automatically(enterprise, *, today: datetime.date) -> bool:
    """Repair one enterprise whose clean period has run (idempotent by the finding's source key)."""
    eligibility = repair_eligibility(enterprise, on=today)
    if eligibility.automatic_on is None or eligibility.automatic_on > today or eligibility.finding is None:
        return False
    latest = (
        CreditEvent.objects.filter(enterprise=enterprise)
        .order_by("-effective_date")
        .values_list("effective_date", flat=True)
        .first()
    )
    effective = max(eligibility.automatic_on, latest or eligibility.automatic_on)
    regime = regime_on(effective)
    record_credit_event(
        enterprise=enterprise,
        to_rating=repaired_rating(regime),
        effective_date=effective,
        reason=CreditEventReason.REPAIR,
        reason_message=plural_text(
            "Automatic repair after %(count)s clean year.",
            "Automatic repair after %(count)s clean years.",
            regime.auto_repair_clean_years,
        ),
        source_key=f"auto-repair:{eligibility.finding.pk}",
    )
    notify(
        recipients.members(enterprise),
        verb="repair_automatic",
        title=text("Your enterprise's credit was repaired automatically"),
        url=reverse("credit:home"),
        enterprise_id=enterprise.pk,
    )
    return True


# --- The daily job --------------------------------------------------------------------------------


def apply_automatic_repairs(*, today=None, batch_size=None, kill_point=None) -> JobResult:
    today = today_or(today)
    return run_in_batches(
        automatic_repair_candidates(today).select_related("rating__regime"),
        lambda enterprise: repair_automatically(enterprise, today=today),
        result=JobResult("credit-repair"),
        batch_size=batch_size,
        kill_point=kill_point,
    )
