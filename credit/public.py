"""Public status verification (docs/DOMAIN.md, "Public status verification"): anyone — a trading
partner, a bank, a foreign customs administration checking an AEO — enters a unified social credit code
or a customs registration code and sees the enterprise's name, its current credit rating and since when,
as customs publish credit status. Nothing else: no address, no contacts, no history, no coordinators,
no deadlines. Only an exact code finds an enterprise (no search, no partial match), so the page cannot be
used to list enterprises; each address may make ``PUBLIC_STATUS_LOOKUPS_PER_MINUTE`` look-ups a minute
(page and API share the limit).

DOMAIN note (our reading): "since when" is the effective date of the credit decision in force — the
latest credit event of the enterprise (a certification, a re-certification confirming the rating, a
downgrade, a repair). An enterprise without a rating is found, and shown as having no published rating.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from credit.models import CreditEvent
from enterprises.models import Enterprise
from enterprises.validators import normalise_code
from portal import ratelimit
from portal.conf import tunable


@dataclass(frozen=True)
class PublicStatus:
    name: str
    rating: str | None
    since: datetime.date | None


class RateLimited(Exception):
    pass


def lookup(code: str) -> PublicStatus | None:
    """The public status of the enterprise whose USCC (18 characters) or customs code (10) is ``code``
    exactly; None when there is none. Two indexed queries."""
    code = normalise_code(code)
    if len(code) == 18:
        found = Enterprise.objects.filter(uscc=code)
    elif len(code) == 10:
        found = Enterprise.objects.filter(customs_code=code)
    else:
        return None
    enterprise = found.select_related("rating").only("pk", "name_zh", "name_en", "rating").first()
    if enterprise is None:
        return None
    if enterprise.rating is None:
        return PublicStatus(name=enterprise.name, rating=None, since=None)
    since = (
        CreditEvent.objects.filter(enterprise_id=enterprise.pk)
        .order_by("-effective_date", "-id")
        .values_list("effective_date", flat=True)
        .first()
    )
    return PublicStatus(name=enterprise.name, rating=enterprise.rating.name, since=since)


def checked_lookup(request, code: str) -> PublicStatus | None:
    """``lookup`` for a caller of the public page or API, within the caller's rate limit."""
    limit = int(tunable("PUBLIC_STATUS_LOOKUPS_PER_MINUTE"))
    if not ratelimit.allow(f"public-status:{ratelimit.client_address(request)}", limit=limit):
        raise RateLimited(_("Too many look-ups from your address; try again in a minute."))
    return lookup(code)
