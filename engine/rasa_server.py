"""Start `rasa run` with its auth token taken from the environment, never from the command line.

The stack runs `.venv-rasa/bin/python engine/rasa_server.py run --enable-api …`; this
script adds `--auth-token=$RASA_AUTH_TOKEN` to `sys.argv` inside its own process and calls
Rasa's command line there, so `ps` and /proc/<pid>/cmdline (readable by every local user)
never show the token. Runs on the Rasa environment's Python 3.10: standard library only.

For `run` it also makes several Rasa processes safe side by side:

- **Lock store.** With `REDIS_URL` set, Rasa gets its Redis lock store (the conversation's
  ticket lock lives in Redis, so two Rasa processes on one tracker store never run two turns
  of one conversation at once). endpoints.yml is static and Rasa refuses unset `${…}`
  variables, so the launcher writes a copy of the endpoints file with a `lock_store:` section
  added to a private temporary file (removed at exit, or by the next launcher when this one
  was killed) and hands that to Rasa. The Redis password stays out of the file: the section
  reads it from `${RASA_LOCK_STORE_PASSWORD}`, set in this process only. Without `REDIS_URL`,
  or when the file names a lock store itself, the file is used as it is (Rasa's in-memory
  lock store: one Rasa process only).
- **Response check.** Rasa checks every action-server response against its JSON schema by
  rebuilding and re-checking a validator on each call; `engine/action_responses.py` puts a
  validator compiled once in its place (same refusals), after the timeout is set.
- **Connections to the action server.** Rasa opens a new HTTP session, hence a new TCP
  connection, for every custom action; `engine/action_connections.py` makes the sessions share
  one pool of kept-open connections.
- **SQLite tracker store.** The embedded default's tracker store commits every turn inside
  Rasa's event loop; `engine/sqlite_tracker.py` gives its connections the app's pragmas
  (write-ahead log, `synchronous=NORMAL`), so a commit no longer waits for the disk.
- **Action timeout.** Rasa 3.6 waits 300 s for a custom action, hard-coded. The launcher
  sets `RASA_ACTION_TIMEOUT_SECONDS` (default below) in Rasa's constants before Rasa imports
  them, so the turn's timeouts nest (backend/timeouts.py; a unit test keeps the default here
  equal to the one there). `TICKET_LOCK_LIFETIME` is Rasa's own variable; Rasa reads it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

AUTH_VARIABLE = "RASA_AUTH_TOKEN"
AUTH_OPTION = "--auth-token"
ENDPOINTS_OPTION = "--endpoints"
DEFAULT_ENDPOINTS = "endpoints.yml"  # Rasa's own default
REDIS_VARIABLE = "REDIS_URL"
PREFIX_VARIABLE = "RATE_LIMIT_PREFIX"  # the deployment's prefix for its keys in Redis
DEFAULT_PREFIX = "aduan"
PASSWORD_VARIABLE = "RASA_LOCK_STORE_PASSWORD"  # noqa: S105  (a variable's name)
ACTION_TIMEOUT_VARIABLE = "RASA_ACTION_TIMEOUT_SECONDS"
DEFAULT_ACTION_TIMEOUT_SECONDS = 40.0
LOCK_STORE_KEY = re.compile(r"^lock_store\s*:", re.MULTILINE)
GENERATED_PREFIX = "aduan-rasa-endpoints-"  # then the launcher's pid


class LaunchError(SystemExit):
    """The server must not start this way; the message says why."""


def rasa_arguments(argv: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """Rasa's arguments: those given, then the token from the environment (as one argument)."""
    if any(arg == AUTH_OPTION or arg.startswith(f"{AUTH_OPTION}=") for arg in argv):
        raise LaunchError(f"pass the token in {AUTH_VARIABLE}, never on the command line")
    token = environ.get(AUTH_VARIABLE, "")
    if not token.strip():
        raise LaunchError(f"{AUTH_VARIABLE} is empty: the Rasa HTTP API would be open to all")
    # One argument with "=": a random token may start with "-".
    return [*argv, f"{AUTH_OPTION}={token}"]


def lock_store_section(redis_url: str, key_prefix: str) -> tuple[str, dict[str, str]]:
    """The `lock_store:` YAML for Rasa's RedisLockStore, and the environment it reads.

    RedisLockStore takes the host as `url`, then `port`, `db`, `password`, `use_ssl` and an
    alphanumeric `key_prefix` (its keys are `<prefix>:lock:<conversation id>`).
    """
    parts = urlsplit(redis_url)
    if parts.scheme not in ("redis", "rediss"):
        raise LaunchError(f"{REDIS_VARIABLE} must be a redis:// or rediss:// URL")
    database = parts.path.lstrip("/") or parse_qs(parts.query).get("db", ["0"])[0]
    if not database.isdigit():
        raise LaunchError(f"{REDIS_VARIABLE} names no database number: …/{database}")
    lines = [
        "lock_store:",
        "  type: redis",
        f"  url: {json.dumps(parts.hostname or 'localhost')}",
        f"  port: {parts.port or 6379}",
        f"  db: {int(database)}",
        f"  key_prefix: {json.dumps(_alphanumeric(key_prefix))}",
    ]
    environment: dict[str, str] = {}
    if parts.password:
        # Unquoted, so Rasa expands it when it reads the file; the secret is never written.
        lines.append(f"  password: ${{{PASSWORD_VARIABLE}}}")
        environment[PASSWORD_VARIABLE] = unquote(parts.password)
    if parts.scheme == "rediss":
        lines.append("  use_ssl: true")
    return "\n".join(lines) + "\n", environment


