"""Accounts, roles, sign-in and one-time password links."""
