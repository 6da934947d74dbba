"""Consistent backups of the database and the pass signing keys, and their restore."""
