"""Console attack tests: the console tests' app, agents and signed-in clients per role."""

from tests.integration.console.conftest import (  # noqa: F401  (pytest fixtures)
    agent,
    fake_rasa,
    gateway,
    supervisor,
)