def endpoints_with_lock_store(
    text: str, environ: Mapping[str, str]
) -> tuple[str, dict[str, str]] | None:
    """The endpoints file with a Redis lock store added, and its environment; None: keep it."""
    redis_url = environ.get(REDIS_VARIABLE, "").strip()
    if not redis_url or LOCK_STORE_KEY.search(text):
        return None
    section, environment = lock_store_section(
        redis_url, environ.get(PREFIX_VARIABLE) or DEFAULT_PREFIX
    )
    note = (
        "\n# Added by engine/rasa_server.py because REDIS_URL is set: the conversations' locks\n"
        "# live in Redis, shared by every Rasa process on the same tracker store.\n"
    )
    return text.rstrip("\n") + "\n" + note + section, environment


def with_lock_store(
    argv: Sequence[str], environ: MutableMapping[str, str], directory: str | None = None
) -> list[str]:
    """`argv` pointing Rasa at an endpoints file with the Redis lock store, when REDIS_URL is set.

    The generated file is private (0600), removed when this process exits; what it refers to
    (the password) is put into `environ`, this process's own environment.
    """
    arguments = list(argv)
    given, place = _endpoints_argument(arguments)
    source = Path(given or DEFAULT_ENDPOINTS)
    if not source.is_file():
        return arguments
    generated = endpoints_with_lock_store(source.read_text(encoding="utf-8"), environ)
    if generated is None:
        return arguments
    text, environment = generated
    remove_orphaned_endpoints(directory)
    fd, path = tempfile.mkstemp(
        prefix=f"{GENERATED_PREFIX}{os.getpid()}-", suffix=".yml", dir=directory
    )
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    atexit.register(_remove, path)
    environ.update(environment)
    if place is None:
        return [*arguments, f"{ENDPOINTS_OPTION}={path}"]
    arguments[place] = [f"{ENDPOINTS_OPTION}={path}"]
    return arguments


def remove_orphaned_endpoints(directory: str | None = None) -> list[Path]:
    """Remove the files generated by launchers that are gone (killed before they could)."""
    removed = []
    for path in Path(directory or tempfile.gettempdir()).glob(f"{GENERATED_PREFIX}*-*.yml"):
        pid = path.name[len(GENERATED_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            _remove(str(path))
            removed.append(path)
    return removed


def action_timeout_seconds(environ: Mapping[str, str]) -> float:
    """How long Rasa waits for one custom action: RASA_ACTION_TIMEOUT_SECONDS, or the default."""
    raw = environ.get(ACTION_TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_ACTION_TIMEOUT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        raise LaunchError(f"{ACTION_TIMEOUT_VARIABLE} must be a number, got {raw!r}") from None
    if seconds <= 0:
        raise LaunchError(f"{ACTION_TIMEOUT_VARIABLE} must be more than 0")
    return seconds


def set_action_timeout(seconds: float) -> None:
    """Make Rasa wait `seconds` for an action (its DEFAULT_REQUEST_TIMEOUT, 300 s in 3.6).

    Must run before Rasa's modules that copy the constant (the remote action, the endpoint's
    HTTP session) are imported; it fails loudly if one already was.
    """
    import rasa.core.constants as constants

    copies = ("rasa.core.actions.action", "rasa.utils.endpoints")
    imported = [name for name in copies if name in sys.modules]
    if imported:
        raise LaunchError(f"set the action timeout before Rasa imports {', '.join(imported)}")
    constants.DEFAULT_REQUEST_TIMEOUT = seconds


def compile_response_check() -> None:
    """Check the action server's responses with a validator compiled once (action_responses)."""
    _project_importable()
    from engine.action_responses import install

    install()


def keep_action_connections_open() -> None:
    """Calls to the action server on kept-open connections (engine/action_connections.py)."""
    _project_importable()
    from engine.action_connections import install

    install()


def write_sqlite_like_the_app() -> None:
    """A SQLite tracker store in WAL mode with `synchronous=NORMAL` (engine/sqlite_tracker.py)."""
    _project_importable()
    from engine.sqlite_tracker import install

    install()


def keep_saved_trackers() -> None:
    """The SQL tracker store reuses the trackers it saved, checked (engine/tracker_cache.py)."""
    _project_importable()
    from engine.tracker_cache import install

    install()


def _project_importable() -> None:
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)


def main() -> None:
    """Hand over to Rasa's own command line in this process."""
    arguments = rasa_arguments(sys.argv[1:], os.environ)
    if arguments[:1] == ["run"]:
        arguments = with_lock_store(arguments, os.environ)
        set_action_timeout(action_timeout_seconds(os.environ))
        compile_response_check()
        keep_action_connections_open()
        write_sqlite_like_the_app()
        keep_saved_trackers()
    sys.argv = ["rasa", *arguments]
    from rasa.__main__ import main as rasa_main

    rasa_main()


def _endpoints_argument(arguments: Sequence[str]) -> tuple[str | None, slice | None]:
    """The endpoints file given on the command line, and where in `arguments` it is given."""
    for index, argument in enumerate(arguments):
        if argument.startswith(f"{ENDPOINTS_OPTION}="):
            return argument.split("=", 1)[1], slice(index, index + 1)
        if argument == ENDPOINTS_OPTION and index + 1 < len(arguments):
            return arguments[index + 1], slice(index, index + 2)
    return None, None


def _alphanumeric(prefix: str) -> str:
    """Rasa ignores a key prefix that is not alphanumeric; keep only those characters."""
    return "".join(character for character in prefix if character.isalnum()) or DEFAULT_PREFIX


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


if __name__ == "__main__":
    main()
