"""Composition root: builds storage, client, bot, intake and web on one AsyncExitStack.

Nothing else constructs long-lived objects.  ``serve`` runs until its ``stop``
event is set (SIGTERM/SIGINT in ``run_app``; the demo and tests set it too).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import logging
import os
import secrets
import signal
import socket
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from maxremind import __version__
from maxremind.backup import (
    BackupError,
    InstanceRunning,
    acquire_instance_lock,
    backup_before_migrations,
    backup_loop,
)
from maxremind.bot.context import Services as BotServices
from maxremind.bot.handlers import register_all
from maxremind.bot.handlers.calendar_import import result_messages
from maxremind.bot.menu import command_menu
from maxremind.bot.router import Router
from maxremind.calendar.fetch import IcsFetcher
from maxremind.config import Settings
from maxremind.core.keys import load_signer
from maxremind.domain.clock import utcnow
from maxremind.domain.signing import CallbackSigner
from maxremind.engine.dispatcher import Dispatcher, EngineConfig
from maxremind.engine.fleet import Fleet
from maxremind.engine.planner import Planner
from maxremind.engine.timer import Engine
from maxremind.http.app import WebContext, create_web_app
from maxremind.http.metrics import api_error_code, build_metrics, update_label
from maxremind.http.server import serve_app
from maxremind.http.web.settings import WebSettings
from maxremind.intake.inbox import Inbox, StorageMarker
from maxremind.intake.leader import run_as_leader
from maxremind.intake.outbox import OutboxSender, Replies, collecting, outbox_teller
from maxremind.intake.polling import run_polling
from maxremind.intake.webhook import WEBHOOK_PATH
from maxremind.intake.webhook_check import public_url_problem
from maxremind.maxapi.client import MaxClient
from maxremind.maxapi.errors import LimiterUnavailable, MaxApiError, Unauthorized
from maxremind.maxapi.limiter import Limiter, RateLimiter
from maxremind.maxapi.models import BotInfo, NewBotCommand
from maxremind.services.access import AccessService
from maxremind.services.agenda import AgendaService
from maxremind.services.answers import AnswerService
from maxremind.services.bundle import AppServices
from maxremind.services.calendar import CalendarService
from maxremind.services.calendar_import import CalendarImport, Telling, UploadDone
from maxremind.services.chats import ChatService
from maxremind.services.events import EventService
from maxremind.services.oneliner import TypedEvents
from maxremind.services.teams import TeamService
from maxremind.services.users import UserService
from maxremind.state import open_state
from maxremind.storage import DatabaseUnusable, Storage, open_storage
from maxremind.storage.sqlite import sqlite_path

if TYPE_CHECKING:
    from maxremind.services.insights import InsightsService
    from maxremind.services.instance import InstanceService
    from maxremind.services.overview import OverviewService

log = logging.getLogger(__name__)

START_RETRY_CAP = 60.0
SHUTDOWN_GRACE = 20.0
# Python collects its youngest generation every 700 new container objects: during a
# fan-out that is every few deliveries, each pass walking everything in flight (40
# requests' worth of httpx and asyncio objects) only to promote it.  Most garbage here is
# freed by reference counting anyway; a larger threshold means far fewer passes.
GC_YOUNG_THRESHOLD = 20_000


class StartupError(Exception):
    """Start-up cannot continue; the message is meant for the operator."""


@dataclass(frozen=True)
class Running:
    """What a started instance tells its caller (the demo prints it)."""

    web_url: str
    bot: BotInfo


async def migrate_database(settings: Settings) -> tuple[int, int]:
    """Apply pending migrations (after a backup); returns the versions before and after."""
    await _backup_before_upgrade(settings)
    storage = storage_for(settings)
    await storage.open(migrate=False)
    try:
        before = await storage.schema_version()
        await storage.migrate()
        return before, await storage.schema_version()
    finally:
        await storage.close()


def storage_for(settings: Settings) -> Storage:
    """The storage the settings name, not yet opened."""
    return open_storage(
        settings.database_url,
        pool_size=settings.db_pool_size,
        statement_timeout=settings.db_statement_timeout_seconds,
    )


def build_client(settings: Settings) -> MaxClient:
    """The one MAX client; closing it closes its limiter (and that one's Redis)."""
    limiter: Limiter
    if settings.redis_url:
        # Scale mode: every process of this bot keeps MAX's limits together, in Redis.
        from maxremind.maxapi.fleet_limiter import FleetRateLimiter, bot_prefix

        limiter = FleetRateLimiter.from_url(
            settings.redis_url,
            prefix=bot_prefix(settings.token, settings.api_url),
            global_rps=settings.rate_limit_rps,
            per_chat_rps=settings.chat_rate_limit_rps,
        )
    else:
        limiter = RateLimiter(
            global_rps=settings.rate_limit_rps, per_chat_rps=settings.chat_rate_limit_rps
        )
    return MaxClient(settings.token, base_url=settings.api_url, limiter=limiter)


def build_engine(
    storage: Storage, client: MaxClient, signer: CallbackSigner, settings: Settings
) -> Engine:
    config = EngineConfig(
        rps=settings.rate_limit_rps,
        default_timezone=settings.timezone,
        grace=timedelta(minutes=settings.catchup_grace_minutes),
    )
    if _sqlite_file(settings) is None:
        # Processes share MAX's rate: a claim of more than a few seconds of the fleet's
        # sending would leave the others idle, and wait for the worker registry if this
        # process died with it.
        config = dataclasses.replace(config, batch=max(10, int(settings.rate_limit_rps * 2)))
    planner = Planner(storage, rps=settings.rate_limit_rps)
    owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    dispatcher = Dispatcher(storage, client, signer, owner=owner, config=config)
    return Engine(planner, dispatcher)


def _tell_through_outbox(storage: Storage, client: MaxClient) -> Telling:
    """How the import loop tells whoever sent the bot a file how it went: the messages
    are stored in the outbox inside the import's own unit of work, like an update's
    replies, so they go out (in order, retried) once it commits, at the next start after
    a crash, and never for an import that rolled back.  (The engine's deliveries are made
    for occurrences and rendered from them; this is a ready message, as a reply is.)"""
    replies, outbox = Replies(client), OutboxSender(storage, client)

    async def tell(done: UploadDone) -> None:
        chat_id = done.upload.chat_id
        with collecting() as collected:
            for body in result_messages(done):
                if chat_id is not None:
                    await replies.send_message(body, chat_id=chat_id)
                else:
                    await replies.send_message(body, user_id=done.upload.actor_id)
        await outbox.store(collected, inbox_id=None, at=utcnow())

    return tell


def build_services(
    storage: Storage,
    engine: Engine,
    client: MaxClient,
    *,
    access: AccessService,
    settings: Settings | None = None,
    fetcher: IcsFetcher | None = None,
) -> AppServices:
    def poke() -> None:
        # Inside a unit of work (an update being handled) the engine must look only
        # once the writes are committed, or it sees nothing and sleeps.
        storage.after_commit(engine.poke)

    def overview() -> OverviewService:
        from maxremind.services.overview import OverviewService

        return OverviewService(storage)

    def instance() -> InstanceService:
        from maxremind.services.instance import InstanceService

        return InstanceService(
            storage,
            database_url=settings.database_url if settings else "",
            backups_dir=settings.backups_path if settings else None,
        )

    def insights() -> InsightsService:
        from maxremind.services.insights import InsightsService

        return InsightsService(storage, poke=poke)

    events = EventService(storage, engine.planner, poke=poke)
    people = TeamService(storage, events, tell=outbox_teller(storage, client))
    return AppServices(
        people=people,
        users=UserService(storage),
        chats=ChatService(storage, people, client),
        agenda=AgendaService(storage, poke=poke),
        typed=TypedEvents(storage),
        events=events,
        answers=AnswerService(storage, render=engine.dispatcher.render, poke=poke),
        access=access,
        calendar=CalendarService(storage),
        calendar_import=CalendarImport(
            storage,
            events,
            fetcher,
            refresh_minutes=settings.calendar_refresh_minutes if settings else 60,
            tell=_tell_through_outbox(storage, client),
        ),
        make_overview=overview,
        make_instance=instance,
        make_insights=insights,
    )


async def _check_token(client: MaxClient, stop: asyncio.Event) -> BotInfo | None:
    """Who we are; waits out MAX outages, but a refused token ends start-up."""
    delay = 1.0
    while not stop.is_set():
        try:
            return await client.get_me()
        except Unauthorized:
            raise StartupError(
                "MAX refused the bot token (401): check MAXREMIND_TOKEN / MAXREMIND_TOKEN_FILE"
            ) from None
        except MaxApiError as exc:
            log.warning("MAX is not reachable yet (%s); retrying in %.0fs", exc, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        delay = min(delay * 2, START_RETRY_CAP)
    return None


def _redis_bot_key(settings: Settings) -> str:
    if not settings.redis_url:
        return ""
    from maxremind.maxapi.fleet_limiter import bot_key

    return bot_key(settings.token, settings.api_url)


async def _ask_max(client: MaxClient) -> object:
    """Whether MAX answers, for /readyz.  Asked through the rate limiter like every
    request: when the fleet's limiter (Redis) is down, MAX is not asked, and /readyz's
    Redis check says what is wrong instead of calling MAX unreachable."""
    try:
        return await client.get_me()
    except LimiterUnavailable:
        return None


def _more_checks(
    redis: Callable[[], Awaitable[str]] | None, fleet: Fleet | None
) -> dict[str, Callable[[], Awaitable[str]]]:
    """Readiness beside the database and MAX: Redis, and this process's heartbeat."""
    checks: dict[str, Callable[[], Awaitable[str]]] = {}
    if redis is not None:
        checks["redis"] = redis
    if fleet is not None:
        registry = fleet

        async def heartbeat() -> str:
            if registry.healthy:
                return "ok"
            return "error: the heartbeat could not be written (is the database reachable?)"

        checks["heartbeat"] = heartbeat
    return checks


async def _check_redis(
    settings: Settings, stack: AsyncExitStack
) -> Callable[[], Awaitable[str]] | None:
    """Refuse to start without the Redis the settings name; the check /readyz repeats."""
    if not settings.redis_url:
        return None
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=5)
    stack.push_async_callback(redis.aclose)

    async def check() -> str:
        try:
            await redis.ping()
        except (RedisError, OSError) as exc:
            return f"error: {exc}"
        return "ok"

    state = await check()
    if state != "ok":
        raise StartupError(f"MAXREMIND_REDIS_URL: cannot reach Redis ({state})")
    return check


async def _prepare_intake(client: MaxClient, settings: Settings) -> None:
    if settings.mode == "webhook":
        url = settings.public_url + WEBHOOK_PATH
        await client.subscribe(url=url, secret=settings.webhook_secret, update_types=None)
        log.info("webhook subscription registered for %s", url)
        return
    subscriptions = await client.list_subscriptions()
    if subscriptions:
        log.warning(
            "MAX has a webhook subscription (%s), so long polling receives nothing; "
            "run `maxremind webhook delete` or switch to MAXREMIND_MODE=webhook",
            ", ".join(s.url for s in subscriptions),
        )


async def _unless_stopped(work: Awaitable[None], stop: asyncio.Event) -> None:
    """Run a start-up errand, dropped quietly when the process stops first."""
    task = asyncio.ensure_future(work)
    halt = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, halt}, return_when=asyncio.FIRST_COMPLETED)
    halt.cancel()
    if not task.done():
        task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def _register_commands(client: MaxClient, menu: list[NewBotCommand]) -> None:
    """Give MAX the command menu; the bot works without it, so a failure is one line."""
    try:
        await client.set_commands(menu)
    except MaxApiError as exc:
        log.warning("could not register the command menu with MAX (%s); the bot works on", exc)
    else:
        log.info("registered %s commands with MAX", len(menu))


