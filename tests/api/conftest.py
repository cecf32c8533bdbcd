"""The API tests use the web tests' world: the real app over httpx's ASGI transport, real
services on a real SQLite file, team A with one person per role, team B apart."""

from __future__ import annotations

from tests.web.conftest import WebWorld, web

__all__ = ["WebWorld", "web"]
