"""A cluster on one machine: every moving part of a production deployment, supervised.

    PostgreSQL :5432 · Redis :6379 · RabbitMQ :5672         (started when down, left running)

    customer ─► HAProxy :8100 ─┬─► app-1 :8101 ─┐            round robin, no stickiness,
                (/readyz)      └─► app-2 :8102 ─┤            health-checked on /readyz
                                                ▼
                 HAProxy :5100 ─┬─► rasa-1 :5101 ─┐          one PostgreSQL tracker store,
                                └─► rasa-2 :5102 ─┤          one Redis lock store
                                                  ▼
                                        actions :5150 ─► the case API, through HAProxy :8100

    worker-1 … worker-K                                      `python -m backend.cli worker`

The apps reach Rasa through a balancer over both Rasa processes rather than each at its own
Rasa: with the tracker store in PostgreSQL and the conversations' locks in Redis any Rasa can
take any turn, so a Rasa that dies or restarts costs nothing but a retry, and an app replica
never depends on one Rasa being up. Still, a conversation's calls go to one Rasa while it is
up (HAProxy hashes the conversation id the app sends in a header): that Rasa keeps the
conversation's tracker between turns (engine/tracker_cache.py) instead of reading it back
from PostgreSQL and replaying it. The action server calls the case API through the app
balancer for the same reason. HAProxy's own timeouts sit above the turn's (backend/timeouts.py).

Every server (HAProxy too) runs under a `Supervisor`: killed, it is started again. From Python:

    cluster = Cluster(settings, model, ports=ClusterPorts.spare(), databases=…)
    cluster.start()          # services, databases, HAProxy's configuration, then every server
    cluster.supervise()      # restart what dies, in a background thread
    os.kill(cluster.pid("app-1"), signal.SIGKILL); cluster.wait_restarted("app-1", old_pid)
    cluster.stop()

From the shell: `make cluster` (`python -m backend.cli cluster [--workers K]`); Ctrl-C stops it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from backend.private_files import private_directory
from backend.settings import ROOT, Settings
from backend.stack import rasa_bin, rasa_server_command, timeout_environment
from backend.supervisor import Process, Supervisor
from backend.timeouts import PROXY_MARGIN_SECONDS

DEFAULT_POSTGRES_ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class ClusterError(RuntimeError):
    """The cluster could not start; the message says why in plain words."""


@dataclass(frozen=True)
class ClusterPorts:
    """Where everything listens, all on 127.0.0.1."""

    app_balancer: int = 8100
    apps: tuple[int, int] = (8101, 8102)
    rasa_balancer: int = 5100
    rasas: tuple[int, int] = (5101, 5102)
    actions: int = 5150
    haproxy_stats: int = 8404

    @classmethod
    def spare(cls) -> ClusterPorts:
        """Ports nothing listens on now (for tests beside a running `make run`)."""
        ports = spare_ports(8)
        return cls(ports[0], (ports[1], ports[2]), ports[3], (ports[4], ports[5]), *ports[6:])

    def all(self) -> dict[str, int]:
        return {
            "HAProxy (apps)": self.app_balancer,
            "app-1": self.apps[0],
            "app-2": self.apps[1],
            "HAProxy (Rasa)": self.rasa_balancer,
            "rasa-1": self.rasas[0],
            "rasa-2": self.rasas[1],
            "actions": self.actions,
            "HAProxy (statistics)": self.haproxy_stats,
        }


@dataclass(frozen=True)
class Services:
    """The machine's shared services, and the databases the cluster keeps in PostgreSQL."""

    postgres_admin_url: str = DEFAULT_POSTGRES_ADMIN_URL
    redis_url: str = DEFAULT_REDIS_URL
    rabbitmq_url: str = DEFAULT_RABBITMQ_URL
    database: str = "aduan_cluster"  # cases, conversations, transcripts
    tracker_database: str = "aduan_cluster_rasa"  # Rasa's tracker store
    redis_prefix: str = "aduancluster"  # rate limits and Rasa's locks (alphanumeric)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Services:
        values = os.environ if environ is None else environ
        return cls(
            postgres_admin_url=values.get("CLUSTER_POSTGRES_URL") or DEFAULT_POSTGRES_ADMIN_URL,
            redis_url=values.get("CLUSTER_REDIS_URL") or DEFAULT_REDIS_URL,
            rabbitmq_url=values.get("CLUSTER_RABBITMQ_URL") or DEFAULT_RABBITMQ_URL,
        )

    @property
    def database_url(self) -> str:
        """The app's database (asyncpg)."""
        return _with_database(self.postgres_admin_url, self.database, "postgresql+asyncpg")

    @property
    def tracker_store_url(self) -> str:
        """Rasa's tracker store (psycopg2, in the Rasa environment)."""
        return _with_database(self.postgres_admin_url, self.tracker_database, "postgresql")


