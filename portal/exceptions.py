"""Domain errors: a service refuses an operation with a translatable message.

Views turn a ``DomainError`` into a form error or a flash message, the API into a 400/409 response,
admin actions into an error message — never a 500.
"""


class DomainError(Exception):
    """A rule of the domain refused the operation. ``message`` is shown to the user."""

    status_code = 400

    def __init__(self, message, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.__class__.__name__

    def __str__(self) -> str:
        return str(self.message)


class ConflictError(DomainError):
    """The operation conflicts with the current state (an illegal transition, a duplicate)."""

    status_code = 409


class PermissionDeniedError(DomainError):
    """The user may not do this to this object."""

    status_code = 403
