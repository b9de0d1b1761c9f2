class DomainError(Exception):
    """A rule of the service said no. ``message`` is written for the person who tried."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
