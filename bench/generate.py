"""The benchmark's data generator: a realistic customs district at the product's size, set-based.

Used by ``manage.py bench_generate`` (bench/management/commands/bench_generate.py), which ``make bench``
runs. Every row is written by set-based SQL (``INSERT … SELECT`` over ``generate_series`` and small
staging tables in a ``bench`` schema), in chunks so a progress bar shows rows, rate and ETA. The big
tables' secondary indexes and foreign keys are dropped while loading and rebuilt afterwards; rebuilding
the unique indexes and re-adding the foreign keys checks every row (a broken reference fails the run).

What it writes on top of the demo organisation (``load_demo``: 3 districts, 9 offices, officers,
managers, ~200 demo enterprises), all spread over the last five years:

- enterprises with valid USCCs (the GB 32100 check character, python-stdnum's algorithm; a sample is
  validated with python-stdnum at the end), 40 % Beijing / 30 % Tianjin / 30 % Shenzhen; each with one
  contact person (a real-name user in the ``contact_person`` group, a membership, the
  ``view_enterprise`` and ``represent_enterprise`` grants) and every fifth with a staff member;
- credit: final ratings 1 % advanced certified, 3 % certified, 90 % regular, 5 % untrustworthy, 1 %
  seriously untrustworthy, each reached by a dated chain of credit events consistent with the
  regimes in force (INITIAL, certifications, downgrades and repairs, the regime change of Decree 282),
  ``certified_on``/``recertification_due`` as ``credit.services`` computes them; a cause for every
  finding of untrustworthiness; abnormal-list entries (most cured within 90 days, some still open,
  some open past 90 days); annual reports for most enterprises for the last report years;
- coordinators (users in the ``coordinator`` group, qualified) per office in proportion to its
  advanced-certified enterprises, and one active pair per advanced-certified enterprise (about ten
  enterprises per coordinator) with the ``coordinate_enterprise`` grants;
- coordination requests of the paired enterprises (only they may file, ``coordination.services``),
  with SLA dues computed in working days from the holiday table exactly as ``portal.workdays`` does,
  statuses by age, transitions consistent with the state machine, messages (some internal), the pair
  as handlers, a few pending transfers; site visits by the pair; notifications;
- appeals of every type (the integrity channel names a coordinator of the enterprise's pair) with
  their events and deadlines in working days; announcements.

The state of the daily jobs is "ran every day until ``backlog_days`` ago": guard rows exist (re-
certification reminders, escalations, abnormal-list identifications) for what fell due before then,
so each job finds the work of the last ``backlog_days`` days; annual-report candidates of the current
year are not recorded (the job as on its first run after the deadline).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from coordination.models import OPEN_STATUSES

SCHEMA = "bench"
# The statuses of an open request, as SQL.
OPEN_SQL = "(" + ", ".join(f"'{status}'" for status in OPEN_STATUSES) + ")"
CHUNK = 50_000
FAR_PAST = datetime.date(2000, 1, 1)

# Tables the generator fills in bulk: their secondary indexes, unique constraints and foreign keys are
# dropped while loading and rebuilt (which validates every row) afterwards.
BULK_TABLES = [
    "portal_user",
    "portal_user_groups",
    "enterprises_enterprise",
    "enterprises_membership",
    "enterprises_enterpriseuserobjectpermission",
    "coordinators_coordinator",
    "coordinators_pairassignment",
    "credit_creditevent",
    "credit_untrustworthyfinding",
    "credit_abnormallistentry",
    "credit_abnormallistidentification",
    "credit_annualreport",
    "credit_recertificationreminder",
    "coordination_coordinationrequest",
    "coordination_requesthandler",
    "coordination_requesttransition",
    "coordination_requestmessage",
    "coordination_requesttransfer",
    "coordination_sitevisit",
    "appeals_appeal",
    "appeals_appealevent",
    "portal_notification",
    "portal_escalation",
]


@dataclass
class Sizes:
    enterprises: int = 1_000_000
    requests: int | None = None  # default: 2 per enterprise
    appeals: int | None = None  # default: 0.2 per enterprise
    abnormal: int | None = None  # default: 0.1 per enterprise
    coordinators: int | None = None  # default: 1 per 500 enterprises (about 10 enterprises each)
    aeo_share: float = 0.01
    report_years: int = 3
    messages_per_request: float = 2.0
    visits: int | None = None  # default: 3 per advanced-certified enterprise
    backlog_days: int = 7
    years: int = 5

    def __post_init__(self):
        n = self.enterprises
        self.requests = self.requests if self.requests is not None else 2 * n
        self.appeals = self.appeals if self.appeals is not None else n // 5
        self.abnormal = self.abnormal if self.abnormal is not None else n // 10
        self.coordinators = self.coordinators if self.coordinators is not None else max(20, n // 500)
        self.visits = self.visits if self.visits is not None else max(10, int(n * self.aeo_share * 3))


@dataclass
class Step:
    name: str
    rows: int  # estimate, for the progress bar
    run: Callable[[Callable[[int], None]], int]  # run(advance) -> rows written


@dataclass
class Report:
    steps: list[tuple[str, int, float]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def sql(statement: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        return max(cursor.rowcount, 0)


def scalar(statement: str, params: dict | None = None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        row = cursor.fetchone()
        return row[0] if row else None


def rows(statement: str, params: dict | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        return cursor.fetchall()


def chunks(total: int, size: int = CHUNK) -> Iterator[tuple[int, int]]:
    """Inclusive 1-based ranges covering 1..total."""
    lo = 1
    while lo <= total:
        hi = min(total, lo + size - 1)
        yield lo, hi
        lo = hi + 1


def allocate_ids(table: str, count: int) -> int:
    """Reserve ``count`` ids of ``table``: returns the offset o, so ids o+1 … o+count are free."""
    sequence = scalar("SELECT pg_get_serial_sequence(%(t)s, 'id')", {"t": table})
    top = scalar(f"SELECT coalesce(max(id), 0) FROM {table}")
    current = scalar(f"SELECT last_value FROM {sequence}")
    offset = max(top, current)
    sql("SELECT setval(%(s)s, %(v)s)", {"s": sequence, "v": offset + count + 1})
    return offset


# --- Dropping and rebuilding indexes and constraints -----------------------------------------------


@dataclass
class Saved:
    indexes: list[str] = field(default_factory=list)
    constraints: list[tuple[str, str, str]] = field(default_factory=list)  # table, name, definition


def drop_secondary(tables: list[str]) -> Saved:
    saved = Saved()
    for name, table, definition in rows(
        """
        SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.conrelid = ANY(%(t)s::regclass[]) AND c.contype IN ('f', 'u')
        ORDER BY c.contype DESC
        """,
        {"t": tables},
    ):
        saved.constraints.append((table, name, definition))
    for table, name, _definition in saved.constraints:
        sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, definition in rows(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = ANY(%(t)s::regclass[]) AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        """,
        {"t": tables},
    ):
        saved.indexes.append(definition)
        sql(f'DROP INDEX "{name}"')
    return saved


def rebuild(saved: Saved, advance: Callable[[int], None]) -> None:
    # Unique constraints first (foreign keys may need them), then plain indexes, then foreign keys.
    uniques = [c for c in saved.constraints if c[2].startswith("UNIQUE")]
    foreign = [c for c in saved.constraints if not c[2].startswith("UNIQUE")]
    for table, name, definition in uniques:
        sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        advance(1)
    for definition in saved.indexes:
        sql(definition)
        advance(1)
    for table, name, definition in foreign:
        sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        advance(1)


# --- The generator ---------------------------------------------------------------------------------


