"""`python -m backend.cli worker`: a process that only answers turns and sends the outbox.

A cluster may run workers apart from the app replicas (RUN_WORKER=false there); each
consumes the turn queue (RabbitMQ) and dispatches the outbox, until SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import UTC, datetime

from backend.db.engine import Database
from backend.gateway import open_gateway
from backend.pipeline import Pipeline
from backend.settings import Settings
from backend.storage import DocumentStore
from bot.rasa_client import RasaClient

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


async def work(settings: Settings, stop: asyncio.Event) -> None:
    """Answer turns until `stop` is set, then close everything."""
    database = Database(settings.database_url)
    rasa = RasaClient(
        settings.rasa_url, settings.rasa_auth_token, timeout=settings.rasa_turn_timeout_seconds
    )
    pipeline = Pipeline(settings, database, utc_now)
    try:
        await pipeline.open()
        documents = DocumentStore(settings.var_dir / "documents")
        gateway = await open_gateway(
            settings, database, documents, pipeline, utc_now, receive=False
        )
        try:
            pipeline.start_dispatcher(gateway.senders)
            await pipeline.start_worker(rasa, after_turn=gateway.web.after_turn)
            log.info("worker: answering turns")
            await stop.wait()
        finally:
            await pipeline.aclose()
            await gateway.senders.aclose()
    finally:
        await rasa.aclose()
        await database.dispose()


def run_worker(settings: Settings) -> None:
    """Run a worker in this process until SIGTERM or SIGINT."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await work(settings, stop)

    asyncio.run(main())
