"""Service tests run on the engine's environment: a real SQLite file and a fixed clock."""

from tests.engine.conftest import env  # noqa: F401 - the fixture