class Generator:
    """Writes the data set described in the module docstring. ``plan()`` lists the steps."""

    def __init__(self, sizes: Sizes, *, seed: int = 1):
        self.s = sizes
        self.seed = seed
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.start = self.today - datetime.timedelta(days=round(365.25 * sizes.years))
        self.saved: Saved | None = None
        self.report = Report()

    # --- reference data read from the database (demo organisation, regimes, roles) -------------------

    def load_reference(self) -> None:
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType

        from credit.models import CreditRating, CreditRegime
        from portal.models import District, LocalCustoms, User
        from portal.roles import Role

        regimes = list(CreditRegime.objects.filter(effective_from__lte=self.today).order_by("effective_from"))
        self.current = regimes[-1]
        self.previous = regimes[-2] if len(regimes) > 1 else regimes[-1]
        # The regime change happens inside the window only when the current regime began in it.
        # Events are judged under the regime in force on their date: the window starts no earlier than
        # the previous regime (two regimes at most).
        self.start = max(self.start, self.previous.effective_from + datetime.timedelta(days=62))
        self.rc = self.current.effective_from if self.current.effective_from > self.start else None
        self.ratings = {(r.regime_id, r.code): r.pk for r in CreditRating.objects.all()}
        self.groups = {g.name: g.pk for g in Group.objects.filter(name__in=Role.values)}
        ct = ContentType.objects.get(app_label="enterprises", model="enterprise")
        self.perms = {
            p.codename: p.pk
            for p in Permission.objects.filter(
                content_type=ct,
                codename__in=["view_enterprise", "represent_enterprise", "coordinate_enterprise"],
            )
        }
        self.districts = {d.code: d for d in District.objects.all()}
        self.offices = list(LocalCustoms.objects.select_related("district").order_by("code"))
        if len(self.offices) < 3:
            raise RuntimeError("bench_generate needs the demo organisation (manage.py load_demo) first")
        officers = {}
        for user in User.objects.filter(groups__name=Role.CUSTOMS_OFFICER).select_related("local_customs"):
            if user.local_customs_id:
                officers.setdefault(user.local_customs.district_id, user.pk)
        self.officers = officers
        self.request_ct = ContentType.objects.get(app_label="coordination", model="coordinationrequest").pk
        self.appeal_ct = ContentType.objects.get(app_label="appeals", model="appeal").pk

    # --- helpers in the database ----------------------------------------------------------------------

    def create_helpers(self) -> None:
        """The ``bench`` schema: hash-based pseudo-random functions, the working-day table, ratings."""
        sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        sql(f"CREATE SCHEMA {SCHEMA}")
        # u(i, salt): a reproducible pseudo-random number in [0, 1) for row i.
        sql(
            f"""
            CREATE FUNCTION {SCHEMA}.u(i bigint, salt int) RETURNS double precision
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
            $$ SELECT (hashint8extended(i, salt::bigint + {self.seed * 1000}) & 9223372036854775807)::float8
                      / 9223372036854775808.0 $$
            """
        )
        sql(
            f"""
            CREATE FUNCTION {SCHEMA}.pick(i bigint, salt int, n int) RETURNS int
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT floor({SCHEMA}.u(i, salt) * n)::int $$
            """
        )
        # Working days exactly as portal.workdays counts them (weekends, holidays, adjusted days).
        from portal.models import Holiday

        exceptions = dict(Holiday.objects.values_list("date", "is_working_day"))

        def working(day: datetime.date) -> bool:
            return exceptions.get(day, day.weekday() < 5)

        first = self.start - datetime.timedelta(days=400)
        last = self.today + datetime.timedelta(days=120)
        days = [first + datetime.timedelta(days=k) for k in range((last - first).days + 1)]
        workdays = [d for d in days if working(d)]
        values = []
        pos = 0
        for day in days:
            while pos < len(workdays) and workdays[pos] <= day:
                pos += 1
            # (day, the date n working days after day) for n = 1..40
            values.extend(
                (day, n, workdays[pos + n - 1]) for n in range(1, 41) if pos + n - 1 < len(workdays)
            )
        sql(f"CREATE TABLE {SCHEMA}.wd (day date, n int, due date, PRIMARY KEY (day, n))")
        with connection.cursor() as cursor:
            self._copy(cursor, f"{SCHEMA}.wd", values)
        sql(
            f"""
            CREATE FUNCTION {SCHEMA}.deadline(t timestamptz, n int) RETURNS timestamptz
            LANGUAGE sql STABLE PARALLEL SAFE AS
            $$ SELECT ((SELECT due FROM {SCHEMA}.wd WHERE day = (t AT TIME ZONE 'Asia/Shanghai')::date AND wd.n = $2)
                       + time '23:59:59') AT TIME ZONE 'Asia/Shanghai' $$
            """
        )
        # Working days between two dates (after start, up to and including end), as portal.workdays.
        sql(
            f"""
            CREATE FUNCTION {SCHEMA}.workdays_after(d date, n int) RETURNS date
            LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT due FROM {SCHEMA}.wd WHERE day = d AND wd.n = $2 $$
            """
        )
        # Ratings by code and date: the rating of the regime in force on that date.
        prev, cur = self.previous.pk, self.current.pk
        rc = self.rc or FAR_PAST
        sql(
            f"CREATE TABLE {SCHEMA}.rating (regime_id bigint, code text, id bigint, PRIMARY KEY (regime_id, code))"
        )
        sql(
            f"INSERT INTO {SCHEMA}.rating VALUES "
            + ", ".join(f"({rg}, '{code}', {pk})" for (rg, code), pk in self.ratings.items())
        )
        sql(
            f"""
            CREATE FUNCTION {SCHEMA}.regime(d date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
            $$ SELECT CASE WHEN d >= date '{rc}' THEN {cur} ELSE {prev} END::bigint $$
            """
        )
        sql(
            f"""
            CREATE FUNCTION {SCHEMA}.rating(code text, d date) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS
            $$ SELECT id FROM {SCHEMA}.rating WHERE regime_id = {SCHEMA}.regime(d) AND rating.code = $1 $$
            """
        )
        legal = {self.previous.pk: self.previous.legal_basis, self.current.pk: self.current.legal_basis}
        sql(
            f"""
            CREATE FUNCTION {SCHEMA}.legal(d date) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
            $$ SELECT CASE WHEN d >= date '{rc}' THEN %(cur)s ELSE %(prev)s END $$
            """.replace("%(cur)s", _quote(legal[cur])).replace("%(prev)s", _quote(legal[prev]))
        )
        # Offices: a slot table to spread enterprises (40 % / 30 % / 30 % over the first three districts).
        sql(
            f"""CREATE TABLE {SCHEMA}.office (slot int PRIMARY KEY, office_id bigint, district_id bigint,
                region text, code text)"""
        )
        by_district: dict[int, list] = {}
        for office in self.offices:
            by_district.setdefault(office.district_id, []).append(office)
        district_ids = sorted(by_district)[:3]
        shares = [40, 30, 30]
        regions = {"0100": "110105", "0200": "120116", "5300": "440300"}
        slot = 0
        values = []
        for district_id, share in zip(district_ids, shares, strict=True):
            offices = by_district[district_id]
            for k in range(share):
                office = offices[k % len(offices)]
                region = regions.get(office.district.code, "110105")
                values.append((slot, office.pk, district_id, region, office.district.code))
                slot += 1
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {SCHEMA}.office VALUES (%s, %s, %s, %s, %s)", values)

    @staticmethod
    def _copy(cursor, table: str, values: list[tuple]) -> None:
        import io

        buffer = io.StringIO("".join("\t".join(str(v) for v in row) + "\n" for row in values))
        cursor.cursor.copy_expert(f"COPY {table} FROM STDIN", buffer)

    # --- the plan -------------------------------------------------------------------------------------

    def plan(self) -> list[Step]:
        s = self.s
        n = s.enterprises
        aeo = max(int(n * s.aeo_share), 2)
        return [
            Step("enterprise plan (staging)", n, self.step_plan),
            Step("enterprises", n, self.step_enterprises),
            Step("users: contact persons and staff", int(n * 1.2), self.step_users),
            Step("memberships, role groups, grants", int(n * 1.2 * 3), self.step_members),
            Step("credit events", 3 * n, self.step_credit_events),
            Step("causes of untrustworthy findings", int(n * 0.5), self.step_findings),
            Step("coordinators and pairs", s.coordinators * 3 + aeo * 3, self.step_coordinators),
            Step("abnormal-list entries", s.abnormal, self.step_abnormal),
            Step("annual reports", n * s.report_years, self.step_reports),
            Step("coordination requests (staging)", s.requests, self.step_request_plan),
            Step("coordination requests", s.requests, self.step_requests),
            Step("handlers (the pair)", 2 * s.requests, self.step_handlers),
            Step("transitions", int(3.8 * s.requests), self.step_transitions),
            Step("messages", int(s.messages_per_request * s.requests), self.step_messages),
            Step("notifications", int(1.3 * s.requests), self.step_notifications),
            Step("site visits", s.visits, self.step_visits),
            Step("appeals and their events", int(s.appeals * 3.5), self.step_appeals),
            Step("job state (reminders, escalations, identifications)", aeo * 3, self.step_job_state),
            Step("announcements", 600, self.step_announcements),
        ]

    def run(self, progress) -> Report:
        """Run every step; ``progress`` is a bench.progress.Progress."""
        started = time.perf_counter()
        self.load_reference()
        with progress.step("helpers", 1) as advance:
            self.create_helpers()
            advance(1)
        with progress.step("drop secondary indexes and foreign keys", 1) as advance:
            self.saved = drop_secondary(BULK_TABLES)
            advance(1)
        for step in self.plan():
            t0 = time.perf_counter()
            with progress.step(step.name, step.rows) as advance:
                written = step.run(advance)
            self.report.steps.append((step.name, written, time.perf_counter() - t0))
        saved = self.saved
        t0 = time.perf_counter()
        with progress.step(
            "rebuild indexes, unique and foreign keys (checks every row)",
            len(saved.indexes) + len(saved.constraints),
        ) as advance:
            sql("SET maintenance_work_mem = '1GB'")
            sql("SET max_parallel_maintenance_workers = 2")
            rebuild(saved, advance)
        self.report.steps.append(("indexes and constraints", 0, time.perf_counter() - t0))
        t0 = time.perf_counter()
        with progress.step("VACUUM ANALYZE", len(BULK_TABLES)) as advance:
            for table in BULK_TABLES:
                sql(f"VACUUM (ANALYZE) {table}")
                advance(1)
        self.report.steps.append(("VACUUM ANALYZE", 0, time.perf_counter() - t0))
        sql(f"DROP SCHEMA {SCHEMA} CASCADE")
        self.report.seconds = time.perf_counter() - started
        return self.report

    # --- steps ----------------------------------------------------------------------------------------

    def p(self, **extra) -> dict:
        return {
            "today": self.today,
            "now": self.now,
            "start": self.start,
            "rc": self.rc or FAR_PAST,
            "backlog": self.s.backlog_days,
            **extra,
        }

    def step_plan(self, advance) -> int:
        """bench.ent: one row per enterprise with everything the other steps derive from it."""
        s = self.s
        self.e0 = allocate_ids("enterprises_enterprise", s.enterprises)
        self.u0 = allocate_ids("portal_user", s.enterprises * 2 + s.coordinators + 100)
        # contact person of enterprise i: u0 + i; staff member (every fifth): u0 + N + i;
        # coordinator j: u0 + 2N + j.
        sql(
            f"""
            CREATE UNLOGGED TABLE {SCHEMA}.ent (
                i int PRIMARY KEY, id bigint, office_id bigint, district_id bigint, region text, dcode text,
                klass smallint, variant smallint, created_at timestamptz,
                a_date date, a_reason text, a_code text,
                x_date date, x_reason text, x_code text,
                y_date date, y_reason text, y_code text,
                final_code text, certified_on date, contact_id bigint, staff_id bigint
            )"""
        )
        total = 0
        u = f"{SCHEMA}.u"
        for lo, hi in chunks(s.enterprises):
            total += sql(
                f"""
                INSERT INTO {SCHEMA}.ent (i, id, office_id, district_id, region, dcode, klass, variant,
                    created_at, contact_id, staff_id)
                SELECT i, %(e0)s + i, o.office_id, o.district_id, o.region, o.code,
                       CASE WHEN r < %(aeo)s THEN 1 WHEN r < %(aeo)s + 0.03 THEN 2
                            WHEN r < 0.94 THEN 3 WHEN r < 0.99 THEN 4 ELSE 5 END,
                       {SCHEMA}.pick(i, 3, 100),
                       CASE WHEN {u}(i, 4) < 0.8
                            THEN (%(start)s::date - {SCHEMA}.pick(i, 5, 3000) + time '09:00') AT TIME ZONE 'Asia/Shanghai'
                            ELSE (%(start)s::date + {SCHEMA}.pick(i, 5, (%(today)s::date - %(start)s::date) - 30)
                                  + time '09:00') AT TIME ZONE 'Asia/Shanghai' END,
                       %(u0)s + i, CASE WHEN i %% 5 = 0 THEN %(u0)s + %(n)s + i END
                FROM generate_series(%(lo)s, %(hi)s) i
                CROSS JOIN LATERAL (SELECT {u}(i, 1) AS r) rr
                JOIN {SCHEMA}.office o ON o.slot = {SCHEMA}.pick(i, 2, 100)
                """,
                self.p(e0=self.e0, u0=self.u0, n=s.enterprises, aeo=s.aeo_share, lo=lo, hi=hi),
            )
            advance(hi - lo + 1)
        # The credit history of each class (dates in order: a < x < y; the regime change is added later).
        span = "(%(today)s::date - %(start)s::date)"
        sql(
            f"""
            UPDATE {SCHEMA}.ent SET a_date = greatest(created_at::date, %(start)s::date) + {SCHEMA}.pick(i, 6, 30),
                                   a_reason = 'initial', a_code = 'regular'
            """,
            self.p(),
        )
        # Advanced certified: certified within the last five years (1 % overdue: certified before);
        # half of them were already advanced when the window began and were re-certified since.
        sql(
            f"""
            UPDATE {SCHEMA}.ent SET
                certified_on = CASE WHEN variant < 2 THEN %(start)s::date - 1 - {SCHEMA}.pick(i, 7, %(pre)s)
                                    ELSE greatest(a_date + 1, %(today)s::date - {SCHEMA}.pick(i, 7, {span} - 1)) END
            WHERE klass = 1
            """,
            self.p(pre=max(1, min(60, (self.start - self.previous.effective_from).days - 1))),
        )
        # Only the regime change happens on the day the current regime begins.
        sql(
            f"UPDATE {SCHEMA}.ent SET certified_on = certified_on + 1 WHERE klass = 1 AND certified_on = %(rc)s",
            self.p(),
        )
        sql(
            f"""
            UPDATE {SCHEMA}.ent SET
                a_date = CASE WHEN variant < 2 THEN certified_on ELSE a_date END,
                a_reason = CASE WHEN variant < 2 OR variant >= 50 THEN 'certification' ELSE 'initial' END,
                a_code = CASE WHEN variant < 2 OR variant >= 50 THEN 'advanced_certified' ELSE 'regular' END,
                x_date = CASE WHEN variant < 2 THEN NULL ELSE certified_on END,
                x_reason = CASE WHEN variant >= 50 THEN 'recertification' ELSE 'certification' END,
                x_code = 'advanced_certified'
            WHERE klass = 1
            """,
            self.p(),
        )
        # Certified (a rating of the current regime only): certified since the regime began.
        sql(
            f"""
            UPDATE {SCHEMA}.ent SET
                x_date = greatest(a_date, %(rc)s::date) + 1 + {SCHEMA}.pick(i, 8,
                          greatest(%(today)s::date - greatest(a_date, %(rc)s::date) - 1, 1)),
                x_reason = 'certification', x_code = 'certified'
            WHERE klass = 2
            """,
            self.p(),
        )
        sql(f"UPDATE {SCHEMA}.ent SET certified_on = x_date WHERE klass = 2")
        # Regular: half were once untrustworthy and repaired a year or more later.
        sql(
            f"""
            UPDATE {SCHEMA}.ent SET
                x_date = a_date + 1 + {SCHEMA}.pick(i, 9, greatest(%(today)s::date - a_date - 700, 1)),
                x_reason = 'downgrade', x_code = 'untrustworthy'
            WHERE klass = 3 AND variant < 50 AND %(today)s::date - a_date > 720
            """,
            self.p(),
        )
        sql(
            f"""
            UPDATE {SCHEMA}.ent SET
                y_date = least(x_date + 365 + {SCHEMA}.pick(i, 10, 300), %(today)s::date - 5),
                y_reason = 'repair', y_code = 'regular'
            WHERE klass = 3 AND x_date IS NOT NULL
            """,
            self.p(),
        )
        # Untrustworthy: found within the clean period of automatic repair (two years) plus the backlog;
        # seriously untrustworthy: a rating of the current regime only.
        sql(
            f"""
            UPDATE {SCHEMA}.ent SET
                x_date = greatest(a_date + 1, %(today)s::date - {SCHEMA}.pick(i, 11, 730 + %(backlog)s)),
                x_reason = 'downgrade', x_code = 'untrustworthy'
            WHERE klass = 4
            """,
            self.p(),
        )
        sql(
            f"""
            UPDATE {SCHEMA}.ent SET
                x_date = greatest(a_date, %(rc)s::date) + 1 + {SCHEMA}.pick(i, 12,
                          greatest(%(today)s::date - greatest(a_date, %(rc)s::date) - 1, 1)),
                x_reason = CASE WHEN variant < 50 THEN 'gift_rule' ELSE 'downgrade' END,
                x_code = 'seriously_untrustworthy'
            WHERE klass = 5
            """,
            self.p(),
        )
        sql(f"UPDATE {SCHEMA}.ent SET x_date = x_date + 1 WHERE x_date = %(rc)s", self.p())
        sql(f"UPDATE {SCHEMA}.ent SET y_date = y_date + 1 WHERE y_date = %(rc)s", self.p())
        sql(
            f"""UPDATE {SCHEMA}.ent SET final_code = coalesce(CASE WHEN y_date IS NOT NULL THEN y_code END,
                    CASE WHEN x_date IS NOT NULL THEN x_code END, a_code)"""
        )
        sql(f"CREATE INDEX ON {SCHEMA}.ent (klass, office_id)")
        sql(f"ANALYZE {SCHEMA}.ent")
        return total

    def step_enterprises(self, advance) -> int:
        total = 0
        for lo, hi in chunks(self.s.enterprises):
            total += sql(
                f"""
                INSERT INTO enterprises_enterprise (id, uscc, customs_code, name_zh, name_en, registered_address,
                    industry, is_listed, employees, premises, phone, email, certified_on, recertification_due,
                    created_at, district_id, local_customs_id, rating_id)
                SELECT e.id, p.partial || substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
                           ((31 - (p.weighted %% 31)) %% 31)::int + 1, 1),
                       left(e.dcode, 2) || lpad((30000000 + e.i)::text, 8, '0'),
                       n.city || n.w1 || n.w2 || n.kind || '有限公司',
                       n.city_en || ' ' || n.w1_en || n.w2_en || ' ' || n.kind_en || ' Co., Ltd.',
                       n.city || '市' || n.road || '路' || (1 + {SCHEMA}.pick(e.i, 20, 999)) || '号',
                       (ARRAY['manufacturing','trading','logistics','customs_broker','processing_trade',
                              'cross_border_ecommerce','other'])[1 + {SCHEMA}.pick(e.i, 21, 7)],
                       {SCHEMA}.u(e.i, 22) < 0.02, 10 + {SCHEMA}.pick(e.i, 23, 3000), '',
                       '0' || (10 + {SCHEMA}.pick(e.i, 24, 80)) || '-' || (60000000 + {SCHEMA}.pick(e.i, 25, 9999999)),
                       'customs' || e.i || '@bench-enterprise.example.cn',
                       CASE WHEN e.final_code IN ('advanced_certified', 'certified') THEN e.certified_on END,
                       CASE WHEN e.final_code IN ('advanced_certified', 'certified')
                            THEN (e.certified_on + make_interval(years => (SELECT review_cycle_years FROM credit_creditregime
                                  WHERE id = {SCHEMA}.regime(e.certified_on))))::date END,
                       e.created_at, e.district_id, e.office_id, {SCHEMA}.rating(e.final_code, %(today)s::date)
                FROM {SCHEMA}.ent e
                CROSS JOIN LATERAL (
                    SELECT '91' || e.region || lpad((200000000 + e.i)::text, 9, '0') AS partial
                ) p0
                CROSS JOIN LATERAL (
                    SELECT p0.partial AS partial,
                      (9*1 + 1*3 + {_region_weights()} + {_body_weights("(200000000 + e.i)")}) AS weighted
                ) p
                CROSS JOIN LATERAL (
                    SELECT (ARRAY['北京','天津','深圳'])[CASE e.dcode WHEN '0100' THEN 1 WHEN '0200' THEN 2 ELSE 3 END] AS city,
                           (ARRAY['Beijing','Tianjin','Shenzhen'])[CASE e.dcode WHEN '0100' THEN 1 WHEN '0200' THEN 2 ELSE 3 END] AS city_en,
                           (ARRAY{_WORDS_ZH})[1 + {SCHEMA}.pick(e.i, 26, {len(WORDS)})] AS w1,
                           (ARRAY{_WORDS_EN})[1 + {SCHEMA}.pick(e.i, 26, {len(WORDS)})] AS w1_en,
                           (ARRAY{_WORDS_ZH})[1 + {SCHEMA}.pick(e.i, 27, {len(WORDS)})] AS w2,
                           (ARRAY{_WORDS_EN_LOWER})[1 + {SCHEMA}.pick(e.i, 27, {len(WORDS)})] AS w2_en,
                           (ARRAY{_KINDS_ZH})[1 + {SCHEMA}.pick(e.i, 28, {len(KINDS)})] AS kind,
                           (ARRAY{_KINDS_EN})[1 + {SCHEMA}.pick(e.i, 28, {len(KINDS)})] AS kind_en,
                           (ARRAY{_ROADS})[1 + {SCHEMA}.pick(e.i, 29, {len(ROADS)})] AS road
                ) n
                WHERE e.i BETWEEN %(lo)s AND %(hi)s
                ORDER BY e.i
                """,
                self.p(lo=lo, hi=hi),
            )
            advance(hi - lo + 1)
        return total

    def step_users(self, advance) -> int:
        total = 0
        for lo, hi in chunks(self.s.enterprises):
            total += sql(
                f"""
                INSERT INTO portal_user (id, password, is_superuser, username, first_name, last_name, email, is_staff,
                    is_active, date_joined, full_name, phone, email_notifications, announcement_digest, language,
                    browser_language)
                SELECT x.uid, '!bench', false, x.username, '', '', x.username || '@bench-enterprise.example.cn',
                       false, true, e.created_at, {_person_name("x.uid")},
                       '13' || lpad((x.uid %% 1000000000)::text, 9, '0'),
                       {SCHEMA}.u(x.uid, 31) < 0.9, {SCHEMA}.u(x.uid, 32) < 0.02, '', ''
                FROM {SCHEMA}.ent e
                CROSS JOIN LATERAL (VALUES (e.contact_id, 'cp' || e.i), (e.staff_id, 'st' || e.i)) x(uid, username)
                WHERE e.i BETWEEN %(lo)s AND %(hi)s AND x.uid IS NOT NULL
                """,
                self.p(lo=lo, hi=hi),
            )
            advance(int((hi - lo + 1) * 1.2))
        return total

    def step_members(self, advance) -> int:
        g = self.groups
        total = 0
        for lo, hi in chunks(self.s.enterprises):
            p = self.p(lo=lo, hi=hi, cp=g["contact_person"], st=g["enterprise_staff"])
            total += sql(
                f"""
                INSERT INTO enterprises_membership (role, position, is_senior_executive, started_at, district_id,
                    enterprise_id, user_id)
                SELECT x.role, x.position, x.senior, e.created_at, e.district_id, e.id, x.uid
                FROM {SCHEMA}.ent e
                CROSS JOIN LATERAL (VALUES (e.contact_id, 'contact_person', '副总经理（分管关务）', true),
                                           (e.staff_id, 'enterprise_staff', '关务专员', false)) x(uid, role, position, senior)
                WHERE e.i BETWEEN %(lo)s AND %(hi)s AND x.uid IS NOT NULL
                """,
                p,
            )
            total += sql(
                f"""
                INSERT INTO portal_user_groups (user_id, group_id)
                SELECT x.uid, x.g FROM {SCHEMA}.ent e
                CROSS JOIN LATERAL (VALUES (e.contact_id, %(cp)s), (e.staff_id, %(st)s)) x(uid, g)
                WHERE e.i BETWEEN %(lo)s AND %(hi)s AND x.uid IS NOT NULL
                """,
                p,
            )
            total += sql(
                f"""
                INSERT INTO enterprises_enterpriseuserobjectpermission (content_object_id, permission_id, user_id)
                SELECT e.id, x.perm, x.uid FROM {SCHEMA}.ent e
                CROSS JOIN LATERAL (VALUES (e.contact_id, %(view)s), (e.contact_id, %(represent)s),
                                           (e.staff_id, %(view)s)) x(uid, perm)
                WHERE e.i BETWEEN %(lo)s AND %(hi)s AND x.uid IS NOT NULL
                """,
                {**p, "view": self.perms["view_enterprise"], "represent": self.perms["represent_enterprise"]},
            )
            advance(int((hi - lo + 1) * 1.2 * 3))
        return total

    def step_credit_events(self, advance) -> int:
        """Each enterprise's chain: a < x < y (bench.ent) plus the regime change; ``from_rating`` is the
        rating in force the day before (mapped into the event's regime, as ``record_credit_event``)."""
        total = 0
        regime_code = self.current.code
        before = (
            "CASE WHEN e.y_date < ev.d THEN e.y_code WHEN e.x_date < ev.d THEN e.x_code "
            "WHEN e.a_date < ev.d THEN e.a_code END"
        )
        for lo, hi in chunks(self.s.enterprises):
            total += sql(
                f"""
                INSERT INTO credit_creditevent (effective_date, reason, reason_text, legal_basis, evidence, recorded_at,
                    source_key, actor_id, district_id, enterprise_id, from_rating_id, to_rating_id, regime_id)
                SELECT ev.d, ev.reason,
                       CASE ev.reason WHEN 'initial' THEN '信用等级初始认定'
                            WHEN 'certification' THEN '海关高级认证企业认证'
                            WHEN 'recertification' THEN '海关高级认证企业重新认证'
                            WHEN 'downgrade' THEN '欠缴税款超过3个月'
                            WHEN 'gift_rule' THEN '向海关工作人员赠送礼品'
                            WHEN 'repair' THEN '信用修复' ELSE '' END,
                       {SCHEMA}.legal(ev.d),
                       CASE WHEN ev.reason IN ('certification', 'recertification') THEN '现场认证报告'
                            WHEN ev.reason IN ('downgrade', 'gift_rule') THEN '处理决定书' ELSE '' END,
                       (ev.d + time '10:00') AT TIME ZONE 'Asia/Shanghai',
                       CASE WHEN ev.reason = 'regime_change' THEN 'regime:{regime_code}:' || e.id END,
                       NULL, e.district_id, e.id,
                       CASE WHEN ev.reason = 'regime_change' THEN {SCHEMA}.rating({before}, ev.d - 1)
                            ELSE {SCHEMA}.rating({before}, ev.d) END,
                       {SCHEMA}.rating(coalesce(ev.code, {before}), ev.d), {SCHEMA}.regime(ev.d)
                FROM {SCHEMA}.ent e
                CROSS JOIN LATERAL (VALUES
                    (1, e.a_date, e.a_reason, e.a_code),
                    (2, e.x_date, e.x_reason, e.x_code),
                    (3, e.y_date, e.y_reason, e.y_code),
                    (4, CASE WHEN e.a_date < %(rc)s::date THEN %(rc)s::date END, 'regime_change', NULL)
                ) ev(ord, d, reason, code)
                WHERE e.i BETWEEN %(lo)s AND %(hi)s AND ev.d IS NOT NULL
                ORDER BY e.id, ev.d, ev.ord
                """,
                self.p(lo=lo, hi=hi),
            )
            advance(3 * (hi - lo + 1))
        return total

    def step_findings(self, advance) -> int:
        """The cause of every finding of untrustworthiness (repair waits depend on it)."""
        untrustworthy = [pk for (rg, code), pk in self.ratings.items() if "untrustworthy" in code]
        total = sql(
            f"""
            INSERT INTO credit_untrustworthyfinding (cause, recorded_at, event_id, recorded_by_id)
            SELECT (ARRAY['smuggling','obstruction','violation_count','fines','fines'])[1 + {SCHEMA}.pick(ev.id, 40, 5)],
                   ev.recorded_at, ev.id, NULL
            FROM credit_creditevent ev
            WHERE ev.to_rating_id = ANY(%(u)s) AND ev.reason IN ('downgrade', 'gift_rule')
              AND ev.enterprise_id > %(e0)s
            """,
            {"u": untrustworthy, "e0": self.e0},
        )
        advance(total)
        return total

    def step_coordinators(self, advance) -> int:
        s = self.s
        aeo_by_office = dict(
            rows(f"SELECT office_id, count(*) FROM {SCHEMA}.ent WHERE klass = 1 GROUP BY office_id")
        )
        total_aeo = sum(aeo_by_office.values()) or 1
        plan, offset = [], 0
        for office in self.offices:
            count = max(2, round(s.coordinators * aeo_by_office.get(office.pk, 0) / total_aeo))
            plan.append((office.pk, offset, count))
            offset += count
        self.k0 = allocate_ids("coordinators_coordinator", offset)
        uk0 = self.u0 + 2 * s.enterprises
        sql(f"CREATE TABLE {SCHEMA}.coord_office (office_id bigint PRIMARY KEY, first int, n int)")
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {SCHEMA}.coord_office VALUES (%s, %s, %s)", plan)
        p = self.p(k0=self.k0, uk0=uk0, total=offset, g=self.groups["coordinator"])
        written = sql(
            f"""
            INSERT INTO portal_user (id, password, is_superuser, username, first_name, last_name, email, is_staff,
                is_active, date_joined, full_name, phone, email_notifications, announcement_digest, local_customs_id,
                language, browser_language)
            SELECT %(uk0)s + j, '!bench', false, 'coord' || j, '', '', 'coord' || j || '@customs.example.cn', false,
                   true, %(start)s::date - 400, {_person_name("j + 7")}, '010-6' || lpad(j::text, 7, '0'),
                   true, false, c.office_id, '', ''
            FROM {SCHEMA}.coord_office c CROSS JOIN LATERAL generate_series(c.first + 1, c.first + c.n) j
            """,
            p,
        )
        written += sql(
            """INSERT INTO portal_user_groups (user_id, group_id)
                SELECT %(uk0)s + j, %(g)s FROM generate_series(1, %(total)s) j""",
            p,
        )
        written += sql(
            f"""
            INSERT INTO coordinators_coordinator (id, certificate_number, qualification_valid_until, status,
                created_at, local_customs_id, user_id)
            SELECT %(k0)s + j, 'BQ' || lpad(j::text, 8, '0'), %(today)s::date + 200 + {SCHEMA}.pick(j, 41, 1000),
                   'active', (%(start)s::date - 400 + time '09:00') AT TIME ZONE 'Asia/Shanghai', c.office_id, %(uk0)s + j
            FROM {SCHEMA}.coord_office c CROSS JOIN LATERAL generate_series(c.first + 1, c.first + c.n) j
            """,
            p,
        )
        advance(written)
        # The advanced-certified enterprises, numbered per office, and their pairs (about ten each).
        sql(
            f"""
            CREATE UNLOGGED TABLE {SCHEMA}.aeo AS
            SELECT e.i, e.id, e.office_id, e.district_id, e.contact_id, e.staff_id, e.certified_on,
                   CASE WHEN e.variant >= 50 OR e.variant < 2 THEN least(e.a_date, e.certified_on)
                        ELSE e.certified_on END AS pair_start,
                   %(k0)s + c.first + 1 + (k %% c.n) AS ca,
                   %(k0)s + c.first + 1 + ((k %% c.n) + 1 + ((k / c.n) %% greatest(c.n - 1, 1))) %% c.n AS cb,
                   0.2 + 1.8 * {SCHEMA}.u(e.i, 42) ^ 2 AS weight
            FROM (SELECT e.*, row_number() OVER (PARTITION BY e.office_id ORDER BY e.i) - 1 AS k
                  FROM {SCHEMA}.ent e WHERE e.klass = 1) e
            JOIN {SCHEMA}.coord_office c ON c.office_id = e.office_id
            """,
            p,
        )
        sql(
            f"""UPDATE {SCHEMA}.aeo SET ca = least(ca, cb), cb = greatest(ca, cb)""",
        )
        sql(f"ALTER TABLE {SCHEMA}.aeo ADD PRIMARY KEY (id)")
        sql(f"ANALYZE {SCHEMA}.aeo")
        pairs = sql(
            f"""
            INSERT INTO coordinators_pairassignment (started_on, a_since, b_since, ended_on, end_reason, assigned_by_id,
                coordinator_a_id, coordinator_b_id, district_id, ended_by_id, enterprise_id)
            SELECT a.pair_start, a.pair_start, a.pair_start, NULL, '', NULL, a.ca, a.cb, a.district_id, NULL, a.id
            FROM {SCHEMA}.aeo a
            """
        )
        pairs_users = sql(
            f"""
            INSERT INTO enterprises_enterpriseuserobjectpermission (content_object_id, permission_id, user_id)
            SELECT a.id, %(perm)s, c.user_id FROM {SCHEMA}.aeo a
            JOIN coordinators_coordinator c ON c.id IN (a.ca, a.cb)
            """,
            {"perm": self.perms["coordinate_enterprise"]},
        )
        advance(pairs * 3)
        return written + pairs + pairs_users

    def step_abnormal(self, advance) -> int:
        """Entries: 85 % cured within 90 days; open ones listed within the last 200 days, those past the
        regime's 90 days (minus the backlog) identified already (their enterprises are untrustworthy)."""
        s = self.s
        n_open_old = max(1, s.abnormal // 20)  # open past 90 days: on untrustworthy enterprises
        n_open_new = max(1, s.abnormal // 10)  # open, listed recently: on regular enterprises
        n_removed = s.abnormal - n_open_old - n_open_new
        p = self.p(e0=self.e0, n=s.enterprises)
        officer_sql = self._officer_sql("e.district_id")
        total = sql(
            f"""
            INSERT INTO credit_abnormallistentry (reason, reason_text, listed_on, removed_on, cure, district_id,
                enterprise_id, listed_by_id, removed_by_id)
            SELECT CASE WHEN {SCHEMA}.u(j, 50) < 0.6 THEN 'annual_report' ELSE 'unreachable' END,
                   '现场核查未发现企业，登记联系人无法联系', l.listed_on, l.listed_on + 10 + {SCHEMA}.pick(j, 51, 75),
                   '企业已补报年度信用报告并经核实', e.district_id, e.id, {officer_sql}, {officer_sql}
            FROM generate_series(1, %(k)s) j
            JOIN {SCHEMA}.ent e ON e.i = 1 + {SCHEMA}.pick(j, 52, %(n)s)
            CROSS JOIN LATERAL (SELECT %(start)s::date + {SCHEMA}.pick(j, 53,
                 greatest(%(today)s::date - %(start)s::date - 100, 1)) AS listed_on) l
            """,
            {**p, "k": n_removed},
        )
        advance(total)
        # Open entries: one per enterprise at most (one_open_abnormal_entry).
        opened = sql(
            f"""
            INSERT INTO credit_abnormallistentry (reason, reason_text, listed_on, removed_on, cure, district_id,
                enterprise_id, listed_by_id)
            SELECT 'unreachable', '现场核查未发现企业，登记联系人无法联系',
                   CASE WHEN e.klass = 4 THEN %(today)s::date - 92 - %(backlog)s - {SCHEMA}.pick(e.i, 54, 400)
                        ELSE %(today)s::date - 1 - {SCHEMA}.pick(e.i, 54, 90 + %(backlog)s) END,
                   NULL::date, '', e.district_id, e.id, {officer_sql}
            FROM (SELECT * FROM {SCHEMA}.ent WHERE klass = 4 ORDER BY {SCHEMA}.u(i, 55) LIMIT %(old)s) e
            UNION ALL
            SELECT 'annual_report', '未按时报送年度信用报告',
                   %(today)s::date - 1 - {SCHEMA}.pick(e.i, 54, 90 + %(backlog)s), NULL, '', e.district_id, e.id,
                   {officer_sql}
            FROM (SELECT * FROM {SCHEMA}.ent WHERE klass = 3 AND x_date IS NULL
                  ORDER BY {SCHEMA}.u(i, 56) LIMIT %(new)s) e
            """,
            {**p, "old": n_open_old, "new": n_open_new},
        )
        # Identified already: open entries of untrustworthy enterprises past the limit before the backlog.
        sql(
            f"""
            INSERT INTO credit_abnormallistidentification (identified_on, note, created_at, entry_id, credit_event_id)
            SELECT a.listed_on + 91,
                   jsonb_build_object('msgid', %(already_rated)s, 'params', jsonb_build_object(
                       'rating', jsonb_build_object('names', jsonb_build_array(r.name_zh, r.name_en)))),
                   (a.listed_on + 91 + time '02:00') AT TIME ZONE 'Asia/Shanghai', a.id, NULL
            FROM credit_abnormallistentry a JOIN {SCHEMA}.ent e ON e.id = a.enterprise_id
            JOIN enterprises_enterprise ee ON ee.id = a.enterprise_id
            JOIN credit_creditrating r ON r.id = ee.rating_id
            WHERE a.removed_on IS NULL AND e.klass = 4 AND a.listed_on + 91 <= %(today)s::date - %(backlog)s
            """,
            {**p, "already_rated": "Already rated %(rating)s: rating unchanged."},
        )
        advance(opened)
        return total + opened

    def _officer_sql(self, district_expr: str) -> str:
        if not self.officers:
            return "NULL"
        cases = " ".join(f"WHEN {d} THEN {u}" for d, u in self.officers.items())
        return f"(CASE {district_expr} {cases} END)"

    def step_reports(self, advance) -> int:
        s = self.s
        total = 0
        year0 = self.today.year - s.report_years + 1
        for year in range(year0, self.today.year + 1):
            deadline = datetime.date(year, 6, 30)
            share = 0.97 if year == self.today.year else 0.985
            for lo, hi in chunks(s.enterprises, 200_000):
                total += sql(
                    f"""
                    INSERT INTO credit_annualreport (year, operating_normally, registration_unchanged,
                        import_export_value, statement, submitted_at, district_id, enterprise_id, submitted_by_id)
                    SELECT %(year)s, true, {SCHEMA}.u(e.i, 60 + %(year)s) < 0.95,
                           round((100 + {SCHEMA}.u(e.i, 61) * 90000)::numeric, 2), '经营正常，登记信息无变化',
                           (make_date(%(year)s, 1, 2) + {SCHEMA}.pick(e.i, 62 + %(year)s, 178) + time '10:00')
                               AT TIME ZONE 'Asia/Shanghai',
                           e.district_id, e.id, e.contact_id
                    FROM {SCHEMA}.ent e
                    WHERE e.i BETWEEN %(lo)s AND %(hi)s AND e.created_at < %(deadline)s::date
                      AND {SCHEMA}.u(e.i, 63 + %(year)s) < %(share)s
                    """,
                    self.p(year=year, deadline=deadline, share=share, lo=lo, hi=hi),
                )
                advance(hi - lo + 1)
        return total

    # --- coordination requests ---------------------------------------------------------------------

    def step_request_plan(self, advance) -> int:
        """bench.req: every request of the paired enterprises with its whole life, ordered by filing."""
        s = self.s
        self.r0 = allocate_ids("coordination_coordinationrequest", s.requests)
        sql(
            f"""
            CREATE UNLOGGED TABLE {SCHEMA}.aeo_share AS
            SELECT id, w, floor(%(r)s * sum(w) OVER (ORDER BY id) / sum(w) OVER ())::bigint AS cum
            FROM (SELECT id, weight * greatest(%(today)s::date - greatest(pair_start, %(start)s::date), 1) AS w
                  FROM {SCHEMA}.aeo) x
            """,
            self.p(r=s.requests),
        )
        sql(
            f"""UPDATE {SCHEMA}.aeo a SET weight = s.cum - coalesce(lag, 0)
                FROM (SELECT id, cum, lag(cum) OVER (ORDER BY id) AS lag FROM {SCHEMA}.aeo_share) s
                WHERE s.id = a.id"""
        )
        # Times: uniform over the enterprise's paired period; statuses by age (see _status_sql).
        sql(
            f"""
            CREATE UNLOGGED TABLE {SCHEMA}.req AS
            SELECT row_number() OVER (ORDER BY filed_at, h) AS rn, x.*
            FROM (
                SELECT a.id AS enterprise_id, a.district_id, a.office_id, a.contact_id, a.staff_id, a.ca, a.cb,
                       (a.id * 100000 + g) AS h,
                       greatest(%(start)s::date, a.pair_start)::timestamptz
                         + (%(now)s::timestamptz - interval '30 minutes' - greatest(%(start)s::date, a.pair_start)::timestamptz)
                           * {SCHEMA}.u(a.id * 100000 + g, 70) AS filed_at
                FROM {SCHEMA}.aeo a CROSS JOIN LATERAL generate_series(1, a.weight::int) g
            ) x
            """,
            self.p(),
        )
        count = scalar(f"SELECT count(*) FROM {SCHEMA}.req")
        advance(count // 2)
        sql(
            f"""
            ALTER TABLE {SCHEMA}.req
                ADD COLUMN service_type text, ADD COLUMN status text, ADD COLUMN filed_by bigint,
                ADD COLUMN first_due timestamptz, ADD COLUMN resolution_due timestamptz,
                ADD COLUMN responded_at timestamptz, ADD COLUMN resolved_at timestamptz,
                ADD COLUMN closed_at timestamptz, ADD COLUMN changed_at timestamptz, ADD COLUMN lead bigint,
                ADD COLUMN started boolean, ADD COLUMN pending_office bigint, ADD COLUMN rating smallint
            """
        )
        age = "extract(epoch FROM (%(now)s::timestamptz - filed_at)) / 86400.0"
        sql(
            f"""
            UPDATE {SCHEMA}.req SET
              service_type = (ARRAY['consulting','consulting','consulting','difficult_problems','difficult_problems',
                                    'appeals','opinions','standards_guidance','cooperation_guidance','other'])
                             [1 + {SCHEMA}.pick(h, 71, 10)],
              filed_by = CASE WHEN staff_id IS NOT NULL AND {SCHEMA}.u(h, 72) < 0.2 THEN staff_id ELSE contact_id END,
              status = CASE
                WHEN {age} > 60 THEN
                  CASE WHEN {SCHEMA}.u(h, 73) < 0.002 THEN 'in_progress'
                       WHEN {SCHEMA}.u(h, 73) < 0.05 THEN 'rejected' WHEN {SCHEMA}.u(h, 73) < 0.08 THEN 'withdrawn'
                       WHEN {SCHEMA}.u(h, 73) < 0.14 THEN 'resolved' ELSE 'closed' END
                WHEN {age} > 20 THEN
                  CASE WHEN {SCHEMA}.u(h, 73) < 0.05 THEN 'in_progress' WHEN {SCHEMA}.u(h, 73) < 0.08 THEN 'awaiting_enterprise'
                       WHEN {SCHEMA}.u(h, 73) < 0.12 THEN 'rejected' WHEN {SCHEMA}.u(h, 73) < 0.28 THEN 'resolved'
                       ELSE 'closed' END
                WHEN {age} > 2 THEN
                  CASE WHEN {SCHEMA}.u(h, 73) < 0.35 THEN 'in_progress' WHEN {SCHEMA}.u(h, 73) < 0.45 THEN 'awaiting_enterprise'
                       WHEN {SCHEMA}.u(h, 73) < 0.50 THEN 'accepted' WHEN {SCHEMA}.u(h, 73) < 0.52 THEN 'transferred'
                       WHEN {SCHEMA}.u(h, 73) < 0.55 THEN 'rejected' WHEN {SCHEMA}.u(h, 73) < 0.75 THEN 'resolved'
                       ELSE 'closed' END
                ELSE
                  CASE WHEN {SCHEMA}.u(h, 73) < 0.6 THEN 'submitted' WHEN {SCHEMA}.u(h, 73) < 0.9 THEN 'accepted'
                       ELSE 'in_progress' END
              END
            """,
            self.p(),
        )
        # SLA dues in working days (coordination.sla.DEFAULT_TARGETS / ServiceLevel rows).
        targets = {
            t: (f, r)
            for t, f, r in rows(
                "SELECT service_type, first_response_working_days, resolution_working_days FROM coordination_servicelevel"
            )
        }
        if not targets:
            from coordination.sla import DEFAULT_TARGETS

            targets = {str(k): v for k, v in DEFAULT_TARGETS.items()}
        first_case = " ".join(f"WHEN '{t}' THEN {f}" for t, (f, _r) in targets.items())
        res_case = " ".join(f"WHEN '{t}' THEN {r}" for t, (_f, r) in targets.items())
        sql(
            f"""
            UPDATE {SCHEMA}.req SET
              first_due = {SCHEMA}.deadline(filed_at, CASE service_type {first_case} ELSE 2 END),
              resolution_due = {SCHEMA}.deadline(filed_at, CASE service_type {res_case} ELSE 10 END)
            """
        )
        # Responses (90 % on time), resolutions (85 % on time), closings, the lead coordinator.
        sql(
            f"""
            UPDATE {SCHEMA}.req SET
              responded_at = CASE WHEN status IN ('submitted', 'withdrawn') THEN NULL ELSE
                  least(filed_at + (CASE WHEN {SCHEMA}.u(h, 74) < 0.9 THEN (first_due - filed_at) * {SCHEMA}.u(h, 75)
                                        ELSE (first_due - filed_at) * (1 + 2 * {SCHEMA}.u(h, 75)) END),
                        %(now)s::timestamptz - interval '10 minutes') END,
              lead = CASE WHEN status IN ('submitted', 'withdrawn', 'transferred') OR status = 'rejected' AND {SCHEMA}.u(h, 76) < 0.5
                          THEN NULL WHEN {SCHEMA}.u(h, 76) < 0.5 THEN ca ELSE cb END,
              started = status IN ('in_progress', 'awaiting_enterprise', 'transferred')
                        OR status IN ('resolved', 'closed') AND {SCHEMA}.u(h, 77) < 0.5
            """,
            self.p(),
        )
        sql(
            f"""
            UPDATE {SCHEMA}.req SET
              resolved_at = CASE WHEN status IN ('resolved', 'closed') THEN
                  least(greatest(responded_at + interval '1 hour',
                        CASE WHEN {SCHEMA}.u(h, 78) < 0.85 THEN responded_at + (resolution_due - responded_at) * {SCHEMA}.u(h, 79)
                             ELSE resolution_due + (resolution_due - filed_at) * {SCHEMA}.u(h, 79) END),
                        %(now)s::timestamptz - interval '5 minutes') END
            """,
            self.p(),
        )
        sql(
            f"""
            UPDATE {SCHEMA}.req SET
              closed_at = CASE WHEN status = 'closed'
                  THEN least(resolved_at + interval '1 day' * (0.2 + 4 * {SCHEMA}.u(h, 80)), %(now)s::timestamptz - interval '1 minute') END,
              rating = CASE WHEN status = 'closed' AND {SCHEMA}.u(h, 81) < 0.7 THEN 3 + {SCHEMA}.pick(h, 82, 3) END,
              pending_office = CASE WHEN status = 'transferred' THEN
                  (SELECT o.id FROM portal_localcustoms o WHERE o.district_id = {SCHEMA}.req.district_id
                     AND o.id <> {SCHEMA}.req.office_id ORDER BY o.id LIMIT 1) END
            """,
            self.p(),
        )
        # A transfer needs a target: where the district has a single office, it is not transferred.
        sql(
            f"UPDATE {SCHEMA}.req SET status = 'in_progress' WHERE status = 'transferred' AND pending_office IS NULL"
        )
        sql(
            f"""
            UPDATE {SCHEMA}.req SET changed_at = CASE status
                WHEN 'submitted' THEN filed_at
                WHEN 'withdrawn' THEN filed_at + (%(now)s::timestamptz - filed_at) * 0.1 * {SCHEMA}.u(h, 83)
                WHEN 'closed' THEN closed_at WHEN 'resolved' THEN resolved_at
                ELSE responded_at + (%(now)s::timestamptz - responded_at) * 0.5 END
            """,
            self.p(),
        )
        sql(f"ALTER TABLE {SCHEMA}.req ADD PRIMARY KEY (rn)")
        sql(f"ANALYZE {SCHEMA}.req")
        advance(count - count // 2)
        self.request_count = count
        return count

    def step_requests(self, advance) -> int:
        total = 0
        for lo, hi in chunks(self.request_count):
            total += sql(
                f"""
                INSERT INTO coordination_coordinationrequest (id, service_type, subject, description, urgency, status,
                    filed_at, status_changed_at, first_response_due, resolution_due, first_responded_at, paused_at,
                    paused_working_days, resolved_at, resolution_summary, closed_at, rating, rating_comment,
                    site_visit_requested_at, converted_appeal_id, district_id, enterprise_id, filed_by_id,
                    first_office_id, lead_id, pending_department_id, pending_office_id, responsible_department_id,
                    responsible_office_id, next_due)
                SELECT %(r0)s + r.rn, r.service_type,
                       (ARRAY{_SUBJECTS})[1 + {SCHEMA}.pick(r.h, 90, {len(SUBJECTS)})],
                       (ARRAY{_DESCRIPTIONS})[1 + {SCHEMA}.pick(r.h, 91, {len(DESCRIPTIONS)})],
                       CASE WHEN {SCHEMA}.u(r.h, 92) < 0.1 THEN 'urgent' ELSE 'normal' END,
                       r.status, r.filed_at, r.changed_at, r.first_due, r.resolution_due, r.responded_at,
                       CASE WHEN r.status = 'awaiting_enterprise' THEN r.changed_at END, 0, r.resolved_at,
                       CASE WHEN r.resolved_at IS NOT NULL THEN '已按政策规定答复企业，企业无异议。' ELSE '' END,
                       r.closed_at, r.rating, CASE WHEN r.rating IS NOT NULL THEN '答复及时，感谢。' ELSE '' END,
                       NULL, NULL, r.district_id, r.enterprise_id, r.filed_by, r.office_id, r.lead, NULL,
                       r.pending_office, NULL, r.office_id,
                       CASE WHEN r.status IN {OPEN_SQL} THEN coalesce(
                           CASE WHEN r.responded_at IS NULL THEN r.first_due END, r.resolution_due) END
                FROM {SCHEMA}.req r WHERE r.rn BETWEEN %(lo)s AND %(hi)s ORDER BY r.rn
                """,
                {"r0": self.r0, "lo": lo, "hi": hi},
            )
            advance(hi - lo + 1)
        return total

    def step_handlers(self, advance) -> int:
        total = 0
        for lo, hi in chunks(self.request_count, 100_000):
            total += sql(
                f"""
                INSERT INTO coordination_requesthandler (reason, added_at, coordinator_id, request_id, end_reason)
                SELECT 'pair', r.filed_at, c.id, %(r0)s + r.rn, ''
                FROM {SCHEMA}.req r CROSS JOIN LATERAL (VALUES (r.ca), (r.cb)) c(id)
                WHERE r.rn BETWEEN %(lo)s AND %(hi)s ORDER BY r.rn
                """,
                {"r0": self.r0, "lo": lo, "hi": hi},
            )
            advance(2 * (hi - lo + 1))
        return total

    def step_transitions(self, advance) -> int:
        """The state machine's path to each status (coordination.states.ACTIONS), with actors and times."""
        total = 0
        for lo, hi in chunks(self.request_count, 100_000):
            total += sql(
                f"""
                INSERT INTO coordination_requesttransition (action, from_status, to_status, at, note, is_internal,
                    actor_id, request_id)
                SELECT t.action, t.from_status, t.to_status, t.at, t.note, false, t.actor, %(r0)s + r.rn
                FROM {SCHEMA}.req r
                LEFT JOIN coordinators_coordinator lc ON lc.id = r.lead
                CROSS JOIN LATERAL (VALUES
                  (1, 'file', '', 'submitted', r.filed_at, r.filed_by, ''),
                  (2, CASE WHEN r.status NOT IN ('submitted', 'withdrawn')
                            AND NOT (r.status = 'rejected' AND r.lead IS NULL) THEN 'accept' END,
                      'submitted', 'accepted', r.responded_at, lc.user_id, ''),
                  (3, CASE WHEN r.started THEN 'start' END, 'accepted', 'in_progress',
                      r.responded_at + interval '1 minute', lc.user_id, ''),
                  (4, CASE WHEN r.status = 'awaiting_enterprise' THEN 'ask_information' END,
                      CASE WHEN r.started THEN 'in_progress' ELSE 'accepted' END, 'awaiting_enterprise',
                      r.changed_at, lc.user_id, '请补充提供报关单及合同复印件。'),
                  (5, CASE WHEN r.status = 'transferred' THEN 'transfer' END, 'in_progress', 'transferred',
                      r.changed_at, (SELECT user_id FROM coordinators_coordinator WHERE id = r.ca), '涉及其他隶属海关业务'),
                  (6, CASE WHEN r.resolved_at IS NOT NULL THEN 'resolve' END,
                      CASE WHEN r.started THEN 'in_progress' ELSE 'accepted' END, 'resolved', r.resolved_at,
                      lc.user_id, '已按政策规定答复企业。'),
                  (7, CASE WHEN r.status = 'closed' THEN 'confirm' END, 'resolved', 'closed', r.closed_at,
                      r.filed_by, ''),
                  (8, CASE WHEN r.status = 'rejected' THEN 'reject' END,
                      CASE WHEN r.lead IS NULL THEN 'submitted' ELSE 'accepted' END, 'rejected',
                      coalesce(r.responded_at, r.changed_at) + interval '1 minute',
                      coalesce(lc.user_id, (SELECT user_id FROM coordinators_coordinator WHERE id = r.ca)),
                      '不属于协调员服务范围'),
                  (9, CASE WHEN r.status = 'withdrawn' THEN 'withdraw' END, 'submitted', 'withdrawn', r.changed_at,
                      r.filed_by, '问题已自行解决')
                ) t(ord, action, from_status, to_status, at, actor, note)
                WHERE r.rn BETWEEN %(lo)s AND %(hi)s AND t.action IS NOT NULL
                ORDER BY r.rn, t.ord
                """,
                {"r0": self.r0, "lo": lo, "hi": hi},
            )
            advance(int(3.8 * (hi - lo + 1)))
        return total

    def step_messages(self, advance) -> int:
        """A reply from the coordinator, the enterprise's answer, sometimes an internal note, the
        resolution: about ``messages_per_request`` per request."""
        total = 0
        extra = max(self.s.messages_per_request - 1.0, 0.0)
        for lo, hi in chunks(self.request_count, 100_000):
            total += sql(
                f"""
                INSERT INTO coordination_requestmessage (from_customs, kind, body, is_internal, created_at, author_id,
                    request_id)
                SELECT m.from_customs, m.kind, m.body, m.internal, m.at, m.author, %(r0)s + r.rn
                FROM {SCHEMA}.req r
                JOIN coordinators_coordinator c ON c.id = coalesce(r.lead, r.ca)
                CROSS JOIN LATERAL (VALUES
                  (1, r.responded_at IS NOT NULL, true, 'message', '您好，已收到您的问题，正在核实相关规定。', false,
                      r.responded_at, c.user_id),
                  (2, r.responded_at IS NOT NULL AND {SCHEMA}.u(r.h, 95) < %(extra)s * 0.6, false, 'message',
                      '感谢答复，补充材料已上传，请查收。', false,
                      r.responded_at + (coalesce(r.resolved_at, %(now)s::timestamptz) - r.responded_at) * 0.3, r.filed_by),
                  (3, r.responded_at IS NOT NULL AND {SCHEMA}.u(r.h, 96) < %(extra)s * 0.25, true, 'message',
                      '内部备注：已与监管处电话沟通，待其书面意见。', true,
                      r.responded_at + (coalesce(r.resolved_at, %(now)s::timestamptz) - r.responded_at) * 0.5, c.user_id),
                  (4, r.resolved_at IS NOT NULL AND {SCHEMA}.u(r.h, 97) < %(extra)s * 0.9, true, 'resolution',
                      '经核实，贵司所涉商品归类及适用税率如下，请按规定申报。', false, r.resolved_at, c.user_id)
                ) m(ord, present, from_customs, kind, body, internal, at, author)
                WHERE r.rn BETWEEN %(lo)s AND %(hi)s AND m.present
                ORDER BY r.rn, m.ord
                """,
                {"r0": self.r0, "lo": lo, "hi": hi, "extra": extra, "now": self.now},
            )
            advance(int(self.s.messages_per_request * (hi - lo + 1)))
        # Pending transfers: the transfer row the 'transferred' status needs.
        sql(
            f"""
            INSERT INTO coordination_requesttransfer (decided_at, reason, requested_at, outcome, decision_note,
                decided_by_id, from_department_id, from_office_id, request_id, requested_by_id, to_department_id,
                to_office_id)
            SELECT NULL, '涉及其他隶属海关业务', r.changed_at, 'pending', '', NULL, NULL, r.office_id, %(r0)s + r.rn,
                   (SELECT user_id FROM coordinators_coordinator WHERE id = r.ca), NULL, r.pending_office
            FROM {SCHEMA}.req r WHERE r.status = 'transferred'
            """,
            {"r0": self.r0},
        )
        return total

    def step_notifications(self, advance) -> int:
        """The contact person hears of each request's latest change; the lead coordinator of new requests
        in the last half year (older ones read)."""
        total = 0
        for lo, hi in chunks(self.request_count, 100_000):
            total += sql(
                f"""
                INSERT INTO portal_notification (verb, message, details, url, group_key, count, enterprise_id,
                    created_at, read_at, emailed_at, recipient_id)
                SELECT n.verb, n.message, '""'::jsonb, '/coordination/requests/' || q.id || '/', n.grp, 1,
                       r.enterprise_id, n.at,
                       CASE WHEN n.at < %(now)s::timestamptz - interval '14 days' OR {SCHEMA}.u(r.h, 98) < 0.6
                            THEN n.at + interval '3 hours' END,
                       n.at + interval '1 minute', n.recipient
                FROM {SCHEMA}.req r
                JOIN coordination_coordinationrequest q ON q.id = %(r0)s + r.rn
                JOIN coordinators_coordinator c ON c.id = r.ca
                CROSS JOIN LATERAL (VALUES
                  (true, 'request_status', 'request:' || q.id,
                   jsonb_build_object('msgid', %(status_msg)s, 'params', jsonb_build_object(
                       'number', q.id, 'subject', left(q.subject, 60),
                       'status', jsonb_build_object('label', jsonb_build_array('request_status', q.status)))),
                   r.changed_at, r.filed_by),
                  (r.filed_at > %(now)s::timestamptz - interval '180 days', 'request_filed', '',
                   jsonb_build_object('msgid', %(filed_msg)s, 'params', jsonb_build_object(
                       'number', q.id, 'subject', left(q.subject, 60))),
                   r.filed_at, c.user_id)
                ) n(present, verb, grp, message, at, recipient)
                WHERE r.rn BETWEEN %(lo)s AND %(hi)s AND n.present
                """,
                {
                    "r0": self.r0,
                    "lo": lo,
                    "hi": hi,
                    "now": self.now,
                    "status_msg": "Request #%(number)s “%(subject)s”: %(status)s",
                    "filed_msg": "New request #%(number)s: %(subject)s",
                },
            )
            advance(int(1.3 * (hi - lo + 1)))
        return total

    def step_visits(self, advance) -> int:
        n = self.s.visits
        total = sql(
            f"""
            INSERT INTO coordination_sitevisit (scheduled_for, place, purpose, status, scheduled_at, coordinator_a_id,
                coordinator_b_id, district_id, enterprise_id, request_id, scheduled_by_id)
            SELECT v.at, '企业注册地址', '了解企业关务内控制度运行情况',
                   CASE WHEN v.at < %(now)s::timestamptz THEN 'done' ELSE 'scheduled' END,
                   v.at - interval '10 days', a.ca, a.cb, a.district_id, a.id, NULL, ua.user_id
            FROM generate_series(1, %(n)s) j
            JOIN (SELECT a.*, row_number() OVER (ORDER BY a.id) AS k, count(*) OVER () AS total FROM {SCHEMA}.aeo a) a
              ON a.k = 1 + {SCHEMA}.pick(j, 100, (SELECT count(*) FROM {SCHEMA}.aeo)::int)
            JOIN coordinators_coordinator ua ON ua.id = a.ca
            CROSS JOIN LATERAL (SELECT greatest(a.pair_start, %(start)s::date)::timestamptz
                + (%(now)s::timestamptz + interval '30 days' - greatest(a.pair_start, %(start)s::date)::timestamptz)
                  * {SCHEMA}.u(j, 101) AS at) v
            """,
            self.p(n=n),
        )
        # A done visit has its record (coordination.services.record_site_visit): written by the first
        # coordinator the day after, confirmed by both; the contact person acknowledged it (a few disputed
        # it, with a comment), except on the last fortnight's, still waiting for the enterprise.
        records = sql(
            """
            INSERT INTO coordination_sitevisitrecord (visit_id, attendees, findings, written_by_id, written_at)
            SELECT v.id, '企业关务负责人' || chr(10) || '协调员二名', '已现场查看关务内控制度执行情况，未发现问题。',
                   ca.user_id, least(v.scheduled_for + interval '1 day', %(now)s::timestamptz)
            FROM coordination_sitevisit v JOIN coordinators_coordinator ca ON ca.id = v.coordinator_a_id
            WHERE v.status = 'done'
            """,
            self.p(),
        )
        signatures = sql(
            f"""
            INSERT INTO coordination_visitsignature (record_id, signer_id, decision, comment, signed_at)
            SELECT r.id, x.signer, x.decision, x.comment, x.at
            FROM coordination_sitevisitrecord r
            JOIN coordination_sitevisit v ON v.id = r.visit_id
            JOIN coordinators_coordinator cb ON cb.id = v.coordinator_b_id
            JOIN {SCHEMA}.aeo a ON a.id = v.enterprise_id
            CROSS JOIN LATERAL (VALUES
              (true, r.written_by_id, 'confirmed', '', r.written_at),
              (true, cb.user_id, 'confirmed', '', least(r.written_at + interval '1 day', %(now)s::timestamptz)),
              (r.written_at < %(now)s::timestamptz - interval '14 days', a.contact_id,
               CASE WHEN {SCHEMA}.u(r.id, 102) < 0.03 THEN 'disputed' ELSE 'acknowledged' END,
               CASE WHEN {SCHEMA}.u(r.id, 102) < 0.03 THEN '整改期限需与企业再商定。' ELSE '' END,
               r.written_at + interval '3 days')
            ) x(present, signer, decision, comment, at)
            WHERE x.present AND x.signer IS NOT NULL
            """,
            self.p(),
        )
        total += records + signatures
        advance(total)
        return total

    def step_appeals(self, advance) -> int:
        s = self.s
        from portal.conf import appeal_deadline_working_days

        days = {
            t: appeal_deadline_working_days(t)
            for t in ["credit_decision", "abnormal_list", "penalty", "other_decision", "coordinator_conduct"]
        }
        days_case = " ".join(f"WHEN '{t}' THEN {d}" for t, d in days.items())
        a0 = allocate_ids("appeals_appeal", s.appeals)
        officer = self._officer_sql("x.district_id")
        aeo_count = scalar(f"SELECT count(*) FROM {SCHEMA}.aeo")
        sql(
            f"""
            CREATE UNLOGGED TABLE {SCHEMA}.app AS
            SELECT row_number() OVER (ORDER BY filed_at, j) AS rn, x.* FROM (
                SELECT j, e.id AS enterprise_id, e.district_id, e.office_id, e.contact_id, a.ca,
                       CASE WHEN a.id IS NOT NULL AND {SCHEMA}.u(j, 111) < 0.1 THEN 'coordinator_conduct'
                            ELSE (ARRAY['credit_decision','credit_decision','abnormal_list','penalty','other_decision'])
                                 [1 + {SCHEMA}.pick(j, 112, 5)] END AS appeal_type,
                       greatest(e.created_at, %(start)s::date::timestamptz)
                         + (%(now)s::timestamptz - interval '1 hour' - greatest(e.created_at, %(start)s::date::timestamptz))
                           * {SCHEMA}.u(j, 113) AS filed_at
                FROM generate_series(1, %(n)s) j
                LEFT JOIN (SELECT a.*, row_number() OVER (ORDER BY a.id) AS k FROM {SCHEMA}.aeo a) a
                  ON {SCHEMA}.u(j, 110) < 0.2 AND a.k = 1 + {SCHEMA}.pick(j, 114, %(aeo)s)
                JOIN {SCHEMA}.ent e ON e.i = coalesce(a.i, 1 + {SCHEMA}.pick(j, 115, %(ents)s))
            ) x
            """,
            self.p(n=s.appeals, aeo=max(aeo_count, 1), ents=s.enterprises),
        )
        sql(f"ALTER TABLE {SCHEMA}.app ADD PRIMARY KEY (rn)")
        total = sql(
            f"""
            INSERT INTO appeals_appeal (id, decided_at, appeal_type, subject, grounds, decision_reference,
                source_request_id, filed_at, due_at, status, outcome, decision_reasons, abnormal_entry_id,
                assigned_to_id, coordinator_id, credit_event_id, decided_by_id, disqualification_id, district_id,
                enterprise_id, filed_by_id, local_customs_id)
            SELECT %(a0)s + x.rn, CASE WHEN st = 'decided' THEN decided END, x.appeal_type,
                   CASE x.appeal_type WHEN 'credit_decision' THEN '对信用等级调整决定的申诉'
                        WHEN 'abnormal_list' THEN '对列入异常名录的申诉' WHEN 'penalty' THEN '对行政处罚决定的申诉'
                        WHEN 'coordinator_conduct' THEN '反映协调员工作作风问题' ELSE '对其他行政决定的申诉' END,
                   '企业认为该决定所依据的事实不清，特此申诉，请予复核。', '海关决定书第' || x.rn || '号', NULL,
                   x.filed_at, due, st,
                   CASE WHEN st = 'decided' THEN (ARRAY['upheld','partly_upheld','rejected','rejected'])[1 + {SCHEMA}.pick(x.rn, 116, 4)] ELSE '' END,
                   CASE WHEN st = 'decided' THEN '经复核，维持/变更原决定，理由如下。' ELSE '' END, NULL,
                   CASE WHEN st IN ('in_review', 'decided') AND x.appeal_type <> 'coordinator_conduct' THEN {officer} END,
                   CASE WHEN x.appeal_type = 'coordinator_conduct' THEN x.ca END, NULL,
                   CASE WHEN st = 'decided' THEN {officer} END, NULL, x.district_id, x.enterprise_id, x.contact_id,
                   x.office_id
            FROM {SCHEMA}.app x
            CROSS JOIN LATERAL (SELECT {SCHEMA}.deadline(x.filed_at, CASE x.appeal_type {days_case} ELSE 20 END) AS due) d
            CROSS JOIN LATERAL (SELECT CASE
                WHEN x.filed_at < %(now)s::timestamptz - interval '40 days' AND {SCHEMA}.u(x.rn, 117) > 0.003 THEN 'decided'
                WHEN {SCHEMA}.u(x.rn, 117) < 0.35 THEN 'submitted'
                WHEN x.appeal_type = 'coordinator_conduct' OR {SCHEMA}.u(x.rn, 117) < 0.5 THEN 'forwarded'
                WHEN {SCHEMA}.u(x.rn, 117) < 0.85 THEN 'in_review' ELSE 'decided' END AS st) s
            CROSS JOIN LATERAL (SELECT least(x.filed_at + (d.due - x.filed_at) * (0.3 + 0.9 * {SCHEMA}.u(x.rn, 118)),
                                             %(now)s::timestamptz - interval '1 minute') AS decided) dd
            ORDER BY x.rn
            """,
            self.p(a0=a0),
        )
        events = sql(
            """
            INSERT INTO appeals_appealevent (kind, from_status, to_status, at, note, actor_id, appeal_id)
            SELECT ev.kind, ev.from_status, ev.to_status, ev.at, ev.note, ev.actor, a.id
            FROM appeals_appeal a
            CROSS JOIN LATERAL (VALUES
              (1, 'filed', '', 'submitted', a.filed_at, a.filed_by_id, ''),
              (2, CASE WHEN a.assigned_to_id IS NOT NULL THEN 'assigned' END, 'submitted', 'in_review',
                  a.filed_at + interval '1 day', a.assigned_to_id, ''),
              (3, CASE WHEN a.status = 'forwarded' OR a.status = 'decided' AND a.assigned_to_id IS NULL THEN 'forwarded' END,
                  'submitted', 'forwarded', a.filed_at + interval '2 days', NULL, '转企业管理处处理'),
              (4, CASE WHEN a.status = 'decided' THEN 'decided' END,
                  CASE WHEN a.assigned_to_id IS NOT NULL THEN 'in_review' ELSE 'forwarded' END, 'decided',
                  a.decided_at, a.decided_by_id, a.decision_reasons)
            ) ev(ord, kind, from_status, to_status, at, actor, note)
            WHERE a.id > %(a0)s AND ev.kind IS NOT NULL
            ORDER BY a.id, ev.ord
            """,
            {"a0": a0},
        )
        advance(total + events)
        self.a0 = a0
        return total + events

    def step_job_state(self, advance) -> int:
        """Guard rows the daily jobs would have written had they run every day until the backlog."""
        from portal.conf import recertification_reminder_days

        p = self.p(e0=self.e0)
        written = 0
        offsets = recertification_reminder_days()
        for offset in offsets:
            # Entered this window (due - offset <= day) on or before the backlog began, and still in it
            # or past it: the reminder was sent then.
            written += sql(
                """
                INSERT INTO credit_recertificationreminder (due_date, kind, offset_days, sent_on, recipients,
                    district_id, enterprise_id)
                SELECT e.recertification_due, 'reminder', %(offset)s,
                       greatest(e.recertification_due - %(offset)s, e.certified_on), 3, e.district_id, e.id
                FROM enterprises_enterprise e
                WHERE e.id > %(e0)s AND e.recertification_due IS NOT NULL
                  AND e.recertification_due - %(offset)s <= %(today)s::date - %(backlog)s
                  AND e.recertification_due - %(offset)s >= e.certified_on
                """,
                {**p, "offset": offset},
            )
        written += sql(
            """
            INSERT INTO credit_recertificationreminder (due_date, kind, offset_days, sent_on, recipients, district_id,
                enterprise_id)
            SELECT e.recertification_due, 'overdue', 0, e.recertification_due + 1, 1, e.district_id, e.id
            FROM enterprises_enterprise e
            WHERE e.id > %(e0)s AND e.recertification_due < %(today)s::date - %(backlog)s
            """,
            p,
        )
        # Escalations of overdue requests and appeals: level 1 the day after they fell overdue, level 2
        # five days later, for what fell overdue before the backlog.
        for table, ct, due_expr, running in (
            (
                "coordination_coordinationrequest",
                self.request_ct,
                "least(CASE WHEN x.first_responded_at IS NULL THEN x.first_response_due END, x.resolution_due)",
                "x.status IN ('submitted','accepted','in_progress','transferred') AND x.id > %(r0)s",
            ),
            (
                "appeals_appeal",
                self.appeal_ct,
                "x.due_at",
                "x.status IN ('submitted','in_review','forwarded') AND x.id > %(a0)s",
            ),
        ):
            for level, delay in ((1, 1), (2, 6)):
                written += sql(
                    f"""
                    INSERT INTO portal_escalation (object_id, level, escalated_at, note, content_type_id)
                    SELECT x.id, %(level)s, ({due_expr})::date + %(delay)s + time '02:00', '', %(ct)s
                    FROM {table} x
                    WHERE {running} AND ({due_expr}) < %(now)s::timestamptz
                      AND ({due_expr})::date + %(delay)s <= %(today)s::date - %(backlog)s
                      {"AND x.appeal_type <> 'coordinator_conduct'" if level == 1 and table == "appeals_appeal" else ""}
                    """,
                    {**p, "level": level, "delay": delay, "ct": ct, "r0": self.r0, "a0": self.a0},
                )
        advance(written)
        return written

    def step_announcements(self, advance) -> int:
        """Announcements over five years by each district, three published yesterday (the digest)."""
        creators = list(self.officers.items())
        if not creators:
            return 0
        values = []
        for k in range(600):
            district_id, user_id = creators[k % len(creators)]
            if k < 3:
                day = self.today - datetime.timedelta(days=1)
            else:
                day = self.start + datetime.timedelta(days=(k * 37) % max((self.today - self.start).days, 1))
            values.append((district_id, user_id, day, k))
        with connection.cursor() as cursor:
            for district_id, user_id, day, k in values:
                cursor.execute(
                    """
                    INSERT INTO outreach_announcement (audience_aeo_only, audience_industries, kind, title, body,
                        is_important, published_at, created_at, created_by_id, district_id, published_by_id)
                    VALUES (false, '{}', %s, %s, %s, %s, %s, %s, %s, %s, %s)
                    """,
                    [
                        ["policy", "notice", "anti_intermediary"][k % 3],
                        f"关于海关企业信用管理的政策解读（第{k + 1}期）",
                        "为便于企业准确理解政策，现将有关事项解读如下。",
                        k % 17 == 0,
                        timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0))),
                        timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0))),
                        user_id,
                        district_id,
                        user_id,
                    ],
                )
        advance(len(values))
        return len(values)


