"""/metrics renders parseable Prometheus text with the product's metrics."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import prometheus_client
import pytest
from prometheus_client import CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from starlette.applications import Starlette
from starlette.routing import Route

from maxremind.domain.models import DeliveryStatus
from maxremind.http.metrics import (
    LATENESS_BUCKETS,
    METRICS_PATH,
    NAMESPACE,
    Collect,
    Metrics,
    api_error_code,
    build_metrics,
    metrics_endpoint,
    storage_collector,
)
from maxremind.maxapi.errors import MaxApiError


async def _scrape(metrics: Metrics, collect: Collect) -> tuple[httpx.Response, list[Sample]]:
    app = Starlette(routes=[Route(METRICS_PATH, metrics_endpoint(metrics.registry, collect))])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(METRICS_PATH)
    samples = [s for f in text_string_to_metric_families(response.text) for s in f.samples]
    return response, samples


def _value(samples: list[Sample], name: str, **labels: str) -> float:
    found = [s.value for s in samples if s.name == name and s.labels == labels]
    assert len(found) == 1, f"{name}{labels}: {found}"
    return found[0]


async def _nothing() -> None:
    return None


async def test_counters_gauge_and_histogram_render_and_parse() -> None:
    metrics = build_metrics(process=False)
    metrics.deliveries.labels(status="sent").inc(3)
    metrics.api_errors.labels(code="chat.denied").inc()
    metrics.updates.labels(type="message_created").inc(2)
    for seconds in (0.5, 4.0, 4000.0):
        metrics.lateness.observe(seconds)

    async def collect() -> None:
        metrics.queue_depth.set(7)

    response, samples = await _scrape(metrics, collect)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert _value(samples, "maxremind_deliveries_total", status="sent") == 3
    assert _value(samples, "maxremind_deliveries_total", status="failed") == 0  # pre-created
    assert _value(samples, "maxremind_max_api_errors_total", code="chat.denied") == 1
    assert _value(samples, "maxremind_updates_received_total", type="message_created") == 2
    assert _value(samples, "maxremind_delivery_queue_depth") == 7
    hist = "maxremind_delivery_lateness_seconds"
    assert _value(samples, hist + "_bucket", le="1.0") == 1
    assert _value(samples, hist + "_bucket", le="5.0") == 2  # buckets are cumulative
    assert _value(samples, hist + "_bucket", le="3600.0") == 2
    assert _value(samples, hist + "_bucket", le="+Inf") == 3
    assert _value(samples, hist + "_count") == 3
    assert _value(samples, hist + "_sum") == pytest.approx(4004.5)
    assert not [s for s in samples if s.name.endswith("_created")]


async def test_label_values_are_escaped() -> None:
    metrics = build_metrics(process=False)
    metrics.api_errors.labels(code='we"ird\\code\n').inc()
    _, samples = await _scrape(metrics, _nothing)
    assert _value(samples, "maxremind_max_api_errors_total", code='we"ird\\code\n') == 1


async def test_a_failing_collect_still_serves_the_counters() -> None:
    metrics = build_metrics(process=False)
    metrics.deliveries.labels(status="sent").inc()

    async def broken() -> None:
        raise RuntimeError("database is locked")

    response, samples = await _scrape(metrics, broken)
    assert response.status_code == 200
    assert _value(samples, "maxremind_deliveries_total", status="sent") == 1


async def test_process_metrics_are_included_by_default() -> None:
    _, samples = await _scrape(build_metrics(), _nothing)
    assert _value(samples, "maxremind_process_resident_memory_bytes") > 0


async def test_registries_are_independent() -> None:
    first, second = build_metrics(process=False), build_metrics(process=False)
    first.deliveries.labels(status="sent").inc()
    _, samples = await _scrape(second, _nothing)
    assert _value(samples, "maxremind_deliveries_total", status="sent") == 0


class _FakeStorage:
    async def count_deliveries(self) -> dict[DeliveryStatus, int]:
        return {DeliveryStatus.PLANNED: 4, DeliveryStatus.HELD: 2, DeliveryStatus.SENT: 90}


async def test_queue_depth_counts_work_not_yet_sent() -> None:
    metrics = build_metrics(process=False)
    fake: Any = _FakeStorage()
    _, samples = await _scrape(metrics, storage_collector(metrics, fake))
    assert _value(samples, "maxremind_delivery_queue_depth") == 6


def test_api_error_label_is_bounded() -> None:
    assert api_error_code(MaxApiError("x", code="attachment.not.ready")) == "attachment.not.ready"
    assert api_error_code(MaxApiError("x", status=502)) == "502"
    assert api_error_code(MaxApiError("x")) == "network"


@dataclass(frozen=True)
class _Reference:
    """The reference: prometheus_client's own Counter, Gauge and Histogram in a registry,
    built as build_metrics built them up to bab6684 (what /metrics must go on rendering)."""

    registry: CollectorRegistry
    deliveries: prometheus_client.Counter
    queue_depth: prometheus_client.Gauge
    lateness: prometheus_client.Histogram
    api_errors: prometheus_client.Counter
    updates: prometheus_client.Counter


@pytest.fixture
def no_created_series() -> Iterator[None]:
    prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]
    yield
    prometheus_client.enable_created_metrics()  # type: ignore[no-untyped-call]


def _reference(*, process: bool) -> _Reference:
    registry = CollectorRegistry(auto_describe=True)
    if process:
        ProcessCollector(namespace=NAMESPACE, registry=registry)
    reference = _Reference(
        registry=registry,
        deliveries=prometheus_client.Counter(
            "deliveries",
            "Delivery attempts by outcome (sent, failed, unreachable, skipped, retry).",
            ["status"],
            namespace=NAMESPACE,
            registry=registry,
        ),
        queue_depth=prometheus_client.Gauge(
            "delivery_queue_depth",
            "Deliveries waiting to be sent (planned, held for quiet hours, or claimed).",
            namespace=NAMESPACE,
            registry=registry,
        ),
        lateness=prometheus_client.Histogram(
            "delivery_lateness_seconds",
            "How long after its due time a reminder was actually sent.",
            namespace=NAMESPACE,
            registry=registry,
            buckets=LATENESS_BUCKETS,
        ),
        api_errors=prometheus_client.Counter(
            "max_api_errors",
            "Failed MAX Bot API calls by error code (or HTTP status, or 'network').",
            ["code"],
            namespace=NAMESPACE,
            registry=registry,
        ),
        updates=prometheus_client.Counter(
            "updates_received",
            "Updates received from MAX (polling or webhook) by update type.",
            ["type"],
            namespace=NAMESPACE,
            registry=registry,
        ),
    )
    for status in ("sent", "retry", "failed", "unreachable", "skipped"):
        reference.deliveries.labels(status=status)
    return reference


def _updates(seed: int) -> list[tuple[str, str, float]]:
    """A run's worth of updates: (metric, label value, amount), bucket bounds included."""
    rng = random.Random(seed)
    statuses = ("sent", "retry", "failed", "unreachable", "skipped", "escalated")
    codes = ("chat.denied", "502", "network", 'we"ird\\code\n', "attachment.not.ready")
    kinds = ("message_created", "message_callback", "bot_started", "other")
    late = (0.0, 0.3, *LATENESS_BUCKETS, 7.5, 4000.0, 86400.0)
    found: list[tuple[str, str, float]] = []
    for _ in range(300):
        which = rng.choice(("deliveries", "queue_depth", "lateness", "api_errors", "updates"))
        if which == "deliveries":
            found.append((which, rng.choice(statuses), rng.choice((1, 1, 2, 0))))
        elif which == "api_errors":
            found.append((which, rng.choice(codes), 1))
        elif which == "updates":
            found.append((which, rng.choice(kinds), rng.choice((1, 3))))
        elif which == "queue_depth":
            found.append((which, "", rng.randrange(0, 5000)))
        else:
            found.append((which, "", rng.choice(late) + rng.choice((0.0, 0.0, 0.001))))
    return found


