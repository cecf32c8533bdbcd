"""MAX Bot API: client, models, typed errors, rate limiter and long-polling intake."""

from .client import DEFAULT_BASE_URL, MaxClient, RetryPolicy, UpdateBatch, UpdateParseFailure
from .errors import (
    BadRequest,
    Forbidden,
    MaxApiError,
    NetworkError,
    NotFound,
    OperationFailed,
    RateLimited,
    ServerError,
    Unauthorized,
)
from .limiter import RateLimiter
from .polling import MarkerStore, run_polling

__all__ = [
    "DEFAULT_BASE_URL",
    "BadRequest",
    "Forbidden",
    "MarkerStore",
    "MaxApiError",
    "MaxClient",
    "NetworkError",
    "NotFound",
    "OperationFailed",
    "RateLimited",
    "RateLimiter",
    "RetryPolicy",
    "ServerError",
    "Unauthorized",
    "UpdateBatch",
    "UpdateParseFailure",
    "run_polling",
]
