"""Dispatcher: expand due jobs into deliveries, then claim → send → record.

Delivery guarantee — at-least-once, de-duplicated:

* every delivery has a unique key (occurrence × reminder step × recipient), so
  re-planning, a second worker or a restart never creates a second one;
* a delivery is claimed with a lease before it is sent and recorded as sent right
  after MAX accepts it, so a send MAX accepted is never repeated;
* the one window for a duplicate: MAX accepted the message but we never learnt it —
  the answer was lost (timeout, dropped connection) and the client retried, or the
  process died between MAX's answer and the ``record_sent`` commit (one SQLite
  write, milliseconds).  The lease then expires and the delivery is sent again.
  ``docs/delivery.md`` spells this out.

Catch-up after downtime happens here too: a job expanded more than ``late_after``
after its due time is either still useful (sent now, labelled as delayed) or too
late to matter (its occurrence is over): then it is skipped and listed in one
summary to the organizer.  Several missed steps of one event give one message.
"""

from __future__ import annotations

from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.models import (
    Delivery,
)
from maxremind.domain.signing import CallbackSigner
from maxremind.engine.compose import Composer
from maxremind.engine.expand import Expander
from maxremind.engine.report import Reports
from maxremind.engine.send import SendLoop, _SentBuffer
from maxremind.engine.types import EngineConfig, EngineStats, Sender
from maxremind.maxapi.models import NewMessageBody
from maxremind.storage import Storage


class Dispatcher:
    """The engine's delivery side, in three parts: :class:`Expander` (jobs → deliveries),
    :class:`SendLoop` (claim → send → record) and :class:`Reports` (to organizers);
    :class:`Composer` writes what each delivery says."""

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        signer: CallbackSigner,
        *,
        owner: str,
        config: EngineConfig | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.storage = storage
        self.sender = sender
        self.signer = signer
        self.owner = owner
        self.clock = clock
        self.stats = EngineStats()
        self._config = config or EngineConfig()
        self.composer = Composer(storage, signer, self._config.default_timezone)
        self.reports = Reports(storage, clock=clock)
        self.expander = Expander(storage, self.reports, config=self._config, clock=clock)
        self.sending = SendLoop(
            storage,
            sender,
            self.composer,
            self.reports,
            self.stats,
            owner=owner,
            config=self._config,
            clock=clock,
        )

    @property
    def config(self) -> EngineConfig:
        return self._config

    @config.setter
    def config(self, config: EngineConfig) -> None:
        self._config = self.expander.config = self.sending.config = config

    @property
    def stopping(self) -> bool:
        return self.sending.stopping

    @stopping.setter
    def stopping(self, value: bool) -> None:
        self.sending.stopping = value

    async def expand_due(self) -> int:
        """Turn every due job into deliveries, and add the weekly digests and who-came
        checklists that are due; returns how many jobs and messages were added."""
        added = await self.composer.insights.plan(self.clock())
        return added + await self.expander.expand_due()

    async def send_due(self) -> int:
        """Claim and send everything due now; returns how many deliveries were attempted."""
        return await self.sending.send_due()

    async def render(self, delivery: Delivery) -> NewMessageBody | None:
        """The message a delivery shows now (also used to re-render after a button press)."""
        return await self.composer.render(delivery, self.clock())


__all__ = ["Dispatcher", "EngineConfig", "EngineStats", "Sender", "_SentBuffer"]
