"""The cluster's wiring, without starting it: who talks to whom, HAProxy's rules, the timeouts."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from backend.cluster import Cluster, ClusterPorts, Services, haproxy_config
from backend.settings import Settings
from bot.rasa_client import CONVERSATION_HEADER

PORTS = ClusterPorts()


def settings() -> Settings:
    return Settings(
        database_url="sqlite+aiosqlite:///unused.db",
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        rasa_url="http://127.0.0.1:9",
        actions_url="http://127.0.0.1:9",
    )


def cluster(workers: int = 0) -> Cluster:
    return Cluster(
        settings(), Path("model.tar.gz"), workers=workers, var_dir=Path("/nonexistent/cluster")
    )


def backend_section(config: str, name: str) -> str:
    found = re.search(rf"^backend {name}\n(.*?)(?=^\S|\Z)", config, re.MULTILINE | re.DOTALL)
    assert found, f"no backend {name}"
    return found.group(1)


def seconds(config: str, setting: str) -> float:
    found = re.search(rf"^\s*{setting} (\d+)s$", config, re.MULTILINE)
    assert found, f"no {setting}"
    return float(found.group(1))


def test_the_app_balancer_rotates_both_replicas_checked_on_readyz_without_stickiness() -> None:
    apps = backend_section(haproxy_config(PORTS, settings()), "apps")

    assert "balance roundrobin" in apps
    assert "option httpchk GET /readyz" in apps
    assert "server app-1 127.0.0.1:8101 check" in apps
    assert "server app-2 127.0.0.1:8102 check" in apps
    assert not re.search(r"\b(stick|cookie|balance source)\b", apps)


def test_the_rasa_balancer_keeps_a_conversation_on_one_of_both_rasa_processes() -> None:
    rasa = backend_section(haproxy_config(PORTS, settings()), "rasa")

    assert f"balance hdr({CONVERSATION_HEADER})" in rasa
    assert "hash-type consistent" in rasa
    assert "server rasa-1 127.0.0.1:5101 check" in rasa
    assert "server rasa-2 127.0.0.1:5102 check" in rasa


def test_haproxy_waits_longer_than_the_app_waits_for_a_turn_and_keeps_websockets_open() -> None:
    config = haproxy_config(PORTS, settings())
    turn = settings().rasa_turn_timeout_seconds

    assert seconds(config, "timeout server") > turn
    assert seconds(config, "timeout client") > turn
    assert "timeout tunnel 1h" in config


def test_haproxy_logs_no_url_so_no_rasa_token_or_conversation_id() -> None:
    config = haproxy_config(PORTS, settings())

    assert "option httplog" not in config
    assert not re.search(r"%(r|HU|HQ|HP)\b", config)


def test_each_app_replica_has_its_port_and_name_and_every_process_shares_the_services() -> None:
    built = cluster()
    services = Services()

    app_1, app_2 = built.process("app-1"), built.process("app-2")
    assert (app_1.env["APP_PORT"], app_1.env["REPLICA_ID"]) == ("8101", "app-1")
    assert (app_2.env["APP_PORT"], app_2.env["REPLICA_ID"]) == ("8102", "app-2")
    env = built.supervisor.env
    assert env["RASA_URL"] == "http://127.0.0.1:5100", "the apps reach Rasa through HAProxy"
    assert env["APP_URL"] == "http://127.0.0.1:8100", "the actions reach the case API through it"
    assert env["DATABASE_URL"] == "postgresql+asyncpg://postgres@127.0.0.1:5432/aduan_cluster"
    assert env["TRACKER_STORE_URL"] == "postgresql://postgres@127.0.0.1:5432/aduan_cluster_rasa"
    assert env["REDIS_URL"] == services.redis_url
    assert env["RABBITMQ_URL"] == "amqp://guest:guest@127.0.0.1:5672/"
    assert env["TICKET_LOCK_LIFETIME"] == "60"
    assert env["RATE_LIMIT_PREFIX"].isalnum(), "Rasa's lock keys take an alphanumeric prefix"


def test_two_rasa_processes_serve_the_same_model_through_the_launcher() -> None:
    built = cluster()

    rasa = [built.process("rasa-1"), built.process("rasa-2")]
    for process, port in zip(rasa, (5101, 5102), strict=True):
        assert process.command[1].endswith("engine/rasa_server.py")
        assert process.command[process.command.index("--port") + 1] == str(port)
        assert process.command[process.command.index("--model") + 1] == "model.tar.gz"
        assert not any(built.settings.rasa_auth_token in arg for arg in process.command)


def test_no_worker_process_runs_unless_asked_and_k_workers_run_the_worker_command() -> None:
    assert not [p for p in cluster().processes if p.name.startswith("worker")]

    workers = [p for p in cluster(workers=2).processes if p.name.startswith("worker")]

    assert [p.name for p in workers] == ["worker-1", "worker-2"]
    assert all(p.command[-3:] == ["-m", "backend.cli", "worker"] for p in workers)
