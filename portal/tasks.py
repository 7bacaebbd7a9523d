"""Shared Celery tasks: the outbox drain and a liveness ping."""

from celery import shared_task

from . import outbox


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
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction
    from django.utils import timezone

    from .models import Notification

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        link = f"{settings.GUANQI['PORTAL_URL']}{notification.url}" if notification.url else ""
        send_mail(
            subject=f"[关企 Guanqi] {notification.title}",
            message="\n\n".join(part for part in (notification.body, link) if part),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
