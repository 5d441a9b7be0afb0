"""The Sanic app factory: the one place where everything is wired."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from sanic import Sanic

from backend.api import api_blueprints
from backend.console import console_blueprints
from backend.console.passwords import Argon2Passwords
from backend.console.streams import StreamSlots
from backend.db.engine import Database
from backend.domain.calendar import WorkingCalendar
from backend.frozen_heap import freeze_after_start
from backend.gateway import open_gateway
from backend.health import health_blueprint
from backend.institutions import load_profile
from backend.pipeline import Pipeline
from backend.rate_limits import RateLimits
from backend.services.live_chat import LiveChat
from backend.settings import Settings
from backend.storage import DocumentStore
from bot import gateway_blueprints
from bot.channels.rest_tokens import RestTokens
from bot.rasa_client import RasaClient


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def create_app(
    settings: Settings | None = None,
    name: str = "aduan",
    *,
    clock: Callable[[], datetime] = utc_now,
) -> Sanic:
    """Build the app; resources are opened when the server starts, never at import."""
    settings = settings or Settings.from_env()
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = 2 * 1024 * 1024
    app.config.FALLBACK_ERROR_FORMAT = "json"
    # A REST caller may wait for a whole turn (REST_WAIT_SECONDS) before its answer.
    app.config.RESPONSE_TIMEOUT = settings.rest_wait_seconds + 10
    app.ctx.settings = settings
    app.ctx.profile = load_profile(settings.institution)
    app.ctx.calendar = WorkingCalendar(cuti_bersama=app.ctx.profile.cuti_bersama_counts)
    app.ctx.clock = clock
    app.ctx.documents = DocumentStore(settings.var_dir / "documents")
    app.ctx.console_streams = StreamSlots(settings.max_streams_per_session)
    app.ctx.rest_tokens = RestTokens(settings.app_api_token)

    @app.before_server_start
    async def open_resources(app: Sanic) -> None:
        timeout = settings.http_timeout_seconds
        app.ctx.rate_limits = RateLimits.from_settings(settings)
        app.ctx.db = Database(settings.database_url)
        app.ctx.http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=5.0))
        app.ctx.rasa = RasaClient(
            settings.rasa_url, settings.rasa_auth_token, timeout=settings.rasa_turn_timeout_seconds
        )
        app.ctx.pipeline = pipeline = Pipeline(settings, app.ctx.db, lambda: app.ctx.clock())
        await pipeline.open()
        app.ctx.bus = pipeline.bus
        gateway = await open_gateway(
            settings, app.ctx.db, app.ctx.documents, pipeline, lambda: app.ctx.clock()
        )
        app.ctx.intake, app.ctx.senders, web = gateway.intake, gateway.senders, gateway.web
        await web.documents.remove_expired()
        dispatcher = pipeline.start_dispatcher(app.ctx.senders)
        if settings.run_worker:
            turns = await pipeline.start_worker(app.ctx.rasa, after_turn=web.after_turn)
            app.ctx.intake.run_turns_here(turns)
        app.ctx.live_chat = LiveChat(app.ctx.db, app.ctx.rasa, dispatcher, lambda: app.ctx.clock())
        app.ctx.passwords = Argon2Passwords()

    @app.after_server_stop
    async def close_resources(app: Sanic) -> None:
        await app.ctx.pipeline.aclose()
        await app.ctx.senders.aclose()
        await app.ctx.rasa.aclose()
        await app.ctx.http.aclose()
        await app.ctx.db.dispose()
        await app.ctx.rate_limits.aclose()

    app.register_listener(freeze_after_start, "after_server_start")
    app.blueprint(health_blueprint())
    app.blueprint(api_blueprints())
    app.blueprint(gateway_blueprints())
    app.blueprint(console_blueprints())
    return app
