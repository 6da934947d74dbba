"""Helpers of the statistics tests."""

#: The year the `network` fixture fills with visits (2024 holds a few too, for comparisons).
YEAR = 2025
