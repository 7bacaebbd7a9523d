"""Every tunable number of the product, with its default, in one place; read through :func:`tunable`.

An operator overrides a value with an environment variable ``GUANQI_<NAME>`` (read in
``portal/settings.py`` into ``settings.GUANQI``); tests override ``settings.GUANQI`` directly. Numbers
that managers edit while the product runs are data rows instead (SLA targets: ``ServiceLevel``; credit
regimes: ``CreditRegime``; holidays: ``Holiday``; beat schedules: django-celery-beat).

Each default is our reading of the rules (docs/DOMAIN.md) unless the comment names a source.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

ONE_MIB = 1024 * 1024

DEFAULTS: dict[str, Any] = {
    # --- Coordination requests -------------------------------------------------------------------
    # A resolved request may be reopened this many days after its resolution.
    "REOPEN_WINDOW_DAYS": 15,
    # A site-visit record still missing a signature this many days after it was written is escalated.
    "VISIT_RECORD_SIGN_DAYS": 5,
    # Working days the enterprise has to answer when customs asks it for information (then reminded).
    "INFORMATION_RESPONSE_WORKING_DAYS": 10,
    # A department's liaison officer answers a coordinator's referral within this many working days.
    "REFERRAL_RESPONSE_WORKING_DAYS": 5,
    # Files one upload may carry (a request, a reply, an appeal).
    "MAX_FILES_PER_UPLOAD": 5,
    # --- Compliance assessment (the interval and the pair's reminder are district settings:
    # --- compliance.AssessmentPolicy) ----------------------------------------------------------------
    # The enterprise is reminded of an improvement action this many days before its due date.
    "IMPROVEMENT_ACTION_REMINDER_DAYS": 7,
    # An improvement action overdue by this many working days is escalated to the office's leader.
    "IMPROVEMENT_ACTION_ESCALATION_WORKING_DAYS": 5,
    # --- Escalation --------------------------------------------------------------------------------
    # Still overdue this many working days after the local leader was told: the Management Department.
    "ESCALATION_MANAGEMENT_AFTER_WORKING_DAYS": 3,
    # --- Credit ------------------------------------------------------------------------------------
    # Re-certification reminders go out this many days before the due date.
    "RECERTIFICATION_REMINDER_DAYS": [180, 90, 30],
    # Annual credit report: due between 1 January and this (month, day) each year (Decree 237).
    "ANNUAL_REPORT_DEADLINE": (6, 30),
    # The enterprises that have not reported are reminded this many days before that deadline.
    "ANNUAL_REPORT_REMINDER_DAYS": [30, 7],
    # --- Appeals -----------------------------------------------------------------------------------
    # Working days to decide an appeal, by type (shorter for the integrity channel and for the
    # abnormal list, whose 90-day clock keeps running while the appeal is open).
    "APPEAL_DEADLINE_WORKING_DAYS": {
        "credit_decision": 15,
        "abnormal_list": 10,
        "penalty": 20,
        "other_decision": 20,
        "coordinator_conduct": 10,
    },
    # --- Outreach ----------------------------------------------------------------------------------
    # Heads of AEO enterprises must attend customs business training within this many months.
    "TRAINING_PERIOD_MONTHS": 12,
    # --- Supervision (the managers' dashboard) -------------------------------------------------------
    # A coordinator above this multiple of their office's median load is highlighted.
    "DASHBOARD_OVERLOAD_FACTOR": 1.5,
    # Abnormal-list entries this many days or fewer from the regime's limit count as "nearing".
    "ABNORMAL_LIST_WARNING_DAYS": 15,
    # Largest export, in rows.
    "EXPORT_MAX_ROWS": 100_000,
    # --- The officer's desk -------------------------------------------------------------------------
    # Each queue is counted up to this many items, then shown as "1,000+" (no count of a whole table).
    "DESK_COUNT_CAP": 1000,
    # --- Public status verification ------------------------------------------------------------------
    # Look-ups one address may make per minute on the public status page and its API endpoint.
    "PUBLIC_STATUS_LOOKUPS_PER_MINUTE": 10,
    # --- Uploads -------------------------------------------------------------------------------------
    "ATTACHMENT_MAX_BYTES": 10 * ONE_MIB,
    "ATTACHMENT_EXTENSIONS": ["pdf", "png", "jpg", "jpeg", "doc", "docx", "xls", "xlsx", "txt", "zip"],
    # --- Imports and jobs ----------------------------------------------------------------------------
    # Largest enterprise import file, in rows: one all-or-nothing transaction per file.
    "IMPORT_MAX_ROWS": 20_000,
    # Rows per transaction of the daily jobs.
    "JOB_BATCH_SIZE": 500,
    # --- Accounts ----------------------------------------------------------------------------------
    # A customs staff session unused this long ends (portal/security.py).
    "STAFF_IDLE_TIMEOUT_MINUTES": 30,
    # --- Input -------------------------------------------------------------------------------------
    # Longest free text (a description, grounds, a reply, a note) a form or the API accepts, in characters.
    "TEXT_MAX_CHARS": 20_000,
    # --- Faults --------------------------------------------------------------------------------------
    # Seconds the outbox waits for Redis when publishing after commit; past it the message stays pending
    # for the drain job, and the user's request answers at once.
    "OUTBOX_PUBLISH_TIMEOUT_SECONDS": 0.5,
    # --- Read replicas (portal/db_router.py) ------------------------------------------------------------
    # A replica further behind the primary than this is not read.
    "REPLICA_MAX_LAG_SECONDS": 10,
    # Each web process probes each replica's health and lag at most this often.
    "REPLICA_CHECK_SECONDS": 5,
    # After a write, the browser reads the primary for this long (read-your-writes).
    "REPLICA_PIN_SECONDS": 15,
    # --- Daily jobs across workers (portal/chunks.py) ---------------------------------------------------
    # The scheduled daily jobs split their rows into this many id ranges, one Celery task each
    # (1: the job runs as one task).
    "JOB_CHUNKS": 1,
    # --- Links ---------------------------------------------------------------------------------------
    # Absolute URL of the portal, used in e-mails.
    "PORTAL_URL": "http://127.0.0.1:8000",
}


def tunable(name: str) -> Any:
    """The configured value of ``name`` (``settings.GUANQI``), else its default. Unknown names fail loudly."""
    if name not in DEFAULTS:
        raise KeyError(f"unknown tunable {name!r}; add it with its default to portal/conf.py")
    configured = getattr(settings, "GUANQI", {})
    if name in configured and configured[name] is not None:
        return configured[name]
    return DEFAULTS[name]


def attachment_extensions() -> list[str]:
    return [str(ext).lower() for ext in tunable("ATTACHMENT_EXTENSIONS")]


def recertification_reminder_days() -> list[int]:
    """Reminder offsets, largest first, without duplicates."""
    return sorted({int(d) for d in tunable("RECERTIFICATION_REMINDER_DAYS")}, reverse=True)


def appeal_deadline_working_days(appeal_type: str) -> int:
    configured = tunable("APPEAL_DEADLINE_WORKING_DAYS")
    defaults = DEFAULTS["APPEAL_DEADLINE_WORKING_DAYS"]
    return int(configured.get(appeal_type, defaults[appeal_type]))
