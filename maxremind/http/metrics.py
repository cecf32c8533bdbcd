"""Prometheus metrics: the registry, the metrics the product updates, the /metrics endpoint.

Built on ``prometheus_client`` rather than a hand-written registry: it gets the text
format's escaping, histogram ``+Inf``/``_sum``/``_count`` and process metrics (RSS, open
files, CPU — what runs out first on a Pi) right, costs one small pure-Python dependency
and about 7 ms of start-up.  Each process builds its own registry, never the global one,
so tests and the demo's two apps never share counters.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response

from maxremind.domain.models import DeliveryStatus
from maxremind.maxapi.errors import MaxApiError
from maxremind.maxapi.updates import UnknownUpdate, UpdateBase
from maxremind.storage import Storage

log = logging.getLogger(__name__)

NAMESPACE = "maxremind"
METRICS_PATH = "/metrics"

# Reminders are minute-grained: a few seconds late is healthy, minutes late means the
# dispatcher or MAX is struggling, an hour means it was down (catch-up after downtime).
LATENESS_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0)

# Deliveries still to be sent: what "queue depth" counts.
QUEUED = (DeliveryStatus.PLANNED, DeliveryStatus.HELD, DeliveryStatus.CLAIMED)

Collect = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Metrics:
    """The metric objects the product updates; ``registry`` is what /metrics renders."""

    registry: CollectorRegistry
    deliveries: Counter  # maxremind_deliveries_total{status}: outcomes of send attempts
    queue_depth: Gauge  # maxremind_delivery_queue_depth: planned + held + claimed
    lateness: Histogram  # maxremind_delivery_lateness_seconds: sent_at - send_at
    api_errors: Counter  # maxremind_max_api_errors_total{code}
    updates: Counter  # maxremind_updates_received_total{type}: by MAX update_type


def build_metrics(*, process: bool = True) -> Metrics:
    """A fresh registry with every metric registered (``process``: add RSS, CPU, fds)."""
    # The *_created series double the output and no dashboard of ours needs them.
    disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped upstream
    registry = CollectorRegistry(auto_describe=True)
    if process:
        ProcessCollector(namespace=NAMESPACE, registry=registry)
    metrics = Metrics(
        registry=registry,
        deliveries=Counter(
            "deliveries",
            "Delivery attempts by outcome (sent, failed, unreachable, skipped, retry).",
            ["status"],
            namespace=NAMESPACE,
            registry=registry,
        ),
        queue_depth=Gauge(
            "delivery_queue_depth",
            "Deliveries waiting to be sent (planned, held for quiet hours, or claimed).",
            namespace=NAMESPACE,
            registry=registry,
        ),
        lateness=Histogram(
            "delivery_lateness_seconds",
            "How long after its due time a reminder was actually sent.",
            namespace=NAMESPACE,
            registry=registry,
            buckets=LATENESS_BUCKETS,
        ),
        api_errors=Counter(
            "max_api_errors",
            "Failed MAX Bot API calls by error code (or HTTP status, or 'network').",
            ["code"],
            namespace=NAMESPACE,
            registry=registry,
        ),
        updates=Counter(
            "updates_received",
            "Updates received from MAX (polling or webhook) by update type.",
            ["type"],
            namespace=NAMESPACE,
            registry=registry,
        ),
    )
    # Series that exist from the first scrape let rate() and alerts see the first event.
    for status in ("sent", "retry", "failed", "unreachable", "skipped"):
        metrics.deliveries.labels(status=status)
    return metrics


def _known_update_types() -> frozenset[str]:
    # Each update model names its type as the default of its ``update_type`` Literal;
    # reading them from the models keeps this list from drifting behind a new one.
    kinds = (
        cls.model_fields["update_type"].default
        for cls in UpdateBase.__subclasses__()
        if cls is not UnknownUpdate
    )
    return frozenset(kind for kind in kinds if isinstance(kind, str))


KNOWN_UPDATE_TYPES = _known_update_types()
OTHER_UPDATE = "other"


def update_label(kind: str) -> str:
    """A bounded label value for ``updates``: a known update type, else ``"other"``.

    ``update_type`` comes from whoever posts to the webhook; used raw, each made-up value
    would add a series to every scrape for the life of the process.
    """
    return kind if kind in KNOWN_UPDATE_TYPES else OTHER_UPDATE


def api_error_code(exc: MaxApiError) -> str:
    """A bounded label value for ``api_errors``: MAX's code, else the HTTP status."""
    if exc.code:
        return exc.code[:64]
    return str(exc.status) if exc.status is not None else "network"


def storage_collector(metrics: Metrics, storage: Storage) -> Collect:
    """The ``collect`` for :func:`metrics_endpoint`: refreshes gauges from the database."""

    async def collect() -> None:
        counts = await storage.count_deliveries()
        metrics.queue_depth.set(sum(counts.get(status, 0) for status in QUEUED))

    return collect


def metrics_endpoint(
    registry: CollectorRegistry, collect: Collect
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint rendering ``registry`` in the Prometheus text format.

    ``collect`` runs before each render.  If it fails the scrape still answers (with the
    last known gauge values) and the failure is logged: a missing scrape would hide the
    counters too, which are exactly what helps to find out what is wrong.
    """

    async def endpoint(request: Request) -> Response:
        try:
            await collect()
        except Exception:
            log.warning("refreshing metrics failed; serving the last known values", exc_info=True)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return endpoint
