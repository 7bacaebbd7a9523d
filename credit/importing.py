"""The credit columns of the enterprise import (``enterprises.importing.register_columns``): ``rating``
(信用等级) and ``rated_on`` (认定日期). The rating is a rating of the regime in force on the rating date
(today when empty), written as its code (``advanced_certified``) or its name in Chinese (高级认证企业) or
English, as files circulated by customs name it; the initial rating is recorded through
``record_credit_event`` in the import's transaction, so a bad rating on any row imports nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import CreditEventReason, CreditRating, CreditRegime
from credit.services import record_credit_event
from enterprises.importing import ImportColumns


class RatingLookups:
    """Every regime and rating, read once per file."""

    def __init__(self) -> None:
        self.regimes = list(CreditRegime.objects.order_by("-effective_from"))
        self.ratings: dict[tuple[int, str], CreditRating] = {}
        for rating in CreditRating.objects.all():
            for name in (rating.code, rating.name_zh, rating.name_en):
                if name:
                    self.ratings.setdefault((rating.regime_id, _key(name)), rating)

    def rating(self, value: str, on: datetime.date) -> CreditRating | None:
        regime = next((r for r in self.regimes if r.effective_from <= on), None)
        return None if regime is None else self.ratings.get((regime.pk, _key(value)))

    def names(self, on: datetime.date) -> list[str]:
        regime = next((r for r in self.regimes if r.effective_from <= on), None)
        found = {
            r.name_zh for (regime_id, _name), r in self.ratings.items() if regime and regime_id == regime.pk
        }
        return sorted(found)


def _key(name: str) -> str:
    """A rating as written in a file: case, spaces, underscores and hyphens do not matter."""
    return "".join(name.split()).replace("_", "").replace("-", "").lower()


def check(row: dict, lookups: RatingLookups) -> tuple[list[str], tuple[CreditRating | None, datetime.date]]:
    reasons: list[str] = []
    rated_on = timezone.localdate()
    if row.get("rated_on"):
        try:
            rated_on = datetime.date.fromisoformat(row["rated_on"])
        except ValueError:
            reasons.append(
                _("The rating date must be YYYY-MM-DD, not %(value)s.") % {"value": row["rated_on"]}
            )
    rating = None
    if row.get("rating"):
        rating = lookups.rating(row["rating"], rated_on)
        if rating is None:
            reasons.append(
                _(
                    "Unknown credit rating %(value)s under the regime in force on %(date)s (ratings: %(names)s)."
                )
                % {"value": row["rating"], "date": rated_on, "names": "、".join(lookups.names(rated_on))}
            )
    return reasons, (rating, rated_on)


def apply(enterprise, value, *, actor, filename: str) -> None:
    rating, rated_on = value
    if rating is None:
        return
    record_credit_event(
        enterprise=enterprise,
        to_rating=rating,
        effective_date=rated_on,
        reason=CreditEventReason.CERTIFICATION if rating.is_aeo else CreditEventReason.INITIAL,
        reason_text=_("Imported from %(file)s") % {"file": filename},
        actor=actor,
    )


RATING_COLUMNS = ImportColumns(
    name="credit",
    columns=("rating", "rated_on"),
    aliases={"信用等级": "rating", "认定日期": "rated_on"},
    prepare=lambda rows: RatingLookups(),
    check=check,
    apply=apply,
)