# --- Vocabulary -------------------------------------------------------------------------------------

WORDS = [
    ("华", "Hua"),
    ("贸", "Mao"),
    ("通", "Tong"),
    ("达", "Da"),
    ("远", "Yuan"),
    ("洋", "Yang"),
    ("鑫", "Xin"),
    ("泰", "Tai"),
    ("丰", "Feng"),
    ("盛", "Sheng"),
    ("宏", "Hong"),
    ("信", "Xin"),
    ("海", "Hai"),
    ("恒", "Heng"),
    ("瑞", "Rui"),
    ("安", "An"),
    ("新", "Xin"),
    ("中", "Zhong"),
    ("国", "Guo"),
    ("联", "Lian"),
    ("合", "He"),
    ("嘉", "Jia"),
    ("和", "He"),
    ("汇", "Hui"),
    ("融", "Rong"),
    ("昌", "Chang"),
    ("隆", "Long"),
    ("兴", "Xing"),
    ("顺", "Shun"),
    ("捷", "Jie"),
    ("诚", "Cheng"),
    ("博", "Bo"),
    ("宇", "Yu"),
    ("天", "Tian"),
    ("成", "Cheng"),
    ("润", "Run"),
    ("佳", "Jia"),
    ("富", "Fu"),
    ("康", "Kang"),
    ("永", "Yong"),
]
KINDS = [
    ("国际物流", "International Logistics"),
    ("进出口贸易", "Import & Export Trading"),
    ("供应链管理", "Supply Chain Management"),
    ("电子科技", "Electronics Technology"),
    ("报关", "Customs Brokerage"),
    ("跨境电子商务", "Cross-border E-commerce"),
    ("医药", "Pharmaceutical"),
    ("汽车零部件", "Auto Parts"),
    ("食品", "Food"),
    ("机械设备", "Machinery"),
    ("化工", "Chemicals"),
    ("服装", "Garments"),
]
ROADS = ["建国", "长安", "光华", "朝阳", "海淀", "金融", "科技", "滨海", "港城", "深南", "滨河", "中山"]
SUBJECTS = [
    "关于进口货物商品归类的咨询",
    "出口退税申报问题咨询",
    "AEO认证标准内部控制条款理解",
    "加工贸易手册核销遇到的困难",
    "通关时效问题反映",
    "原产地证书签发问题",
    "查验后货物放行延迟",
    "关于海关稽查程序的咨询",
    "跨境电商零售进口清单申报问题",
    "减免税货物监管期限咨询",
    "企业信用修复程序咨询",
    "对海关管理工作的意见建议",
]
DESCRIPTIONS = [
    "我司近期进口一批设备零部件，对其商品编码归类存在疑问，请协调员予以指导。",
    "我司出口货物退税申报时系统提示报关单信息不一致，请协助核实处理。",
    "我司在准备高级认证复核过程中，对内部控制相关标准的理解存在疑问，请予以解答。",
    "近期通关时效较以往明显延长，影响企业生产安排，请协调相关部门予以关注。",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _array(items) -> str:
    return "[" + ", ".join(_quote(i) for i in items) + "]"


_WORDS_ZH = _array(w for w, _e in WORDS)
_WORDS_EN = _array(e for _w, e in WORDS)
_WORDS_EN_LOWER = _array(e.lower() for _w, e in WORDS)
_KINDS_ZH = _array(k for k, _e in KINDS)
_KINDS_EN = _array(e for _k, e in KINDS)
_ROADS = _array(ROADS)
_SUBJECTS = _array(SUBJECTS)
_DESCRIPTIONS = _array(DESCRIPTIONS)

# The GB 32100 check character (python-stdnum's stdnum.cn.uscc): weights of the 17 characters.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _region_weights() -> str:
    """Σ digit × weight over the six region digits (positions 3–8), the region a column ``e.region``."""
    return " + ".join(f"substr(e.region, {k + 1}, 1)::int * {USCC_WEIGHTS[k + 2]}" for k in range(6))


def _body_weights(serial: str) -> str:
    """Σ digit × weight over the nine body digits (positions 9–17) of ``serial`` (a 9-digit integer)."""
    return " + ".join(f"(({serial} / {10 ** (8 - k)}) %% 10) * {USCC_WEIGHTS[k + 8]}" for k in range(9))


def _person_name(seed: str) -> str:
    s = SURNAMES
    g = GIVEN
    seed = f"({seed})"
    return (
        f"substr({_quote(s)}, 1 + ({seed} %% {len(s)})::int, 1) || substr({_quote(g)}, 1 + (({seed} / 7) %% {len(g)})::int, 1)"
        f" || CASE WHEN {seed} %% 3 = 0 THEN '' ELSE substr({_quote(g)}, 1 + (({seed} / 13) %% {len(g)})::int, 1) END"
    )


@contextmanager
def nothing():
    yield
