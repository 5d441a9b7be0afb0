"""Command line: `python -m backend.cli <command>`; see `--help` for the commands."""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from backend.private_files import UMASK as PRIVATE_UMASK
from backend.settings import ROOT, Settings, SettingsError

if TYPE_CHECKING:
    from rasa_sdk.executor import ActionExecutor
    from sanic import Sanic

    from backend.reports.build import Report
    from backend.reports.periods import Period

ENV_TEMPLATE = """\
# Written by `make run` because no .env existed. Edit freely; never commit it.
# Every name is documented in README.md.
APP_API_TOKEN={app_token}
RASA_AUTH_TOKEN={rasa_token}
# The web widget signs its conversation tokens with this key of its own.
WIDGET_SECRET={widget_secret}
# REDIS_URL=redis://127.0.0.1:6379/0   (rate-limit counters shared by app replicas)
# DATABASE_URL=postgresql+asyncpg://user@127.0.0.1:5432/aduan   (default: SQLite in var/)
RASA_URL=http://127.0.0.1:5005
ACTIONS_URL=http://127.0.0.1:5055
APP_PORT=8000
INSTITUTION=kreditpro
# Channels stay off while their secrets are empty.
TELEGRAM_BOT_TOKEN=
TELEGRAM_WEBHOOK_SECRET=
WHATSAPP_VERIFY_TOKEN=
WHATSAPP_APP_SECRET=
WHATSAPP_ACCESS_TOKEN=
WHATSAPP_PHONE_NUMBER_ID=
"""


# A secret an older `.env` may lack (or leave empty), added by `init-env` without touching
# the other lines.
ADDED_SECRETS = ("WIDGET_SECRET",)


