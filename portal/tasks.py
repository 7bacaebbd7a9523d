"""Shared Celery tasks: the outbox drain, a liveness ping and notification e-mails; ``JOBS`` are what
``manage.py run_job`` runs now."""

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from portal import outbox
from portal.conf import tunable
from portal.jobs import JobResult
from portal.models import Notification


def drain_outbox_job(*, batch_size: int | None = None) -> JobResult:
    """Deliver outbox messages that Redis could not take when they were written."""
    return JobResult(job="outbox", processed=outbox.drain(batch_size or outbox.DRAIN_BATCH))


JOBS = {"outbox": drain_outbox_job}


@shared_task(name="portal.drain_outbox", ignore_result=True)
def drain_outbox() -> int:
    return outbox.drain()


@shared_task(name="portal.ping")
def ping(value: str = "pong", outbox_id: int | None = None) -> str:
    """Round-trip check used by /healthz tests and operators: proves a worker consumes from Redis."""
    return value


@shared_task(
    name="portal.send_notification_email",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
    ignore_result=True,
)
def send_notification_email(self, notification_id: int, outbox_id: int | None = None) -> bool:
    """E-mail one notification. Idempotent: ``emailed_at`` is set once the mail is handed to SMTP."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        link = f"{tunable('PORTAL_URL')}{notification.url}" if notification.url else ""
        # In the recipient's language, whoever caused the notification.
        with translation.override(notification.recipient.reading_language):
            subject, body = f"[关企 Guanqi] {notification.title}", notification.body
        send_mail(
            subject=subject,
            message="\n\n".join(part for part in (body, link) if part),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@shared_task(name="portal.send_notification_emails", ignore_result=True)
def send_notification_emails(notification_ids: list[int], outbox_id: int | None = None) -> int:
    """E-mail a batch job's notifications (``portal.notifications.notify_each``): one task per batch,
    each mail sent (and retried) as ``send_notification_email``."""
    for notification_id in notification_ids:
        send_notification_email.delay(notification_id)
    return len(notification_ids)


@shared_task(name="portal.run_chunked_job", ignore_result=False)
def run_chunked_job(job: str, over: str, run_key: str | None = None, chunks: int | None = None) -> dict:
    """Split ``job`` over the workers (``portal.chunks.start``); also resumes a run's undone chunks."""
    from portal import chunks as chunked

    return chunked.start(job, over=over, run_key=run_key, chunks=chunks)


@shared_task(name="portal.run_job_chunk", bind=True, ignore_result=True)
def run_job_chunk(self, chunk_id: int) -> bool:
    """One id range of a split daily job (idempotent: its items are guarded by the job's unique rows)."""
    from portal import chunks as chunked

    return chunked.run_chunk(chunk_id, worker=self.request.hostname or "")
