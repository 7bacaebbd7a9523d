"""A Celery worker SIGKILLed in the middle of a batch job: what it committed stays, what it was doing is
rolled back, and the next run finishes the rest with nothing done twice (each item is guarded by a unique
row written in the same transaction as its effect; portal/jobs.py). A real worker process runs the
abnormal-list job against the test database, one item per batch, and is killed with SIGKILL."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from credit.models import AbnormalListEntry, AbnormalListIdentification, CreditEvent, CreditEventReason
from credit.services import abnormal_list
from tests.factories import rated_enterprise

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = 40
ROOT = Path(__file__).resolve().parents[2]


def _worker(queue: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "GUANQI_JOB_BATCH_SIZE": "1",
        "DEBUG": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_batch_leaves_nothing_half_done_and_the_next_run_finishes_once():
    listed_on = timezone.localdate() - datetime.timedelta(days=95)
    for _ in range(ITEMS):
        enterprise = rated_enterprise("regular", on=timezone.localdate() - datetime.timedelta(days=400))
        AbnormalListEntry.objects.create(enterprise=enterprise, reason="unreachable", listed_on=listed_on)

    from portal.celery import app

    queue = f"guanqi-kill-{settings.DATABASES['default']['NAME']}-{os.getpid()}"
    worker = _worker(queue)
    try:
        app.send_task("credit.identify_long_listed", queue=queue, ignore_result=True)
        deadline = time.monotonic() + 60
        while AbnormalListIdentification.objects.count() < 3:
            assert time.monotonic() < deadline, "the worker never started the job"
            assert worker.poll() is None, "the worker exited"
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)  # mid-run: no chance to clean up
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)

    done = AbnormalListIdentification.objects.count()
    events = CreditEvent.objects.filter(reason=CreditEventReason.ABNORMAL_LIST)
    assert 0 < done < ITEMS, f"the kill should land mid-run ({done} of {ITEMS} done)"
    assert events.count() == done  # each committed item complete: its guard row and its credit event

    result = abnormal_list.identify_long_listed()  # the next run
    assert result.processed == ITEMS - done and result.failed == 0
    assert AbnormalListIdentification.objects.count() == ITEMS
    assert events.count() == ITEMS
    assert events.values("enterprise").distinct().count() == ITEMS  # nothing twice
    assert abnormal_list.identify_long_listed().processed == 0
