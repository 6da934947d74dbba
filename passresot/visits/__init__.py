"""Visits: a pass holder admitted at a partner site (once per site and calendar year, R1)."""
