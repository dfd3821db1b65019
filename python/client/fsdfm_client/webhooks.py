"""Checking the signature of an fsdfm webhook delivery (the scheme of src/client/webhooks.ts).

Every delivery carries ``Fsdfm-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>``.
Verify the raw body exactly as received, before parsing it, and drop a delivery whose
``Fsdfm-Delivery`` id you have already handled (a delivery may arrive more than once).
"""

import hashlib
import hmac
import re
import time
from typing import Optional, Union

__all__ = ["verify_webhook", "WebhookSignatureError", "TOLERANCE_SECONDS"]

#: Signatures older (or further in the future) than this are refused: a replay, or a clock off.
TOLERANCE_SECONDS = 300


class WebhookSignatureError(ValueError):
    """The delivery is not genuine, or too old; the message says why."""


def verify_webhook(secret: str, header: Optional[str], body: Union[bytes, str], now: Optional[float] = None, tolerance: float = TOLERANCE_SECONDS) -> int:
    """Returns the signed timestamp when ``header`` (Fsdfm-Signature) signs ``body`` with
    ``secret`` within ``tolerance`` seconds of ``now`` (unix seconds; default: the clock);
    raises ``WebhookSignatureError`` otherwise."""
    if not header:
        raise WebhookSignatureError("no Fsdfm-Signature header")
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    t = None
    signatures = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and re.fullmatch(r"\d{1,12}", value):
            t = int(value)
        elif key == "v1" and re.fullmatch(r"[0-9a-f]{64}", value):
            signatures.append(value)
    if t is None:
        raise WebhookSignatureError("the signature has no timestamp")
    if not signatures:
        raise WebhookSignatureError("the signature has no v1 value")
    if abs((time.time() if now is None else now) - t) > tolerance:
        raise WebhookSignatureError(f"the timestamp is more than {tolerance:g} s from now (a replay, or a clock off)")
    expected = hmac.new(secret.encode("utf-8"), f"{t}.".encode("ascii") + raw, hashlib.sha256).hexdigest()
    # Several v1 values may come while a secret is being replaced: one match is enough.
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise WebhookSignatureError("the signature does not match the body")
    return t
