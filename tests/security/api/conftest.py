"""Case API attack tests: the app on a spare port and a client holding the API token."""

from tests.integration.backend.conftest import api, running_app  # noqa: F401  (pytest fixtures)
