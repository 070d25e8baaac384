"""What the rules refuse, as exceptions that say nothing of HTTP: `http.errors.answer_for` maps each
kind to its status and a TMF Error body, in one place.

Domain code (state tables, PATCH rules and budget, a version's rules) raises these; the message is
what the client is told (it names the field, `$.state: ...`, where there is one).
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse; `message` is what the client is told."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The request breaks a rule of the resource or its schema (400)."""


class Forbidden(DomainError):
    """The request asks for something the server's policy refuses (403)."""


class NotFound(DomainError):
    """What the request names does not exist (404)."""


class Conflict(DomainError):
    """The request conflicts with the resource's current state (409)."""


class TooLarge(DomainError):
    """The result would exceed what the server keeps (413)."""