def _apply(target: Metrics | _Reference, updates: list[tuple[str, str, float]]) -> None:
    # The same calls on both: the product's callers use exactly this interface.
    for which, label, amount in updates:
        if which == "deliveries":
            target.deliveries.labels(status=label).inc(amount)
        elif which == "api_errors":
            target.api_errors.labels(code=label).inc(amount)
        elif which == "updates":
            target.updates.labels(type=label).inc(amount)
        elif which == "queue_depth":
            target.queue_depth.set(amount)
        else:
            target.lateness.observe(amount)


@pytest.mark.usefixtures("no_created_series")
@pytest.mark.parametrize("seed", range(5))
async def test_the_text_is_what_prometheus_clients_own_metrics_render(seed: int) -> None:
    metrics, reference = build_metrics(process=False), _reference(process=False)
    # Seed 0: nothing happened yet (HELP, TYPE, the pre-created series, zeros).
    updates = _updates(seed) if seed else []
    _apply(metrics, updates)
    _apply(reference, updates)
    response, _ = await _scrape(metrics, _nothing)
    assert response.text == generate_latest(reference.registry).decode()
    assert response.headers["content-type"] == prometheus_client.CONTENT_TYPE_LATEST


@pytest.mark.usefixtures("no_created_series")
async def test_the_process_metrics_are_the_same_families() -> None:
    metrics, reference = build_metrics(), _reference(process=True)
    updates = _updates(42)
    _apply(metrics, updates)
    _apply(reference, updates)
    response, _ = await _scrape(metrics, _nothing)

    def shape(text: str) -> list[str]:
        # Process values move between two reads; names, HELP and TYPE lines must not.
        return [line if line.startswith("#") else line.split(" ")[0] for line in text.splitlines()]

    expected = generate_latest(reference.registry).decode()
    assert shape(response.text) == shape(expected)
    product = [line for line in response.text.splitlines() if "_process_" not in line]
    assert product == [line for line in expected.splitlines() if "_process_" not in line]


