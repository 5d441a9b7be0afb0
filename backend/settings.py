"""Typed settings, read once from the environment (and `.env` in the repository root)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from limits import parse_many

from backend import timeouts

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret"}
# Abuse limits, each read from the variable of its name in capitals: rates in the `limits`
# notation ("20 per 10 seconds;120 per minute"), then caps (whole numbers, 1 or more).
RATE_LIMIT_FIELDS = (
    "rate_limit_per_conversation",
    "rate_limit_per_ip",
    "upload_limit_per_conversation",
    "upload_limit_per_ip",
    "login_limit_per_user",
    "login_limit_per_ip",
    "login_limit_total",
)
CAP_FIELDS = (
    "pending_documents_per_conversation",
    "pending_documents_mib_per_conversation",
    "pending_documents_total",
    "pending_documents_total_mib",
    "pending_documents_hours",
    "max_sockets_per_conversation",
    "max_streams_per_session",
)


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    database_url: str
    app_api_token: str
    rasa_auth_token: str
    rasa_url: str
    actions_url: str
    app_port: int = 8000
    app_host: str = "127.0.0.1"
    institution: str = "kreditpro"
    environment: str = "development"
    var_dir: Path = field(default=ROOT / "var")
    tracker_store_url: str = ""
    redis_url: str = ""
    rabbitmq_url: str = ""
    turn_queue_shards: int = 16
    widget_secret: str = ""
    widget_token_days: int = 30
    max_message_chars: int = 4000
    http_timeout_seconds: float = 30.0
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    whatsapp_verify_token: str = ""
    whatsapp_app_secret: str = ""
    whatsapp_access_token: str = ""
    whatsapp_phone_number_id: str = ""
    telegram_mode: str = "webhook"
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    whatsapp_api_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_template_name: str = ""
    whatsapp_template_language: str = "id"
    rate_limit_per_conversation: str = "30 per 10 seconds;120 per minute"
    rate_limit_per_ip: str = "100 per second;3000 per minute"
    upload_limit_per_conversation: str = "5 per minute;30 per hour"
    upload_limit_per_ip: str = "30 per minute;300 per hour"
    login_limit_per_user: str = "5 per 15 minutes"
    login_limit_per_ip: str = "50 per 15 minutes"
    login_limit_total: str = "1000 per 15 minutes"
    rate_limit_prefix: str = "aduan"
    pending_documents_per_conversation: int = 10
    pending_documents_mib_per_conversation: int = 50
    pending_documents_total: int = 5000
    pending_documents_total_mib: int = 2048
    pending_documents_hours: int = 24
    max_sockets_per_conversation: int = 5
    max_streams_per_session: int = 10
    # Whether this app process also answers turns (the worker); a cluster may run them apart.
    run_worker: bool = True
    # A chat that starts waiting goes at once to the online agent whose turn it is.
    console_round_robin: bool = False
    # How long a REST caller waits for the bot's answer before getting "it follows".
    rest_wait_seconds: float = 100.0
    # The timeouts of one turn, in the order they nest (see backend/timeouts.py).
    case_api_budget_seconds: float = timeouts.CASE_API_CALL_BUDGET_SECONDS
    rasa_action_timeout_seconds: float = timeouts.ACTION_TIMEOUT_SECONDS
    ticket_lock_lifetime_seconds: int = timeouts.TICKET_LOCK_LIFETIME_SECONDS
    rasa_turn_timeout_seconds: float = timeouts.RASA_TURN_TIMEOUT_SECONDS
    # Names this app process in /livez, /readyz and /health (default: the host's name).
    replica_id: str = ""

    @property
    def app_url(self) -> str:
        return f"http://{self.app_host}:{self.app_port}"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = None
    ) -> Settings:
        """Read settings from `environ` (default: the process) over the `.env` file."""
        values: dict[str, str] = {}
        dotenv_path = env_file if env_file is not None else ROOT / ".env"
        if dotenv_path.exists():
            values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
        values.update(os.environ if environ is None else environ)

        var_dir = Path(values.get("VAR_DIR") or ROOT / "var")
        port = _int(values, "APP_PORT", 8000)
        turn_timeout = _float(
            values, "RASA_TURN_TIMEOUT_SECONDS", timeouts.RASA_TURN_TIMEOUT_SECONDS
        )
        settings = cls(
            database_url=values.get("DATABASE_URL") or f"sqlite+aiosqlite:///{var_dir / 'app.db'}",
            app_api_token=values.get("APP_API_TOKEN", ""),
            rasa_auth_token=values.get("RASA_AUTH_TOKEN", ""),
            rasa_url=(values.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
            actions_url=(values.get("ACTIONS_URL") or "http://127.0.0.1:5055").rstrip("/"),
            app_port=port,
            app_host=values.get("APP_HOST") or "127.0.0.1",
            institution=values.get("INSTITUTION") or "kreditpro",
            environment=values.get("ENVIRONMENT") or "development",
            var_dir=var_dir,
            tracker_store_url=values.get("TRACKER_STORE_URL")
            or f"sqlite:///{var_dir / 'tracker.db'}",
            redis_url=values.get("REDIS_URL", ""),
            rabbitmq_url=values.get("RABBITMQ_URL", ""),
            turn_queue_shards=_int(values, "TURN_QUEUE_SHARDS", 16),
            widget_secret=values.get("WIDGET_SECRET", ""),
            widget_token_days=_int(values, "WIDGET_TOKEN_DAYS", 30),
            max_message_chars=_int(values, "MAX_MESSAGE_CHARS", 4000),
            http_timeout_seconds=float(values.get("HTTP_TIMEOUT_SECONDS") or 30.0),
            telegram_bot_token=values.get("TELEGRAM_BOT_TOKEN", ""),
            telegram_webhook_secret=values.get("TELEGRAM_WEBHOOK_SECRET", ""),
            whatsapp_verify_token=values.get("WHATSAPP_VERIFY_TOKEN", ""),
            whatsapp_app_secret=values.get("WHATSAPP_APP_SECRET", ""),
            whatsapp_access_token=values.get("WHATSAPP_ACCESS_TOKEN", ""),
            whatsapp_phone_number_id=values.get("WHATSAPP_PHONE_NUMBER_ID", ""),
            telegram_mode=(values.get("TELEGRAM_MODE") or "webhook").strip().lower(),
            telegram_api_url=values.get("TELEGRAM_API_URL") or "https://api.telegram.org/bot",
            telegram_webhook_url=values.get("TELEGRAM_WEBHOOK_URL", ""),
            whatsapp_api_url=(
                values.get("WHATSAPP_API_URL") or "https://graph.facebook.com/v21.0"
            ).rstrip("/"),
            whatsapp_template_name=values.get("WHATSAPP_TEMPLATE_NAME", ""),
            whatsapp_template_language=values.get("WHATSAPP_TEMPLATE_LANGUAGE") or "id",
            rate_limit_prefix=values.get("RATE_LIMIT_PREFIX") or "aduan",
            run_worker=(values.get("RUN_WORKER") or "true").strip().lower()
            not in ("0", "false", "no"),
            console_round_robin=(values.get("CONSOLE_ROUND_ROBIN") or "false").strip().lower()
            in ("1", "true", "yes", "on"),
            **_abuse_limits(values),
            case_api_budget_seconds=_float(
                values, "ACTIONS_CASE_API_BUDGET_SECONDS", timeouts.CASE_API_CALL_BUDGET_SECONDS
            ),
            rasa_action_timeout_seconds=_float(
                values, "RASA_ACTION_TIMEOUT_SECONDS", timeouts.ACTION_TIMEOUT_SECONDS
            ),
            ticket_lock_lifetime_seconds=_int(
                values, "TICKET_LOCK_LIFETIME", timeouts.TICKET_LOCK_LIFETIME_SECONDS
            ),
            rasa_turn_timeout_seconds=turn_timeout,
            # A REST caller waits for the whole turn, and a little longer.
            rest_wait_seconds=_float(values, "REST_WAIT_SECONDS", turn_timeout + 10.0),
            replica_id=values.get("REPLICA_ID", ""),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse a configuration the service cannot run safely with."""
        for name, value in (
            ("APP_API_TOKEN", self.app_api_token),
            ("RASA_AUTH_TOKEN", self.rasa_auth_token),
        ):
            if value.strip().lower() in PLACEHOLDER_SECRETS:
                raise SettingsError(f"{name} is not set: run `make run` once to create .env")
            if self.environment == "production" and len(value) < 24:
                raise SettingsError(f"{name} is too short for production (24 characters at least)")
        if self.environment == "production" and (
            self.widget_secret.strip().lower() in PLACEHOLDER_SECRETS
            or len(self.widget_secret) < 24
        ):
            raise SettingsError(
                "WIDGET_SECRET is missing or too short for production (24 at least)"
            )
        if self.widget_token_days < 1:
            raise SettingsError("WIDGET_TOKEN_DAYS must be 1 or more")
        if not self.database_url.split(":", 1)[0].startswith(("sqlite", "postgresql")):
            raise SettingsError("DATABASE_URL must be a sqlite+aiosqlite or postgresql+asyncpg URL")
        if self.turn_queue_shards < 1:
            raise SettingsError("TURN_QUEUE_SHARDS must be 1 or more")
        if self.rabbitmq_url and not self.rabbitmq_url.startswith(("amqp://", "amqps://")):
            raise SettingsError("RABBITMQ_URL must be an amqp:// or amqps:// URL")
        if self.telegram_mode not in ("webhook", "polling"):
            raise SettingsError("TELEGRAM_MODE must be webhook or polling")
        self._validate_abuse_limits()
        self._validate_timeout_chain()

    def _validate_abuse_limits(self) -> None:
        """Rate limits in the `limits` notation ("20 per 10 seconds;120 per minute"), caps >= 1."""
        for name in CAP_FIELDS:
            if getattr(self, name) < 1:
                raise SettingsError(f"{name.upper()} must be 1 or more")
        for name in RATE_LIMIT_FIELDS:
            try:
                parse_many(getattr(self, name))
            except ValueError:
                raise SettingsError(
                    f'{name.upper()} must read like "20 per 10 seconds;120 per minute"'
                ) from None

    def _validate_timeout_chain(self) -> None:
        """The timeouts of a turn nest: each hop gives up before the one waiting for it."""
        try:
            timeouts.check_timeout_chain(
                case_api_budget=self.case_api_budget_seconds,
                action_timeout=self.rasa_action_timeout_seconds,
                lock_lifetime=self.ticket_lock_lifetime_seconds,
                turn_timeout=self.rasa_turn_timeout_seconds,
            )
        except timeouts.TimeoutOrderError as exc:
            raise SettingsError(str(exc)) from None
        if self.rest_wait_seconds <= self.rasa_turn_timeout_seconds:
            raise SettingsError(
                "REST_WAIT_SECONDS must be longer than RASA_TURN_TIMEOUT_SECONDS: a REST caller "
                "waits for the whole turn"
            )


def _abuse_limits(values: Mapping[str, str]) -> dict[str, Any]:
    """The abuse-limit settings present in `values` (absent ones keep their defaults)."""
    found: dict[str, Any] = {
        name: values[name.upper()] for name in RATE_LIMIT_FIELDS if values.get(name.upper())
    }
    for name in CAP_FIELDS:
        if values.get(name.upper()):
            found[name] = _int(values, name.upper(), 0)
    return found


def _int(values: Mapping[str, str], name: str, default: int) -> int:
    raw = values.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


def _float(values: Mapping[str, str], name: str, default: float) -> float:
    raw = values.get(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from exc
