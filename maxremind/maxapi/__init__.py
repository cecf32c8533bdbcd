"""MAX Bot API: client, models, typed errors, rate limiter."""

from .client import DEFAULT_BASE_URL, MaxClient, RetryPolicy, UpdateBatch, UpdateParseFailure
from .errors import (
    AttachmentNotReady,
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

__all__ = [
    "DEFAULT_BASE_URL",
    "AttachmentNotReady",
    "BadRequest",
    "Forbidden",
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
]