async def _check_public_url(public_url: str) -> None:
    """Ask the webhook's address as MAX would; what stops MAX is one warning line."""
    problem = await public_url_problem(public_url)
    if problem is not None:
        log.warning("webhook: %s", problem)
    else:
        log.info("webhook: %s answers over HTTPS with a certificate MAX trusts", public_url)


def _sqlite_file(settings: Settings) -> Path | None:
    url = settings.database_url
    return sqlite_path(url) if url.startswith("sqlite:///") else None


async def _backup_before_upgrade(settings: Settings) -> None:
    """A newer binary takes a backup before it migrates an existing database."""
    db_file = _sqlite_file(settings)
    if db_file is None:
        return
    try:
        await asyncio.to_thread(backup_before_migrations, db_file, settings.backups_path)
    except BackupError as exc:
        raise StartupError(
            f"{exc}; not migrating without a backup (set MAXREMIND_BACKUP_DIR to a writable folder)"
        ) from None


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event,
    on_ready: Callable[[Running], None] | None = None,
) -> None:
    """Run the whole product until ``stop`` is set.

    :raises StartupError: the token is refused, another instance runs on the same data
        folder, or the web port cannot be bound.
    """
    async with AsyncExitStack() as stack:
        if _sqlite_file(settings) is not None:
            # One process owns a SQLite file; on Postgres any number share the database.
            try:
                stack.enter_context(acquire_instance_lock(settings.data_path))
            except InstanceRunning as exc:
                raise StartupError(str(exc)) from None
        # Redis first: a process refused for it must not have migrated the database.
        redis_check = await _check_redis(settings, stack)
        await _backup_before_upgrade(settings)
        try:
            storage = await stack.enter_async_context(storage_for(settings))
        except DatabaseUnusable as exc:
            raise StartupError(f"MAXREMIND_DB_URL: {exc}") from None
        if _sqlite_file(settings) is not None:
            # We hold the data folder's lock, so whoever claimed deliveries before is dead:
            # take their claims back now instead of waiting out the lease (a fan-out cut
            # by kill -9 goes on as soon as we are up).
            released = await storage.release_claims()
            if released:
                log.info("took back %s deliveries claimed by a previous run", released)
            if await storage.release_calendar_uploads():
                log.info("took back calendar files a previous run was importing")
        state = open_state(storage, settings.redis_url, bot_key=_redis_bot_key(settings))
        stack.push_async_callback(state.close)
        client = await stack.enter_async_context(build_client(settings))
        metrics = build_metrics()
        client.on_error = lambda exc: metrics.api_errors.labels(code=api_error_code(exc)).inc()
        bot = await _check_token(client, stop)
        if bot is None:
            return
        log.info("connected to MAX as %s (@%s)", bot.name, bot.username)
        signer = await load_signer(storage)
        engine = build_engine(storage, client, signer, settings)
        fleet: Fleet | None = None
        if _sqlite_file(settings) is None:
            # Every process on a shared database registers, whatever its roles: it shows
            # on the instance page and helps release the claims of a dead one.
            fleet = Fleet(
                storage,
                owner=engine.dispatcher.owner,
                roles=settings.roles.split(","),
                poke=engine.poke,
            )
            await fleet.tick()  # registered (and the dead released) before anything claims
            engine.dispatcher.sending.may_send = lambda: fleet is not None and fleet.healthy
        engine.dispatcher.stats.on_status = lambda s: metrics.deliveries.labels(status=s).inc()
        engine.dispatcher.stats.on_late = metrics.lateness.observe
        access = await AccessService.create(
            storage,
            bot_token=settings.token,
            miniapp_max_age=timedelta(hours=settings.miniapp_max_age_hours),
        )
        # The one client that fetches what people link to (calendar feeds); see calendar/fetch.
        fetcher = IcsFetcher(allow_private=settings.calendar_allow_private)
        stack.push_async_callback(fetcher.aclose)
        services = build_services(
            storage, engine, client, access=access, settings=settings, fetcher=fetcher
        )
        bot_context = BotServices(
            people=services.people,
            users=services.users,
            chats=services.chats,
            agenda=services.agenda,
            typed=services.typed,
            events=services.events,
            answers=services.answers,
            access=services.access,
            web_url=settings.web_url,
            client=Replies(client),
            state=state,
            signer=signer,
            bot_username=bot.username or "",
            default_timezone=settings.timezone,
            public_url=settings.public_url,
            dialog_timeout=timedelta(minutes=settings.dialog_timeout_minutes),
            calendar_import=services.calendar_import,
            calendar=services.calendar,
            make_insights=lambda: services.insights,
        )
        router = Router(bot_context)
        register_all(router)
        inbox = Inbox(storage, router.feed_update, OutboxSender(storage, client))
        inbox.on_update = lambda kind: metrics.updates.labels(type=update_label(kind)).inc()
        ctx = WebContext(
            storage=storage,
            inbox=inbox,
            accepts_updates=settings.has_role("bot"),
            more_checks=_more_checks(redis_check, fleet),
            bot_name=bot.name or "",
            bot_username=bot.username or "",
            mode=settings.mode,
            webhook_secret=settings.webhook_secret,
            max_check=lambda: _ask_max(client),
            metrics=metrics,
            public_url=settings.public_url,
            status_allow=settings.status_networks,
            status_token=settings.status_token,
            services=services if settings.has_role("web") else None,
            web=WebSettings(
                web_url=settings.web_url,
                bot_username=bot.username or "",
                admin_ids=settings.admins,
                frame_ancestors=settings.frame_ancestors,
                version=__version__,
            ),
        )
        web_app = create_web_app(ctx)
        try:
            web_url = await stack.enter_async_context(
                serve_app(
                    web_app,
                    settings.web_host,
                    settings.web_port,
                    max_connections=settings.web_max_connections,
                )
            )
        except OSError as exc:
            raise StartupError(
                f"cannot listen on {settings.web_host}:{settings.web_port} ({exc.strerror}); "
                "set MAXREMIND_WEB_PORT to a free port"
            ) from None
        if not settings.public_url and ctx.web is not None:
            # Listening on a port picked at start (0): links must name the real one.
            web_app.state.web = dataclasses.replace(ctx.web, web_url=web_url)
            bot_context.web_url = web_url
        tasks: list[asyncio.Task[None]] = []
        if settings.has_role("bot"):
            await _prepare_intake(client, settings)
            tasks.append(asyncio.create_task(inbox.run(stop), name="inbox"))
            errands = [_register_commands(client, command_menu(router, settings.menu_language))]
            if settings.mode == "webhook" and settings.public_url.startswith("https://"):
                errands.append(_check_public_url(settings.public_url))
            tasks += [asyncio.create_task(_unless_stopped(e, stop), name="errand") for e in errands]
            if settings.mode == "polling":
                marker = StorageMarker(storage)

                async def poll(until: asyncio.Event) -> None:
                    await run_polling(client, marker, inbox.receive, stop=until)

                # MAX hands each update to one long poll: one process polls at a time.
                tasks.append(
                    asyncio.create_task(
                        run_as_leader(storage, "polling", poll, stop), name="polling"
                    )
                )
        engine_task: asyncio.Task[None] | None = None
        if settings.has_role("engine"):
            refresh = services.calendar_import.run_refreshes
            engine_task = asyncio.create_task(engine.run(stop), name="engine")
            tasks += [
                engine_task,
                asyncio.create_task(services.calendar_import.run_uploads(stop), name="calendar"),
                asyncio.create_task(
                    run_as_leader(storage, "calendar-refresh", refresh, stop),
                    name="calendar-refresh",
                ),
            ]
        if fleet is not None:
            # It outlives the engine: heartbeats go on while in-flight sends finish, so
            # nobody takes this process for dead; then it leaves and frees its claims.
            outlive = [engine_task] if engine_task is not None else []
            tasks.append(asyncio.create_task(fleet.run(stop, outlive=outlive), name="fleet"))
        db_file = _sqlite_file(settings)
        if db_file is not None and settings.backup_interval_hours > 0:
            tasks.append(
                asyncio.create_task(
                    backup_loop(
                        db_file,
                        settings.backups_path,
                        settings.backup_interval_hours * 3600,
                        settings.backup_keep,
                        stop,
                    ),
                    name="backups",
                )
            )
        log.info("maxremind is ready; web UI at %s", web_url)
        if on_ready is not None:
            on_ready(Running(web_url=web_url, bot=bot))
        try:
            await stop.wait()
        finally:
            stop.set()
            # In-flight sends finish (bounded by the client's timeouts); the rest waits
            # in the database for the next start.
            _, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE)
            for task in pending:
                log.warning(
                    "%s did not stop in %ss; cancelling it", task.get_name(), SHUTDOWN_GRACE
                )
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        log.info("maxremind stopped cleanly")


