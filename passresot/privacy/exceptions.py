"""Failures of the personal-data tools, named as facts."""
from ..errors import DomainError


class InvalidRetention(DomainError):
    """The retention setting is not a whole number of months of at least 1."""

    code = "invalid_retention"
