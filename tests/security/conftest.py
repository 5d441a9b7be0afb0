"""Attack tests run against the real app on 127.0.0.1, its outside services faked.

The gateway fixtures of the channel tests (`settings`, `gateway`, `web`, the fake Rasa,
Telegram and Graph servers) are reused as they are; console fixtures live in the
console tests' conftest and are imported by the tests that need them.
"""

from tests.integration.bot.conftest import (  # noqa: F401  (pytest fixtures)
    fake_graph,
    fake_rasa,
    fake_telegram,
    gateway,
    settings,
    web,
)
