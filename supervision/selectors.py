"""The Management Department's workload dashboard: selectors and aggregates (docs/DOMAIN.md, "Organisation":
the Management Department supervises the coordinators; the local customs carry the work out).

Who sees what (one rule, :func:`scope_for`):
- a manager sees their district (``user.district_id_for_scope``); an administrator every district;
- the leader of a local customs (``LocalCustoms.leader``) sees only the office(s) they lead;
- anyone else (coordinators, enterprises, ordinary officers) is refused.
Appeals about a coordinator's conduct (the integrity channel) are counted through
``Appeal.objects.visible_to(user)``, so an office leader never sees them.

Every figure is computed in SQL (subqueries and aggregates); a page costs a constant number of queries
whatever the number of coordinators or enterprises.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, AppealType
from coordination.models import (
    CLOCK_RUNNING_STATUSES,
    OPEN_STATUSES,
    CoordinationRequest,
    RequestHandler,
    RequestStatus,
    SiteVisit,
)
from coordinators.models import Coordinator, PairAssignment
from coordinators.services import with_workload
from credit.models import AbnormalListEntry, CreditRating, CreditRegime
from enterprises.models import Enterprise
from portal.conf import tunable
from portal.models import District, LocalCustoms
from portal.roles import Role
from portal.scoping import scope_of

PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365}
DEFAULT_PERIOD = "30"
RECERTIFICATION_WINDOWS = (30, 90, 180)


def overload_factor() -> float:
    """A coordinator above this multiple of their office's median load is highlighted (default 1.5)."""
    return float(tunable("DASHBOARD_OVERLOAD_FACTOR"))


def abnormal_warning_days() -> int:
    """Abnormal-list entries this many days or fewer from the regime's limit count as "nearing" (15)."""
    return int(tunable("ABNORMAL_LIST_WARNING_DAYS"))


def export_max_rows() -> int:
    return int(tunable("EXPORT_MAX_ROWS"))


class PercentileCont(Aggregate):
    """Postgres ``percentile_cont(f) WITHIN GROUP (ORDER BY expr)``: the median when ``fraction=0.5``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression, fraction: float = 0.5, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


# --- scope ------------------------------------------------------------------------------------------


@dataclass
class DashboardScope:
    """What the dashboard aggregates for the viewer (derived from their ``portal.scoping.Scope``) and
    what they filtered to."""

    user: object
    district_ids: list[int] | None  # None: every district
    office_ids: list[int] | None  # None: every office of the districts
    can_rebalance: bool
    period_days: int = 30
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def since(self) -> datetime.datetime:
        tz = timezone.get_current_timezone()
        start = self.today - datetime.timedelta(days=self.period_days - 1)
        return datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)

    def offices(self) -> QuerySet:
        queryset = LocalCustoms.objects.all()
        if self.district_ids is not None:
            queryset = queryset.filter(district_id__in=self.district_ids)
        if self.office_ids is not None:
            queryset = queryset.filter(pk__in=self.office_ids)
        return queryset

    def districts(self) -> QuerySet:
        queryset = District.objects.all()
        if self.district_ids is not None:
            queryset = queryset.filter(pk__in=self.district_ids)
        return queryset

    def filter_own_columns(self, queryset: QuerySet) -> QuerySet:
        """Like ``filter_by_office`` on rows that carry their own ``district`` and ``local_customs``
        (enterprises) or ``district`` (enterprise-owned rows), so the (district, …) indexes serve."""
        if self.district_ids is not None:
            queryset = queryset.filter(district_id__in=self.district_ids)
        if self.office_ids is not None:
            field = (
                "local_customs_id"
                if hasattr(queryset.model, "local_customs_id")
                else "enterprise__local_customs_id"
            )
            queryset = queryset.filter(**{f"{field}__in": self.office_ids})
        return queryset

    def filter_by_office(self, queryset: QuerySet, path: str = "local_customs") -> QuerySet:
        if self.district_ids is not None:
            queryset = queryset.filter(**{f"{path}__district_id__in": self.district_ids})
        if self.office_ids is not None:
            queryset = queryset.filter(**{f"{path}_id__in": self.office_ids})
        return queryset


def scope_for(user) -> DashboardScope | None:
    """The dashboard of ``user``, or None when they may not see it: administrators every district,
    managers their district (and may rebalance), leaders of a local customs office their offices."""
    scope = scope_of(user)
    if scope is None:
        return None
    if scope.is_admin:
        return DashboardScope(user=user, district_ids=None, office_ids=None, can_rebalance=True)
    if Role.MANAGER in scope.roles and scope.district_id is not None:
        return DashboardScope(
            user=user, district_ids=[scope.district_id], office_ids=None, can_rebalance=True
        )
    if scope.led_office_ids:
        led = list(
            LocalCustoms.objects.filter(pk__in=sorted(scope.led_office_ids)).values_list("pk", "district_id")
        )
        return DashboardScope(
            user=user,
            district_ids=sorted({d for _pk, d in led}),
            office_ids=[pk for pk, _d in led],
            can_rebalance=False,
        )
    return None


def narrow(
    scope: DashboardScope,
    *,
    district_id: int | None = None,
    office_id: int | None = None,
    period: str | None = None,
) -> DashboardScope:
    """Apply the page's filters, never widening the viewer's scope."""
    district_ids, office_ids = scope.district_ids, scope.office_ids
    if district_id is not None and (district_ids is None or district_id in district_ids):
        district_ids = [district_id]
    if office_id is not None and (office_ids is None or office_id in office_ids):
        office_ids = [office_id]
    return DashboardScope(
        user=scope.user,
        district_ids=district_ids,
        office_ids=office_ids,
        can_rebalance=scope.can_rebalance,
        period_days=PERIODS.get(period or "", scope.period_days),
        today=scope.today,
    )


# --- coordinators -----------------------------------------------------------------------------------


def office_median_loads(office_ids=None) -> dict[int, float]:
    """The median active-pair load of each office's active coordinators (one grouped query)."""
    coordinators = Coordinator.objects.filter(status=Coordinator.Status.ACTIVE)
    if office_ids is not None:
        coordinators = coordinators.filter(local_customs_id__in=office_ids)
    return dict(
        with_workload(coordinators)
        .order_by()
        .values("local_customs_id")
        .annotate(median=PercentileCont(F("enterprise_count")))
        .values_list("local_customs_id", "median")
    )


