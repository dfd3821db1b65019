"""Errors of the fsdfm client.

Every error answer of the api has the shape ``{"error": {"code", "message", "hint"?, "details"?}}``;
``ApiError`` carries it, and a subclass per kind of answer lets callers catch what they can act on::

    try:
        client.submit("sample", {"steps": 0})
    except InvalidRequest as err:
        print(err.code, err.fields)      # invalid_request ['/spec/steps']
"""

__all__ = [
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
    "error_for",
]


class FsdfmError(Exception):
    """Anything the client raises on purpose."""


class ApiError(FsdfmError):
    """An error answer of the api.

    ``status`` is the HTTP status, ``code`` the stable code (``invalid_request``, ``not_found``,
    ...: match on it, not on the message), ``details`` the bad fields of a 400 as
    ``[{"path": "/spec/steps", "message": "must be >= 1"}]``, ``hint`` what to do about it.
    """

    def __init__(self, status, code, message, details=None, hint=None, retry_after=None):
        super().__init__(f"{code} ({status}): {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details or [])
        self.hint = hint
        self.retry_after = retry_after

    @property
    def fields(self):
        """JSON pointers of the fields at fault, e.g. ``['/spec/steps']``."""
        return [d.get("path") for d in self.details]


class InvalidRequest(ApiError):
    """400: a bad field (``details`` names each), bad JSON or a bad cursor."""


class Unauthorized(ApiError):
    """401: no token, or not a live one."""


class Forbidden(ApiError):
    """403: the token may not do this."""


class NotFound(ApiError):
    """404: no such job, sweep, upload or artifact."""


class Conflict(ApiError):
    """409: the resource is in a state that does not allow this (``not_cancellable``, ``no_report``)."""


class Gone(ApiError):
    """410: an artifact's file is gone from the artifact store."""


class RateLimited(ApiError):
    """429: too many requests or a quota; ``retry_after`` says when to try again."""


class ServerError(ApiError):
    """500: a bug in the service; the message carries a request id for its log."""


class Unavailable(ServerError):
    """503: the store does not answer; ``retry_after`` says when to try again."""


class FsdfmConnectionError(FsdfmError, ConnectionError):
    """The service could not be reached at all (refused, unknown host, reset)."""


class ChecksumError(FsdfmError):
    """A downloaded artifact does not match the sha256 the service registered for it."""


_BY_STATUS = {400: InvalidRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict, 410: Gone, 429: RateLimited, 503: Unavailable}


def error_for(status, body, retry_after=None):
    """The ``ApiError`` subclass for an error answer; ``body`` is its parsed JSON (or None)."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {"code": "not_found" if status == 404 else "unknown", "message": f"HTTP {status}"}
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    return cls(status, error.get("code", "unknown"), error.get("message", ""), error.get("details"), error.get("hint"), retry_after)
