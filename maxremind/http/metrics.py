"""Prometheus metrics: the metrics the product updates, their registry, the /metrics endpoint.

Rendered by ``prometheus_client`` rather than hand-written: it gets the text format's
escaping, histogram ``+Inf``/``_sum``/``_count`` and process metrics (RSS, open files,
CPU — what runs out first on a Pi) right, and costs one small pure-Python dependency.

It is imported by the first scrape of /metrics (about 9 ms; later scrapes 0.4 ms), not at
start-up: it brings wsgiref, http.server, gzip, timeit, mmap, resource and more, and
leaving them out takes 0.8-0.9 MiB off the idle RSS of a product-only install (after
start-up 59.6-59.9 -> 58.8-58.9 MiB, after a few updates 60.3-60.8 -> 59.7-59.8;
``bench/memory.py --stages 2``), while /metrics is scraped rarely, on many small instances
never.  Until then the numbers live in the small plain objects below (:class:`Counter`,
:class:`Gauge`, :class:`Histogram`, with prometheus_client's ``labels(...).inc()``,
``set()`` and ``observe()``).  The first scrape registers them as one custom collector
(prometheus_client's documented pattern: ``collect()`` yields metric families) in a
``CollectorRegistry`` made then, beside a ``ProcessCollector``.  The text is the same as
prometheus_client's own metric classes gave, without ``_created`` series
(tests/ops/test_metrics.py compares the two).

Each :func:`build_metrics` makes its own registry, never the global one, so tests and the
demo's two apps never share counters.  No lock: everything that updates these objects runs
on the event loop (no hook is called from a thread), and a scrape renders between two
awaits, so it sees one consistent state.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from maxremind.domain.models import DeliveryStatus
from maxremind.maxapi.errors import MaxApiError
from maxremind.maxapi.updates import KNOWN_UPDATE_TYPES
from maxremind.storage import Storage

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry
    from prometheus_client.metrics_core import Metric

log = logging.getLogger(__name__)

NAMESPACE = "maxremind"
METRICS_PATH = "/metrics"

# Reminders are minute-grained: a few seconds late is healthy, minutes late means the
# dispatcher or MAX is struggling, an hour means it was down (catch-up after downtime).
LATENESS_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0)

# Deliveries still to be sent: what "queue depth" counts.
QUEUED = (DeliveryStatus.PLANNED, DeliveryStatus.HELD, DeliveryStatus.CLAIMED)

Collect = Callable[[], Awaitable[None]]


class CounterChild:
    """One labelled series of a :class:`Counter`."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0.0

    def inc(self, amount: float = 1) -> None:
        if amount < 0:
            raise ValueError("counters can only be incremented by non-negative amounts")
        self.value += amount


class Counter:
    """A counter with labels: ``counter.labels(status="sent").inc()``."""

    def __init__(self, name: str, documentation: str, labelnames: tuple[str, ...]) -> None:
        self.name = f"{NAMESPACE}_{name}"
        self.documentation = documentation
        self.labelnames = labelnames
        # Label values -> series, in the order they first appeared (the order rendered).
        self.children: dict[tuple[str, ...], CounterChild] = {}

    def labels(self, **values: object) -> CounterChild:
        if values.keys() != set(self.labelnames):
            raise ValueError(f"{self.name}: labels {sorted(values)} != {list(self.labelnames)}")
        key = tuple(str(values[name]) for name in self.labelnames)
        child = self.children.get(key)
        if child is None:
            child = self.children[key] = CounterChild()
        return child


class Gauge:
    """A gauge without labels: ``gauge.set(7)``."""

    def __init__(self, name: str, documentation: str) -> None:
        self.name = f"{NAMESPACE}_{name}"
        self.documentation = documentation
        self.value = 0.0

    def set(self, value: float) -> None:
        self.value = float(value)


class Histogram:
    """A histogram without labels over fixed ``buckets``: ``histogram.observe(4.2)``."""

    def __init__(self, name: str, documentation: str, buckets: tuple[float, ...]) -> None:
        self.name = f"{NAMESPACE}_{name}"
        self.documentation = documentation
        self.bounds = buckets
        self.counts = [0] * (len(buckets) + 1)  # per bucket, not cumulative; last is +Inf
        self.sum = 0.0

    def observe(self, amount: float) -> None:
        # The first bucket whose upper bound is >= amount, as prometheus_client's.
        self.counts[bisect_left(self.bounds, amount)] += 1
        self.sum += amount


