"""A built-in emulator of the MAX Bot API, with a "phone" page to play its users.

Public API: `Emulator`, `serve`, `run_emulator`, `FaultConfig`, `Limits`,
`ApiSchema`/`api_schema` (to validate requests and responses against the official
schema). See README.md in this folder for the control HTTP API.
"""

from maxremind.emulator.app import Emulator
from maxremind.emulator.limits import FaultConfig, Limits
from maxremind.emulator.models import BadRequest, EmulatorError, Forbidden, NotFound
from maxremind.emulator.schema import ApiSchema, api_schema
from maxremind.emulator.server import run_emulator, serve, serve_app

__all__ = [
    "ApiSchema",
    "BadRequest",
    "Emulator",
    "EmulatorError",
    "FaultConfig",
    "Forbidden",
    "Limits",
    "NotFound",
    "api_schema",
    "run_emulator",
    "serve",
    "serve_app",
]