def _office_median_load(scope: DashboardScope):
    """The outer row's office median as a literal per office (``office_median_loads``): a correlated
    median per coordinator row re-counted every peer's pairs for each of hundreds of rows."""
    medians = office_median_loads(list(scope.offices().values_list("pk", flat=True)))
    if not medians:
        return Value(None, output_field=FloatField())
    return Case(
        *[When(local_customs_id=office, then=Value(float(m))) for office, m in medians.items()],
        default=Value(None),
        output_field=FloatField(),
    )


def _conduct_appeals(scope: DashboardScope) -> Coalesce:

    appeals = (
        Appeal.objects.visible_to(scope.user)
        .filter(
            appeal_type=AppealType.COORDINATOR_CONDUCT,
            coordinator_id=OuterRef("pk"),
            filed_at__gte=scope.since,
        )
        .order_by()
        .values("coordinator_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(appeals, output_field=IntegerField()), Value(0))


def request_metrics(scope: DashboardScope) -> dict:
    """Per-coordinator annotations from coordination requests and site visits (see ``_request_metrics``)."""
    try:
        return _request_metrics(scope)
    except ImportError:  # the requests feature is not installed
        return {}


def _count_rows(queryset: QuerySet) -> Coalesce:
    """``COUNT(*)`` of a correlated subquery (no GROUP BY needed: COUNT is written as a plain function)."""
    counted = (
        queryset.order_by()
        .annotate(n=Func(Value(1), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), Value(0))


def _epoch_hours(later: str, earlier: str) -> Func:
    return Func(
        F(later) - F(earlier),
        template="EXTRACT(EPOCH FROM %(expressions)s) / 3600.0",
        output_field=FloatField(),
    )


def _request_metrics(scope: DashboardScope) -> dict:
    """Open requests and overdue-now (any filing date); for requests filed in the period: median hours to
    first response and to resolution; site visits done in the period; mean satisfaction of requests
    resolved in the period. Each a correlated subquery on ``RequestHandler``/``SiteVisit``."""

    handled = RequestHandler.objects.filter(coordinator_id=OuterRef("pk"), ended_at__isnull=True)
    in_period = _handled_in_period(scope)
    # Counts test each of the coordinator's handler rows against a set of request ids computed once per
    # page (a hashed subplan): no join to the requests per coordinator row.
    open_ids = _request_ids(status__in=OPEN_STATUSES)
    overdue_ids = _request_ids(CoordinationRequest.objects.overdue())

    def median(hours: Func, **conditions) -> Subquery:
        rows = (
            in_period.filter(**conditions)
            .order_by()
            .annotate(
                median=Func(
                    hours,
                    template="percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)",
                    output_field=FloatField(),
                )
            )
            .values("median")
        )
        return Subquery(rows[:1], output_field=FloatField())

    # Requests rated and resolved in the period, as a hashed id set (one pass per page); each coordinator's
    # handler rows are tested against it and only the matches are joined to their request.
    rated = CoordinationRequest.objects.filter(rating__isnull=False, resolved_at__gte=scope.since)
    satisfaction = (
        handled.filter(_in_set("request_id", rated.order_by().values("pk")))
        .order_by()
        .annotate(mean=Func(F("request__rating"), function="AVG", output_field=FloatField()))
        .values("mean")
    )
    visits = SiteVisit.objects.filter(
        Q(coordinator_a_id=OuterRef("pk")) | Q(coordinator_b_id=OuterRef("pk")),
        status=SiteVisit.Status.DONE,
        scheduled_for__gte=scope.since,
    )
    return {
        "open_requests": _count_in(handled, open_ids),
        "overdue_now": _count_in(handled, overdue_ids),
        "median_response": median(
            _epoch_hours("request__first_responded_at", "request__filed_at"),
            request__first_responded_at__isnull=False,
        ),
        "median_resolution": median(
            _epoch_hours("request__resolved_at", "request__filed_at"), request__resolved_at__isnull=False
        ),
        "site_visits": _count_rows(visits),
        "satisfaction": Subquery(satisfaction[:1], output_field=FloatField()),
    }


def _handled_in_period(scope: DashboardScope) -> QuerySet:
    """The outer coordinator's current handler rows (not ended) of requests filed in the period. Each
    handler row is tested against the period's request ids, a hashed set built once per query
    (``_in_set``); only the rows that pass are joined to their request, instead of every request the
    coordinator ever handled."""
    period = CoordinationRequest.objects.filter(status__in=RequestStatus.values, filed_at__gte=scope.since)
    return RequestHandler.objects.filter(coordinator_id=OuterRef("pk"), ended_at__isnull=True).filter(
        _in_set("request_id", period.order_by().values("pk"))
    )


def _in_set(field: str, ids: QuerySet) -> Case:
    """``field IN (ids)`` that Postgres keeps as a hashed subplan: inside a CASE it is not turned into a
    join (which a correlated subquery would redo for every outer row)."""
    return Case(
        When(Q(**{f"{field}__in": ids}), then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _unprefixed(q: Q) -> Q:
    """``q`` with its lookups' ``request__`` prefix removed (the same condition on the request itself)."""
    children: list = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_unprefixed(child))
        else:
            lookup, value = child  # type: ignore[misc]  # a (lookup, value) pair
            children.append((lookup.removeprefix("request__"), _unref(value)))
    clone = Q(*children)
    clone.connector, clone.negated = q.connector, q.negated
    return clone


def _unref(value):
    return F(value.name.removeprefix("request__")) if isinstance(value, F) else value


def _request_ids(queryset: QuerySet | None = None, **filters) -> QuerySet:
    """Ids of requests (of every district: a coordinator's handled requests may have been transferred)
    matching ``filters``. ``status__in`` over every status lets the status-first indexes serve a filter
    on the filing date."""
    queryset = CoordinationRequest.objects.all() if queryset is None else queryset
    if "status__in" not in filters and "status" not in filters:
        filters["status__in"] = RequestStatus.values
    return queryset.filter(**filters).order_by().values("pk")


def _count_in(handled: QuerySet, ids: QuerySet) -> Coalesce:
    """How many of the coordinator's handler rows point at a request of ``ids``. The test sits in the
    aggregate's FILTER, where Postgres keeps it a hashed subplan built once per query (in WHERE it would
    become a join re-run for every coordinator row)."""
    counted = (
        handled.order_by()
        .values("coordinator_id")
        .annotate(n=Count("request_id", filter=Q(request_id__in=ids)))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), Value(0))


def with_overdue_counts(queryset: QuerySet, scope: DashboardScope, now=None) -> QuerySet:
    """Exact overdue counts (first response, resolution) of requests filed in the period — the figures of
    ``coordination.selectors.overdue_counts_by_coordinator`` — as one correlated count per coordinator
    over hashed id sets (``_count_in``). A join of every handled request grouped by coordinator made
    Postgres evaluate each of the row's other subqueries once per handled request. The period's rows are
    read through ``_handled_in_period``."""
    now = now or timezone.now()
    p = "request__"
    running = Q(**{f"{p}status__in": CLOCK_RUNNING_STATUSES})
    first_late = Q(
        **{f"{p}first_responded_at__isnull": False, f"{p}first_responded_at__gt": F(f"{p}first_response_due")}
    ) | (Q(**{f"{p}first_responded_at__isnull": True, f"{p}first_response_due__lt": now}) & running)
    resolution_late = Q(
        **{f"{p}resolved_at__isnull": False, f"{p}resolved_at__gt": F(f"{p}resolution_due")}
    ) | (Q(**{f"{p}resolved_at__isnull": True, f"{p}resolution_due__lt": now}) & running)
    open_late = running & (
        Q(**{f"{p}first_responded_at__isnull": True, f"{p}first_response_due__lt": now})
        | Q(**{f"{p}resolution_due__lt": now})
    )
    handled = RequestHandler.objects.filter(coordinator_id=OuterRef("pk"), ended_at__isnull=True)

    def late(condition: Q) -> Coalesce:
        late_ids = CoordinationRequest.objects.filter(
            status__in=RequestStatus.values, filed_at__gte=scope.since
        ).filter(_unprefixed(condition))
        return _count_in(handled, late_ids.order_by().values("pk"))

    return queryset.annotate(
        overdue_first_response=late(first_late),
        overdue_resolution=late(resolution_late),
        overdue_open=late(open_late),
        overdue_total=late(first_late | resolution_late),
    )


COORDINATOR_SORTS = {
    "name": "user__full_name",
    "office": "local_customs__code",
    "load": "enterprise_count",
    "open": "open_requests",
    "overdue": "overdue_total",
    "overdue_now": "overdue_now",
    "response": "median_response",
    "resolution": "median_resolution",
    "visits": "site_visits",
    "satisfaction": "satisfaction",
    "appeals": "conduct_appeals",
}


def coordinator_rows(
    scope: DashboardScope, *, sort: str = "-load", overloaded_only: bool = False
) -> QuerySet:
    """One row per active coordinator of the scope, with every workload figure (one query)."""
    factor = overload_factor()
    queryset = scope.filter_by_office(Coordinator.objects.filter(status=Coordinator.Status.ACTIVE))
    queryset = (
        with_workload(queryset)
        .select_related("user", "local_customs")
        .annotate(
            office_median=_office_median_load(scope),
            conduct_appeals=_conduct_appeals(scope),
            **request_metrics(scope),
        )
    )
    queryset = queryset.annotate(
        overloaded=ExpressionWrapper(
            Q(enterprise_count__gt=Coalesce(F("office_median"), Value(0.0)) * factor)
            & Q(enterprise_count__gte=2),
            output_field=BooleanField(),
        )
    )
    queryset = with_overdue_counts(queryset, scope)
    if overloaded_only:
        queryset = queryset.filter(overloaded=True)
    key = sort.lstrip("-")
    column = COORDINATOR_SORTS.get(key, "enterprise_count")
    if column not in queryset.query.annotations and "__" not in column:
        column = "enterprise_count"
    ordering = F(column).desc(nulls_last=True) if sort.startswith("-") else F(column).asc(nulls_last=True)
    return queryset.order_by(ordering, "user__full_name", "pk")


def coordinator_items(scope: DashboardScope, coordinator: Coordinator) -> dict:
    """The coordinator's open and overdue requests and site visits, for the drill-down page."""
    try:
        return _coordinator_items(scope, coordinator)
    except ImportError:
        return {}


def _coordinator_items(scope: DashboardScope, coordinator: Coordinator) -> dict:

    requests = (
        CoordinationRequest.objects.visible_to(scope.user)
        .filter(handlers__coordinator=coordinator, handlers__ended_at__isnull=True, status__in=OPEN_STATUSES)
        .select_related("enterprise")
        .order_by("resolution_due", "pk")
    )
    visits = (
        SiteVisit.objects.filter(
            Q(coordinator_a=coordinator) | Q(coordinator_b=coordinator), scheduled_for__gte=scope.since
        )
        .select_related("enterprise")
        .order_by("-scheduled_for", "-pk")
    )
    return {"open_requests": list(requests[:200]), "visits": list(visits[:200])}


def overdue_request_count(scope: DashboardScope) -> int:
    """Open requests of the scope past a first-response or resolution due date."""
    try:
        return _overdue_request_count(scope)
    except ImportError:
        return 0


def _scoped_requests(scope: DashboardScope):

    return scope.filter_by_office(CoordinationRequest.objects.all(), "responsible_office")


def _overdue_request_count(scope: DashboardScope) -> int:
    return _scoped_requests(scope).overdue().count()


def overdue_trend(scope: DashboardScope, *, weeks: int = 12) -> list[tuple[str, int]]:
    """Requests that went overdue, per week, for the last ``weeks`` weeks (one grouped query)."""
    try:
        return _overdue_trend(scope, weeks=weeks)
    except ImportError:
        return []


def _overdue_trend(scope: DashboardScope, *, weeks: int) -> list[tuple[str, int]]:
    """Per week: requests that missed a deadline (first response or resolution) that fell in that week,
    whether answered late or still waiting. Grouped in SQL by ``date_trunc('week', missed_at)``."""

    now = timezone.now()
    start_day = scope.today - datetime.timedelta(days=scope.today.weekday() + 7 * (weeks - 1))
    start = datetime.datetime.combine(start_day, datetime.time.min, tzinfo=timezone.get_current_timezone())
    running = Q(status__in=CLOCK_RUNNING_STATUSES)
    first_late = Q(first_responded_at__gt=F("first_response_due")) | (
        Q(first_responded_at__isnull=True, first_response_due__lt=now) & running
    )
    resolution_late = Q(resolved_at__gt=F("resolution_due")) | (
        Q(resolved_at__isnull=True, resolution_due__lt=now) & running
    )
    missed_at = Case(
        When(first_late, then=F("first_response_due")), When(resolution_late, then=F("resolution_due"))
    )
    # A deadline missed in the window is a due date in it, and first_response_due <= resolution_due: so
    # resolution_due >= start (redundant, exact) lets the (office, status, resolution_due) index serve.
    requests = CoordinationRequest.objects.filter(status__in=RequestStatus.values, resolution_due__gte=start)
    if scope.district_ids is not None or scope.office_ids is not None:
        requests = requests.filter(
            responsible_office_id__in=list(scope.offices().values_list("pk", flat=True))
        )
    counts = dict(
        requests.annotate(missed_at=missed_at)
        .filter(missed_at__gte=start, missed_at__lt=now)
        .annotate(week=TruncWeek("missed_at", output_field=DateField()))
        .order_by()
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    days = [start_day + datetime.timedelta(weeks=i) for i in range(weeks)]
    return [(day.strftime("%m-%d"), counts.get(day, 0)) for day in days]


def coordinator_in_scope(scope: DashboardScope, pk: int) -> Coordinator | None:
    return (
        scope.filter_by_office(Coordinator.objects.select_related("user", "local_customs"))
        .filter(pk=pk)
        .first()
    )


def coordinator_enterprises(coordinator: Coordinator) -> QuerySet:
    return (
        PairAssignment.objects.active()
        .of_coordinator(coordinator)
        .select_related("enterprise__rating", "coordinator_a__user", "coordinator_b__user")
        .order_by("enterprise__name_zh", "pk")
    )


# --- offices and districts --------------------------------------------------------------------------


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    sub = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def _totals(outer: str, scope: DashboardScope) -> dict:
    """Figures for an office (``outer="local_customs"``) or a district (``outer="district"``)."""
    office_path = "local_customs_id" if outer == "local_customs" else "local_customs__district_id"
    enterprise_path = "local_customs_id" if outer == "local_customs" else "district_id"
    coordinators = Coordinator.objects.filter(
        status=Coordinator.Status.ACTIVE, **{office_path: OuterRef("pk")}
    )
    aeo = Enterprise.objects.filter(
        rating_id__in=list(CreditRating.objects.filter(gets_coordinators=True).values_list("pk", flat=True)),
        **{enterprise_path: OuterRef("pk")},
    )
    median = (
        with_workload(
            Coordinator.objects.filter(status=Coordinator.Status.ACTIVE, **{office_path: OuterRef("pk")})
        )
        .order_by()
        .values(office_path)
        .annotate(median=PercentileCont(F("enterprise_count")))
        .values("median")
    )
    return {
        "coordinator_count": _count(coordinators, office_path),
        "assigned_count": _assigned_count(outer, scope),
        "aeo_count": _count(aeo, enterprise_path),
        "median_load": Subquery(median, output_field=FloatField()),
        **office_request_totals(outer, scope),
    }


def _assigned_count(outer: str, scope: DashboardScope):
    """Active pairs of the district's (the pair's own ``district`` column) or of the office's enterprises.
    Per office: one grouped count over the scope's pairs joined to their enterprises by id, given to the
    office rows as literals (a correlated count joined every pair to the office's 130,000 enterprises)."""
    pairs = PairAssignment.objects.active()
    if outer == "district":
        return _count(pairs.filter(district_id=OuterRef("pk")), "district_id")
    if scope.district_ids is not None:
        pairs = pairs.filter(district_id__in=scope.district_ids)
    if scope.office_ids is not None:
        pairs = pairs.filter(enterprise__local_customs_id__in=scope.office_ids)
    counts = dict(
        pairs.order_by()
        .values("enterprise__local_customs_id")
        .annotate(n=Count("pk"))
        .values_list("enterprise__local_customs_id", "n")
    )
    return Case(
        *[When(pk=office, then=Value(n)) for office, n in counts.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def office_request_totals(outer: str, scope: DashboardScope) -> dict:
    try:
        return _office_request_totals(outer, scope)
    except ImportError:
        return {}


def _office_request_totals(outer: str, scope: DashboardScope) -> dict:
    """Open and overdue-now requests of which the office (or a district's office) is responsible."""

    path = "responsible_office_id" if outer == "local_customs" else "responsible_office__district_id"
    requests = CoordinationRequest.objects.filter(**{path: OuterRef("pk")})
    return {
        "open_requests": _count_rows(requests.filter(status__in=OPEN_STATUSES)),
        "overdue_total": _count_rows(requests.overdue()),
    }


def office_rows(scope: DashboardScope) -> QuerySet:
    return (
        scope.offices()
        .select_related("district")
        .annotate(**_totals("local_customs", scope))
        .order_by("code")
    )


def district_rows(scope: DashboardScope) -> QuerySet:
    districts = scope.districts()
    if scope.office_ids is not None:
        return districts.none()  # an office leader's view has no district totals beyond their office
    return districts.annotate(**_totals("district", scope)).order_by("code")


# --- enterprises: ratings, re-certification, abnormal list ------------------------------------------


def scoped_enterprises(scope: DashboardScope) -> QuerySet:
    return scope.filter_own_columns(Enterprise.objects.all())


def rating_distribution(scope: DashboardScope) -> list[dict]:
    """Enterprises per credit rating, best rating first: one count grouped by the rating id (an
    index-only scan of (district, rating)), the few ratings read apart."""
    counts = dict(
        scoped_enterprises(scope)
        .order_by()
        .values("rating_id")
        .annotate(n=Count(Value(1)))  # COUNT(1): nothing outside the (district, rating) index
        .values_list("rating_id", "n")
    )
    ratings = {
        r.pk: r for r in CreditRating.objects.filter(pk__in=[k for k in counts if k]).select_related("regime")
    }
    ordered = sorted(
        counts.items(),
        key=lambda item: (
            (ratings[item[0]].regime.effective_from, ratings[item[0]].rank)
            if item[0] in ratings
            else (datetime.date.min, 0)
        ),
        reverse=True,
    )
    return [
        {
            "label": ratings[pk].name if pk in ratings else _("Not rated"),
            "n": n,
            "is_aeo": ratings[pk].is_aeo if pk in ratings else None,
        }
        for pk, n in ordered
    ]


def recertification_counts(scope: DashboardScope) -> dict:
    today = scope.today
    windows = {
        f"d{days}": Count("pk", filter=Q(recertification_due__lte=today + datetime.timedelta(days=days)))
        for days in RECERTIFICATION_WINDOWS
    }
    return (
        scoped_enterprises(scope)
        .filter(
            recertification_due__isnull=False,
            recertification_due__lte=today + datetime.timedelta(days=max(RECERTIFICATION_WINDOWS)),
        )
        .aggregate(overdue=Count("pk", filter=Q(recertification_due__lt=today)), **windows)
    )


def recertifications_due(scope: DashboardScope, *, within_days: int = 90) -> QuerySet:
    """Enterprises whose re-certification falls due by ``today + within_days`` (overdue ones included)."""
    until = scope.today + datetime.timedelta(days=within_days)
    return (
        scoped_enterprises(scope)
        .filter(recertification_due__isnull=False, recertification_due__lte=until)
        .select_related("rating", "local_customs")
        .order_by("recertification_due", "pk")
    )


def _days_between(later, earlier) -> Func:
    """``later - earlier`` for two dates, in whole days (Postgres date arithmetic gives an integer)."""
    return Func(later, earlier, template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField())


def abnormal_nearing(scope: DashboardScope) -> QuerySet:
    """Open abnormal-list entries within ``abnormal_warning_days`` of the regime's limit (or past it)."""
    try:
        limit = CreditRegime.in_force_on(scope.today).abnormal_list_days
    except CreditRegime.DoesNotExist:
        limit = 90
    threshold = scope.today - datetime.timedelta(days=max(limit - abnormal_warning_days(), 0))
    return (
        scope.filter_own_columns(
            AbnormalListEntry.objects.filter(removed_on__isnull=True, listed_on__lte=threshold)
        )
        .select_related("enterprise__local_customs")
        .annotate(
            days_listed=_days_between(Value(scope.today), F("listed_on")),
            days_left=_days_between(Value(scope.today - datetime.timedelta(days=limit)), F("listed_on"))
            * Value(-1),
        )
        .order_by("listed_on", "pk")
    )


# --- charts -----------------------------------------------------------------------------------------


def bar_chart(
    items: list[tuple[str, float, bool]],
    *,
    width: int = 560,
    bar: int = 18,
    gap: int = 6,
    label_width: int = 150,
) -> dict:
    """Geometry of a horizontal bar chart for ``templates/portal/_chart_bars.html``: (label, value, highlight)."""
    top = max((value for _l, value, _h in items), default=0) or 1
    plot = width - label_width - 50
    bars = []
    for i, (label, value, highlight) in enumerate(items):
        y = i * (bar + gap)
        bars.append(
            {
                "label": label,
                "value": value,
                "highlight": highlight,
                "y": y,
                "text_y": y + bar * 0.75,
                "x": label_width,
                "width": max(round(plot * (value or 0) / top, 1), 0),
                "value_x": label_width + 6 + plot * (value or 0) / top,
            }
        )
    return {
        "width": width,
        "height": max(len(items) * (bar + gap), bar),
        "bar": bar,
        "bars": bars,
        "label_width": label_width,
    }


def line_chart(
    points: list[tuple[str, float]], *, width: int = 560, height: int = 160, pad: int = 30
) -> dict:
    """Geometry of a line chart (``templates/portal/_chart_line.html``): (label, value) in order."""
    top = max((v for _l, v in points), default=0) or 1
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    coords = []
    for i, (label, value) in enumerate(points):
        x = pad + i * step
        y = height - pad - (height - 2 * pad) * (value or 0) / top
        coords.append({"x": round(x, 1), "y": round(y, 1), "label": label, "value": value})
    return {
        "width": width,
        "height": height,
        "points": coords,
        "polyline": " ".join(f"{c['x']},{c['y']}" for c in coords),
        "baseline": height - pad,
        "top": top,
    }
