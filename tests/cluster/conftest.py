"""One cluster on this machine for the session: 2 Rasa, actions, 2 apps behind HAProxy, a
worker process, and Telegram and WhatsApp talking to fake platforms on loopback.

It uses the machine's PostgreSQL, Redis and RabbitMQ (started when down, as `make cluster`
does) with databases and Redis keys of its own, dropped at the end, and spare ports. Without
the services or HAProxy it skips on a laptop and fails when CI is set.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from backend.cluster import (
    Cluster,
    ClusterError,
    ClusterPorts,
    Services,
    drop_databases,
    ensure_services,
)
from backend.settings import ROOT, Settings
from backend.stack import rasa_bin
from backend.training import ensure_model
from tests.cluster.support import OutageGraph, OutageTelegram
from tests.conftest import POSTGRES_ADMIN_URL, unavailable
from tests.fakes.platforms import channel_environment


@pytest.fixture(scope="session")
def model() -> Path:
    if not rasa_bin().exists():
        unavailable("the Rasa environment is missing: run `make setup`")
    return ensure_model(ROOT, rasa_bin())


@pytest.fixture(scope="session")
def services() -> Services:
    """The machine's services, with this run's own databases and Redis prefix."""
    tag = secrets.token_hex(4)
    found = replace(
        Services.from_env(),
        postgres_admin_url=POSTGRES_ADMIN_URL,
        database=f"aduan_cluster_test_{tag}",
        tracker_database=f"aduan_cluster_test_{tag}_rasa",
        redis_prefix=f"clustertest{tag}",
    )
    try:
        ensure_services(found, timeout=60)
    except (ClusterError, OSError) as exc:
        unavailable(f"the cluster's services are not available: {exc}")
    return found


@pytest.fixture(scope="session")
def telegram() -> Iterator[OutageTelegram]:
    """The fake Bot API on loopback the cluster's Telegram channel talks to."""
    with OutageTelegram() as fake:
        yield fake


@pytest.fixture(scope="session")
def graph() -> Iterator[OutageGraph]:
    """The fake WhatsApp Graph API on loopback."""
    with OutageGraph() as fake:
        yield fake


@pytest.fixture(scope="session")
def cluster(
    model: Path,
    services: Services,
    telegram: OutageTelegram,
    graph: OutageGraph,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Cluster]:
    """The running, supervised cluster: kill one of its processes and it comes back."""
    settings = Settings(
        database_url=services.database_url,
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        widget_secret=secrets.token_urlsafe(32),
        rasa_url="http://127.0.0.1:9",  # the cluster sets its own addresses
        actions_url="http://127.0.0.1:9",
    )
    running = Cluster(
        settings,
        model,
        ports=ClusterPorts.spare(),
        services=services,
        var_dir=tmp_path_factory.mktemp("cluster"),
        workers=1,  # a worker process of its own, besides the apps' (tests kill it)
        extra_env={
            **channel_environment(telegram, graph),  # Telegram and WhatsApp, on the fakes
            "RATE_LIMIT_PER_IP": "1000 per second",  # every test customer is 127.0.0.1
        },
    )
    try:
        running.start(timeout=240)
        running.supervise()
        yield running
    finally:
        running.stop()
        asyncio.run(drop_databases(services))


LAST = ("test_kill_nine.py",)  # it leaves servers restarting and backing off: after the rest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name in LAST)
