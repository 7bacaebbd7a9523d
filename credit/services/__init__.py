"""Credit services: the only place an enterprise's rating changes (docs/DOMAIN.md, "Enterprises and their
credit").

DOMAIN notes (our readings, tested in tests/credit/):
- An event is judged under the regime in force on its effective date; its ``to_rating`` must belong to
  that regime. Events are recorded in date order: an event dated before the enterprise's latest event is
  refused (history is never rewritten; a correction is a new event).
- Raising a rating (higher ``rank``) is refused while the enterprise has an open abnormal-list entry, for
  ``gift_bar_years`` after a gift-rule downgrade, and — for a certification — for ``reapply_bar_months``
  after a failed certification or a downgrade. Credit repair out of untrustworthy is a raise too, so it is
  also blocked while listed.
- Re-certification due date = last certification date + the review cycle of the regime in force *on the
  certification date* (the terms the certificate was granted under: legal certainty for the enterprise).
- A rating that no longer gets a coordinator pair ends the enterprise's active pair.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import (
    AbnormalListEntry,
    CreditEvent,
    CreditEventReason,
    CreditRating,
    CreditRegime,
    RatingMapping,
)
from enterprises.models import Enterprise
from portal.exceptions import ConflictError, DomainError
from portal.messages import Text
from portal.registry import hooks

#: Hook run after every recorded credit event, in its transaction: ``enterprise``, ``rating`` (the new
#: one), ``actor``, ``on`` (the effective date). See portal.registry.
RATING_CHANGED = "credit.rating_changed"


class CreditRuleError(DomainError):
    pass


def add_years(date: datetime.date, years: int) -> datetime.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def add_months(date: datetime.date, months: int) -> datetime.date:
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    for day in (date.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(date)


def regime_on(date: datetime.date) -> CreditRegime:
    try:
        return CreditRegime.in_force_on(date)
    except CreditRegime.DoesNotExist:
        raise CreditRuleError(_("No credit regime was in force on %(date)s.") % {"date": date}) from None


def map_rating(rating: CreditRating | None, regime: CreditRegime) -> CreditRating | None:
    """Carry a rating of an older regime over into ``regime`` through the rating mappings."""
    while (
        rating is not None
        and rating.regime_id != regime.pk
        and rating.regime.effective_from < regime.effective_from
    ):
        mapping = RatingMapping.objects.select_related("to_rating__regime").filter(from_rating=rating).first()
        if mapping is None:
            return None
        rating = mapping.to_rating
    return rating


def recertification_due(certified_on: datetime.date | None) -> datetime.date | None:
    if certified_on is None:
        return None
    return add_years(certified_on, regime_on(certified_on).review_cycle_years)


@dataclass(frozen=True)
class RaiseBar:
    reason: str
    until: datetime.date | None


def raise_bars(
    enterprise, *, on: datetime.date, for_certification: bool, ignoring: CreditEvent | None = None
) -> list[RaiseBar]:
    """Why the enterprise's rating may not be raised on ``on`` (empty list: it may).

    ``ignoring``: a decision found wrong on appeal starts no bar of its own (the gift-rule and re-apply
    bars it would have started); the abnormal list still bars a raise while the enterprise is listed.
    """
    bars: list[RaiseBar] = []
    ignored = Q(pk=ignoring.pk) if ignoring is not None else Q(pk__in=[])
    regime = regime_on(on)
    if AbnormalListEntry.objects.filter(
        enterprise=enterprise, removed_on__isnull=True, listed_on__lte=on
    ).exists():
        bars.append(RaiseBar(_("The enterprise is on the abnormal business list."), None))
    gift = (
        CreditEvent.objects.filter(
            enterprise=enterprise, reason=CreditEventReason.GIFT_RULE, effective_date__lte=on
        )
        .exclude(ignored)
        .order_by("-effective_date")
        .first()
    )
    if gift is not None:
        gift_regime = regime_on(gift.effective_date)
        until = add_years(gift.effective_date, gift_regime.gift_bar_years)
        if on < until:
            bars.append(
                RaiseBar(
                    _("Downgraded for offering gifts to customs staff: no application before %(date)s.")
                    % {"date": until},
                    until,
                )
            )
    if for_certification and regime.reapply_bar_months:
        failure = (
            CreditEvent.objects.filter(
                enterprise=enterprise,
                reason__in=[
                    CreditEventReason.FAILED_CERTIFICATION,
                    CreditEventReason.DOWNGRADE,
                    CreditEventReason.GIFT_RULE,
                ],
                effective_date__lte=on,
            )
            .exclude(ignored)
            .order_by("-effective_date")
            .first()
        )
        if failure is not None:
            until = add_months(failure.effective_date, regime.reapply_bar_months)
            if on < until:
                bars.append(
                    RaiseBar(
                        _(
                            "Failed certification or downgraded on %(failed)s: no new application before %(date)s."
                        )
                        % {"failed": failure.effective_date, "date": until},
                        until,
                    )
                )
    return bars


RAISE_REASONS_FOR_CERTIFICATION = {CreditEventReason.CERTIFICATION, CreditEventReason.RECERTIFICATION}
SAME_RATING_REASONS = RAISE_REASONS_FOR_CERTIFICATION | {CreditEventReason.FAILED_CERTIFICATION}


@transaction.atomic
def record_credit_event(
    *,
    enterprise,
    to_rating: CreditRating,
    effective_date: datetime.date,
    reason: str,
    actor=None,
    reason_text: str = "",
    reason_message: Text | None = None,
    legal_basis: str = "",
    evidence: str = "",
    source_key: str | None = None,
    corrects: CreditEvent | None = None,
) -> CreditEvent:
    """Record a rating change and keep ``enterprise.rating`` in step. Idempotent by ``source_key``.

    ``corrects``: the earlier decision this event corrects after an upheld appeal; the bars that decision
    started do not stand in the correction's way.
    """

    if source_key is not None:
        existing = CreditEvent.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    enterprise = (
        Enterprise.objects.select_for_update(of=("self",))
        .select_related("rating__regime")
        .get(pk=enterprise.pk)
    )
    if source_key is not None:
        # Checked again under the enterprise's lock: a concurrent call with the same key that won the
        # race has committed its event by now, and this call returns it instead of refusing.
        existing = CreditEvent.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    if effective_date > timezone.localdate():
        raise CreditRuleError(_("A credit event cannot take effect in the future."))
    regime = regime_on(effective_date)
    if to_rating.regime_id != regime.pk:
        raise CreditRuleError(
            _(
                "On %(date)s the regime in force is %(regime)s; the rating %(rating)s belongs to another regime."
            )
            % {"date": effective_date, "regime": regime, "rating": to_rating}
        )
    latest = CreditEvent.objects.filter(enterprise=enterprise).order_by("-effective_date", "-id").first()
    if latest is not None and effective_date < latest.effective_date:
        raise CreditRuleError(
            _("The enterprise already has a credit event dated %(date)s; events are recorded in date order.")
            % {"date": latest.effective_date}
        )
    from_rating = map_rating(enterprise.rating, regime)
    if reason == CreditEventReason.GIFT_RULE and (from_rating is None or to_rating.rank >= from_rating.rank):
        raise CreditRuleError(_("A gift-rule decision must lower the rating."))
    if (
        from_rating is not None
        and to_rating.rank > from_rating.rank
        and reason != CreditEventReason.REGIME_CHANGE
    ):
        bars = raise_bars(
            enterprise,
            on=effective_date,
            for_certification=reason in RAISE_REASONS_FOR_CERTIFICATION,
            ignoring=corrects,
        )
        if bars:
            raise CreditRuleError(" ".join(bar.reason for bar in bars))
    # A failed (re-)certification may leave the rating as it was; it is still recorded, because its date
    # starts the bar on re-applying.
    if enterprise.rating_id == to_rating.pk and reason not in SAME_RATING_REASONS:
        raise ConflictError(_("The enterprise already has the rating %(rating)s.") % {"rating": to_rating})
    try:
        with transaction.atomic():
            event = CreditEvent.objects.create(
                enterprise=enterprise,
                regime=regime,
                from_rating=enterprise.rating,
                to_rating=to_rating,
                effective_date=effective_date,
                reason=reason,
                reason_text=reason_text,
                reason_message=reason_message.as_json() if reason_message is not None else None,
                legal_basis=legal_basis or regime.legal_basis,
                evidence=evidence,
                actor=actor,
                source_key=source_key,
            )
    except IntegrityError:
        return CreditEvent.objects.get(source_key=source_key)
    enterprise.rating = to_rating
    if to_rating.is_aeo and reason in RAISE_REASONS_FOR_CERTIFICATION:
        enterprise.certified_on = effective_date
    if not to_rating.is_aeo:
        enterprise.certified_on = None
    enterprise.recertification_due = (
        recertification_due(enterprise.certified_on) if to_rating.is_aeo else None
    )
    Enterprise.objects.filter(pk=enterprise.pk).update(
        rating=to_rating,
        certified_on=enterprise.certified_on,
        recertification_due=enterprise.recertification_due,
    )
    # Apps above credit react in this transaction (coordinators: a downgrade ends the pair).
    hooks.run(RATING_CHANGED, enterprise=enterprise, rating=to_rating, actor=actor, on=effective_date)
    return event


def apply_regime_change(regime: CreditRegime, *, batch_size: int = 1000) -> int:
    """Carry every enterprise still rated under an older regime into ``regime``, in batches.

    Each enterprise gets one REGIME_CHANGE event (idempotent by source key). Returns how many moved.
    """

    moved = 0
    last_id = 0
    while True:
        batch = list(
            Enterprise.objects.filter(
                pk__gt=last_id, rating__isnull=False, rating__regime__effective_from__lt=regime.effective_from
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return moved
        for enterprise in Enterprise.objects.filter(pk__in=batch).select_related("rating__regime"):
            target = map_rating(enterprise.rating, regime)
            if target is None:
                continue
            with transaction.atomic():
                record_credit_event(
                    enterprise=enterprise,
                    to_rating=target,
                    effective_date=max(regime.effective_from, _latest_event_date(enterprise)),
                    reason=CreditEventReason.REGIME_CHANGE,
                    reason_text=str(regime),
                    source_key=f"regime:{regime.code}:{enterprise.pk}",
                )
            moved += 1
        last_id = batch[-1]


def _latest_event_date(enterprise) -> datetime.date:
    latest = (
        CreditEvent.objects.filter(enterprise=enterprise)
        .order_by("-effective_date")
        .values_list("effective_date", flat=True)
        .first()
    )
    return latest or datetime.date.min
