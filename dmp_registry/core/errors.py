"""Domain errors. Services raise these; web/errors.py maps them to HTTP once."""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    default_message = "Bad request"

    def __init__(self, message: str | None = None, errors: dict | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.errors = errors


class NotFoundError(DomainError):
    status = 404
    default_message = "Not found"


class PermissionDenied(DomainError):
    status = 403
    default_message = "You may not do this"


class AuthenticationRequired(DomainError):
    status = 401
    default_message = "Sign in or send an API token"


class InvalidInput(DomainError):
    """422 with per-field messages: {"field": ["message", ...]}."""

    status = 422
    default_message = "The input is not valid"


class ConflictError(DomainError):
    status = 409
    default_message = "The record was changed by someone else; reload it and apply your change again"
