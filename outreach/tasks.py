"""Celery tasks of the enterprises app: thin, idempotent, in batches (the rules are in ``outreach``)."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from outreach import services as outreach
from portal.models import User

log = logging.getLogger(__name__)
BATCH = 500


@shared_task(name="outreach.send_announcement_digests")
def send_announcement_digests(day: str | None = None, outbox_id: int | None = None) -> int:
    """E-mail yesterday's (or ``day``'s) new announcements to every user who asked for the digest.
    One digest per user and day (``one_digest_per_user_period``): a second run sends nothing."""

    period = datetime.date.fromisoformat(day) if day else timezone.localdate() - datetime.timedelta(days=1)
    start, end = outreach.digest_period(period)
    if not outreach.Announcement.objects.filter(published_at__gte=start, published_at__lt=end).exists():
        return 0
    sent, last_id = 0, 0
    while True:
        user_ids = list(outreach.digest_recipients().filter(user_id__gt=last_id)[:BATCH])
        if not user_ids:
            break
        last_id = user_ids[-1]
        for user in User.objects.filter(pk__in=user_ids):
            try:
                if outreach.send_digest(user=user, period_start=period):
                    sent += 1
            except OSError as exc:  # SMTP down: no digest row was kept, the next run retries this user
                log.warning("announcement digest for user %s failed: %s", user.pk, exc)
    return sent
