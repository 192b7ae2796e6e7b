"""Errors that services raise; views and the API turn them into messages.

Messages are in the user's language (translated at raise time) and say what
to do, not what went wrong inside.
"""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code


class PermissionDeniedError(ServiceError):
    status = 403
    code = "permission_denied"


class ConflictError(ServiceError):
    """Someone else changed the record since the user loaded it."""

    status = 409
    code = "conflict"


class TransitionError(ServiceError):
    """A status change that the workflow does not allow from the current state."""

    status = 409
    code = "illegal_transition"