@dataclass
class Cluster:
    """Two Rasa processes, the action server, two app replicas, K workers and HAProxy."""

    settings: Settings
    model: Path
    ports: ClusterPorts = field(default_factory=ClusterPorts)
    services: Services = field(default_factory=Services)
    workers: int = 0
    var_dir: Path = ROOT / "var" / "cluster"
    root: Path = ROOT
    extra_env: dict[str, str] = field(default_factory=dict)  # over every process's environment
    supervisor: Supervisor = field(init=False)

    def __post_init__(self) -> None:
        self.log_dir = self.var_dir / "logs"
        self.haproxy_config_path = self.var_dir / "haproxy.cfg"
        self.supervisor = Supervisor(self._processes(), cwd=self.root, env=self._environment())

    # -- addresses -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The front door: HAProxy over the app replicas."""
        return f"http://127.0.0.1:{self.ports.app_balancer}"

    @property
    def rasa_url(self) -> str:
        """HAProxy over the Rasa processes (the apps' RASA_URL)."""
        return f"http://127.0.0.1:{self.ports.rasa_balancer}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.actions}"

    def app_url(self, replica: int) -> str:
        """One app replica, directly (1 or 2)."""
        return f"http://127.0.0.1:{self.ports.apps[replica - 1]}"

    def rasa_process_url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.ports.rasas[number - 1]}"

    @property
    def processes(self) -> list[Process]:
        return self.supervisor.processes

    def process(self, name: str) -> Process:
        return self.supervisor.process(name)

    def pid(self, name: str) -> int | None:
        """The process id of `app-1`, `rasa-2`, `actions`, `haproxy`, `worker-1` …; None if down."""
        return self.process(name).pid

    # -- the processes ---------------------------------------------------------------------

    def _environment(self) -> dict[str, str]:
        s, services = self.settings, self.services
        return {
            **os.environ,
            "DATABASE_URL": services.database_url,
            "APP_API_TOKEN": s.app_api_token,
            "RASA_AUTH_TOKEN": s.rasa_auth_token,
            "WIDGET_SECRET": s.widget_secret,
            "WIDGET_TOKEN_DAYS": str(s.widget_token_days),
            "INSTITUTION": s.institution,
            "ENVIRONMENT": s.environment,
            "RASA_URL": self.rasa_url,
            "ACTIONS_URL": self.actions_url,
            "APP_URL": self.url,  # the action server calls the case API through the balancer
            "VAR_DIR": str(self.var_dir),  # one machine: the replicas share the documents
            "TRACKER_STORE_URL": services.tracker_store_url,
            "REDIS_URL": services.redis_url,
            "RABBITMQ_URL": services.rabbitmq_url,
            "RATE_LIMIT_PREFIX": services.redis_prefix,
            "SANIC_HOST": "127.0.0.1",
            "SANIC_PROXIES_COUNT": "1",  # the customer's address is HAProxy's X-Forwarded-For
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
            **timeout_environment(s),
            **self.extra_env,
        }

    def _processes(self) -> list[Process]:
        python = sys.executable
        processes = [
            Process(
                f"rasa-{number}",
                rasa_server_command(
                    self.root,
                    [
                        "--enable-api",
                        "--interface",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--model",
                        str(self.model),
                        "--endpoints",
                        "endpoints.yml",
                        "--credentials",
                        "credentials.yml",
                    ],
                ),
                port,
                self.log_dir / f"rasa-{number}.log",
            )
            for number, port in enumerate(self.ports.rasas, start=1)
        ]
        processes.append(
            Process(
                "actions",
                [python, "-m", "backend.cli", "actions", "--port", str(self.ports.actions)],
                self.ports.actions,
                self.log_dir / "actions.log",
            )
        )
        processes += [
            Process(
                f"app-{number}",
                [python, "-m", "backend.cli", "serve"],
                port,
                self.log_dir / f"app-{number}.log",
                env={"APP_PORT": str(port), "REPLICA_ID": f"app-{number}"},
            )
            for number, port in enumerate(self.ports.apps, start=1)
        ]
        processes += [
            Process(
                f"worker-{number}",
                [python, "-m", "backend.cli", "worker"],
                None,
                self.log_dir / f"worker-{number}.log",
                env={"REPLICA_ID": f"worker-{number}"},
            )
            for number in range(1, self.workers + 1)
        ]
        processes.append(
            Process(
                "haproxy",
                [haproxy_path(), "-db", "-f", str(self.haproxy_config_path)],
                self.ports.app_balancer,
                self.log_dir / "haproxy.log",
            )
        )
        return processes

    # -- life cycle ------------------------------------------------------------------------

    def prepare(self) -> None:
        """Everything the servers need: the services, the databases, HAProxy's configuration."""
        if not rasa_bin(self.root).exists():
            raise ClusterError("The Rasa environment is missing: run `make setup` first.")
        busy = [f"{name} ({port})" for name, port in self.ports.all().items() if not _free(port)]
        if busy:
            raise ClusterError(f"These ports are already in use: {', '.join(busy)}.")
        ensure_services(self.services)
        asyncio.run(ensure_databases(self.services))
        from backend.db.migrate import upgrade

        upgrade(self.services.database_url)
        private_directory(self.var_dir)
        private_directory(self.log_dir)
        self.haproxy_config_path.write_text(haproxy_config(self.ports, self.settings))
        check_haproxy_config(self.haproxy_config_path)

    def start(self, timeout: float = 300.0) -> None:
        """Prepare, start every server, return when all answer; ClusterError otherwise."""
        self.prepare()
        self.supervisor.start()
        try:
            self.wait_ready(timeout)
        except ClusterError:
            self.stop()
            raise

    def supervise(self) -> None:
        """From now on a server that dies is started again (in a background thread)."""
        self.supervisor.watch()

    def stop(self, grace: float = 15.0) -> None:
        """Stop every server of the cluster (the machine's services keep running)."""
        self.supervisor.stop(grace)

    def wait_ready(self, timeout: float) -> None:
        """Until every server answers, and the front door says all is healthy."""
        deadline = time.monotonic() + timeout
        checks: list[tuple[str, str]] = [
            *((f"rasa-{n}", f"{self.rasa_process_url(n)}/") for n in (1, 2)),
            ("actions", f"{self.actions_url}/health"),
            *((f"app-{n}", f"{self.app_url(n)}/readyz") for n in (1, 2)),
            ("haproxy", f"{self.url}/health"),
        ]
        for name, url in checks:
            self._wait_for(name, url, deadline)

    def _wait_for(self, name: str, url: str, deadline: float, *, starting: bool = True) -> None:
        """Until `url` answers 200; while `starting`, a server that stops is an error."""
        last = "no answer yet"
        while time.monotonic() < deadline:
            for process in self.processes if starting else ():
                if process.popen is not None and process.popen.poll() is not None:
                    raise ClusterError(
                        f"{process.name} stopped while the cluster started "
                        f"(exit {process.popen.returncode}). Last lines of "
                        f"{process.log_path}:\n{process.log_tail()}"
                    )
            try:
                response = httpx.get(url, timeout=5)
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}: {response.text[:200]}"
            except httpx.HTTPError as exc:
                last = exc.__class__.__name__
            time.sleep(0.5)
        raise ClusterError(f"{name} did not answer {url} in time: {last}")

    def hold(self, name: str) -> None:
        """Stop `name` and keep it down (the supervisor leaves it) until `release(name)`."""
        self.supervisor.hold(name)

    def release(self, name: str, timeout: float = 120.0) -> None:
        """Start a held process again and wait until it answers."""
        self.supervisor.release(name)
        probe = self._probes().get(name)
        if probe is not None:
            self._wait_for(name, probe, time.monotonic() + timeout, starting=False)

    def _probes(self) -> dict[str, str]:
        probes = {"actions": f"{self.actions_url}/health", "haproxy": f"{self.url}/livez"}
        probes |= {f"app-{n}": f"{self.app_url(n)}/readyz" for n in (1, 2)}
        probes |= {f"rasa-{n}": f"{self.rasa_process_url(n)}/" for n in (1, 2)}
        return probes

    def wait_restarted(self, name: str, old_pid: int, timeout: float = 60.0) -> int:
        """Until `name` runs again under a new process id and answers; that id."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self.pid(name)
            if pid is not None and pid != old_pid:
                break
            time.sleep(0.1)
        else:
            raise ClusterError(f"{name} was not started again within {timeout:.0f}s")
        probes = self._probes()
        if name in probes:
            self._wait_for(name, probes[name], deadline, starting=False)
        return pid


def haproxy_config(ports: ClusterPorts, settings: Settings) -> str:
    """HAProxy in front of the app replicas and of the Rasa processes.

    The apps: round robin, no stickiness. Rasa: by a consistent hash of the conversation id
    the app's Rasa client sends (`X-Conversation-Id`; round robin for calls without one), so
    a process keeps the trackers of its conversations; when it is down they move to the
    other. A server leaves the rotation after two failed checks a second apart and returns
    after two good ones. A request whose connection is refused (a
    replica just died) is retried on another. Websockets pass through (`timeout tunnel`).
    The log names no URL: Rasa's API takes its token in the query string, and paths carry
    conversation ids.
    """
    # The apps' REST calls wait a whole turn and then some (REST_WAIT_SECONDS, Sanic's
    # response timeout 10 s over it); Rasa's calls wait the turn timeout.
    wait = max(settings.rest_wait_seconds + 10, settings.rasa_turn_timeout_seconds) + (
        PROXY_MARGIN_SECONDS
    )
    apps = "\n".join(
        f"    server app-{n} 127.0.0.1:{port} check" for n, port in enumerate(ports.apps, 1)
    )
    rasas = "\n".join(
        f"    server rasa-{n} 127.0.0.1:{port} check" for n, port in enumerate(ports.rasas, 1)
    )
    return f"""\
