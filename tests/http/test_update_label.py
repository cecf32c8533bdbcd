"""The updates metric's label takes a bounded set of values, whatever MAX or a caller sends."""

from __future__ import annotations

from maxremind.http.metrics import KNOWN_UPDATE_TYPES, build_metrics, update_label


def test_known_update_types_keep_their_name() -> None:
    for kind in ("message_created", "message_callback", "bot_started", "user_removed"):
        assert update_label(kind) == kind
    assert "unknown" not in KNOWN_UPDATE_TYPES and len(KNOWN_UPDATE_TYPES) >= 16


def test_made_up_update_types_share_one_series() -> None:
    metrics = build_metrics(process=False)
    for i in range(1000):
        metrics.updates.labels(type=update_label(f"spam_{i}")).inc()
    metrics.updates.labels(type=update_label("")).inc()
    values = {
        sample.labels["type"]: sample.value
        for family in metrics.registry.collect()
        for sample in family.samples
        if sample.name == "maxremind_updates_received_total"
    }
    assert values == {"other": 1001.0}
