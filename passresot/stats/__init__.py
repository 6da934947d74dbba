"""The network's statistics: visits, participation, hours, scans and reports of a year (R9)."""
