"""Health, readiness, metrics and the status page of a running instance."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.harness import product_settings, running_emulator, running_product, wait_for


async def test_health_ready_metrics_and_status_page(tmp_path: Path) -> None:
    async with (
        running_emulator() as (emu, url),
        running_product(product_settings(url, tmp_path)) as running,
    ):
        user = emu.create_user("Анна")
        emu.start_bot(user.user_id)
        await wait_for(lambda: len(emu.bot_messages(user_id=user.user_id)) == 1, what="welcome")
        async with httpx.AsyncClient(base_url=running.web_url) as http:
            assert (await http.get("/healthz")).text == "ok"
            ready = await http.get("/readyz")
            assert ready.status_code == 200 and ready.json() == {
                "ready": True,
                "checks": {"database": "ok", "max": "ok"},
            }
            metrics = (await http.get("/metrics")).text
            assert 'maxremind_updates_received_total{type="bot_started"} 1.0' in metrics
            assert "maxremind_delivery_queue_depth" in metrics
            assert "maxremind_delivery_lateness_seconds_bucket" in metrics
            page = await http.get("/status")
            assert (
                page.status_code == 200 and "Напоминалка" in page.text and "maxremind" in page.text
            )
            assert page.headers["x-frame-options"] == "DENY"
            assert (await http.get("/static/style.css")).status_code == 200
            # Through a proxy the same loopback client is an outsider: closed by default.
            proxied = {"X-Forwarded-For": "198.51.100.1"}
            assert (await http.get("/status", headers=proxied)).status_code == 403
            assert (await http.get("/metrics", headers=proxied)).status_code == 403
            assert (await http.get("/healthz", headers=proxied)).text == "ok"


async def test_readyz_reports_max_unreachable(tmp_path: Path) -> None:
    import maxremind.http.app as web

    async with (
        running_emulator() as (emu, url),
        running_product(product_settings(url, tmp_path)) as running,
        httpx.AsyncClient(base_url=running.web_url) as http,
    ):
        assert (await http.get("/readyz")).status_code == 200
        emu.token = "rotated-elsewhere"  # MAX now refuses our token: not ready
        web.READY_CACHE_SECONDS = 0.0
        try:
            answer = await http.get("/readyz")
        finally:
            web.READY_CACHE_SECONDS = 15.0
        assert answer.status_code == 503 and answer.json()["checks"]["max"] == "unreachable"
