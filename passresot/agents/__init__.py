"""An office's agents: their records, photos and CSV import."""