class MetricsRegistry:
    """The product's metrics as one prometheus_client custom collector, and their render.

    :meth:`collect` (the collector protocol) and :meth:`render` import prometheus_client;
    nothing else here does.
    """

    def __init__(self, metrics: list[Counter | Gauge | Histogram], *, process: bool) -> None:
        self.metrics = metrics
        self.process = process
        self._registry: CollectorRegistry | None = None

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.metrics_core import (
            CounterMetricFamily,
            GaugeMetricFamily,
            HistogramMetricFamily,
        )
        from prometheus_client.utils import floatToGoString

        for metric in self.metrics:
            if isinstance(metric, Counter):
                counter = CounterMetricFamily(
                    metric.name, metric.documentation, labels=metric.labelnames
                )
                for key, child in metric.children.items():
                    counter.add_metric(key, child.value)
                yield counter
            elif isinstance(metric, Gauge):
                yield GaugeMetricFamily(metric.name, metric.documentation, value=metric.value)
            else:
                cumulative, buckets = 0.0, []
                for bound, count in zip((*metric.bounds, float("inf")), metric.counts, strict=True):
                    cumulative += count
                    le = floatToGoString(bound)  # type: ignore[no-untyped-call]  # untyped upstream
                    buckets.append((le, cumulative))
                yield HistogramMetricFamily(
                    metric.name, metric.documentation, buckets=buckets, sum_value=metric.sum
                )

    def render(self) -> tuple[bytes, str]:
        """The Prometheus text and its content type; the first call builds the registry."""
        from prometheus_client import (
            CONTENT_TYPE_LATEST,
            CollectorRegistry,
            ProcessCollector,
            generate_latest,
        )

        if self._registry is None:
            registry = CollectorRegistry(auto_describe=True)
            if self.process:
                ProcessCollector(namespace=NAMESPACE, registry=registry)
            registry.register(self)
            self._registry = registry
        return generate_latest(self._registry), CONTENT_TYPE_LATEST


@dataclass(frozen=True)
class Metrics:
    """The metric objects the product updates; ``registry`` is what /metrics renders."""

    registry: MetricsRegistry
    deliveries: Counter  # maxremind_deliveries_total{status}: outcomes of send attempts
    queue_depth: Gauge  # maxremind_delivery_queue_depth: planned + held + claimed
    lateness: Histogram  # maxremind_delivery_lateness_seconds: sent_at - send_at
    api_errors: Counter  # maxremind_max_api_errors_total{code}
    updates: Counter  # maxremind_updates_received_total{type}: by MAX update_type


def build_metrics(*, process: bool = True) -> Metrics:
    """Every metric, in a registry of their own (``process``: add RSS, CPU, fds)."""
    deliveries = Counter(
        "deliveries",
        "Delivery attempts by outcome (sent, failed, unreachable, skipped, retry).",
        ("status",),
    )
    queue_depth = Gauge(
        "delivery_queue_depth",
        "Deliveries waiting to be sent (planned, held for quiet hours, or claimed).",
    )
    lateness = Histogram(
        "delivery_lateness_seconds",
        "How long after its due time a reminder was actually sent.",
        LATENESS_BUCKETS,
    )
    api_errors = Counter(
        "max_api_errors",
        "Failed MAX Bot API calls by error code (or HTTP status, or 'network').",
        ("code",),
    )
    updates = Counter(
        "updates_received",
        "Updates received from MAX (polling or webhook) by update type.",
        ("type",),
    )
    # Rendered in this order, as they were registered before.
    registry = MetricsRegistry(
        [deliveries, queue_depth, lateness, api_errors, updates], process=process
    )
    # Series that exist from the first scrape let rate() and alerts see the first event.
    for status in ("sent", "retry", "failed", "unreachable", "skipped"):
        deliveries.labels(status=status)
    return Metrics(registry, deliveries, queue_depth, lateness, api_errors, updates)


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
    registry: MetricsRegistry, collect: Collect
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
        body, content_type = registry.render()
        return Response(body, media_type=content_type)

    return endpoint
