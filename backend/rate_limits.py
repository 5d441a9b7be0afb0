"""Abuse limits on every door (chat messages, uploads, console login), counted by `limits`.

Counters live in Redis when REDIS_URL is set, so every app replica counts the same hits,
and in this process otherwise. Each limit is a moving window ("20 per 10 seconds;120 per
minute"): a hit over any of its windows is refused with the seconds until one more is
allowed. A Redis that does not answer lets requests through (and says so in the log):
throttling is a guard against floods, not a reason to stop serving customers.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

import coredis
from limits import RateLimitItem, WindowStats, parse_many, storage, strategies
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from sanic import Request

from backend.settings import Settings

log = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 2.0
SWEEP_SECONDS = 1.0
EVERYONE = "*"
SCOPES = {
    "message_per_conversation": "messages per conversation",
    "message_per_ip": "messages per address",
    "upload_per_conversation": "uploads per conversation",
    "upload_per_ip": "uploads per address",
    "login_per_user": "logins per user name",
    "login_per_ip": "logins per address",
    "login_total": "logins in total",
}


@dataclass(frozen=True)
class Throttled:
    """A refused hit: the limit it broke and the seconds until one more is allowed."""

    limit: str
    retry_after: int

    @property
    def detail(self) -> str:
        """The refusal, in words for the error body."""
        return f"too many requests ({self.limit}); try again in {self.retry_after} s"


@dataclass(frozen=True)
class LimitRules:
    """The limits of each door in the `limits` notation, as configured."""

    message_per_conversation: str
    message_per_ip: str
    upload_per_conversation: str
    upload_per_ip: str
    login_per_user: str
    login_per_ip: str
    login_total: str

    @classmethod
    def from_settings(cls, settings: Settings) -> LimitRules:
        return cls(
            message_per_conversation=settings.rate_limit_per_conversation,
            message_per_ip=settings.rate_limit_per_ip,
            upload_per_conversation=settings.upload_limit_per_conversation,
            upload_per_ip=settings.upload_limit_per_ip,
            login_per_user=settings.login_limit_per_user,
            login_per_ip=settings.login_limit_per_ip,
            login_total=settings.login_limit_total,
        )


def parse_limits(text: str) -> list[RateLimitItem]:
    """The windows of one limit ("10 per 10 seconds;60 per minute"); ValueError if malformed."""
    return parse_many(text)


def client_address(request: Request) -> str:
    """Who a request counts against per IP: the peer (or the proxy's client), IPv6 by /64."""
    # An address is at most 45 characters (IPv6 with an IPv4 tail); the cache keeps short keys.
    return counted_address((request.remote_addr or request.ip or "unknown")[:64])


@lru_cache(maxsize=4096)
def counted_address(address: str) -> str:
    """The key of an address: IPv4 as is, IPv6 by its /64; cached, as it is read per message."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class RateLimits:
    """Counts hits per door and key; refuses those over a limit (see the module's docstring)."""

    def __init__(self, rules: LimitRules, *, redis_url: str = "", prefix: str = "aduan") -> None:
        self._pool = (
            coredis.ConnectionPool.from_url(
                redis_url,
                connect_timeout=REDIS_TIMEOUT_SECONDS,
                stream_timeout=REDIS_TIMEOUT_SECONDS,
            )
            if redis_url
            else None
        )
        self._limiter: MovingWindowRateLimiter | InProcessLimiter = (
            MovingWindowRateLimiter(
                RedisStorage(
                    "async+redis://",
                    key_prefix=prefix,
                    connection_pool=self._pool,
                    wrap_exceptions=True,
                )
            )
            if self._pool is not None
            else InProcessLimiter()
        )
        self._prefix = prefix
        self._rules = {name: parse_limits(getattr(rules, name)) for name in SCOPES}

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        """Redis counters when REDIS_URL is set, in-process ones otherwise."""
        return cls(
            LimitRules.from_settings(settings),
            redis_url=settings.redis_url,
            prefix=settings.rate_limit_prefix,
        )

    async def message(self, conversation_id: str, address: str) -> Throttled | None:
        """One chat message (REST or widget) of a conversation from an address."""
        return await self._hit(
            ("message_per_ip", address), ("message_per_conversation", conversation_id)
        )

    async def upload(self, conversation_id: str, address: str) -> Throttled | None:
        """One upload of a document to a conversation from an address."""
        return await self._hit(
            ("upload_per_ip", address), ("upload_per_conversation", conversation_id)
        )

    async def login(self, username: str, address: str) -> Throttled | None:
        """One login attempt, counted before the password is checked (parallel tries count)."""
        return await self._hit(
            ("login_total", EVERYONE), ("login_per_ip", address), ("login_per_user", username)
        )

    async def logged_in(self, username: str) -> None:
        """A correct password ends the user name's count (the address and total ones stay)."""
        for item in self._rules["login_per_user"]:
            try:
                await self._limiter.clear(item, self._prefix, "login_per_user", username)
            except StorageError as exc:
                log.warning("rate limits: the login count was not cleared: %s", exc)

    async def aclose(self) -> None:
        """Close the Redis connections, if any, or stop the in-process sweeper."""
        if self._pool is not None:
            self._pool.disconnect()
        if isinstance(self._limiter, InProcessLimiter):
            self._limiter.close()

    async def _hit(self, *checks: tuple[str, str]) -> Throttled | None:
        """Count one hit against each (rule, key) in order; the first refusal stops counting."""
        for rule, key in checks:
            for item in self._rules[rule]:
                identifiers = (self._prefix, rule, key)
                try:
                    if await self._limiter.hit(item, *identifiers):
                        continue
                    stats = await self._limiter.get_window_stats(item, *identifiers)
                except StorageError as exc:
                    log.warning("rate limits: the counters do not answer, not limiting: %s", exc)
                    return None
                retry_after = max(1, math.ceil(stats.reset_time - time.time()))
                return Throttled(f"{item.amount} {SCOPES[rule]} in {_window(item)}", retry_after)
        return None


class InProcessLimiter:
    """The moving window of `limits` on its in-memory storage, for one process (no Redis).

    The synchronous storage, called from the event loop: a hit is a few dictionary
    operations. `limits`' asyncio memory storage sends every key to a worker thread and back
    on each expiry sweep, and starts a sweep on every hit: under load the sweeps never ended,
    and their thread hops were 7 % of the app's time (issue 14's profile), growing with the
    number of conversations counted. The storage is swept by one thread of its own
    (`SweptMemoryStorage`).
    """

    def __init__(self, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.storage = SweptMemoryStorage(sweep_seconds)
        self._limiter = strategies.MovingWindowRateLimiter(self.storage)

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        return self._limiter.hit(item, *identifiers)

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        return self._limiter.get_window_stats(item, *identifiers)

    async def clear(self, item: RateLimitItem, *identifiers: str) -> None:
        self._limiter.clear(item, *identifiers)

    def close(self) -> None:
        """Stop the sweeper (the app stops)."""
        self.storage.timer.cancel()


class SweptMemoryStorage(storage.MemoryStorage):
    """`limits`' memory storage, its expired hits dropped every `sweep_seconds` by one thread.

    The storage itself starts a `threading.Timer` for a sweep 10 ms ahead on each hit that
    finds the last one ended: at a message every few tens of milliseconds, a thread started
    per message, and the request waited for it to start (0.6 ms a message in issue 14's
    profile). Here the one sweeper stands in that timer's place for as long as the process
    lives, so the storage never starts another.
    """

    def __init__(self, sweep_seconds: float) -> None:
        super().__init__()
        self.timer.cancel()
        self.timer = _Sweeper(self, sweep_seconds)
        self.timer.start()


class _Sweeper(threading.Thread):
    def __init__(self, swept: storage.MemoryStorage, every: float) -> None:
        super().__init__(name="rate-limit-sweeper", daemon=True)
        self._swept = swept
        self._expire = swept._MemoryStorage__expire_events  # type: ignore[attr-defined]
        self._every = every
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self._every):
            self._expire()
            self._drop_empty()

    def _drop_empty(self) -> None:
        """The storage's sweep keeps a key whose hits all expired, with no hit in it: drop it,
        or every conversation ever counted would stay in memory."""
        swept = self._swept
        for key in [key for key, hits in list(swept.events.items()) if not hits]:
            with swept.locks[key]:
                if not swept.events.get(key):
                    swept.events.pop(key, None)
            swept.locks.pop(key, None)

    def cancel(self) -> None:
        """What `threading.Timer` offers: stop (after the sweep under way, if any)."""
        self._stopped.set()


def _window(item: RateLimitItem) -> str:
    unit = item.GRANULARITY.name
    return f"{item.multiples} {unit}s" if item.multiples > 1 else f"1 {unit}"
