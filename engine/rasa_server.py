"""Start `rasa run` with its auth token taken from the environment, never from the command line.

The stack runs `.venv-rasa/bin/python engine/rasa_server.py run --enable-api …`; this
script adds `--auth-token=$RASA_AUTH_TOKEN` to `sys.argv` inside its own process and calls
Rasa's command line there, so `ps` and /proc/<pid>/cmdline (readable by every local user)
never show the token. Runs on the Rasa environment's Python 3.10: standard library only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

AUTH_VARIABLE = "RASA_AUTH_TOKEN"
AUTH_OPTION = "--auth-token"


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


def main() -> None:
    """Hand over to Rasa's own command line in this process."""
    sys.argv = ["rasa", *rasa_arguments(sys.argv[1:], os.environ)]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