# Written by backend/cluster.py at each start; edit that, not this.
global
    log stdout format raw local0 info
    maxconn 4096

defaults
    mode http
    log global
    option dontlognull
    log-format "%ci [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %HM"
    option redispatch 1
    retries 2
    timeout connect 2s
    timeout http-request 10s
    timeout client {wait:g}s
    timeout server {wait:g}s
    timeout tunnel 1h
    timeout client-fin 5s
    default-server inter 1s fall 2 rise 2

frontend apps
    bind 127.0.0.1:{ports.app_balancer}
    default_backend apps

backend apps
    balance roundrobin
    option forwardfor
    option httpchk GET /readyz
    http-check expect status 200
{apps}

frontend rasa
    bind 127.0.0.1:{ports.rasa_balancer}
    default_backend rasa

backend rasa
    balance hdr(X-Conversation-Id)
    hash-type consistent
    option httpchk GET /
    http-check expect status 200
{rasas}

listen statistics
    bind 127.0.0.1:{ports.haproxy_stats}
    stats enable
    stats uri /
    stats refresh 2s
"""


def haproxy_path() -> str:
    return shutil.which("haproxy") or "/usr/sbin/haproxy"


def ensure_haproxy(install: Callable[[], None] | None = None) -> str:
    """HAProxy's binary; Debian's package is installed when it is missing and we are root."""
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if found:
        return found
    if os.geteuid() != 0:
        raise ClusterError("HAProxy is missing: sudo apt-get install haproxy")
    (install or _apt_install_haproxy)()
    found = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(found).exists():
        raise ClusterError("HAProxy could not be installed (apt-get install haproxy)")
    return found


def check_haproxy_config(path: Path) -> None:
    checked = subprocess.run(  # noqa: S603  (HAProxy's binary, our own file)
        [ensure_haproxy(), "-c", "-q", "-f", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if checked.returncode != 0:
        raise ClusterError(f"HAProxy refuses {path}:\n{checked.stdout}{checked.stderr}")


def ensure_services(services: Services, timeout: float = 60.0) -> None:
    """PostgreSQL, Redis and RabbitMQ answer, started here (as .ci/run does) when down."""
    ensure_haproxy()
    for name, url, default_port, start in (
        ("PostgreSQL", services.postgres_admin_url, 5432, _start_postgres),
        ("Redis", services.redis_url, 6379, _start_redis),
        ("RabbitMQ", services.rabbitmq_url, 5672, _start_rabbitmq),
    ):
        address = urlsplit(url)
        host, port = address.hostname or "127.0.0.1", address.port or default_port
        if _answers(host, port):
            continue
        if host not in LOCAL_HOSTS:
            raise ClusterError(f"{name} does not answer at {host}:{port}")
        start(port)
        deadline = time.monotonic() + timeout
        while not _answers(host, port):
            if time.monotonic() > deadline:
                raise ClusterError(f"{name} did not come up at {host}:{port}")
            time.sleep(0.5)


async def ensure_databases(services: Services) -> None:
    """Create the cluster's two databases unless they exist."""
    engine = create_async_engine(
        services.postgres_admin_url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5}
    )
    try:
        async with engine.connect() as connection:
            for name in (services.database, services.tracker_database):
                exists = await connection.scalar(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
                )
                if not exists:
                    await connection.execute(text(f'CREATE DATABASE "{_identifier(name)}"'))
    finally:
        await engine.dispose()


async def drop_databases(services: Services) -> None:
    """Remove the cluster's databases (tests do, after their own cluster)."""
    engine = create_async_engine(
        services.postgres_admin_url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5}
    )
    try:
        async with engine.connect() as connection:
            for name in (services.database, services.tracker_database):
                await connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{_identifier(name)}" WITH (FORCE)')
                )
    finally:
        await engine.dispose()


def spare_ports(count: int) -> list[int]:
    """`count` different ports free now on 127.0.0.1."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def _with_database(url: str, database: str, driver: str) -> str:
    return (
        make_url(url)
        .set(drivername=driver, database=database)
        .render_as_string(hide_password=False)
    )


def _identifier(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ClusterError(f"not a database name: {name!r}")
    return name


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise ClusterError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def _start_postgres(port: int) -> None:
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if not versions:
        raise ClusterError(
            "PostgreSQL is not running and not installed (apt-get install postgresql)"
        )
    _run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"])


def _start_redis(port: int) -> None:
    _run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ]
    )


def _start_rabbitmq(port: int) -> None:
    _run(["rabbitmq-server", "-detached"])


def _apt_install_haproxy() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "haproxy"]):
        subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603
