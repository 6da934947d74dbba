"""Eductour programmes: a planned day of partner-site stops, who is invited, who attended."""
