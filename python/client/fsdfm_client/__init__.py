"""fsdfm_client: the Python client of the fsdfm job service, standard library only.

    from fsdfm_client import Client, InvalidRequest

    client = Client("http://127.0.0.1:8080")           # or $FSDFM_URL, token from $FSDFM_TOKEN
    job = client.submit("sample", {"steps": 8, "count": 2})
    job = client.wait(job, on_progress=lambda p: print(p["step"], "/", p["total"]))
    print(job["state"], [s["text"] for s in job["result"]["samples"]])

Install it from a clone with ``pip install ./python/client``.
"""

from .client import TERMINAL_STATES, Client, Event
from .errors import (
    ApiError,
    ChecksumError,
    Conflict,
    Forbidden,
    FsdfmConnectionError,
    FsdfmError,
    Gone,
    InvalidRequest,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    Unavailable,
)
from .webhooks import WebhookSignatureError, verify_webhook

__version__ = "0.1.0"

__all__ = [
    "Client",
    "Event",
    "TERMINAL_STATES",
    "FsdfmError",
    "ApiError",
    "InvalidRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Conflict",
    "Gone",
    "RateLimited",
    "ServerError",
    "Unavailable",
    "FsdfmConnectionError",
    "ChecksumError",
    "verify_webhook",
    "WebhookSignatureError",
]
