"""Every business-rule failure is a DomainError; one middleware turns it into a plain page."""


class DomainError(Exception):
    """A rule the user broke, with a message in their words. Nothing was changed."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403
