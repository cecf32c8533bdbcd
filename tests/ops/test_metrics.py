"""/metrics renders parseable Prometheus text with the product's metrics."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from starlette.applications import Starlette
from starlette.routing import Route

from maxremind.domain.models import DeliveryStatus
from maxremind.http.metrics import (
    METRICS_PATH,
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