async def test_a_second_scrape_sees_later_updates() -> None:
    metrics = build_metrics(process=False)
    _, first = await _scrape(metrics, _nothing)
    metrics.deliveries.labels(status="sent").inc()
    metrics.lateness.observe(2.0)
    _, second = await _scrape(metrics, _nothing)
    assert _value(first, "maxremind_deliveries_total", status="sent") == 0
    assert _value(second, "maxremind_deliveries_total", status="sent") == 1
    assert _value(second, "maxremind_delivery_lateness_seconds_bucket", le="5.0") == 1


def test_counters_refuse_what_prometheus_client_refuses() -> None:
    metrics = build_metrics(process=False)
    with pytest.raises(ValueError, match="non-negative"):
        metrics.deliveries.labels(status="sent").inc(-1)
    with pytest.raises(ValueError, match="label"):
        metrics.deliveries.labels(code="sent")
    with pytest.raises(ValueError, match="label"):
        metrics.deliveries.labels()


# Run in a fresh interpreter: the test process imports prometheus_client itself.
_IMPORT_PROBE = """
import asyncio, sys
import maxremind.app
from maxremind.http.metrics import build_metrics, metrics_endpoint
seen = ["prometheus_client" in sys.modules]
metrics = build_metrics()
metrics.deliveries.labels(status="sent").inc()
metrics.lateness.observe(2.0)
seen.append("prometheus_client" in sys.modules)
async def nothing():
    return None
response = asyncio.run(metrics_endpoint(metrics.registry, nothing)(None))
seen.append("prometheus_client" in sys.modules)
assert b'maxremind_deliveries_total{status="sent"} 1.0' in response.body, response.body
print(*seen)
"""


def test_prometheus_client_is_imported_by_the_first_scrape_only() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    at_import, after_build, after_scrape = done.stdout.split()
    assert (at_import, after_build, after_scrape) == ("False", "False", "True")