def init_env(path: Path = ROOT / ".env") -> bool:
    """Write `.env` with fresh random secrets; True when written, False when it existed.

    An existing `.env` is never overwritten; only the secrets it lacks are added to it.
    """
    if path.exists():
        add_missing_secrets(path)
        return False
    text = ENV_TEMPLATE.format(
        app_token=secrets.token_urlsafe(32),
        rasa_token=secrets.token_urlsafe(32),
        widget_secret=secrets.token_urlsafe(32),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    return True


def add_missing_secrets(path: Path) -> list[str]:
    """Give an existing `.env` a random value for each added secret it lacks; their names."""
    text = path.read_text()
    added = []
    for name in ADDED_SECRETS:
        assignment = re.compile(rf"^[ \t]*(?:export[ \t]+)?{name}[ \t]*=(.*)$", re.MULTILINE)
        found = assignment.search(text)
        if found is not None and found.group(1).strip() not in ("", '""', "''"):
            continue
        line = f"{name}={secrets.token_urlsafe(32)}"
        if found is not None:
            text = text[: found.start()] + line + text[found.end() :]
        else:
            text += ("" if text.endswith("\n") or not text else "\n") + line + "\n"
        added.append(name)
    if added:
        path.write_text(text)
    return added


def migrate(settings: Settings) -> None:
    """Bring the database schema to the newest revision; var/ and a SQLite file stay private."""
    from backend.db.engine import sqlite_file
    from backend.db.migrate import upgrade
    from backend.private_files import private_directory, private_file

    private_directory(settings.var_dir)
    upgrade(settings.database_url)
    database = sqlite_file(settings.database_url)
    if database is not None:
        private_file(database)


def train() -> Path:
    """Train the Rasa model unless one exists for the current data."""
    from backend.stack import rasa_bin
    from backend.training import ensure_model

    return ensure_model(ROOT, rasa_bin())


def serve(settings: Settings) -> None:
    """Run the app server (gateway, case API, console) in this process; logs masked."""
    from backend.app import create_app
    from backend.masked_logs import mask_personal_data_in_logs
    from backend.private_files import private_directory

    private_directory(settings.var_dir)
    app = create_app(settings)
    mask_personal_data_in_logs()
    app.run(
        host=settings.app_host,
        port=settings.app_port,
        single_process=True,
        access_log=False,
        motd=False,
    )


def actions(port: int) -> None:
    """Run the rasa_sdk action server on loopback with the project's actions (as its `run`)."""
    from functools import partial

    from rasa_sdk.executor import ActionExecutor
    from rasa_sdk.utils import number_of_sanic_workers
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    os.environ.setdefault("SANIC_HOST", "127.0.0.1")
    executor = ActionExecutor()
    executor.register_package("actions")
    loader = AppLoader(factory=partial(action_server_app, executor, str(ROOT / "endpoints.yml")))
    app = loader.load()
    app.prepare(host=os.environ["SANIC_HOST"], port=port, workers=number_of_sanic_workers())
    Sanic.serve(primary=app, app_loader=loader)


def action_server_app(executor: ActionExecutor, endpoints: str) -> Sanic:
    """rasa_sdk's app, built in the main process and in each worker; logs masked in both."""
    from rasa_sdk.endpoint import create_app_for_serve

    from backend.frozen_heap import freeze_after_start
    from backend.masked_logs import mask_personal_data_in_logs

    app = create_app_for_serve(executor, endpoints=endpoints)
    app.register_listener(freeze_after_start, "after_server_start")
    mask_personal_data_in_logs()
    return app


def run_stack(settings: Settings) -> int:
    """Start the three servers, print where to chat, keep them running until Ctrl-C or SIGTERM.

    A server that dies is started again (after 1, 2, 4 … s, at most 30 s), the supervisor
    logging which one and why; only Ctrl-C or SIGTERM stops them all.
    """
    from backend.stack import Stack, StackError

    model = train()
    migrate(settings)
    stack = Stack(settings, model)
    print("Starting the Rasa server, the action server and the app…", flush=True)
    try:
        stack.start()
    except StackError as exc:
        print(f"\nCannot start: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C while starting: the servers run in sessions of their own
        stack.stop()
        return 130
    log_supervision()
    stack.supervisor.run_until_signalled(
        ready=lambda: print(
            f"\nReady. Chat in the browser: {settings.app_url}/\n"
            f"Or with curl:\n  curl -s {settings.app_url}/webhooks/rest/webhook "
            '-H \'Content-Type: application/json\' -d \'{"sender": "me", "message": "halo"}\'\n'
            f"Logs: {stack.log_dir}/  ·  A server that stops is started again  ·  "
            "Ctrl-C stops everything.",
            flush=True,
        )
    )
    print("\nStopping…", flush=True)
    stack.stop()
    return 0


def log_supervision() -> None:
    """The supervisor's notes (which server stopped, why, when it starts again) on stderr."""
    import logging

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    supervisor_logger = logging.getLogger("backend.supervisor")
    supervisor_logger.addHandler(handler)
    supervisor_logger.setLevel(logging.INFO)
    supervisor_logger.propagate = False


def run_cluster(settings: Settings, workers: int) -> int:
    """Start a cluster on this machine (see backend/cluster.py) and keep it up until Ctrl-C."""
    from backend.cluster import Cluster, ClusterError, Services

    model = train()
    cluster = Cluster(settings, model, services=Services.from_env(), workers=workers)
    print("Starting the cluster: services, 2 Rasa, actions, 2 apps, HAProxy…", flush=True)
    try:
        cluster.start()
    except ClusterError as exc:
        print(f"\nCannot start the cluster: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        cluster.stop()
        return 130
    ports = "\n".join(
        f"  {name:<22} 127.0.0.1:{port}" for name, port in cluster.ports.all().items()
    )
    log_supervision()
    cluster.supervisor.run_until_signalled(
        ready=lambda: print(
            f"\nReady. Chat through the balancer: {cluster.url}/\n{ports}\n"
            f"Logs: {cluster.log_dir}/  ·  A server that stops is started again  ·  "
            "Ctrl-C stops the cluster (PostgreSQL, Redis and RabbitMQ keep running).",
            flush=True,
        )
    )
    print("\nStopping…", flush=True)
    cluster.stop()
    return 0


def report(settings: Settings, period: str, fmt: str, out: str | None) -> int:
    """Write the OJK report of `period` as JSON, CSV or XLSX to `out` (`-`: standard output)."""
    import asyncio
    import json

    from backend.reports.export import file_name, to_csv, to_xlsx
    from backend.reports.periods import PeriodError, parse_period

    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        print(exc, file=sys.stderr)
        return 2
    built = asyncio.run(_build_report(settings, parsed))
    if fmt == "json":
        content = json.dumps(built.as_dict(), ensure_ascii=False, indent=2).encode() + b"\n"
    else:
        content = to_csv(built) if fmt == "csv" else to_xlsx(built)
    if out == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return 0
    path = Path(out or file_name(built, fmt))
    path.write_bytes(content)
    print(f"{path} ({len(built.cases)} cases received in {parsed.key})", file=sys.stderr)
    return 0


async def _build_report(settings: Settings, period: Period) -> Report:
    """The report of `period` as of now, from the configured database and institution."""
    from datetime import UTC, datetime

    from backend.db.engine import Database
    from backend.institutions import load_profile
    from backend.reports.build import build_report

    profile = load_profile(settings.institution)
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            return await build_report(
                session,
                period,
                profile=profile,
                calendar=profile.working_calendar(),
                as_of=datetime.now(UTC),
            )
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init-env", help="write .env with random secrets if it is missing")
    commands.add_parser("migrate", help="upgrade the database to the newest schema")
    commands.add_parser("train", help="train the Rasa model if the training data changed")
    commands.add_parser("serve", help="run the app server only")
    commands.add_parser("worker", help="answer turns and send the outbox (no web server)")
    actions_parser = commands.add_parser("actions", help="run the action server only")
    actions_parser.add_argument("--port", type=int, default=5055)
    commands.add_parser("run", help="run the whole service: Rasa, actions and app")
    cluster_parser = commands.add_parser(
        "cluster", help="run a cluster on this machine: 2 Rasa, actions, 2 apps behind HAProxy"
    )
    cluster_parser.add_argument(
        "--workers", type=int, default=0, help="turn workers beside the apps (default 0)"
    )
    supervisor_parser = commands.add_parser(
        "create-supervisor", help="create a console supervisor (password from stdin or a prompt)"
    )
    supervisor_parser.add_argument("--username", required=True)
    supervisor_parser.add_argument("--name", required=True, help="the name given to customers")
    report_parser = commands.add_parser("report", help="write the OJK report of a month or quarter")
    report_parser.add_argument(
        "period", help="a month such as 2026-10 or a quarter such as 2026-Q4"
    )
    report_parser.add_argument("--format", choices=("json", "csv", "xlsx"), default="xlsx")
    report_parser.add_argument(
        "--out",
        help="the file to write (default: laporan-pengaduan-<period>.<format>; - for stdout)",
    )
    args = parser.parse_args(argv)
    if args.command in ("serve", "worker", "actions", "run", "cluster", "migrate"):
        # Whatever the servers (and Rasa, their child) create under var/ is the user's alone.
        os.umask(PRIVATE_UMASK)

    if args.command == "init-env":
        print(".env written with new secrets" if init_env() else ".env exists; kept, secrets added")
        return 0
    if args.command == "train":
        print(train())
        return 0
    if args.command == "actions":
        actions(args.port)
        return 0
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        migrate(settings)
        return 0
    if args.command == "serve":
        serve(settings)
        return 0
    if args.command == "worker":
        from backend.masked_logs import mask_personal_data_in_logs
        from backend.worker import run_worker

        mask_personal_data_in_logs()
        run_worker(settings)
        return 0
    if args.command == "create-supervisor":
        from backend.console.supervisor import create_supervisor

        return create_supervisor(settings, args.username, args.name)
    if args.command == "report":
        return report(settings, args.period, args.format, args.out)
    if args.command == "cluster":
        return run_cluster(settings, args.workers)
    return run_stack(settings)


if __name__ == "__main__":
    sys.exit(main())
