"""Intake tests reuse the MAX client fixtures (a client over a recording transport)."""

from tests.maxapi.conftest import make_client, recorder  # noqa: F401 - fixtures
