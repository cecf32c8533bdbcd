"""A flaky MAX: a share of answers are 5xx or slow, and still everyone hears exactly once.

A 5xx means MAX did not take the message, so retrying it is safe; a slow answer that
arrives within the client's read timeout is an ordinary success.  Neither may lose a
message or send one twice.
"""

from __future__ import annotations

import time
from pathlib import Path

from maxremind.emulator.limits import FaultConfig, Limits
from tests.harness import TOKEN, product_settings, running_emulator, running_product, wait_for

from .crashrun import ANNOUNCEMENT, emulator_users, ledger, seed_announcement

RECIPIENTS = 300
FIRST_USER = 4_000_001


async def test_flaky_max_still_gets_every_message_exactly_once(tmp_path: Path) -> None:
    users = list(range(FIRST_USER, FIRST_USER + RECIPIENTS))
    db_path = tmp_path / "maxremind.db"
    async with running_emulator(limits=Limits(enabled=False)) as (emu, url):
        await emulator_users(url, TOKEN, users)
        await seed_announcement(db_path, users)
        # 20 % of answers fail with 5xx and, independently, 20 % are slow; 0.4 s is far
        # below the client's 30 s read timeout, so no answer is lost.
        emu.set_faults(FaultConfig(error_rate=0.2, slow_rate=0.2, slow_delay=0.4, seed=7))
        started = time.monotonic()
        settings = product_settings(
            url, tmp_path, rate_limit_rps=300, chat_rate_limit_rps=50, log_level="warning"
        )
        async with running_product(settings):
            await wait_for(
                lambda: ledger(db_path).get("sent", 0) == RECIPIENTS,
                timeout=25,
                what="every delivery recorded as sent",
            )
        elapsed = time.monotonic() - started

    per_user = {
        uid: sum(1 for m in emu.bot_messages(user_id=uid) if ANNOUNCEMENT in (m.text or ""))
        for uid in users
    }
    print(
        f"\nfaults: {emu.stats.faults} injected 5xx of {emu.stats.requests} requests, "
        f"{RECIPIENTS} recipients in {elapsed:.1f}s"
    )
    assert emu.stats.faults >= RECIPIENTS // 10  # the faults really happened
    assert {n for n in per_user.values()} == {1}, "someone got nothing or a duplicate"
    assert ledger(db_path) == {"sent": RECIPIENTS}
