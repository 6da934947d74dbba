"""Failures of the rate limiter, named as facts."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class RateLimited(DomainError):
    """Too many requests in the current window; `retry_after` seconds until the next one."""

    code = "rate_limited"
    status = 429

    def __init__(self, retry_after: int):
        super().__init__(_l("Trop de demandes : réessayez dans %(seconds)s s.", seconds=retry_after))
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}
