"""Reports to organizers (see :class:`Reports`)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from maxremind.domain.clock import Clock
from maxremind.domain.models import (
    Delivery,
    DeliveryKind,
    Event,
    Job,
    NewDelivery,
    RecipientKind,
)
from maxremind.storage import Storage


class Reports:
    """Messages to organizers about problems: people who could not be reached, an
    event whose audience is gone, what was missed while the service was down.  Each is
    a delivery whose key makes sure it is sent once."""

    def __init__(self, storage: Storage, *, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock

    async def add(
        self,
        key: str,
        organizer_id: int,
        when: datetime,
        kind: DeliveryKind,
        payload: dict[str, Any],
        *,
        job: Job | None = None,
    ) -> None:
        """A message to an organizer at ``when``; its key makes sure it is sent once."""
        report = NewDelivery(
            key=key,
            recipient_kind=RecipientKind.USER,
            recipient_id=organizer_id,
            due_at=when,
            send_at=when,
            kind=kind,
            job_id=job.id if job is not None else None,
            occurrence_id=job.occurrence_id if job is not None else None,
            payload=json.dumps(payload),
        )
        await self.storage.add_deliveries([report])

    async def missing_audience(self, event: Event, everyone: bool, now: datetime) -> None:
        stamp = int(event.updated_at.timestamp())
        await self.add(
            f"report:audience:{event.id}:{stamp}",
            event.organizer_id,
            now,
            DeliveryKind.REPORT,
            {"type": "audience", "event_id": event.id, "everyone": everyone},
        )

    async def catchup(
        self, organizer_id: int, items: list[tuple[str, datetime]], now: datetime
    ) -> None:
        await self.add(
            f"catchup:{organizer_id}:{int(now.timestamp() * 1000)}",
            organizer_id,
            now,
            DeliveryKind.CATCHUP,
            {"items": [[title, int(at.timestamp())] for title, at in items]},
        )

    async def unreachable(self, delivery: Delivery) -> None:
        assert delivery.job_id is not None
        job = await self.storage.get_job(delivery.job_id)
        occurrence = await self.storage.get_occurrence(job.occurrence_id)
        event = await self.storage.get_event(occurrence.event_id)
        # One report per job, sent once the fan-out is expected to be over.
        when = max(self.clock(), (job.expected_finish or self.clock()) + timedelta(seconds=30))
        await self.add(
            f"{job.key}:report",
            event.organizer_id,
            when,
            DeliveryKind.REPORT,
            {"type": "unreachable", "job_id": job.id},
            job=job,
        )