async def run_app(settings: Settings) -> int:
    """``maxremind run``: serve until SIGTERM or SIGINT; returns the exit code."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await serve(settings, stop=stop, on_ready=lambda _: tune_gc_for_serving())
    return 0


def tune_gc_for_serving() -> None:
    """Once the process is ready: what start-up built (modules, schemas, templates)
    lives as long as the process, so keep it out of the collector's full passes, which
    otherwise walk all of it every few thousand deliveries (tens of milliseconds each);
    and collect the young generation less often (see ``GC_YOUNG_THRESHOLD``).  For the
    process that runs the product, not for code that embeds ``serve`` (tests)."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


async def manage_webhook(settings: Settings, action: str, *, remove_all: bool) -> list[str]:
    """``maxremind webhook list|delete``; returns lines to print."""
    async with build_client(settings) as client:
        subscriptions = await client.list_subscriptions()
        if action == "list":
            return [s.url for s in subscriptions] or ["no webhook subscriptions"]
        ours = settings.public_url + WEBHOOK_PATH if settings.public_url else None
        doomed = [s.url for s in subscriptions if remove_all or s.url == ours]
        if not doomed:
            return ["nothing to delete (use --all to remove every subscription)"]
        for url in doomed:
            await client.unsubscribe(url)
        return [f"deleted {url}" for url in doomed]
