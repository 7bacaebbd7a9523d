"""``manage.py bench_prepare OUT.json``: choose the benchmark's users, sign them in (database sessions)
and write the pages to measure: for each page, a rotation of (path, session cookie) pairs, its group
and its target. Run against the generated database, before the server starts."""

from __future__ import annotations

import json
import random

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import security

ROTATION = 20  # users per enterprise page (different enterprises, so no page is served from one warm row)


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if security.needs_second_factor(user):
        # Customs staff sign in with a second factor (portal.security): the session is verified with the
        # user's TOTP device, as the second-factor form leaves it.
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"sessionid={session.session_key}"


class Command(BaseCommand):
    help = "Choose users, create their sessions and write the benchmark's pages (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("out")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, out, seed, **options):
        from appeals.models import Appeal
        from coordination import selectors
        from coordination.models import CoordinationRequest
        from coordinators.models import Coordinator, PairAssignment
        from credit.models import CreditRating
        from enterprises.models import Enterprise, Membership
        from portal.models import User

        rng = random.Random(seed)
        # Contact persons of advanced-certified enterprises (the only ones with coordination requests),
        # drawn at random among those with a typical number of requests (the median band) ...
        paired = list(
            PairAssignment.objects.filter(ended_on__isnull=True)
            .values_list("enterprise_id", flat=True)
            .order_by("enterprise_id")
        )
        counts = dict(
            CoordinationRequest.objects.filter(enterprise_id__in=paired)
            .values("enterprise_id")
            .annotate(n=Count("id"))
            .values_list("enterprise_id", "n")
        )
        ordered = sorted(paired, key=lambda e: counts.get(e, 0))
        band = ordered[len(ordered) // 4 : 3 * len(ordered) // 4] or ordered
        chosen = rng.sample(band, min(ROTATION, len(band)))
        contacts = {
            m.enterprise_id: m.user
            for m in Membership.objects.filter(
                enterprise_id__in=chosen, role="contact_person", ended_at__isnull=True
            ).select_related("user")
        }
        cookies = {eid: session_cookie(user) for eid, user in contacts.items()}
        pages: list[dict] = []

        def page(key, label, group, target, requests, note=""):
            pages.append(
                {
                    "key": key,
                    "label": label,
                    "group": group,
                    "target_p95_ms": target,
                    "requests": requests,
                    "note": note,
                }
            )

        enterprise_rows = [(eid, cookies[eid]) for eid in chosen if eid in cookies]
        page(
            "floor",
            "floor: minimal view (same middleware, session, user)",
            "floor",
            None,
            [{"path": "/bench/floor/", "cookie": c} for _e, c in enterprise_rows],
        )
        page(
            "enterprise_home",
            "enterprise home",
            "enterprise",
            25,
            [{"path": "/enterprise/", "cookie": c} for _e, c in enterprise_rows],
        )
        page(
            "my_requests",
            "my requests, page 1",
            "enterprise",
            25,
            [{"path": "/coordination/requests/", "cookie": c} for _e, c in enterprise_rows],
        )
        deep = []
        for eid, cookie in enterprise_rows:
            user = contacts[eid]
            cursor = None
            for _ in range(5):  # page 6: five "next" links followed
                result = selectors.enterprise_request_list(user, cursor=cursor)
                cursor = result.next_cursor
                if cursor is None:
                    break
            if cursor:
                deep.append({"path": f"/coordination/requests/?cursor={cursor}", "cookie": cookie})
        page("my_requests_deep", "my requests, page 6 (cursor)", "enterprise", 25, deep)
        page(
            "my_requests_filtered",
            "my requests, filtered (closed, consulting)",
            "enterprise",
            25,
            [
                {"path": "/coordination/requests/?status=closed&service_type=consulting", "cookie": c}
                for _e, c in enterprise_rows
            ],
        )
        detail = []
        for eid, cookie in enterprise_rows:
            pk = (
                CoordinationRequest.objects.filter(enterprise_id=eid, status="closed")
                .order_by("-filed_at")
                .values_list("pk", flat=True)
                .first()
            )
            if pk:
                detail.append({"path": f"/coordination/requests/{pk}/", "cookie": cookie})
        page("request_detail", "request detail (closed, with its thread)", "enterprise", 25, detail)
        page(
            "appeal_list",
            "appeal list",
            "enterprise",
            25,
            [{"path": "/appeals/", "cookie": c} for _e, c in enterprise_rows],
        )
        appeal_detail = []
        for eid, cookie in enterprise_rows:
            pk = (
                Appeal.objects.filter(enterprise_id=eid)
                .order_by("-filed_at")
                .values_list("pk", flat=True)
                .first()
            )
            if pk:
                appeal_detail.append({"path": f"/appeals/{pk}/", "cookie": cookie})
        if len(appeal_detail) < 5:  # too few of the chosen enterprises appealed: add appeals of other ones
            for appeal in (
                Appeal.objects.filter(enterprise_id__in=paired)
                .exclude(appeal_type="coordinator_conduct")
                .order_by("-filed_at")[:ROTATION]
            ):
                member = (
                    Membership.objects.filter(
                        enterprise_id=appeal.enterprise_id, role="contact_person", ended_at__isnull=True
                    )
                    .select_related("user")
                    .first()
                )
                if member:
                    appeal_detail.append(
                        {"path": f"/appeals/{appeal.pk}/", "cookie": session_cookie(member.user)}
                    )
        page("appeal_detail", "appeal detail", "enterprise", 25, appeal_detail[:ROTATION])
        page(
            "credit",
            "credit page",
            "enterprise",
            25,
            [{"path": "/credit/", "cookie": c} for _e, c in enterprise_rows],
        )
        page(
            "api_list",
            "API: request list, first page",
            "api",
            25,
            [{"path": "/api/requests/", "cookie": c} for _e, c in enterprise_rows],
        )
        page(
            "api_list_later",
            "API: request list, a later cursor page",
            "api",
            25,
            [],
            note="filled in by bench/run.py from the API's own next links",
        )
        # Coordinators with a typical load (about ten enterprises each).
        loads = {}
        for a, b in PairAssignment.objects.filter(ended_on__isnull=True).values_list(
            "coordinator_a_id", "coordinator_b_id"
        ):
            loads[a] = loads.get(a, 0) + 1
            loads[b] = loads.get(b, 0) + 1
        typical = sorted(loads, key=lambda c: loads[c])
        typical = typical[len(typical) // 4 : 3 * len(typical) // 4] or typical
        coordinators = Coordinator.objects.filter(pk__in=rng.sample(typical, min(10, len(typical))))
        coordinator_list = list(coordinators.select_related("user").order_by("pk"))
        coordinator_cookies = [session_cookie(c.user) for c in coordinator_list]
        median_load = sorted(loads.values())[len(loads) // 2] if loads else 0
        page(
            "workspace",
            f"coordinator workspace (~{median_load} enterprises each)",
            "coordinator",
            100,
            [{"path": "/coordination/workspace/", "cookie": c} for c in coordinator_cookies],
        )
        # Officer of Beijing (the largest district) in the admin; the manager's dashboard.
        officer = User.objects.get(username="officer.bj")
        manager = User.objects.get(username="manager.bj")
        officer_cookie = session_cookie(officer)
        manager_cookie = session_cookie(manager)
        beijing = officer.district_id_for_scope
        sample = (
            Enterprise.objects.filter(district_id=beijing, rating__gets_coordinators=True)
            .exclude(appeals=None)
            .order_by("pk")
            .values_list("uscc", flat=True)[:ROTATION]
        )
        usccs = list(sample)
        advanced = (
            CreditRating.objects.filter(gets_coordinators=True).order_by("-regime__effective_from").first()
        )

        def officer_page(key, label, paths):
            page(key, label, "admin", 150, [{"path": p, "cookie": officer_cookie} for p in paths])

        officer_page(
            "admin_requests",
            "admin: coordination requests (officer, district)",
            ["/admin/coordination/coordinationrequest/"],
        )
        officer_page(
            "admin_requests_filtered",
            "admin: requests filtered (in progress)",
            ["/admin/coordination/coordinationrequest/?status__exact=in_progress"],
        )
        officer_page(
            "admin_requests_uscc",
            "admin: requests searched by USCC",
            [f"/admin/coordination/coordinationrequest/?q={u}" for u in usccs],
        )
        officer_page("admin_appeals", "admin: appeals (officer, district)", ["/admin/appeals/appeal/"])
        officer_page(
            "admin_appeals_filtered",
            "admin: appeals filtered (submitted)",
            ["/admin/appeals/appeal/?status__exact=submitted"],
        )
        officer_page(
            "admin_appeals_uscc",
            "admin: appeals searched by USCC",
            [f"/admin/appeals/appeal/?q={u}" for u in usccs],
        )
        officer_page(
            "admin_enterprises", "admin: enterprises (officer, district)", ["/admin/enterprises/enterprise/"]
        )
        officer_page(
            "admin_enterprises_filtered",
            "admin: enterprises filtered (advanced certified)",
            [f"/admin/enterprises/enterprise/?rating__id__exact={advanced.pk if advanced else ''}"],
        )
        officer_page(
            "admin_enterprises_uscc",
            "admin: enterprises searched by USCC",
            [f"/admin/enterprises/enterprise/?q={u}" for u in usccs],
        )
        page(
            "dashboard",
            "manager dashboard (district)",
            "manager",
            100,
            [{"path": "/supervision/", "cookie": manager_cookie}],
        )
        # The coordinator's and officer's desks (issue 13): My enterprises, the enterprise file, the
        # workspace's full-text search in Chinese, the officer's desk with its bounded counts.
        page(
            "my_enterprises",
            "My enterprises (coordinator)",
            "coordinator",
            100,
            [{"path": "/enterprise/served/", "cookie": c} for c in coordinator_cookies],
        )
        files = []
        for coordinator, cookie in zip(coordinator_list, coordinator_cookies, strict=True):
            pair = (
                PairAssignment.objects.filter(ended_on__isnull=True)
                .filter(Q(coordinator_a=coordinator) | Q(coordinator_b=coordinator))
                .values_list("enterprise_id", flat=True)
                .first()
            )
            if pair:
                files.append({"path": f"/enterprise/{pair}/file/", "cookie": cookie})
        page("enterprise_file", "enterprise file (coordinator)", "coordinator", 100, files)
        page(
            "workspace_search",
            "workspace: full-text search in Chinese",
            "coordinator",
            100,
            [{"path": "/coordination/workspace/?q=出口退税怎么办", "cookie": c} for c in coordinator_cookies],
        )
        page(
            "officer_desk",
            "officer's desk (bounded counts, district)",
            "admin",
            150,
            [{"path": "/officer/", "cookie": officer_cookie}],
        )
        skipped = [
            "public status look-up (/verify/): rate-limited per client address by design, so a load test "
            "from one address measures the limit; its query is one lookup by a unique code",
        ]
        data = {
            "pages": pages,
            "skipped": skipped,
            "users": {
                "contacts": len(enterprise_rows),
                "coordinators": len(coordinator_cookies),
                "median_coordinator_load": median_load,
                "requests_of_chosen_enterprises": sorted(counts.get(e, 0) for e in chosen),
            },
        }
        with open(out, "w") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
        self.stdout.write(f"{len(pages)} pages written to {out}")
